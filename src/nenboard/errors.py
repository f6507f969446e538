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

    def lines(self) -> list[str]:
        """One complete line per problem (source, field, message, value): the CLI prints
        each, so every line names its field on its own and nothing is hidden."""
        head = f"{self.source}: " if self.source else ""
        return [head + str(p) for p in self.problems] or [head + "invalid input"]

    def one_line(self) -> str:
        """Every problem on one line (batch rows, logs), separated by ' | '."""
        head = f"{self.source}: " if self.source else ""
        return head + (" | ".join(str(p) for p in self.problems) or "invalid input")

    def __str__(self) -> str:
        return self.one_line()
