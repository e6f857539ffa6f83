"""Tests of discretion.statutes: parsing corpus files, law names, and the law library.

Most tests use small inline statutes; the tests against the real corpus (``shared/laws``) are
skipped when it cannot be found.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from discretion.numerals import format_chinese_integer
from discretion.statutes import (
    LawLibrary,
    Statute,
    default_laws_root,
    normalize_law_name,
    parse_statute,
    parse_statute_text,
    split_file_name,
)

SAMPLE = """\
# 示例市容和环境卫生管理条例

2008年8月1日 示例省人民代表大会常务委员会通过

2021年9月29日 示例省人民代表大会常务委员会第四次修正

<!-- INFO END -->

## 第一章　总则

第一条 为了加强城市市容和环境卫生管理，制定本条例。

第二条 本条例适用于城市建成区。

其他区域参照执行。

\u200b

## 第二章　环境卫生管理

### 第一节　一般规定

第三条 公民应当维护城市环境卫生，禁止下列行为：

（一）随地吐痰、便溺；

（二）乱扔果皮、纸屑等废弃物；

(三)乱倒生活垃圾。

违反前款第一项或者第二项规定的，可以处二十元以上五十元以下罚款。

第四条　下列物品适用较低税率：

（一）农产品：

1．粮食；

2．蔬菜。

（二）图书。

第五条

本条的文字在下一行。

法律责任

第六条 违反本条例规定的，依法处理。

第一百零五条 本条例自2022年1月1日起施行。

附件一

罚款标准表
"""


@pytest.fixture(scope="module")
def sample() -> Statute:
    return parse_statute_text(SAMPLE, "地方/示例市容和环境卫生管理条例(2021-09-30).md")


# --- parsing inline statutes ----------------------------------------------------------------


def test_header(sample: Statute) -> None:
    assert sample.title == "示例市容和环境卫生管理条例"
    assert sample.path == "地方/示例市容和环境卫生管理条例(2021-09-30).md"
    assert sample.version_date == dt.date(2021, 9, 30)
    assert sample.history == (
        "2008年8月1日 示例省人民代表大会常务委员会通过",
        "2021年9月29日 示例省人民代表大会常务委员会第四次修正",
    )


def test_articles_and_numbers(sample: Statute) -> None:
    assert sorted(sample.articles) == [1, 2, 3, 4, 5, 6, 105]
    last = sample.article(105)
    assert last is not None
    assert last.label == "第一百零五条"
    assert last.text == "本条例自2022年1月1日起施行。"
    assert any("第一百零五条 follows article 6" in note for note in sample.notes)
    assert sample.article(7) is None


def test_paragraphs(sample: Statute) -> None:
    second = sample.article(2)
    assert second is not None
    assert [p.text for p in second.paragraphs] == ["本条例适用于城市建成区。", "其他区域参照执行。"]
    assert [p.number for p in second.paragraphs] == [1, 2]
    assert second.text == "本条例适用于城市建成区。"
    assert sample.paragraph(2, 2) is second.paragraphs[1]
    assert sample.paragraph(2, 3) is None
    assert sample.paragraph(99, 1) is None


def test_items_belong_to_the_paragraph_before(sample: Statute) -> None:
    third = sample.article(3)
    assert third is not None
    assert len(third.paragraphs) == 2
    first, second = third.paragraphs
    assert first.text == "公民应当维护城市环境卫生，禁止下列行为："
    assert [item.number for item in first.items] == [1, 2, 3]
    assert first.items[2].text == "乱倒生活垃圾。"  # half-width (三) marker
    assert second.text.startswith("违反前款第一项")
    assert second.items == ()
    item = sample.item(3, 1, 2)
    assert item is not None
    assert item.text == "乱扔果皮、纸屑等废弃物；"
    assert item.label == "（二）"
    assert sample.item(3, 1, 4) is None
    assert sample.item(3, 2, 1) is None


def test_full_text(sample: Statute) -> None:
    third = sample.article(3)
    assert third is not None
    assert third.full_text.splitlines() == [
        "公民应当维护城市环境卫生，禁止下列行为：",
        "（一）随地吐痰、便溺；",
        "（二）乱扔果皮、纸屑等废弃物；",
        "（三）乱倒生活垃圾。",
        "违反前款第一项或者第二项规定的，可以处二十元以上五十元以下罚款。",
    ]


def test_sub_items_stay_with_their_item(sample: Statute) -> None:
    fourth = sample.article(4)
    assert fourth is not None
    assert fourth.text == "下列物品适用较低税率："  # full-width space after the label
    assert len(fourth.paragraphs) == 1
    items = fourth.paragraphs[0].items
    assert [item.number for item in items] == [1, 2]
    assert items[0].text == "农产品：\n1．粮食；\n2．蔬菜。"


def test_bare_article_label(sample: Statute) -> None:
    fifth = sample.article(5)
    assert fifth is not None
    assert fifth.text == "本条的文字在下一行。"
    assert fifth.paragraphs[0].line == fifth.line + 2


def test_chapters_and_sections(sample: Statute) -> None:
    first, third, sixth = sample.article(1), sample.article(3), sample.article(6)
    assert first is not None and third is not None and sixth is not None
    assert first.chapter == "第一章 总则"
    assert first.section is None
    assert third.chapter == "第二章 环境卫生管理"
    assert third.section == "第一节 一般规定"
    assert sixth.section == "法律责任"  # a heading without '#' replaces the current section
    assert any("'法律责任' taken as a heading" in note for note in sample.notes)


def test_annex_is_unattached(sample: Statute) -> None:
    last = sample.article(105)
    assert last is not None
    assert len(last.paragraphs) == 1
    assert sample.unattached == ("附件一", "罚款标准表")


def test_line_numbers(sample: Statute) -> None:
    lines = SAMPLE.splitlines()
    third = sample.article(3)
    assert third is not None
    assert lines[third.line - 1].startswith("第三条")
    assert lines[third.paragraphs[1].line - 1].startswith("违反前款")
    assert lines[third.paragraphs[0].items[1].line - 1].startswith("（二）")


def _generated(count: int) -> str:
    body = "\n\n".join(
        f"第{format_chinese_integer(n)}条 第{n}条的内容。" for n in range(1, count + 1)
    )
    return f"# 长法\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n{body}\n"


def test_large_article_numbers() -> None:
    statute = parse_statute_text(_generated(1001))
    assert sorted(statute.articles) == list(range(1, 1002))
    assert statute.notes == ()
    for number in (10, 100, 105, 110, 1000, 1001):
        article = statute.article(number)
        assert article is not None
        assert article.text == f"第{number}条的内容。"
    assert statute.article(1001).label == "第一千零一条"  # type: ignore[union-attr]


def test_inserted_article_kept_apart() -> None:
    text = "# 法\n<!-- INFO END -->\n第十条 甲。\n第十条之一 乙。\n\n丙。\n第十一条 丁。\n"
    statute = parse_statute_text(text)
    assert sorted(statute.articles) == [10, 11]
    inserted = statute.article(10, sub=1)
    assert inserted is not None
    assert inserted.label == "第十条之一"
    assert [p.text for p in inserted.paragraphs] == ["乙。", "丙。"]
    assert [a.label for a in statute.iter_articles()] == ["第十条", "第十条之一", "第十一条"]


def test_old_style_numbered_items() -> None:
    text = (
        "# 旧条例\n<!-- INFO END -->\n"
        "第一条 公民变更姓名，依照下列规定办理：\n一、未满十八周岁的；\n二、十八周岁以上的。\n"
        "第二条 海塘分级管理。\n一、二级海塘由省管理。\n"
    )
    statute = parse_statute_text(text)
    assert [item.text for item in statute.articles[1].paragraphs[0].items] == [
        "未满十八周岁的；",
        "十八周岁以上的。",
    ]
    second = statute.articles[2]
    assert [p.text for p in second.paragraphs] == ["海塘分级管理。", "一、二级海塘由省管理。"]


def test_preamble_and_no_marker() -> None:
    text = "# 通知\n<!-- INFO END -->\n\n一、总的要求。\n\n二、具体办法。\n"
    statute = parse_statute_text(text)
    assert statute.articles == {}
    assert statute.preamble == ("一、总的要求。", "二、具体办法。")
    without_marker = parse_statute_text("# 法\n\n第一条 内容。\n")
    assert without_marker.title == "法"
    assert without_marker.articles[1].text == "内容。"


def test_wrapped_heading_is_joined() -> None:
    text = (
        "# 法\n<!-- INFO END -->\n"
        "## 第四章 外商投资经营国际海上运输\n\n及其辅助性业务的特别规定\n\n"
        "第一条 内容。\n"
    )
    chapter = parse_statute_text(text).articles[1].chapter
    assert chapter == "第四章 外商投资经营国际海上运输及其辅助性业务的特别规定"


def test_duplicate_article_is_noted() -> None:
    statute = parse_statute_text("# 法\n<!-- INFO END -->\n第一条 甲。\n第一条 乙。\n")
    assert statute.articles[1].text == "甲。"
    assert any("duplicate" in note for note in statute.notes)


def test_text_without_title_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_statute_text("第一条 内容。\n")
    named = parse_statute_text("第一条 内容。\n", "某法(2020-01-01).md")
    assert named.title == "某法"
    assert named.version_date == dt.date(2020, 1, 1)


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("《中华人民共和国行政处罚法》", "行政处罚法"),
        ("中华人民共和国行政处罚法", "行政处罚法(2021-01-22)"),
        (" 行政处罚法 ", "行政处罚法（2021-01-22）"),
        ("行政处罚法(2021-01-22).md", "《行政处罚法》"),
        ("浙江省实施《中华人民共和国体育法》办法", "浙江省实施《体育法》办法"),
        ("浙江省实施〈体育法〉办法", "浙江省实施《体育法》办法"),
        ("中国（浙江）自由贸易试验区条例", "中国(浙江)自由贸易试验区条例"),
        ("处方药与非处方药分类管理办法（试行）", "处方药与非处方药分类管理办法(试行)"),
    ],
)
def test_names_normalize_equal(a: str, b: str) -> None:
    assert normalize_law_name(a) == normalize_law_name(b)


def test_name_normalization_keeps_what_matters() -> None:
    assert normalize_law_name("《中华人民共和国行政处罚法》") == "行政处罚法"
    assert normalize_law_name("《体育法》办法") == "《体育法》办法"  # unbalanced: not stripped
    assert normalize_law_name("行政处罚法") != normalize_law_name("治安管理处罚法")
    assert normalize_law_name("医疗机构制剂配制质量管理规范（试行）") != normalize_law_name(
        "医疗机构制剂配制质量管理规范"
    )


def test_split_file_name() -> None:
    assert split_file_name("行政处罚法(2021-01-22).md") == ("行政处罚法", dt.date(2021, 1, 22))
    assert split_file_name("浙江省禁毒条例.md") == ("浙江省禁毒条例", None)
    assert split_file_name("办法（试行）(2001-03-13).md") == ("办法（试行）", dt.date(2001, 3, 13))
    assert split_file_name("坏日期(2021-02-30).md") == ("坏日期(2021-02-30)", None)


# --- the library, on a small corpus in tmp_path ---------------------------------------------


def _write(root: Path, relative: str, title: str, articles: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\n<!-- INFO END -->\n\n{articles}\n", encoding="utf-8")


@pytest.fixture
def library(tmp_path: Path) -> LawLibrary:
    _write(tmp_path, "行政法/示例法(2010-01-01).md", "中华人民共和国示例法", "第一条 旧。")
    _write(tmp_path, "行政法/示例法(2020-06-30).md", "中华人民共和国示例法", "第一条 新。")
    _write(tmp_path, "地方/无日期条例.md", "无日期条例", "第一条 内容。")
    (tmp_path / "行政法" / "_index.md").write_text("---\ntitle: 行政法\n---\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Statute corpus\n", encoding="utf-8")
    return LawLibrary(tmp_path)


def test_library_versions_sorted(library: LawLibrary) -> None:
    versions = library.versions("《中华人民共和国示例法》")
    assert [v.version_date for v in versions] == [dt.date(2010, 1, 1), dt.date(2020, 6, 30)]
    assert [v.path for v in versions] == [
        "行政法/示例法(2010-01-01).md",
        "行政法/示例法(2020-06-30).md",
    ]
    assert versions[0].header_title == "中华人民共和国示例法"
    assert library.versions("没有的法") == []


def test_library_get_by_date(library: LawLibrary) -> None:
    assert library.get("示例法").articles[1].text == "新。"
    assert library.get("示例法", on=dt.date(2020, 6, 30)).articles[1].text == "新。"
    assert library.get("示例法", on=dt.date(2015, 1, 1)).articles[1].text == "旧。"
    # Every version is later than the date: the earliest is the closest text we have.
    assert library.get("示例法", on=dt.date(2000, 1, 1)).articles[1].text == "旧。"
    undated = library.get("无日期条例", on=dt.date(1990, 1, 1))
    assert undated.version_date is None
    assert undated.path == "地方/无日期条例.md"


def test_library_caches_and_lists(library: LawLibrary) -> None:
    assert library.get("示例法") is library.get("中华人民共和国示例法")
    assert library.titles() == ["无日期条例", "示例法"]
    assert len(library.all_versions()) == 3  # _index.md and README.md are skipped
    assert "示例法" in library
    assert "别的法" not in library


def test_library_unknown_names(library: LawLibrary) -> None:
    assert library.find("别的法") is None
    with pytest.raises(KeyError, match="示例法"):
        library.get("示例")


def test_library_missing_root(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        LawLibrary(tmp_path / "nowhere").titles()


def test_parse_statute_relative_path(tmp_path: Path) -> None:
    _write(tmp_path, "行政法/示例法(2010-01-01).md", "中华人民共和国示例法", "第一条 旧。")
    statute = parse_statute(tmp_path / "行政法" / "示例法(2010-01-01).md", root=tmp_path)
    assert statute.path == "行政法/示例法(2010-01-01).md"
    assert statute.version_date == dt.date(2010, 1, 1)
    assert statute.title == "中华人民共和国示例法"


def test_default_laws_root_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCRETION_LAWS", str(tmp_path))
    assert default_laws_root() == tmp_path
    monkeypatch.setenv("DISCRETION_LAWS", str(tmp_path / "missing"))
    assert default_laws_root() is None


def test_default_laws_root_walks_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    laws = tmp_path / "shared" / "laws"
    laws.mkdir(parents=True)
    work = tmp_path / "main" / "sub"
    work.mkdir(parents=True)
    monkeypatch.delenv("DISCRETION_LAWS", raising=False)
    monkeypatch.chdir(work)
    assert default_laws_root() == laws.resolve()


# --- the real corpus ------------------------------------------------------------------------

REAL_ROOT = default_laws_root()
needs_corpus = pytest.mark.skipif(
    REAL_ROOT is None or not (REAL_ROOT / "行政法").is_dir(), reason="statute corpus not found"
)


@pytest.fixture(scope="module")
def corpus() -> LawLibrary:
    assert REAL_ROOT is not None
    return LawLibrary(REAL_ROOT)


@needs_corpus
def test_corpus_city_appearance_article_32(corpus: LawLibrary) -> None:
    statute = corpus.get("浙江省城市市容和环境卫生管理条例", on=dt.date(2022, 1, 1))
    assert statute.path == "浙江地方性法规/浙江省城市市容和环境卫生管理条例(2021-09-30).md"
    article = statute.article(32)
    assert article is not None
    assert len(article.paragraphs) == 2
    assert len(article.paragraphs[0].items) == 5
    assert article.paragraphs[0].text.endswith("禁止下列行为：")
    assert article.paragraphs[1].text.startswith("违反前款第一项")
    assert statute.item(32, 1, 1).text == "随地吐痰、便溺；"  # type: ignore[union-attr]


@needs_corpus
def test_corpus_administrative_penalty_law(corpus: LawLibrary) -> None:
    statute = corpus.get("《中华人民共和国行政处罚法》")
    assert statute.path == "行政法/行政处罚法(2021-01-22).md"
    assert statute.title == "中华人民共和国行政处罚法"
    assert statute.version_date == dt.date(2021, 1, 22)
    assert len(statute.history) == 4
    article = statute.article(33)
    assert article is not None
    assert len(article.paragraphs) == 3
    assert article.chapter is not None and "第四章" in article.chapter
    assert statute.notes == ()


@needs_corpus
def test_corpus_versions(corpus: LawLibrary) -> None:
    dates = [v.version_date for v in corpus.versions("野生动物保护法")]
    assert dates == [dt.date(2018, 10, 26), dt.date(2022, 12, 30)]
    old = corpus.get("野生动物保护法", on=dt.date(2020, 1, 1))
    assert old.version_date == dt.date(2018, 10, 26)
    assert corpus.find("浙江省实施《中华人民共和国体育法》办法") is not None
    assert corpus.find("国际航行船舶进出中华人民共和国口岸检查办法") is not None


@needs_corpus
def test_corpus_odd_headings(corpus: LawLibrary) -> None:
    prison = corpus.get("监狱法")
    article = prison.article(59)
    assert article is not None
    assert article.chapter == "第四章 狱政管理"
    assert article.section == "对罪犯服刑期间犯罪的处理"  # 第七节 without its ### line
    shipping = corpus.get("国际海运条例", on=dt.date(2020, 1, 1))
    assert shipping.article(26).chapter.endswith("及其辅助性业务的特别规定")  # type: ignore[union-attr]


@needs_corpus
def test_corpus_every_file_parses_quickly() -> None:
    assert REAL_ROOT is not None
    fresh = LawLibrary(REAL_ROOT)
    started = time.perf_counter()
    versions = fresh.all_versions()
    articles = 0
    for version in versions:
        statute = fresh.load(version)
        assert statute.title
        articles += len(statute.articles)
    elapsed = time.perf_counter() - started
    assert len(versions) > 1000
    assert articles > 50_000
    assert elapsed < 20, f"parsing the corpus took {elapsed:.1f} s"
