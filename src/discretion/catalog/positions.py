"""Turning pydantic validation errors into located problems (file:line:column + a fix)."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from discretion.catalog.yamlpos import Located, PathKey
from discretion.errors import Problem


def known_keys(*models: type[BaseModel]) -> set[str]:
    """Every field name of the given models and of the models nested in them."""
    seen: set[type[BaseModel]] = set()
    keys: set[str] = set()
    stack = list(models)
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(name)
            for arg in _model_args(info.annotation):
                stack.append(arg)
    return keys


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_model_args(arg))
    return found


def doc_path(value: Any, loc: tuple[Any, ...]) -> PathKey:
    """The part of a pydantic ``loc`` that exists in the loaded document (drops union tags)."""
    path: list[str | int] = []
    current = value
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str):
            # a missing or extra key: keep it so the message names it, then stop
            path.append(part)
            break
    return tuple(path)


def located_problems(exc: ValidationError, doc: Located, prefix: PathKey, value: Any,
                     keys: set[str]) -> list[Problem]:
    """Every error of ``exc`` (raised validating ``value`` found at ``prefix`` in ``doc``)."""
    problems: list[Problem] = []
    seen: set[tuple[PathKey, str]] = set()
    for error in exc.errors(include_url=False):
        rel = doc_path(value, tuple(error["loc"]))
        path = (*prefix, *rel)
        kind = error["type"]
        message = error["msg"]
        expected: str | None = None
        hint: str | None = None
        if kind == "missing":
            field = rel[-1] if rel else "?"
            message = f"missing required key '{field}'"
            hint = f"add '{field}:' here"
            path = path[:-1] if rel else path
        elif kind == "extra_forbidden":
            field = str(rel[-1]) if rel else "?"
            message = f"unknown key '{field}'"
            close = difflib.get_close_matches(field, sorted(keys), n=2)
            hint = ("did you mean " + " or ".join(close) + "?") if close else "remove it"
        elif kind in ("literal_error", "enum"):
            expected = str(error.get("ctx", {}).get("expected", "")) or None
            message = f"not an accepted value: {error.get('input')!r}"
        elif kind.endswith("_type") or kind.endswith("_parsing"):
            expected = message
            message = f"wrong type: {error.get('input')!r}"
        elif kind == "value_error":
            message = message.removeprefix("Value error, ")
        key = (path, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(doc.problem(path, message, expected=expected, hint=hint))
    return problems
