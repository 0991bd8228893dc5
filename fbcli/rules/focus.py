"""Step 6's focus: at most a few characters, abbreviated the way tutors do."""

from __future__ import annotations

import re

from fbcli.errors import RuleBroken

# Short forms tutors already use for the catalog's common words; any other long
# word is cut to its first letters.
SHORT_FORMS = {
    "present": "Pres",
    "continuous": "Cont",
    "progressive": "Prog",
    "conditional": "Cond",
    "conditionals": "Conds",
    "vocabulary": "Vocab",
    "pronunciation": "Pron",
    "conversation": "Conv",
    "introduction": "Intro",
    "intermediate": "Interm",
    "advanced": "Adv",
    "adjectives": "Adjs",
    "adverbs": "Advs",
    "prepositions": "Preps",
    "infinitives": "Infs",
    "comparatives": "Comps",
    "superlatives": "Sups",
    "questions": "Qs",
    "business": "Biz",
    "presentation": "Pres",
    "presentations": "Press",
    "negotiation": "Negot",
    "negotiations": "Negots",
}
CUT_LENGTH = 4
_WORD = re.compile(r"[^\W_]+")


class FocusTooLong(RuleBroken):
    def __init__(self, focus: str, limit: int) -> None:
        self.suggestion = abbreviate(focus, limit)
        super().__init__(
            f"the focus has {len(focus)} characters; at most {limit} are allowed "
            f"(try --focus {self.suggestion!r})"
        )


def check_focus(focus: str, limit: int) -> str:
    """The focus as it will be saved, or FocusTooLong with a suggestion."""
    text = " ".join(focus.split())
    if len(text) > limit:
        raise FocusTooLong(text, limit)
    return text


def abbreviate(text: str, limit: int = 20) -> str:
    """A short form of ``text`` of at most ``limit`` characters.

    Every word keeps its initial, in order, while that is possible: conventional
    short forms first, then the longest words cut to four letters, then the
    last words down to their initials, then the spaces go.
    """
    tidy = " ".join(text.split())
    if len(tidy) <= limit:
        return tidy
    words = [_capital(word) for word in _WORD.findall(text)]
    if _fits(words, limit):
        return " ".join(words)

    words = [SHORT_FORMS.get(word.casefold(), word) for word in words]
    while not _fits(words, limit):
        longest = max(range(len(words)), key=lambda i: (len(words[i]), -i))
        if len(words[longest]) <= CUT_LENGTH:
            break
        words[longest] = words[longest][:CUT_LENGTH]

    for index in reversed(range(len(words))):
        if _fits(words, limit):
            break
        words[index] = words[index][0]
    if _fits(words, limit):
        return " ".join(words)
    return "".join(words)[:limit]


def _capital(word: str) -> str:
    first = word[0].upper()
    # Some letters change more than their case (sharp s, dotless i); those stay.
    same = len(first) == 1 and first.casefold() == word[0].casefold()
    return (first if same else word[0]) + word[1:]


def _fits(words: list[str], limit: int) -> bool:
    return len(" ".join(words)) <= limit
