"""Step 6's focus: at most a few characters, abbreviated the way tutors do."""

from __future__ import annotations

import re
import unicodedata

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
ZWJ = "\u200d"
_WORD = re.compile(r"[^\W_]+")


class FocusTooLong(RuleBroken):
    def __init__(self, focus: str, limit: int) -> None:
        self.suggestion = abbreviate(focus, limit)
        message = f"the focus has {len(focus)} characters; at most {limit} are allowed"
        if self.suggestion:
            message += f" (try --focus {self.suggestion!r})"
        super().__init__(message)


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
    last words down to their initials, then the spaces go. A text with no
    letters or digits is cut instead. Empty only when ``text`` is blank or
    ``limit`` is 0.
    """
    tidy = " ".join(text.split())
    if len(tidy) <= limit:
        return tidy
    words = [_capital(word) for word in _WORD.findall(text)]
    if not words:
        return _cut(tidy, limit)
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


def _cut(text: str, limit: int) -> str:
    """The start of ``text``, at most ``limit`` characters, not ending mid-symbol.

    A cut beside a joiner or before a combining mark, a variation selector or
    a skin tone would break the symbol; it moves back, but never to nothing.
    """
    end = limit
    while end > 1 and (text[end - 1] == ZWJ or _extends(text[end])):
        end -= 1
    return text[:end].rstrip()


def _extends(char: str) -> bool:
    return (
        char == ZWJ
        or unicodedata.category(char) in ("Mn", "Mc", "Me")
        or "\ufe00" <= char <= "\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
    )


def _capital(word: str) -> str:
    first = word[0].upper()
    # Some letters change more than their case (sharp s, dotless i); those stay.
    same = len(first) == 1 and first.casefold() == word[0].casefold()
    return (first if same else word[0]) + word[1:]


def _fits(words: list[str], limit: int) -> bool:
    return len(" ".join(words)) <= limit
