"""Errors that cross the edge of nenboard.

`InputError` is the one exception interfaces turn into exit code 2 (CLI) or
HTTP 422 (API): bad input, named by field path, value and what is allowed.
Anything else escaping an engine is an internal error (exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where, what was given, what is allowed."""

    path: str
    message: str
    value: object = None

    def __str__(self) -> str:
        where = self.path or "input"
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{where}: {self.message}{shown}"


@dataclass
class InputError(Exception):
    """Bad input. `problems` lists every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)
    source: str | None = None

    @classmethod
    def single(
        cls, path: str, message: str, value: object = None, source: str | None = None
    ) -> InputError:
        return cls([Problem(path, message, value)], source)

    def one_line(self) -> str:
        head = f"{self.source}: " if self.source else ""
        first = str(self.problems[0]) if self.problems else "invalid input"
        more = len(self.problems) - 1
        return head + first + (f" (and {more} more problem{'s' * (more > 1)})" if more > 0 else "")

    def __str__(self) -> str:
        return self.one_line()
