"""The store file's layout, and tables that are parsed only as far as a command needs.

fbcli writes its TinyDB file with one table per block and one document per line:

    {
    "meta":{
    "1":{"schema_version":1}
    },
    "sessions":{
    "1":{"id":"S-1001","tutor":"maria","student":"ST-101",...},
    "2":{"id":"S-1002","tutor":"tom","student":"ST-102",...}
    },
    ...
    }

It is plain JSON, so TinyDB and any JSON tool read it. JSON escapes every line
break inside a string, so each line of a block is one document, and each
document starts with the fields fbcli looks things up by (a session's id, tutor
and student; a feedback record's session; ...). A command that needs three
sessions of one tutor finds their lines with one regular-expression pass over
the block and parses those lines only; a block it does not change is written
back as the bytes it read. A block whose lines do not all have that shape (a
file written by another tool) is simply parsed whole.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

Record = dict[str, Any]

# The fields each table's lines start with, in the order fbcli writes them.
LEADING_FIELDS: dict[str, tuple[str, ...]] = {
    "tutors": ("id",),
    "students": ("id",),
    "sessions": ("id", "tutor", "student"),
    "feedback": ("session",),
    "plan_changes": ("student",),
}

_NAME = re.compile(rb"[a-z_]{1,40}")


def _line_pattern(fields: Sequence[str]) -> re.Pattern[bytes]:
    # Values with a quote or a backslash do not match, so their lines send the
    # table to the whole-table parse rather than being read wrongly.
    leading = rb",".join(
        rb'"' + re.escape(name.encode()) + rb'":"([^"\\]*)"' for name in fields
    )
    return re.compile(rb'\n"(\d+)":\{' + leading)


def split_blocks(raw: bytes) -> dict[str, bytes] | None:
    """Each table's block of document lines, or None if ``raw`` is not laid out so.

    A file that is not (a file from another tool, or a damaged one) goes to
    the whole-file JSON parse, which reads the first and refuses the second.
    """
    if not raw.startswith(b'{\n"') or b"\x00" in raw:
        return None
    blocks: dict[str, bytes] = {}
    pos = 1
    while True:
        if not raw.startswith(b'\n"', pos):
            return None
        colon = raw.find(b'":{', pos + 2)
        name = raw[pos + 2 : colon]
        if colon < 0 or not _NAME.fullmatch(name) or name.decode() in blocks:
            return None
        body_start = colon + 3
        end = raw.find(b"\n}", body_start)
        if end < 0:
            return None
        body = raw[body_start:end]
        if body and not body.startswith(b'\n"'):
            return None
        blocks[name.decode()] = body
        pos = end + 2
        if raw.startswith(b",", pos):
            pos += 1
            continue
        return blocks if raw[pos:] in (b"\n}\n", b"\n}") else None


def join_blocks(blocks: Iterable[tuple[str, bytes]]) -> bytes:
    """The file for these tables' blocks."""
    parts = [b'\n"' + name.encode() + b'":{' + body + b"\n}" for name, body in blocks]
    return b"{" + b",".join(parts) + b"\n}\n"


def block_of(records: dict[str, Record]) -> bytes:
    """A block with one line per document."""
    dumps = orjson.dumps
    return b",".join(
        b'\n"' + doc_id.encode() + b'":' + dumps(record)
        for doc_id, record in records.items()
    )


class MalformedTable(ValueError):
    """A table's block is not an object of documents."""


class Table:
    """One table: a block of lines until something needs the whole of it."""

    def __init__(
        self,
        name: str,
        *,
        records: dict[str, Record] | None = None,
        block: bytes | None = None,
    ) -> None:
        self.name = name
        self._records = records
        self._block = block
        self._lines: list[bytes] | None = None
        self._keys: list[tuple[bytes, ...]] | None = None
        self._index: dict[str, dict[str, list[int]]] = {}
        self._unindexed = False
        self._groups: dict[str, dict[str, list[Record]]] = {}

    @property
    def parsed(self) -> bool:
        return self._records is not None

    def records(self) -> dict[str, Record]:
        """Every document by its TinyDB id, parsing the block if needed."""
        if self._records is None:
            assert self._block is not None
            try:
                records = orjson.loads(b"{" + self._block + b"}")
            except orjson.JSONDecodeError:
                raise MalformedTable(self.name) from None
            if not isinstance(records, dict) or not all(
                isinstance(record, dict) for record in records.values()
            ):
                raise MalformedTable(self.name)
            self._records = records
            self._block = None
            self._lines = self._keys = None
            self._index = {}
        return self._records

    def find(self, field: str, value: str) -> list[Record]:
        """The documents whose ``field`` is ``value``, in the order stored."""
        if self._records is None:
            lines = self._line_numbers(field)
            if lines is not None:
                return [self._document(n) for n in lines.get(value, ())]
        return self._grouped(field).get(value, [])

    def values_of(self, field: str) -> list[str]:
        """The distinct values of every document's ``field``, in the order stored."""
        if self._records is None:
            lines = self._line_numbers(field)
            if lines is not None:
                return list(lines)
        return list(self._grouped(field))

    def _grouped(self, field: str) -> dict[str, list[Record]]:
        grouped = self._groups.get(field)
        if grouped is None:
            grouped = defaultdict(list)
            for record in self.records().values():
                value = record.get(field)
                if isinstance(value, str):
                    grouped[value].append(record)
            self._groups[field] = grouped
        return grouped

    def next_id(self) -> int:
        if self._records is not None:
            return max((int(key) for key in self._records), default=0) + 1
        keys = self._line_keys()
        if keys is None:
            return max((int(key) for key in self.records()), default=0) + 1
        return max((int(key[0]) for key in keys), default=0) + 1

    def append(self, records: Iterable[Record]) -> None:
        """Add new documents after the stored ones."""
        next_id = self.next_id()
        added = {str(next_id + n): record for n, record in enumerate(records)}
        if not added:
            return
        if self._records is not None:
            self._records.update(added)
            self._groups = {}
            return
        assert self._block is not None
        new = block_of(added)
        self._block = self._block + b"," + new if self._block else new
        self._lines = self._keys = None
        self._index = {}
        self._unindexed = False

    def block(self) -> bytes:
        """The table's block as it is to be written."""
        if self._records is not None:
            return block_of(self._records)
        assert self._block is not None
        return self._block

    # The lines, read only as far as lookups need.

    def _line_keys(self) -> list[tuple[bytes, ...]] | None:
        if self._keys is None and self._records is None and not self._unindexed:
            fields = LEADING_FIELDS.get(self.name)
            assert self._block is not None
            keys = _line_pattern(fields).findall(self._block) if fields else []
            if not fields or len(keys) != self._block.count(b"\n"):
                self._unindexed = True
                return None
            self._keys = [key if isinstance(key, tuple) else (key,) for key in keys]
        return self._keys

    def _line_numbers(self, field: str) -> dict[str, list[int]] | None:
        if field in self._index:
            return self._index[field]
        fields = LEADING_FIELDS.get(self.name, ())
        keys = self._line_keys() if field in fields else None
        if keys is None:
            return None
        at = fields.index(field) + 1
        grouped: dict[str, list[int]] = defaultdict(list)
        for number, key in enumerate(keys):
            grouped[key[at].decode()].append(number)
        self._index[field] = grouped
        return grouped

    def _document(self, number: int) -> Record:
        if self._lines is None:
            assert self._block is not None
            self._lines = self._block.split(b"\n")[1:]
        line = self._lines[number].removesuffix(b",")
        try:
            (record,) = orjson.loads(b"{" + line + b"}").values()
        except (orjson.JSONDecodeError, ValueError):
            raise MalformedTable(self.name) from None
        if not isinstance(record, dict):
            raise MalformedTable(self.name)
        return record
