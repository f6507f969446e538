"""Tab-separated tables with line-numbered, file-named errors."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nenboard.errors import InputError

csv.field_size_limit(10_000_000)


def open_text(path: Path) -> io.TextIOBase:
    p = Path(path)
    if not p.exists():
        raise InputError.single(str(p), "file not found")
    if p.is_dir():
        raise InputError.single(str(p), "is a directory; expected a file")
    if p.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8", errors="strict")
    return open(p, encoding="utf-8", errors="strict", newline="")


@dataclass
class Table:
    """Header (column -> index) and rows with their 1-based line numbers."""

    path: Path
    header: list[str]
    header_line: int
    columns: dict[str, int]

    def find(self, *names: str) -> int | None:
        """Index of the first column present among ``names`` (case-insensitive)."""
        lower = {c.lower(): i for c, i in self.columns.items()}
        for n in names:
            if n in self.columns:
                return self.columns[n]
            if n.lower() in lower:
                return lower[n.lower()]
        return None

    def need(self, what: str, *names: str) -> int:
        i = self.find(*names)
        if i is None:
            raise InputError.single(
                f"line {self.header_line}", f"missing column {what} (one of: {', '.join(names)}); "
                f"columns found: {', '.join(self.header[:12])}{' ...' if len(self.header) > 12 else ''}",
                source=str(self.path))
        return i


def read_table(path: Path, comment: str = "#", *, what: str = "table"
               ) -> tuple[Table, Iterator[tuple[int, list[str]]]]:
    """Open a TSV; return its header and an iterator of (line number, fields)."""
    path = Path(path)
    fh = open_text(path)
    try:
        lines = _lines(fh, path)
        header_line, header = 0, None
        for lineno, line in lines:
            if not line.strip() or (comment and line.startswith(comment)):
                continue
            header_line, header = lineno, line.rstrip("\r\n").split("\t")
            break
    except BaseException:
        fh.close()
        raise
    if header is None:
        fh.close()
        raise InputError.single("line 1", f"empty {what}: no header and no data rows",
                                source=str(path))
    header = [h.strip() for h in header]
    table = Table(path, header, header_line, {h: i for i, h in enumerate(header)})

    def rows() -> Iterator[tuple[int, list[str]]]:
        n = 0
        try:
            for lineno, line in lines:
                text = line.rstrip("\r\n")
                if not text.strip() or (comment and text.startswith(comment)):
                    continue
                fields = text.split("\t")
                if len(fields) != len(header):
                    raise InputError.single(
                        f"line {lineno}", f"{len(fields)} fields but the header (line "
                        f"{header_line}) has {len(header)}: truncated or malformed row",
                        source=str(path))
                n += 1
                yield lineno, fields
            if n == 0:
                raise InputError.single(f"line {header_line}", f"{what} has a header but no data "
                                        "rows", source=str(path))
        finally:
            fh.close()

    return table, rows()


def _lines(fh: io.TextIOBase, path: Path) -> Iterator[tuple[int, str]]:
    lineno = 0
    try:
        for line in fh:
            lineno += 1
            yield lineno, line
    except UnicodeDecodeError:
        raise InputError.single(f"line {lineno + 1}", "not UTF-8 text", source=str(path)) from None
    except (EOFError, OSError) as exc:
        raise InputError.single(f"line {lineno + 1}", f"file is truncated or corrupt ({exc})",
                                source=str(path)) from None
