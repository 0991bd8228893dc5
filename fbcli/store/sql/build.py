"""Compile the schema's steps and every statement to SQL, into ``compiled.py``.

    python -m fbcli.store.sql.build          # rewrite compiled.py
    python -m fbcli.store.sql.build --check  # exit 1 if it is out of date

Commands run the compiled text through the database's own driver, so that a
command on a database loads SQLAlchemy only here, never when it runs: its
import alone takes longer than the rest of a command (see the README).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from fbcli.store.sql import schema
from fbcli.store.sql.statements import (
    DIALECTS,
    statements,
    step_four,
    step_two_refresh,
)

TARGET = Path(__file__).with_name("compiled.py")


def dialect_of(name: str) -> Dialect:
    if name == "sqlite":
        return sqlite.dialect(paramstyle="named")
    from sqlalchemy.dialects.postgresql import psycopg

    return psycopg.dialect()  # type: ignore[no-untyped-call]


def sql_of(statement: Any, dialect: Dialect) -> str:
    return str(statement.compile(dialect=dialect)).strip()


def compiled_of(statement: Any, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    """The SQL text, and the values of the parameters SQLAlchemy made for literals."""
    compiled = statement.compile(dialect=dialect)
    names = getattr(compiled, "bind_names", {})
    defaults = {
        names[bind]: bind.effective_value for bind in names if not bind.required
    }
    return str(compiled).strip(), defaults


Compiled = list[tuple[str, dict[str, Any]]]


def steps(dialect: Dialect) -> list[Compiled]:
    """The statements of each schema step, in order."""
    first: Compiled = []
    for table in schema.step_one_tables():
        first.append(compiled_of(CreateTable(table), dialect))
        first.extend(
            compiled_of(CreateIndex(index), dialect)
            for index in sorted(table.indexes, key=lambda i: str(i.name))
        )
    second: Compiled = []
    for name in schema.DERIVED_COLUMNS:
        column = schema.sessions.c[name]
        kind = column.type.compile(dialect=dialect)
        second.append((f"ALTER TABLE sessions ADD COLUMN {name} {kind}", {}))
    indexes = {str(index.name): index for index in schema.sessions.indexes}
    second.extend(
        compiled_of(CreateIndex(indexes[n]), dialect) for n in schema.STATS_INDEXES
    )
    # A store made at version 1 may hold feedback already.
    second.extend(compiled_of(s, dialect) for s in step_two_refresh())
    found = statements(dialect.name)
    third: Compiled = [
        compiled_of(CreateIndex(index), dialect) for index in schema.STEP_3_INDEXES
    ]
    third.extend(compiled_of(s, dialect) for s in as_list(found["analyze"]))
    fourth = [compiled_of(s, dialect) for s in step_four(dialect.name)]
    return [first, second, third, fourth]


def as_list(statement: Executable | list[Executable]) -> list[Executable]:
    return statement if isinstance(statement, list) else [statement]


def compiled_text() -> str:
    lines = [
        '"""SQL compiled from fbcli.store.sql by `python -m fbcli.store.sql.build`.',
        "",
        "Do not edit: change schema.py or statements.py and build again. Each",
        "statement is its text and the values of the parameters SQLAlchemy made",
        "for the constants in it.",
        '"""',
        "",
        "from typing import Any",
        "",
        "Compiled = list[tuple[str, dict[str, Any]]]",
        "",
        f"SCHEMA_VERSION = {len(steps(dialect_of('sqlite')))}",
        f"RECORD_TABLES = {tuple(t.name for t in schema.RECORD_TABLES)!r}",
        "",
        "STEPS: dict[str, list[Compiled]] = {",
    ]
    for name in DIALECTS:
        lines.append(f"    {name!r}: [")
        for step in steps(dialect_of(name)):
            lines.append("        [")
            lines.extend(f"            {item!r}," for item in step)
            lines.append("        ],")
        lines.append("    ],")
    lines += ["}", "", "SQL: dict[str, dict[str, Compiled]] = {"]
    for name in DIALECTS:
        dialect = dialect_of(name)
        lines.append(f"    {name!r}: {{")
        for key, statement in sorted(statements(name).items()):
            lines.append(f"        {key!r}: [")
            lines.extend(
                f"            {compiled_of(s, dialect)!r}," for s in as_list(statement)
            )
            lines.append("        ],")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fbcli.store.sql.build")
    parser.add_argument("--check", action="store_true", help="only check")
    options = parser.parse_args(argv)
    text = compiled_text()
    if options.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date; run python -m fbcli.store.sql.build")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
