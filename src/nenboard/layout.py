"""Plain-text layout for the terminal: word-wrapped paragraphs and tables at any width.

Why not Rich tables: when a table is wider than the terminal, Rich shrinks columns
below their longest word and folds or truncates words ("eligibil…", "sensitivit/y"),
and an id cut short is useless to `kb show`. Here a word is never split and an id is
never truncated: columns shrink only down to their longest word, and text wraps on
spaces only. A `Doc` is a list of blocks; it renders to lines at a width (styled for a
terminal, plain when piped) or, for `--format tsv`, its tables as tab-separated values.
No clinical logic.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from rich.console import Console
from rich.text import Text

GAP = 2  # spaces between table columns


def wrap(text: str, width: int, indent: str = "", hang: str | None = None) -> list[str]:
    """Wrap on spaces only (never inside a word, never at a hyphen)."""
    lines = textwrap.wrap(" ".join(str(text).split()), width=max(width, 1),
                          initial_indent=indent,
                          subsequent_indent=indent if hang is None else hang,
                          break_long_words=False, break_on_hyphens=False)
    return lines or [indent.rstrip()]


@dataclass
class Table:
    """Columns and rows of strings; `title` is printed above it, `tsv` names it in TSV."""

    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    title: str = ""
    indent: int = 0
    nowrap: set[int] = field(default_factory=set)  # column indexes never wrapped (ids)

    def add(self, *cells: object) -> None:
        self.rows.append(["" if c is None else " ".join(str(c).split()) for c in cells])

    def widths(self, width: int) -> list[int]:
        """Natural widths if they fit; else each column >= its longest word, and the
        room left shared max-min fairly (narrow columns get their natural width first)."""
        cells = [self.columns, *self.rows]
        natural = [max(len(r[i]) for r in cells) for i in range(len(self.columns))]
        least = [natural[i] if i in self.nowrap else
                 max((len(w) for r in cells for w in r[i].split()), default=1)
                 for i in range(len(self.columns))]
        room = width - self.indent - GAP * (len(self.columns) - 1)
        if sum(natural) <= room:
            return natural
        spare = max(room - sum(least), 0)
        out = list(least)
        cheap = max(4, room // 10)  # nearly-fitting columns (a label, a status) get it all
        for i in sorted(range(len(out)), key=lambda i: natural[i] - least[i]):
            want = natural[i] - out[i]
            if want <= min(cheap, spare):
                out[i] += want
                spare -= want
        weight = [sum(len(r[i]) for r in self.rows) for i in range(len(out))]
        while spare > 0:  # the rest by amount of text, so the longest column wraps least
            open_ = [i for i in range(len(out)) if out[i] < natural[i]]
            if not open_:
                break
            total = sum(weight[i] for i in open_) or len(open_)
            given = 0
            for i in open_:
                give = min(natural[i] - out[i], max(1, spare * weight[i] // total), spare - given)
                out[i] += give
                given += give
            spare -= given
            if given == 0:
                break
        return out

    def lines(self, width: int) -> list[tuple[str, str]]:
        widths = self.widths(width)
        pad = " " * self.indent
        out: list[tuple[str, str]] = []
        for n, row in enumerate([self.columns, *self.rows]):
            wrapped = [wrap(c, w) if c else [""] for c, w in zip(row, widths, strict=True)]
            for k in range(max(len(c) for c in wrapped)):
                parts = [(c[k] if k < len(c) else "").ljust(w)
                         for c, w in zip(wrapped, widths, strict=True)]
                out.append(((pad + (" " * GAP).join(parts)).rstrip(), "bold" if n == 0 else ""))
            if n == 0:
                out.append((pad + (" " * GAP).join("-" * w for w in widths), "dim"))
        return out

    def tsv(self) -> str:
        clean = [[c.replace("\t", " ") for c in r] for r in [self.columns, *self.rows]]
        return "".join("\t".join(r) + "\n" for r in clean)


@dataclass
class Para:
    text: str
    indent: int = 0
    hang: int | None = None  # indent of continuation lines (default: same as indent)
    style: str = ""


@dataclass
class Verbatim:
    """A line printed as given (already laid out, e.g. YAML folded for the width)."""

    text: str
    style: str = ""


@dataclass
class Doc:
    """What a command prints: headings, paragraphs, tables, blank lines."""

    blocks: list[Table | Para | Verbatim] = field(default_factory=list)

    def heading(self, text: str, style: str = "bold") -> None:
        if self.blocks:
            self.blocks.append(Para(""))
        self.blocks.append(Para(text, style=style))

    def para(self, text: str, indent: int = 0, hang: int | None = None, style: str = "") -> None:
        self.blocks.append(Para(text, indent, hang, style))

    def item(self, text: str, indent: int = 2, style: str = "") -> None:
        """A list entry: '- text' with continuation lines under the text."""
        self.blocks.append(Para(f"- {text}", indent, indent + 2, style))

    def table(self, columns: list[str], title: str = "", indent: int = 0,
              nowrap: set[int] | None = None) -> Table:
        t = Table(list(columns), title=title, indent=indent, nowrap=nowrap or set())
        if title:
            self.heading(title)
        self.blocks.append(t)
        return t

    def lines(self, width: int) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for b in self.blocks:
            if isinstance(b, Table):
                out += b.lines(width)
            elif isinstance(b, Verbatim):
                out.append((b.text, b.style))
            elif not b.text:
                out.append(("", ""))
            else:
                hang = b.indent if b.hang is None else b.hang
                out += [(ln, b.style) for ln in wrap(b.text, width, " " * b.indent, " " * hang)]
        return out

    def text(self, width: int) -> str:
        return "".join(line + "\n" for line, _ in self.lines(width))

    def tsv(self) -> str:
        """Every table, as TSV; several tables are separated by a blank line."""
        return "\n".join(t.tsv() for t in self.blocks if isinstance(t, Table))

    def print(self, console: Console) -> None:
        """Styled on a terminal; plain text (fast, no escape codes) when piped."""
        lines = self.lines(console.width)
        if not console.is_terminal or console.no_color:
            console.file.write("".join(line + "\n" for line, _ in lines))
            return
        text = Text()
        for line, style in lines:
            text.append(line + "\n", style=style or None)
        console.print(text, soft_wrap=True, crop=False, end="")
