"""Law-name normalisation: citations match with or without 中华人民共和国, 《》 and a date.

Kept apart from the statute parser so that loading a catalog does not import it.
"""

from __future__ import annotations

import re

_PARENS = str.maketrans({"（": "(", "）": ")", "〔": "(", "〕": ")", "［": "[", "］": "]"})
_PRC = "中华人民共和国"


def normalize_law_name(name: str) -> str:
    """A comparable form of a law's name: ``《中华人民共和国行政处罚法》`` → ``行政处罚法``.

    Removes surrounding ``《》``, a leading ``中华人民共和国`` (also right after an inner ``《`` or
    ``〈``, so ``浙江省实施《中华人民共和国体育法》办法`` matches ``浙江省实施《体育法》办法``), all
    whitespace, a trailing version date ``(2021-09-30)`` or ``.md``; full-width parentheses
    become ASCII ones and ``〈〉`` become ``《》``.
    """
    text = re.sub(r"\s+", "", name).translate(_PARENS).replace("〈", "《").replace("〉", "》")
    text = text.removesuffix(".md")
    text = re.sub(r"\(\d{4}-\d{1,2}-\d{1,2}\)$", "", text)
    while text.startswith("《") and text.endswith("》") and _balanced(text[1:-1]):
        text = text[1:-1]
    text = text.removeprefix(_PRC)
    return text.replace("《" + _PRC, "《")


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"《": 1, "》": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0
