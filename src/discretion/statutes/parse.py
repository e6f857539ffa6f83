"""Parsing of the statute corpus: Markdown files into articles (条), paragraphs (款) and items (项).

A corpus file (see ``shared/laws/README.md``) looks like::

    # 中华人民共和国行政处罚法
    1996年3月17日 第八届全国人民代表大会第四次会议通过      <- history (header lines)
    <!-- INFO END -->
    ## 第一章　总则                                           <- chapter (### 第一节 = section)
    第一条 为了规范行政处罚的设定和实施，……                   <- article 1, paragraph 1
    （一）……                                                  <- item 1 of paragraph 1
    ……                                                        <- paragraph 2

Blank lines are insignificant. Representation choices, for the odd cases of the corpus:

* Items (项) are lines starting with ``（一）`` or ``(一)``; they belong to the paragraph before
  them. Old laws number items ``一、``; such a line is an item only when it continues a list
  (``一、`` right after a paragraph ending in ``：``, or the next number of a ``一、`` list);
  otherwise it is a paragraph (``一、二级海塘……`` is a sentence, not an item).
* Sub-items (目: ``1．``, ``1.``, ``(1)``) are kept as extra lines (joined with ``\\n``) of the
  item before them, or of the paragraph when it has no items.
* Articles inserted by amendment (``第十条之一``) are kept apart from ``Statute.articles`` (which
  is keyed by the plain article number) in ``Statute.inserted_articles`` keyed ``(10, 1)``; look
  them up with ``statute.article(10, sub=1)``. The corpus has none at present.
* A short line without punctuation right before an article is a chapter (or section) heading
  that lost its ``##`` marker (``总则``, ``法律责任``); a short line right after a heading is the
  rest of that heading, wrapped.
* Text before the first article (decrees numbered ``一、二、``, articles that lost their
  ``第X条``) is kept in ``Statute.preamble``; text after a heading that is not a chapter or
  section (annexes, tables) or between a heading and the next article is ``Statute.unattached``.
  Everything unexpected (duplicate or out-of-sequence article numbers, restarted item lists) is
  described in ``Statute.notes``.
* Line numbers are 1-based lines of the file, header included.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from discretion.catalog.lawnames import normalize_law_name
from discretion.numerals import format_chinese_integer, parse_chinese_integer

__all__ = [
    "Article",
    "LawLibrary",
    "LawVersion",
    "Paragraph",
    "Statute",
    "StatuteItem",
    "default_laws_root",
    "normalize_law_name",
    "parse_statute",
    "parse_statute_text",
    "split_file_name",
]

INFO_END = "<!-- INFO END -->"

_CN = "〇零一二两三四五六七八九十百千"
_ARTICLE = re.compile(rf"第([{_CN}]+)条(?:之([{_CN}]+))?(?:\s+(.*))?")
_ITEM = re.compile(rf"[（(]([{_CN}]+)[）)]\s*(.*)")
_LIST_ITEM = re.compile(rf"([{_CN}]+)、(.*)")
_SUB_ITEM = re.compile(r"(?:\d+[.．、](?!\d)|[（(]\d+[）)]).*")
_STRUCTURAL_HEADING = re.compile(rf"第[{_CN}]+[编章节]|第[{_CN}]+分编|[总分附]\s*则")
_HEADING_LIKE_PUNCTUATION = re.compile(r"[。；;：:，,＝=×%％]")
_ANNEX = re.compile(r"附(?:件|录|表)")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_FILE_NAME = re.compile(r"(?P<title>.+?)(?:\((?P<date>\d{4}-\d{2}-\d{2})\))?\.md")
_MAX_HEADING_CHARS = 20


# --- the model ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatuteItem:
    """One item (项) of a paragraph: ``（三）乱倒生活垃圾、污水、粪便；`` has number 3.

    ``text`` is the item without its ``（三）`` marker; sub-items (目) follow on extra lines.
    """

    number: int
    text: str
    line: int

    @property
    def label(self) -> str:
        """The canonical marker: ``（三）``."""
        return f"（{format_chinese_integer(self.number)}）"

    @property
    def full_text(self) -> str:
        """Marker and text: ``（三）乱倒生活垃圾、污水、粪便；``."""
        return self.label + self.text


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph (款) of an article, with the items (项) that it introduces."""

    number: int
    text: str
    line: int
    items: tuple[StatuteItem, ...] = ()

    def item(self, number: int) -> StatuteItem | None:
        """Item ``number`` (1-based), or None."""
        return next((item for item in self.items if item.number == number), None)

    @property
    def full_text(self) -> str:
        """The paragraph followed by its items, one per line."""
        return "\n".join([self.text, *(item.full_text for item in self.items)])


@dataclass(frozen=True, slots=True)
class Article:
    """One article (条).

    ``text`` is the text of the article line after its ``第X条`` label, i.e. the first
    paragraph without its items; :attr:`full_text` is the whole article. ``chapter`` and
    ``section`` are the headings in force (``第六章 法律责任``), with whitespace normalised.
    ``sub`` is 1 for ``第X条之一`` (see the module docstring), else 0.
    """

    number: int
    text: str
    line: int
    paragraphs: tuple[Paragraph, ...]
    chapter: str | None
    section: str | None = None
    sub: int = 0

    @property
    def label(self) -> str:
        """``第三十二条`` (``第十条之一`` for inserted articles)."""
        label = f"第{format_chinese_integer(self.number)}条"
        return label + (f"之{format_chinese_integer(self.sub)}" if self.sub else "")

    @property
    def full_text(self) -> str:
        """All paragraphs and their items, one per line, without the ``第X条`` label."""
        return "\n".join(paragraph.full_text for paragraph in self.paragraphs)

    def paragraph(self, number: int) -> Paragraph | None:
        """Paragraph ``number`` (1-based), or None."""
        if 1 <= number <= len(self.paragraphs):
            return self.paragraphs[number - 1]
        return None


@dataclass(frozen=True)
class Statute:
    """One version of one law, as parsed from one corpus file.

    ``path`` is relative to the corpus root in POSIX form (``行政法/行政处罚法(2021-01-22).md``);
    ``version_date`` comes from the file name (None when it has no date); ``history`` holds the
    header lines (adoption and amendments). ``articles`` maps the article number to the article
    and must not be modified.
    """

    title: str
    path: str
    version_date: dt.date | None
    history: tuple[str, ...]
    articles: dict[int, Article]
    inserted_articles: dict[tuple[int, int], Article] = field(default_factory=dict)
    preamble: tuple[str, ...] = ()
    unattached: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def article(self, number: int, sub: int = 0) -> Article | None:
        """Article ``number`` (``sub=1`` for 第X条之一), or None."""
        if sub:
            return self.inserted_articles.get((number, sub))
        return self.articles.get(number)

    def paragraph(self, article: int, paragraph: int) -> Paragraph | None:
        """Paragraph ``paragraph`` of article ``article``, or None."""
        found = self.articles.get(article)
        return found.paragraph(paragraph) if found else None

    def item(self, article: int, paragraph: int, item: int) -> StatuteItem | None:
        """Item ``item`` of paragraph ``paragraph`` of article ``article``, or None."""
        found = self.paragraph(article, paragraph)
        return found.item(item) if found else None

    def iter_articles(self) -> Iterator[Article]:
        """Articles in file order (plain and inserted)."""
        everything = [*self.articles.values(), *self.inserted_articles.values()]
        return iter(sorted(everything, key=lambda article: article.line))


# --- names ----------------------------------------------------------------------------------




def split_file_name(file_name: str) -> tuple[str, dt.date | None]:
    """``行政处罚法(2021-01-22).md`` → (``行政处罚法``, 2021-01-22); no date → (title, None)."""
    match = _FILE_NAME.fullmatch(file_name)
    if match is None:
        return file_name.removesuffix(".md"), None
    date_text = match.group("date")
    try:
        date = dt.date.fromisoformat(date_text) if date_text else None
    except ValueError:
        return file_name.removesuffix(".md"), None
    return match.group("title"), date


# --- parsing --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    kind: str  # heading | article | item | list | sub | plain
    match: re.Match[str] | None = None
    level: int = 0  # number of '#' of a heading


@dataclass(slots=True)
class _ParagraphBuilder:
    number: int
    text: str
    line: int
    items: list[StatuteItem] = field(default_factory=list)
    list_style: str = ""  # "paren" for （一）, "list" for 一、

    def build(self) -> Paragraph:
        return Paragraph(self.number, self.text, self.line, tuple(self.items))


@dataclass(slots=True)
class _ArticleBuilder:
    number: int
    sub: int
    line: int
    chapter: str | None
    section: str | None
    paragraphs: list[_ParagraphBuilder] = field(default_factory=list)

    def add_paragraph(self, text: str, line: int) -> _ParagraphBuilder:
        paragraph = _ParagraphBuilder(len(self.paragraphs) + 1, text, line)
        self.paragraphs.append(paragraph)
        return paragraph

    def build(self) -> Article:
        paragraphs = tuple(p.build() for p in self.paragraphs)
        text = paragraphs[0].text if paragraphs else ""
        return Article(
            self.number, text, self.line, paragraphs, self.chapter, self.section, self.sub
        )


def _classify(number: int, raw: str) -> _Line | None:
    text = _INVISIBLE.sub("", raw).strip()
    if not text:
        return None
    if text.startswith("#"):
        level = len(text) - len(text.lstrip("#"))
        return _Line(number, _squash(text.lstrip("#")), "heading", level=level)
    for kind, pattern in (
        ("article", _ARTICLE),
        ("item", _ITEM),
        ("list", _LIST_ITEM),
        ("sub", _SUB_ITEM),
    ):
        match = pattern.fullmatch(text)
        if match is not None:
            return _Line(number, text, kind, match)
    return _Line(number, text, "plain")


def _squash(text: str) -> str:
    """Collapse runs of (full-width) spaces into one ASCII space."""
    return re.sub(r"\s+", " ", text).strip()


def _looks_like_heading(line: _Line) -> bool:
    return (
        line.kind == "plain"
        and len(line.text) <= _MAX_HEADING_CHARS
        and _HEADING_LIKE_PUNCTUATION.search(line.text) is None
    )


def _continues_heading(line: _Line, previous: _Line | None, following: _Line | None) -> bool:
    """A wrapped heading: a heading-like line right after a heading, before an article."""
    if previous is None or previous.kind != "heading" or line.kind != "plain":
        return False
    if following is not None and following.kind not in ("article", "heading"):
        return False
    return _looks_like_heading(line) or previous.text.endswith(("、", "，", ","))


def _is_unmarked_heading(line: _Line, following: _Line | None) -> bool:
    """A heading that lost its ``#``: a heading-like line right before an article."""
    return _looks_like_heading(line) and following is not None and following.kind == "article"


class _Parser:
    """A single pass over the body lines, keeping the chapter/section/article in force."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.chapter: str | None = None
        self.section: str | None = None
        self.current: _ArticleBuilder | None = None
        self.seen_article = False
        self.heading_target = "chapter"  # what a wrapped heading line continues
        self.articles: dict[int, Article] = {}
        self.inserted: dict[tuple[int, int], Article] = {}
        self.preamble: list[str] = []
        self.unattached: list[str] = []
        self.notes: list[str] = []
        self.last_number = 0

    def run(self) -> None:
        for index, line in enumerate(self.lines):
            previous = self.lines[index - 1] if index else None
            following = self.lines[index + 1] if index + 1 < len(self.lines) else None
            self.feed(line, previous, following)
        self.close_article()

    def feed(self, line: _Line, previous: _Line | None, following: _Line | None) -> None:
        if line.kind == "heading":
            self.heading(line)
        elif line.kind == "plain" and self.seen_article and _ANNEX.match(line.text):
            self.annex(line)
        elif line.kind == "article":
            self.article(line)
        elif _continues_heading(line, previous, following):
            self.heading_continuation(line)
        elif _is_unmarked_heading(line, following) and (self.seen_article or not self.preamble):
            self.unmarked_heading(line)
        elif self.current is None:
            self.loose_text(line)
        else:
            self.body_line(line)

    # headings

    def heading(self, line: _Line) -> None:
        self.close_article()
        if line.level >= 3:
            self.section, self.heading_target = line.text, "section"
        elif _STRUCTURAL_HEADING.match(line.text):
            self.chapter, self.section, self.heading_target = line.text, None, "chapter"
        else:
            # Annex titles and tables, or the numbered parts of a decree without articles.
            self.loose_text(line)
            self.heading_target = "loose"

    def annex(self, line: _Line) -> None:
        """``附件一`` / ``附表`` / ``附录：``: what follows belongs to no article."""
        self.close_article()
        self.loose_text(line)
        self.heading_target = "loose"

    def heading_continuation(self, line: _Line) -> None:
        if self.heading_target == "section" and self.section is not None:
            self.section += line.text
        elif self.heading_target == "chapter" and self.chapter is not None:
            self.chapter += line.text
        else:
            self.loose_text(line)

    def unmarked_heading(self, line: _Line) -> None:
        self.close_article()
        if self.section is not None:
            self.section = line.text
        else:
            self.chapter = line.text
        self.notes.append(f"line {line.number}: {line.text!r} taken as a heading without '#'")

    # articles

    def article(self, line: _Line) -> None:
        assert line.match is not None
        self.close_article()
        number_text, sub_text, rest = line.match.groups()
        number = parse_chinese_integer(number_text)
        sub = parse_chinese_integer(sub_text) if sub_text else 0
        self.current = _ArticleBuilder(number, sub, line.number, self.chapter, self.section)
        if rest:
            self.current.add_paragraph(rest.strip(), line.number)
        self.seen_article = True

    def close_article(self) -> None:
        current, self.current = self.current, None
        if current is None:
            return
        article = current.build()
        if current.sub:
            key = (current.number, current.sub)
            if key in self.inserted:
                self.notes.append(f"line {current.line}: duplicate {article.label} ignored")
            else:
                self.inserted[key] = article
            return
        if current.number in self.articles:
            self.notes.append(f"line {current.line}: duplicate {article.label} ignored")
            return
        if current.number != self.last_number + 1:
            self.notes.append(
                f"line {current.line}: {article.label} follows article {self.last_number}"
            )
        self.articles[current.number] = article
        self.last_number = current.number

    def loose_text(self, line: _Line) -> None:
        (self.unattached if self.seen_article else self.preamble).append(line.text)

    def body_line(self, line: _Line) -> None:
        assert self.current is not None
        paragraphs = self.current.paragraphs
        last = paragraphs[-1] if paragraphs else None
        if line.kind == "item" and last is not None:
            self.add_item(last, line, "paren")
        elif line.kind == "list" and last is not None and self.continues_list(last, line):
            self.add_item(last, line, "list")
        elif line.kind == "sub" and last is not None:
            self.add_sub_item(last, line)
        elif line.kind == "item":
            self.add_item(self.current.add_paragraph("", line.number), line, "paren")
        else:
            self.current.add_paragraph(line.text, line.number)

    @staticmethod
    def continues_list(paragraph: _ParagraphBuilder, line: _Line) -> bool:
        assert line.match is not None
        try:
            number = parse_chinese_integer(line.match.group(1))
        except ValueError:
            return False
        if paragraph.list_style == "list":
            return number == paragraph.items[-1].number + 1
        return not paragraph.items and number == 1 and paragraph.text.endswith(("：", ":"))

    def add_item(self, paragraph: _ParagraphBuilder, line: _Line, style: str) -> None:
        assert line.match is not None
        number = parse_chinese_integer(line.match.group(1))
        if paragraph.items and number <= paragraph.items[-1].number:
            self.notes.append(
                f"line {line.number}: item {number} restarts the list of paragraph "
                f"{paragraph.number} of article {self.current.number if self.current else '?'}"
            )
        paragraph.items.append(StatuteItem(number, line.match.group(2).strip(), line.number))
        paragraph.list_style = style

    @staticmethod
    def add_sub_item(paragraph: _ParagraphBuilder, line: _Line) -> None:
        if paragraph.items:
            item = paragraph.items[-1]
            paragraph.items[-1] = StatuteItem(item.number, f"{item.text}\n{line.text}", item.line)
        else:
            paragraph.text = f"{paragraph.text}\n{line.text}"


def _split_header(lines: list[str]) -> tuple[int, str | None, tuple[str, ...]]:
    """Index of the first body line, the ``# title`` and the history lines of the header."""
    end = next((i for i, line in enumerate(lines) if line.strip() == INFO_END), None)
    header = lines[:end] if end is not None else []
    title: str | None = None
    history: list[str] = []
    for raw in header:
        text = _INVISIBLE.sub("", raw).strip()
        if not text:
            continue
        if title is None and text.startswith("# "):
            title = text[2:].strip()
        else:
            history.append(text)
    if end is not None:
        return end + 1, title, tuple(history)
    # No marker: the body starts after a leading "# title" line, if any.
    for i, raw in enumerate(lines):
        text = raw.strip()
        if text.startswith("# ") and not text.startswith("##"):
            return i + 1, text[2:].strip(), ()
        if text:
            break
    return 0, None, ()


def parse_statute_text(text: str, path: str = "<text>") -> Statute:
    """Parse the text of one corpus file; ``path`` (relative, POSIX) gives the version date."""
    lines = text.removeprefix("\ufeff").splitlines()
    start, title, history = _split_header(lines)
    name_title, version_date = split_file_name(path.rsplit("/", 1)[-1])
    if title is None:
        if path == "<text>":
            raise ValueError("statute text has no '# title' line")
        title = name_title
    classified = (_classify(number, raw) for number, raw in enumerate(lines, 1) if number > start)
    parser = _Parser([line for line in classified if line is not None])
    parser.run()
    return Statute(
        title=title,
        path=path,
        version_date=version_date,
        history=history,
        articles=parser.articles,
        inserted_articles=parser.inserted,
        preamble=tuple(parser.preamble),
        unattached=tuple(parser.unattached),
        notes=tuple(parser.notes),
    )


def parse_statute(path: Path, root: Path | None = None) -> Statute:
    """Parse one corpus file; ``Statute.path`` is made relative to ``root``.

    Without ``root``, the corpus found by :func:`default_laws_root` is used when ``path`` lies
    inside it; otherwise ``Statute.path`` is ``path`` as given.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    return parse_statute_text(text, _relative_name(path, root))


def _relative_name(path: Path, root: Path | None) -> str:
    root = root if root is not None else default_laws_root()
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


# --- the library ----------------------------------------------------------------------------

LAWS_ENV = "DISCRETION_LAWS"


def default_laws_root() -> Path | None:
    """The statute corpus: ``$DISCRETION_LAWS`` if set, else a ``shared/laws`` folder nearby.

    When the variable is set (non-empty) its value is used and nothing else: None if it is not
    a directory. Otherwise each ancestor ``A`` of the working directory, then of this file, is
    tried as ``A/shared/laws`` and ``A/../shared/laws``. None when nothing is found.
    """
    configured = os.environ.get(LAWS_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_dir() else None
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for ancestor in (start, *start.parents):
            for candidate in (ancestor / "shared" / "laws", ancestor.parent / "shared" / "laws"):
                if candidate.is_dir():
                    return candidate.resolve()
    return None


@dataclass(frozen=True, slots=True)
class LawVersion:
    """One file of the corpus, not yet parsed: load it with :meth:`LawLibrary.load`.

    ``title`` is the name from the file name (``行政处罚法``), ``header_title`` the ``# title``
    line (``中华人民共和国行政处罚法``), ``path`` relative to the corpus root in POSIX form.
    """

    title: str
    path: str
    version_date: dt.date | None
    file: Path
    header_title: str | None = None

    @property
    def sort_key(self) -> tuple[dt.date, str]:
        """Undated versions sort first, same-date versions by path."""
        return (self.version_date or dt.date.min, self.path)


def _is_law_file(path: Path) -> bool:
    return path.suffix == ".md" and path.name != "_index.md" and not path.name.lower().startswith(
        "readme"
    )


def _read_header_title(path: Path) -> str | None:
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            text = _INVISIBLE.sub("", raw).strip()
            if text:
                return text[2:].strip() if text.startswith("# ") else None
    return None


class LawLibrary:
    """All versions of all laws under a corpus root, indexed lazily, parsed lazily, cached.

    Names are compared after :func:`normalize_law_name`, under both the file-name title and the
    ``# title`` of the file: ``《中华人民共和国行政处罚法》`` finds ``行政处罚法(2021-01-22).md``.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._index: dict[str, list[LawVersion]] | None = None
        self._cache: dict[str, Statute] = {}

    def _versions_by_name(self) -> dict[str, list[LawVersion]]:
        if self._index is None:
            if not self.root.is_dir():
                raise FileNotFoundError(f"statute corpus {self.root} is not a directory")
            index: dict[str, list[LawVersion]] = {}
            for file in sorted(self.root.rglob("*.md")):
                if not _is_law_file(file):
                    continue
                title, date = split_file_name(file.name)
                version = LawVersion(
                    title=title,
                    path=file.relative_to(self.root).as_posix(),
                    version_date=date,
                    file=file,
                    header_title=_read_header_title(file),
                )
                keys = {normalize_law_name(title)}
                if version.header_title:
                    keys.add(normalize_law_name(version.header_title))
                for key in keys:
                    index.setdefault(key, []).append(version)
            for versions in index.values():
                versions.sort(key=lambda version: version.sort_key)
            self._index = index
        return self._index

    def all_versions(self) -> list[LawVersion]:
        """Every corpus file, sorted by path."""
        unique = {v.path: v for vs in self._versions_by_name().values() for v in vs}
        return [unique[path] for path in sorted(unique)]

    def titles(self) -> list[str]:
        """The distinct law names of the corpus (from the file names), sorted."""
        return sorted({version.title for version in self.all_versions()})

    def versions(self, name: str) -> list[LawVersion]:
        """The versions of law ``name``, oldest first (undated first); [] when unknown."""
        return list(self._versions_by_name().get(normalize_law_name(name), []))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.versions(name))

    def load(self, version: LawVersion) -> Statute:
        """The parsed statute of one version (cached)."""
        statute = self._cache.get(version.path)
        if statute is None:
            statute = parse_statute_text(version.file.read_text(encoding="utf-8"), version.path)
            self._cache[version.path] = statute
        return statute

    def find(self, name: str, on: dt.date | None = None) -> Statute | None:
        """Like :meth:`get`, but None when the law is unknown."""
        versions = self.versions(name)
        if not versions:
            return None
        return self.load(_pick_version(versions, on))

    def get(self, name: str, on: dt.date | None = None) -> Statute:
        """The version of ``name`` in force on ``on``: the latest dated on or before it.

        Without ``on``, the latest version. When every version is later than ``on``, the
        earliest one (the closest text the corpus has). Raises :class:`KeyError` when the law
        is unknown, suggesting close names.
        """
        statute = self.find(name, on)
        if statute is None:
            close = difflib.get_close_matches(
                normalize_law_name(name), list(self._versions_by_name()), n=3, cutoff=0.6
            )
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no law named {name!r} under {self.root}{hint}")
        return statute


def _pick_version(versions: list[LawVersion], on: dt.date | None) -> LawVersion:
    if on is None:
        return versions[-1]
    eligible = [v for v in versions if v.version_date is None or v.version_date <= on]
    return eligible[-1] if eligible else versions[0]
