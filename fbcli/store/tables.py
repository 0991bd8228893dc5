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
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

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


Buffer = bytes | memoryview
Span = tuple[int, int]


class Block(NamedTuple):
    start: int
    end: int
    checksum: int | None  # the CRC-32 fbcli recorded, when the block still has it


def split_blocks(raw: bytes) -> dict[str, Block] | None:
    """Where each table's block of document lines lies in ``raw``.

    fbcli records each block's length and CRC-32 in the meta table, which
    comes first, so a file it wrote is split without reading through it; a
    block whose recorded length does not fit is found by its closing line
    instead, and one whose checksum does not match is marked unverified.
    None if ``raw`` is not laid out in blocks at all: a file from another
    tool, or a damaged one, goes to the whole-file JSON parse, which reads
    the first and refuses the second.
    """
    if not raw.startswith(b'{\n"') or b"\x00" in raw:
        return None
    blocks: dict[str, Block] = {}
    recorded: dict[str, tuple[int, int]] = {}
    pos = 1
    while True:
        if not raw.startswith(b'\n"', pos):
            return None
        colon = raw.find(b'":{', pos + 2)
        name = raw[pos + 2 : colon]
        if colon < 0 or not _NAME.fullmatch(name) or name.decode() in blocks:
            return None
        start = colon + 3
        size, checksum = recorded.get(name.decode(), (-1, None))
        sized = size >= 0 and raw.startswith(b"\n}", start + size)
        end = start + size if sized else raw.find(b"\n}", start)
        if end < 0 or (end > start and not raw.startswith(b'\n"', start)):
            return None
        if not sized or zlib.crc32(memoryview(raw)[start:end]) != checksum:
            checksum = None
        blocks[name.decode()] = Block(start, end, checksum)
        if not blocks.keys() - {"meta"}:
            recorded = recorded_blocks(raw[start:end])
        pos = end + 2
        if raw.startswith(b",", pos):
            pos += 1
            continue
        ending = raw[pos:] if len(raw) - pos <= 3 else b""
        return blocks if ending in (b"\n}\n", b"\n}") else None


def recorded_blocks(meta: bytes) -> dict[str, tuple[int, int]]:
    """Each block's length and CRC-32 as the meta table records them, if readable."""
    try:
        records = orjson.loads(b"{" + meta + b"}")
        blocks = next(iter(records.values())).get("blocks")
    except (orjson.JSONDecodeError, AttributeError, StopIteration):
        return {}
    if not isinstance(blocks, dict):
        return {}
    recorded = {}
    for name, block in blocks.items():
        if isinstance(block, dict):
            size, checksum = block.get("size"), block.get("crc32")
            if isinstance(size, int) and size >= 0 and isinstance(checksum, int):
                recorded[name] = (size, checksum)
    return recorded


def block_record(size: int, checksum: int) -> dict[str, int]:
    """What the meta table records of a block."""
    return {"size": size, "crc32": checksum}


def file_parts(blocks: Iterable[tuple[str, Sequence[Buffer]]]) -> list[Buffer]:
    """The pieces of the file for these tables' blocks, in order, without copying them."""
    parts: list[Buffer] = [b"{"]
    for number, (name, block) in enumerate(blocks):
        parts.append((b',\n"' if number else b'\n"') + name.encode() + b'":{')
        parts.extend(block)
        parts.append(b"\n}")
    parts.append(b"\n}\n")
    return parts


def join_blocks(blocks: Iterable[tuple[str, bytes]]) -> bytes:
    """The file for these tables' blocks."""
    return b"".join(file_parts((name, [block]) for name, block in blocks))


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
    """One table: a block of lines until something needs the whole of it.

    The block stays where the file was read, as a span of its bytes, so
    that reading it and writing it back unchanged copies nothing. A lookup by
    a leading field first searches the span for the field's exact JSON text
    and parses the lines it is on; from the third lookup on the same field,
    one pass reads that field off every line into an index.
    """

    NEEDLE_LOOKUPS = 2

    def __init__(
        self,
        name: str,
        *,
        records: dict[str, Record] | None = None,
        block: bytes | None = None,
        source: bytes = b"",
        span: Span | None = None,
        checksum: int | None = None,
    ) -> None:
        self.name = name
        self._records = records
        if block is not None:
            source, span = block, (0, len(block))
        self._source = source
        self._start, self._end = span or (0, 0)
        self._added: list[bytes] = []
        self._groups: dict[str, dict[str, list[Record]]] = {}
        # A block with the checksum fbcli recorded is fbcli's own, compact output.
        self._checksum = checksum
        self._compact: bool | None = True if checksum is not None else None
        self._reset_lines()

    def _reset_lines(self) -> None:
        self._lookups: dict[str, int] = defaultdict(int)
        self._keys: list[tuple[int, tuple[bytes, ...]]] | None = None
        self._index: dict[str, dict[bytes, list[int]]] = {}

    @property
    def parsed(self) -> bool:
        return self._records is not None

    def records(self) -> dict[str, Record]:
        """Every document by its TinyDB id, parsing the block if needed."""
        if self._records is None:
            try:
                records = orjson.loads(b"".join([b"{", *self.parts(), b"}"]))
            except orjson.JSONDecodeError:
                raise MalformedTable(self.name) from None
            if not isinstance(records, dict) or not all(
                isinstance(record, dict) for record in records.values()
            ):
                raise MalformedTable(self.name)
            self._records = records
            self._source, self._start, self._end = b"", 0, 0
            self._added = []
            self._checksum = None
            self._reset_lines()
        return self._records

    def find(self, field: str, value: str) -> list[Record]:
        """The documents whose ``field`` is ``value``, in the order stored."""
        if self._records is None and not self._added:
            if field not in self._index and self._leading(field):
                self._lookups[field] += 1
                if self._lookups[field] <= self.NEEDLE_LOOKUPS:
                    return self._search(field, value)
            lines = self._line_numbers(field)
            if lines is not None:
                return [self._document(n) for n in lines.get(value.encode(), ())]
        return self._grouped(field).get(value, [])

    def find_each(self, field: str, values: Sequence[str]) -> dict[str, list[Record]]:
        """The documents whose ``field`` is each of ``values``: one pass for many."""
        if len(values) > self.NEEDLE_LOOKUPS and self._records is None:
            self._line_numbers(field)
        return {value: self.find(field, value) for value in values}

    def values_of(self, field: str) -> list[str]:
        """The distinct values of every document's ``field``, in the order stored."""
        if self._records is None and not self._added and self._leading(field):
            lines = self._line_numbers(field)
            if lines is not None:
                return [value.decode() for value in lines]
        return list(self._grouped(field))

    def next_id(self) -> int:
        if self._records is None and not self._added:
            keys = self._line_keys()
            if keys is not None:
                return max((int(key[0]) for _, key in keys), default=0) + 1
        return max((int(key) for key in self.records()), default=0) + 1

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
        empty = self._start == self._end and not self._added
        self._added.append(block_of(added) if empty else b"," + block_of(added))

    def written(self) -> tuple[list[Buffer], int, int]:
        """The block as it is to be written, in pieces, with its length and CRC-32."""
        parts = self.parts()
        checksum, unsummed = 0, parts
        if self._records is None and self._checksum is not None:
            # The stored bytes are the ones summed when the file was read.
            checksum, unsummed = self._checksum, parts[1:]
        for part in unsummed:
            checksum = zlib.crc32(part, checksum)
        return parts, sum(len(part) for part in parts), checksum

    def parts(self) -> list[Buffer]:
        """The table's block as it is to be written, in pieces."""
        if self._records is not None:
            return [block_of(self._records)]
        stored = memoryview(self._source)[self._start : self._end]
        return [stored, *self._added]

    def block(self) -> bytes:
        return b"".join(self.parts())

    # Parsed tables: an index over the documents.

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

    # Unparsed tables: the lines, read only as far as lookups need.

    def _count(self, text: bytes) -> int:
        return self._source.count(text, self._start, self._end)

    def _leading(self, field: str) -> bool:
        """Whether ``field`` can be found on the lines as fbcli writes them.

        Every line must hold each leading field in fbcli's compact form; a
        table edited by hand, or by another tool, is parsed whole instead.
        """
        fields = LEADING_FIELDS.get(self.name, ())
        if field not in fields:
            return False
        if self._compact is None:
            # Not known to be fbcli's own: check that every line has the fields.
            lines = self._count(b"\n")
            first, *rest = fields
            self._compact = self._count(
                b'":{"' + first.encode() + b'":"'
            ) == lines and all(
                self._count(b',"' + name.encode() + b'":"') == lines for name in rest
            )
        return self._compact

    def _search(self, field: str, value: str) -> list[Record]:
        """Documents found by searching for ``"field":value`` on their lines."""
        source, first, last = self._source, self._start, self._end
        needle = b'"' + field.encode() + b'":' + orjson.dumps(value)
        found: dict[int, Record] = {}
        at = source.find(needle, first, last)
        while at >= 0:
            end = at + len(needle)
            if source[end : end + 1] in (b",", b"}"):
                start = source.rfind(b"\n", first, at) + 1
                if start not in found:
                    record = self._line_at(start)
                    if record.get(field) == value:
                        found[start] = record
            at = source.find(needle, end, last)
        return list(found.values())

    def _line_keys(self) -> list[tuple[int, tuple[bytes, ...]]] | None:
        """Each line's start and leading fields, if every line has them."""
        if self._keys is None:
            fields = LEADING_FIELDS.get(self.name)
            if not fields:
                return None
            pattern = _line_pattern(fields)
            keys = [
                (match.start() + 1, match.groups())
                for match in pattern.finditer(self._source, self._start, self._end)
            ]
            if len(keys) != self._count(b"\n"):
                return None
            self._keys = keys
        return self._keys

    def _line_numbers(self, field: str) -> dict[bytes, list[int]] | None:
        if field in self._index:
            return self._index[field]
        if self._added or field not in LEADING_FIELDS.get(self.name, ()):
            return None
        keys = self._line_keys()
        if keys is None:
            return None
        at = LEADING_FIELDS[self.name].index(field) + 1
        grouped: dict[bytes, list[int]] = {}
        for number, (_, key) in enumerate(keys):
            grouped.setdefault(key[at], []).append(number)
        self._index[field] = grouped
        return grouped

    def _document(self, number: int) -> Record:
        assert self._keys is not None
        return self._line_at(self._keys[number][0])

    def _line_at(self, start: int) -> Record:
        stop = self._source.find(b"\n", start, self._end)
        line = self._source[start : stop if stop >= 0 else self._end]
        try:
            (record,) = orjson.loads(b"{" + line.removesuffix(b",") + b"}").values()
        except (orjson.JSONDecodeError, ValueError):
            raise MalformedTable(self.name) from None
        if not isinstance(record, dict):
            raise MalformedTable(self.name)
        return record
