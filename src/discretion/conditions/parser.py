"""Parser of the condition language: source text -> AST, by recursive descent (never eval).

Grammar (keywords are case-sensitive; ``且``/``并且``, ``或``/``或者`` and ``非`` are accepted as
Chinese spellings of ``and``, ``or`` and ``not``; ``≤ ≥ ≠`` as ``<= >= !=``)::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | atom
    atom       := "(" expr ")" | "true" | "false" | comparison
    comparison := NAME [ OP literal | "in" list | "not" "in" list ]
                | literal OP NAME
    list       := "[" literal ("," literal)* [","] "]"
    literal    := NUMBER | STRING | "true" | "false"

Limits keep hostile catalogs bounded: 4,000 characters, nesting depth 32, 200 list entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from discretion.conditions.ast import (
    FLIPPED_OP,
    And,
    Compare,
    Const,
    Expr,
    InList,
    Literal,
    Name,
    Not,
    Or,
    Truth,
    Value,
)

MAX_LENGTH = 4000
MAX_DEPTH = 32
MAX_LIST = 200
MAX_NUMBER_DIGITS = 30

_KEYWORDS = {
    "and": "and", "且": "and", "并且": "and",
    "or": "or", "或": "or", "或者": "or",
    "not": "not", "非": "not",
    "in": "in", "true": "true", "false": "false",
}
_OPS = {"==": "==", "!=": "!=", "<=": "<=", ">=": ">=", "<": "<", ">": ">",
        "≤": "<=", "≥": ">=", "≠": "!="}

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|“[^”\n]*”)
  | (?P<op>==|!=|<=|>=|<|>|≤|≥|≠)
  | (?P<punct>[()\[\],])
  | (?P<cjk>并且|或者|且|或|非)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)


class ConditionSyntaxError(ValueError):
    """The condition text does not parse; ``offset`` is the 0-based character position."""

    def __init__(self, message: str, offset: int, expected: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.expected = expected
        self.hint = hint


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number string op punct kw name end
    text: str
    offset: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            char = source[pos]
            hint = None
            if char == "=":
                hint = "write == to compare for equality"
            elif char in "（）［］，＝＜＞":
                hint = "use half-width punctuation ( ) [ ] , == < >"
            raise ConditionSyntaxError(f"unexpected character {char!r}", pos,
                                       "a name, a number, a quoted string or an operator", hint)
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "name" and text in _KEYWORDS:
            tokens.append(_Token("kw", _KEYWORDS[text], pos))
        elif kind == "cjk":
            tokens.append(_Token("kw", _KEYWORDS[text], pos))
        elif kind == "op":
            tokens.append(_Token("op", _OPS[text], pos))
        elif kind != "ws":
            tokens.append(_Token(kind, text, pos))
        pos = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def at_keyword(self, word: str) -> bool:
        return self.current.kind == "kw" and self.current.text == word

    def expect_punct(self, char: str) -> _Token:
        token = self.current
        if token.kind != "punct" or token.text != char:
            raise ConditionSyntaxError(f"expected {char!r}, found {_describe(token)}",
                                       token.offset, repr(char))
        return self.advance()

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionSyntaxError(f"nesting deeper than {MAX_DEPTH} levels", offset,
                                       hint="split the condition into simpler tiers")

    def parse(self) -> Expr:
        expr = self.or_expr()
        if self.current.kind != "end":
            raise ConditionSyntaxError(f"unexpected {_describe(self.current)}",
                                       self.current.offset, "and, or, or the end of the condition")
        return expr

    def or_expr(self) -> Expr:
        operands = [self.and_expr()]
        while self.at_keyword("or"):
            self.advance()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_expr(self) -> Expr:
        operands = [self.not_expr()]
        while self.at_keyword("and"):
            self.advance()
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def not_expr(self) -> Expr:
        if self.at_keyword("not"):
            token = self.advance()
            self.enter(token.offset)
            operand = self.not_expr()
            self.depth -= 1
            return Not(operand)
        return self.atom()

    def atom(self) -> Expr:
        token = self.current
        if token.kind == "punct" and token.text == "(":
            self.advance()
            self.enter(token.offset)
            expr = self.or_expr()
            self.depth -= 1
            self.expect_punct(")")
            return expr
        if token.kind == "kw" and token.text in ("true", "false"):
            self.advance()
            if self.current.kind == "op":
                raise ConditionSyntaxError("a comparison needs a name on one side", token.offset,
                                           hint="compare a fact with a value: first_offense == true")
            return Const(token.text == "true")
        if token.kind == "name":
            return self.comparison()
        if token.kind in ("number", "string"):
            return self.reversed_comparison()
        raise ConditionSyntaxError(f"unexpected {_describe(token)}", token.offset,
                                   "a name, 'not' or '('")

    def comparison(self) -> Expr:
        token = self.advance()
        name = Name(token.text, token.offset)
        if self.current.kind == "op":
            op = self.advance().text
            return Compare(name, op, self.literal())
        if self.at_keyword("in"):
            self.advance()
            return InList(name, self.literal_list())
        if self.at_keyword("not") and self.tokens[self.index + 1].kind == "kw" \
                and self.tokens[self.index + 1].text == "in":
            self.advance()
            self.advance()
            return InList(name, self.literal_list(), negated=True)
        return Truth(name)

    def reversed_comparison(self) -> Expr:
        value = self.literal()
        if self.current.kind != "op":
            raise ConditionSyntaxError(f"a value alone is not a condition, found {_describe(self.current)}",
                                       self.current.offset, "a comparison operator")
        op = self.advance().text
        token = self.current
        if token.kind != "name":
            raise ConditionSyntaxError("a comparison needs a name on one side", token.offset,
                                       "a fact name")
        self.advance()
        return Compare(Name(token.text, token.offset), FLIPPED_OP[op], value)

    def literal_list(self) -> tuple[Literal, ...]:
        self.expect_punct("[")
        values: list[Literal] = []
        while not (self.current.kind == "punct" and self.current.text == "]"):
            values.append(self.literal())
            if len(values) > MAX_LIST:
                raise ConditionSyntaxError(f"more than {MAX_LIST} values in a list",
                                           self.current.offset)
            if self.current.kind == "punct" and self.current.text == ",":
                self.advance()
            elif not (self.current.kind == "punct" and self.current.text == "]"):
                raise ConditionSyntaxError(f"expected ',' or ']', found {_describe(self.current)}",
                                           self.current.offset, "',' or ']'")
        self.advance()
        if not values:
            raise ConditionSyntaxError("an empty list matches nothing", self.current.offset,
                                       "at least one value")
        return tuple(values)

    def literal(self) -> Literal:
        token = self.current
        value: Value
        if token.kind == "number":
            digits = token.text.lstrip("-").replace(".", "")
            if len(digits) > MAX_NUMBER_DIGITS:
                raise ConditionSyntaxError(f"number with more than {MAX_NUMBER_DIGITS} digits",
                                           token.offset)
            try:
                value = Decimal(token.text)
            except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
                raise ConditionSyntaxError(f"bad number {token.text}", token.offset) from exc
        elif token.kind == "string":
            value = _unquote(token.text)
        elif token.kind == "kw" and token.text in ("true", "false"):
            value = token.text == "true"
        else:
            hint = None
            if token.kind == "name":
                hint = f'quote text values: "{token.text}"'
            raise ConditionSyntaxError(f"expected a value, found {_describe(token)}", token.offset,
                                       "a number, a quoted string, true or false", hint)
        self.advance()
        return Literal(value, token.offset)


def _unquote(text: str) -> str:
    if text.startswith("“"):
        return text[1:-1]
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the condition"
    return repr(token.text)


def parse_condition(source: str) -> Expr:
    """Parse condition text into an AST; raises :class:`ConditionSyntaxError`."""
    if not isinstance(source, str):
        raise ConditionSyntaxError("a condition must be text", 0, "a string")
    if len(source) > MAX_LENGTH:
        raise ConditionSyntaxError(f"condition longer than {MAX_LENGTH} characters", MAX_LENGTH)
    if not source.strip():
        raise ConditionSyntaxError("empty condition", 0, "a condition such as: first_offense",
                                   "write 'true' for a tier that always applies, or omit 'when'")
    return _Parser(source).parse()
