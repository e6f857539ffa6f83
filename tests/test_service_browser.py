"""The officer's page in a real browser: the system's Chromium (Debian's chromium and
chromium-driver; ``.ci/run`` installs them) driven by Selenium, headless, against a real server.
An officer searches in everyday words, opens the item, fills in the form, submits it and reads
the decision; and, entering an age that is not one, reads the problem at its field.

Where no browser is found the tests skip, except under CI (``CI=true``), where they fail: a CI
machine without its browser must not pass quietly. ``CHROME_BIN`` and ``CHROMEDRIVER`` name
the browser and its driver where they are not on the PATH.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the serve extra is not installed")

from discretion.service.app import create_app
from test_service import CATALOG, running

UNDER_CI = os.environ.get("CI", "").lower() == "true"


def _missing(why: str) -> None:
    if UNDER_CI:
        pytest.fail(f"{why}: under CI the browser test must run (.ci/run installs Debian's "
                    "chromium and chromium-driver)")
    pytest.skip(why)


def _browser() -> tuple[str, str]:
    chrome = os.environ.get("CHROME_BIN") or next(
        (found for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
         if (found := shutil.which(name))), None)
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not chrome or not driver:
        _missing("no Chromium and chromedriver found (apt-get install chromium chromium-driver)")
    assert chrome and driver
    return chrome, driver


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[test]')")
    chrome, driver = _browser()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager: never download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1600", "--lang=zh-CN"):
        options.add_argument(argument)
    session = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    session.set_page_load_timeout(60)
    try:
        yield session
    finally:
        session.quit()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running(create_app(CATALOG)) as url:
        yield url


def _follow(browser: Any, element: Any) -> None:
    """Click a link or a form's button and wait until the page it leads to has replaced this
    one (a click returns before the navigation ends: reading at once may read the old page)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 60).until(expected_conditions.staleness_of(page))


def _choose(browser: Any, element_id: str, label: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, element_id)).select_by_visible_text(label)


def _type(browser: Any, element_id: str, text: str) -> None:
    from selenium.webdriver.common.by import By

    field = browser.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def test_an_officer_searches_fills_in_the_form_and_reads_the_decision(browser: Any,
                                                                       base: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(base + "/")
    _type(browser, "q", "阳台乱挂")
    _follow(browser, browser.find_element(By.ID, "search"))
    hits = browser.find_elements(By.CSS_SELECTOR, "#hits a.hit")
    assert hits and hits[0].get_attribute("data-id") == "LS-SRHJ-0001"
    assert "俗称" in browser.find_element(By.ID, "hits").text
    _follow(browser, hits[0])

    assert "吊挂或者堆放" in browser.find_element(By.ID, "title").text
    assert "吊挂或者堆放物品件数" in browser.find_element(By.ID, "f-facts-item_count-field").text
    _choose(browser, "f-party-kind", "个人")
    _type(browser, "f-party-age", "35")
    _type(browser, "f-occurred_on", "2022-03-01")
    _type(browser, "f-decided_on", "2022-05-01")
    _choose(browser, "f-first_offense", "是")
    _choose(browser, "f-harm", "轻微")
    _choose(browser, "f-correction", "逾期未改正")
    _type(browser, "f-facts-item_count", "5")
    _follow(browser, browser.find_element(By.ID, "decide"))

    assert browser.find_element(By.ID, "outcome").text == "处理结果：给予行政处罚"
    document = browser.find_element(By.ID, "document").text
    assert document.startswith("行政处罚决定审批表（草稿）")
    assert "处理依据" in document and "《浙江省城市市容和环境卫生管理条例》第十一条第三款" in document
    assert "罚款人民币185元以上365元以下" in document
    # what was entered stays in the form, to correct and decide again
    assert browser.find_element(By.ID, "f-facts-item_count").get_attribute("value") == "5"


def test_an_officer_reads_the_problem_at_the_field_that_has_it(browser: Any, base: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(base + "/item/LS-SRHJ-0001")
    _type(browser, "f-party-age", "三十五")
    _type(browser, "f-occurred_on", "2022-03-01")
    _follow(browser, browser.find_element(By.ID, "decide"))

    assert "案件信息有1处问题" in browser.find_element(By.ID, "problems").text
    field = browser.find_element(By.ID, "f-party-age-field")
    assert "年龄应填写整数周岁" in field.find_element(By.CLASS_NAME, "problem").text
    assert browser.find_elements(By.ID, "outcome") == []
