"""The goal catalog: searching it, and the goals command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fbcli import school
from fbcli.errors import NotFound
from fbcli.rules.catalog import (
    areas,
    by_area,
    find_area,
    find_goal,
    resolve_goals,
    search_goals,
    suggest_ids,
)
from fbcli.rules.model import Goal
from tests.conftest import Runner

CATALOG = {
    goal.id: goal
    for goal in (
        Goal("present-perfect-continuous", "Present perfect continuous", "grammar"),
        Goal("articles", "Articles: a, an, the", "grammar"),
        Goal("cafe-small-talk", "Café small talk: ordering politely", "vocabulary"),
        Goal("resume-walkthrough", "Talking through your résumé", "business"),
        Goal("word-stress", "Word stress", "pronunciation"),
    )
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("cafe", ["cafe-small-talk"], id="accent-in-title"),
        pytest.param("RÉSUMÉ", ["resume-walkthrough"], id="upper-case-accents"),
        pytest.param("perfect cont", ["present-perfect-continuous"], id="two-words"),
        pytest.param("present-perfect", ["present-perfect-continuous"], id="id-part"),
        pytest.param("talk", ["cafe-small-talk", "resume-walkthrough"], id="several"),
        pytest.param("", list(CATALOG), id="everything"),
        pytest.param("zzz", [], id="nothing"),
    ],
)
def test_search_matches_ids_and_titles_whatever_the_case_and_accents(
    text: str, expected: list[str]
) -> None:
    found = search_goals(CATALOG.values(), text)

    assert [goal.id for goal in found] == expected


def test_search_within_an_area() -> None:
    found = search_goals(CATALOG.values(), "e", area="grammar")

    assert [goal.id for goal in found] == ["present-perfect-continuous", "articles"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("Grammar", "grammar", id="case"),
        pytest.param("pronunciation", "pronunciation", id="exact"),
    ],
)
def test_areas_are_found_whatever_the_case(name: str, expected: str) -> None:
    assert find_area(name, list(CATALOG.values())) == expected


def test_an_unknown_area_suggests_close_ones() -> None:
    with pytest.raises(NotFound) as missing:
        find_area("gramar", list(CATALOG.values()))

    assert "did you mean grammar?" in missing.value.message


def test_areas_and_groups_keep_catalog_order() -> None:
    groups = by_area(CATALOG.values())

    assert areas(CATALOG.values()) == [area for area, _ in groups]
    assert [g.id for g in groups[0][1]] == ["present-perfect-continuous", "articles"]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("articles", id="id"),
        pytest.param("ARTICLES", id="id-any-case"),
        pytest.param("articles: a, an, the", id="title"),
    ],
)
def test_a_goal_is_found_by_id_or_title(name: str) -> None:
    assert find_goal(name, CATALOG) == CATALOG["articles"]


def test_suggestions_come_from_ids_and_titles_and_name_ids() -> None:
    assert suggest_ids("artcles", {"articles": "Articles"}) == ["articles"]
    assert suggest_ids("Word stres", {g.id: g.title for g in CATALOG.values()}) == [
        "word-stress"
    ]


def test_resolving_takes_each_goal_once_in_the_order_given() -> None:
    resolved = resolve_goals(["word-stress", "Articles", "articles"], CATALOG)

    assert resolved == ["word-stress", "articles"]


def test_resolving_accepts_goals_no_longer_in_the_catalog_when_asked() -> None:
    resolved = resolve_goals(["old-goal"], CATALOG, also=["old-goal"])

    assert resolved == ["old-goal"]


def test_resolving_an_unknown_goal_suggests_close_ones() -> None:
    with pytest.raises(NotFound) as missing:
        resolve_goals(["articles", "present perfect continuos"], CATALOG)

    assert missing.value.exit_code == 3
    assert "present-perfect-continuous" in missing.value.message


def test_the_school_catalog_has_unique_ids_titles_and_an_area_each() -> None:
    catalog = list(school.goals().values())

    assert len({g.title for g in catalog}) == len(catalog)
    assert all(g.area for g in catalog)


# The command.


def test_goals_lists_the_whole_catalog_grouped_by_area(cli: Runner) -> None:
    result = cli("goals")

    assert result.code == 0
    assert f"{len(school.goals())} goals" in result.stdout
    for goal in school.goals():
        assert goal in result.stdout


def test_goals_json_is_the_matching_goals(cli: Runner) -> None:
    result = cli("goals", "CAFE", "--json")

    assert result.code == 0
    assert json.loads(result.stdout) == [
        {
            "id": "cafe-small-talk",
            "title": "Café small talk: ordering politely",
            "area": "vocabulary",
        }
    ]


def test_goals_of_one_area(cli: Runner) -> None:
    result = cli("goals", "--area", "Business", "--json")

    found = json.loads(result.stdout)
    assert result.code == 0
    assert found
    assert {goal["area"] for goal in found} == {"business"}


def test_an_unknown_area_is_not_found(cli: Runner) -> None:
    result = cli("goals", "--area", "gramar")

    assert result.code == 3
    assert result.stderr == "error: no area 'gramar'; did you mean grammar?\n"
    assert result.stdout == ""


def test_a_search_without_matches_says_so(cli: Runner) -> None:
    result = cli("goals", "zzzz")

    assert result.code == 0
    assert result.stdout == ""
    assert "no goal matches 'zzzz'" in result.stderr


def test_a_search_without_matches_is_an_empty_json_list(cli: Runner) -> None:
    result = cli("goals", "zzzz", "--json")

    assert result.code == 0
    assert json.loads(result.stdout) == []


def test_goals_needs_neither_a_store_nor_a_tutor(cli: Runner) -> None:
    result = cli("--db", "/nonexistent/store.json", "goals", "perfect")

    assert result.code == 0
    assert "present-perfect-continuous" in result.stdout


def test_goals_json_does_not_load_rich(env: dict[str, str]) -> None:
    script = (
        "import sys\n"
        "from fbcli.cli import run\n"
        "code = run(['goals', 'perfect', '--json'])\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m == 'rich'"
        " or m.startswith('rich.'))))\n"
        "sys.exit(code)\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env | {"PATH": ""},
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == "[]"
