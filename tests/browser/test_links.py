"""Real-browser tests of shareable links, downloads and the formula notes in the served app.

A link with parameters sets the widgets and the plotted data; a link with garbage shows the
notice and the defaults and logs no console error; moving a slider rewrites the address;
CSV, PNG and SVG downloads hold the plotted figure; each tab's formula note is typeset.
"""

from __future__ import annotations

import io
import math
import urllib.parse

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("pytest_playwright")
from playwright.sync_api import Page, expect  # noqa: E402

from dashboard.tabs import TABS  # noqa: E402
from dashboard.theory_view import SM  # noqa: E402
from dashboard.url_state import UrlState  # noqa: E402
from tests.browser_support import (JS_CURVE_DATA, JS_MU_SLIDER_VALUE, TIMEOUT_MS,  # noqa: E402
                                   PageProblems, latest, log_slider_value, slider_handle,
                                   wait_for_change)

pytestmark = pytest.mark.browser

TOTAL = ["total", "T_keV", "rate"]
FIELDS = {tab.key: tab.URL_FIELDS for tab in TABS}

# The value of the Select or RadioButtonGroup whose title/label is `title` (Panel model).
JS_SELECT_VALUE = """(title) => {
  const found = [...Bokeh.documents[0].all_models].filter(
    (m) => m.type.endsWith("Select") && m.title === title);
  return found.length ? found[0].value : null;
}"""
JS_NOTICE = """() => [...Bokeh.documents[0].all_models]
  .filter((m) => m.type.endsWith("HTML") && m.visible && typeof m.text === "string"
                 && m.text.includes("were not used")).map((m) => m.text)"""


def open_link(page: Page, app_url: str, search: str, curve=TOTAL) -> PageProblems:
    problems = PageProblems(page, app_url)
    page.goto(f"{app_url}/app{search}")
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(
        f"(c) => ({JS_CURVE_DATA})(c).some((s) => s.y.some((v) => v !== null))",
        arg=curve, timeout=TIMEOUT_MS)
    return problems


def server_view(key: str, search: str):
    """The view a server session builds from this link (what the page must show)."""
    url = UrlState(search, FIELDS)
    view = {tab.key: tab for tab in TABS}[key]()
    url.attach(key, view)
    return view


def test_a_link_sets_the_widgets_and_the_plotted_data(page: Page, app_url):
    search = "?recoil.mu_nu=3e-11&recoil.target=Xe&recoil.threshold_keV=1&recoil.binding=free"
    problems = open_link(page, app_url, search)
    assert page.evaluate(JS_MU_SLIDER_VALUE) == pytest.approx(math.log10(3e-11), abs=1e-9)
    assert page.evaluate(JS_SELECT_VALUE, "target") == "Xe"
    expected = server_view("recoil", search)
    assert expected.model.target == "Xe" and expected.model.mu_nu == pytest.approx(3e-11, rel=1e-12, abs=0)
    T, y = expected.plot.data("total")
    shown = latest(page, TOTAL)
    np.testing.assert_allclose(shown["x"], T, rtol=1e-12)
    np.testing.assert_allclose(np.array(shown["y"], dtype=float), y, rtol=1e-12)
    assert page.evaluate(JS_NOTICE) == []
    problems.assert_clean()


def test_a_garbage_link_shows_the_notice_and_the_defaults(page: Page, app_url):
    bad = {"recoil.mu_nu": "abc", "recoil.target": "Zz", "recoil.threshold_keV": "1e300",
           "tab": "nowhere", "<img src=x onerror=alert(1)>": "1", "recoil.exposure_kg_day": "nan"}
    problems = open_link(page, app_url, "?" + urllib.parse.urlencode(bad))
    notice = " ".join(page.evaluate(JS_NOTICE))  # the app's (unknown keys) and the tab's own
    assert all(name in notice for name in ("mu_nu", "target", "threshold_keV", "exposure_kg_day",
                                           "nowhere"))
    expect(page.get_by_text("were not used").first).to_be_visible()
    assert page.evaluate(JS_MU_SLIDER_VALUE) == pytest.approx(-11.0, rel=1e-6, abs=0)
    assert page.evaluate(JS_SELECT_VALUE, "target") == "Ge"
    page.wait_for_function("() => window.location.search === ''", timeout=TIMEOUT_MS)
    problems.assert_clean()  # no console error, no injected request


def test_a_link_opens_its_tab(page: Page, app_url):
    problems = open_link(page, app_url, "?tab=theory&theory.mu_nu=1e-12",
                         curve=[SM, "m_nu_eV", "mu_B"])
    expect(page.locator(".bk-tab.bk-active")).to_have_text("Theory")
    problems.assert_clean()


def test_moving_a_slider_rewrites_the_address(page: Page, app_url):
    problems = open_link(page, app_url, "")
    before = latest(page, TOTAL)
    handle = slider_handle(page, "μν")
    handle.focus()
    handle.press("PageUp")
    wait_for_change(page, TOTAL, before["y"])
    page.wait_for_function("() => window.location.search.includes('recoil.mu_nu=')",
                           timeout=TIMEOUT_MS)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    position = page.evaluate(JS_MU_SLIDER_VALUE)
    assert float(query["recoil.mu_nu"][0]) == log_slider_value(position)
    # The address reproduces the view in a new session: same slider position, same curve.
    shown = latest(page, TOTAL)
    page.goto(page.url)
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(f"() => ({JS_MU_SLIDER_VALUE})() !== null", timeout=TIMEOUT_MS)
    assert page.evaluate(JS_MU_SLIDER_VALUE) == position
    page.wait_for_function(f"(c) => ({JS_CURVE_DATA})(c).length > 0", arg=TOTAL, timeout=TIMEOUT_MS)
    np.testing.assert_allclose(np.array(latest(page, TOTAL)["y"], dtype=float),
                               np.array(shown["y"], dtype=float), rtol=1e-12)
    problems.assert_clean()


def _download(page: Page, button: str):
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.get_by_role("button", name=button, exact=True).first.click()
    download = info.value
    with open(download.path(), "rb") as f:
        return download.suggested_filename, f.read()


def test_downloads_hold_the_plotted_figure(page: Page, app_url):
    problems = open_link(page, app_url, "?recoil.mu_nu=2e-11")
    shown = latest(page, TOTAL)
    name, body = _download(page, "CSV")
    assert name == "recoil_electron_Ge_reactor_mu2e-11_q0_thr2.8keV.csv"
    frame = pd.read_csv(io.StringIO(body.decode("utf-8")), comment="#")
    np.testing.assert_allclose(frame["T_keV"], shown["x"], rtol=1e-9)
    np.testing.assert_allclose(frame["total"], np.array(shown["y"], dtype=float), rtol=1e-9)
    name, body = _download(page, "PNG")
    assert name == "recoil_electron_Ge_reactor_mu2e-11_q0_thr2.8keV.png"
    assert body.startswith(b"\x89PNG\r\n\x1a\n") and len(body) > 10_000
    name, body = _download(page, "SVG")
    assert name.endswith("mu2e-11_q0_thr2.8keV.svg")
    text = body.decode("utf-8")
    assert text.startswith("<svg") and "<path" in text
    problems.assert_clean()


def test_each_tab_has_a_typeset_formula_note(page: Page, app_url):
    problems = open_link(page, app_url, "")
    for title in [tab.title for tab in TABS]:
        page.get_by_text(title, exact=True).first.click()
        header = page.locator(".card-header:visible", has_text="Formulas behind these curves")
        expect(header).to_have_count(1, timeout=TIMEOUT_MS)
        header.click()
        expect(page.locator("mjx-container:visible").first).to_be_visible(timeout=TIMEOUT_MS)
        header.click()
    problems.assert_clean()


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(query=st.dictionaries(
    st.sampled_from([f"recoil.{f.name}" for f in FIELDS["recoil"]] + ["tab"]),
    st.one_of(st.text(max_size=8), st.floats().map(repr),
              st.sampled_from(["Xe", "free", "solar_pp", "nucleus", "+", "−", "true", "0"])),
    max_size=5))
def test_random_links_never_break_the_page(page: Page, app_url, query):
    query.pop("tab", None)  # stay on the recoil tab, whose curve the page waits for
    problems = open_link(page, app_url, "?" + urllib.parse.urlencode(query))
    problems.assert_clean()
