"""The one exception type of the library, and the located problems it carries.

Every user-facing error is a :class:`DiscretionError` holding one or more :class:`Problem`
records. A problem in a catalog names its file, line and column; a problem in a case names the
field path (``party.age``, ``facts.area_m2``). Each problem says what was expected and suggests
a fix, so that the command line can print it without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a catalog or a case."""

    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: str | None = None  # field path inside the document, e.g. "items[3].tiers[0].when"
    expected: str | None = None
    hint: str | None = None

    def location(self) -> str:
        """``file:line:column`` for catalogs, the field path for cases."""
        parts: list[str] = []
        if self.file:
            loc = self.file
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            parts.append(loc)
        if self.path:
            parts.append(self.path)
        return " ".join(parts) if parts else "<input>"

    def render(self) -> str:
        """A one-paragraph human message: location, problem, what was expected, the fix."""
        text = f"{self.location()}: {self.message}"
        if self.expected:
            text += f"\n    expected: {self.expected}"
        if self.hint:
            text += f"\n    fix: {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "expected": self.expected,
            "hint": self.hint,
        }.items() if v is not None}


class DiscretionError(Exception):
    """Raised for an invalid catalog or case; carries every problem found, not only the first.

    ``problems`` lists them; ``kind`` is ``"catalog"``, ``"case"`` or ``"input"``.
    """

    def __init__(self, problems: Iterable[Problem] | Problem | str, kind: str = "input") -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        self.kind = kind
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the {self.kind}"
        return head + ":\n" + "\n".join(p.render() for p in self.problems)

    def __str__(self) -> str:
        return self.render()

    def __reduce__(self) -> tuple[object, ...]:
        # Sent whole to another process (a Dask worker's error reaches the client): by default
        # an exception is rebuilt from its message, which would lose the problems.
        return (_rebuilt, (type(self), self.problems, self.kind))


def _rebuilt(cls: type[DiscretionError], problems: list[Problem], kind: str) -> DiscretionError:
    error = cls.__new__(cls)
    DiscretionError.__init__(error, problems, kind)
    return error


class CatalogError(DiscretionError):
    """A catalog does not load or validate: problems carry file:line:column."""

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        super().__init__(problems, kind="catalog")


class CaseError(DiscretionError):
    """A case is invalid for the contract or for the item it names: problems carry field paths."""

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        super().__init__(problems, kind="case")
