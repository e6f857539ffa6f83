"""What one request may ask of the service: every bound is here, and docs/service.md lists them.

A request past a bound is answered with a JSON error naming the bound and the fix, never by a
worker that runs out of memory or time:

- a body larger than its bound: 413, read no further than the bound (a ``Content-Length``
  above it is refused before any of the body is read);
- a batch of more non-blank lines than :attr:`Limits.batch_lines`: 413, before any is decided;
- a decision not made within :attr:`Limits.decision_seconds`: 503 (the engine decides a case
  in well under a millisecond; this bounds what a client waits for, whatever happens);
- a batch still deciding after :attr:`Limits.batch_seconds`: each line not yet decided gets
  an error line saying so, and the stream ends; what was decided stands.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds of one request (see the module's documentation)."""

    # one case (POST /v1/decisions, and the page's form): a case is a few hundred bytes
    case_bytes: int = 1 << 20  # 1 MiB
    # a batch (POST /v1/decisions:batch): JSON Lines
    batch_bytes: int = 16 << 20  # 16 MiB
    batch_lines: int = 10_000
    # time from the request's body being read to its answer
    decision_seconds: float = 10.0
    batch_seconds: float = 120.0
    # lines decided together between two writes of a batch's stream
    batch_chunk: int = 64

    def describe(self) -> str:
        """The bounds in words (the API's description in /openapi.json)."""
        return (f"A case body holds at most {self.case_bytes:,} bytes; a batch at most "
                f"{self.batch_bytes:,} bytes and {self.batch_lines:,} non-blank lines; a "
                f"decision is answered within {self.decision_seconds:g} s (else 503), a batch "
                f"streams for at most {self.batch_seconds:g} s (lines not decided by then get "
                "an error line). Larger bodies get 413.")


DEFAULT_LIMITS = Limits()
