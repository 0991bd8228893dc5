"""Close matches for names that do not exist, for 'did you mean' hints."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Lower case without accents, for matching what people type."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def close_matches(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        by_fold.setdefault(fold(candidate), candidate)
    wanted = fold(name)
    found = difflib.get_close_matches(wanted, list(by_fold), n=limit, cutoff=0.6)
    if not found:
        found = [key for key in by_fold if wanted and wanted in key][:limit]
    return [by_fold[key] for key in found]
