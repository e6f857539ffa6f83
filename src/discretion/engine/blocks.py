"""Reading an iterable in blocks, for work done a block at a time (``Engine.evaluate_many``,
the chunks of ``check --batch`` and ``audit``): when the iterable itself fails, the items read
before the failure still come out first, so they are decided before the error is raised."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size``; if reading fails, the items read before come first."""
    block: list[T] = []
    source = iter(items)
    while True:
        try:
            item = next(source)
        except StopIteration:
            break
        except Exception:
            if block:
                yield block
            raise
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


__all__ = ["chunks"]
