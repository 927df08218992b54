"""Real-browser tests of the "Recoil spectra" tab (headless Debian Chromium via pytest-playwright).

Run with ``pytest -m browser tests/browser/test_recoil.py``. Needs ``/usr/bin/chromium``
(``apt-get install chromium``); never ``playwright install`` (no internet here).

The app is served in-process on 127.0.0.1 and must work offline: every request has to stay on
the server's origin (or be ``data:``/``blob:``), and the page must log no console errors.
"""

from __future__ import annotations

import math

import pytest

pytest.importorskip("pytest_playwright")
pn = pytest.importorskip("panel")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser_support import (  # noqa: E402
    JS_MU_SLIDER_VALUE, TIMEOUT_MS, PageProblems, log_slider_value)

MAGNETIC = "magnetic (μν)"
CURVES = ("SM", MAGNETIC, "total")

pytestmark = pytest.mark.browser  # scripts/test.sh installs Chromium: a missing one fails


@pytest.fixture
def open_app(page: Page, app_url):
    """Open the app in a fresh page (a fresh session); return the page and its problem log."""

    def _open() -> PageProblems:
        problems = PageProblems(page, app_url)
        page.goto(f"{app_url}/app")
        page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                               timeout=TIMEOUT_MS)
        page.wait_for_function(_JS_CURVES_READY, arg=list(CURVES), timeout=TIMEOUT_MS)
        return problems

    return _open


# --- in-page readers of the plotted data -------------------------------------------------------
# Bokeh 3 stores ColumnDataSource.data as a Map; older versions as a plain object.
_JS_HELPERS = """
const column = (source, name) => {
  const data = source.data;
  const col = data instanceof Map ? data.get(name) : data[name];
  return col == null ? null : Array.from(col);
};
const sources = () => [...Bokeh.documents[0].all_models].filter(
  (m) => m.type === "ColumnDataSource" && column(m, "rate") !== null && column(m, "T_keV") !== null);
const renderers = (label) => [...Bokeh.documents[0].all_models].filter(
  (m) => m.type === "GlyphRenderer" && m.name === label);
const legendRenderers = (label) => [...Bokeh.documents[0].all_models]
  .filter((m) => m.type === "LegendItem" && m.label != null && m.label.value === label)
  .flatMap((item) => item.renderers);
const curveSources = (label) => [...new Set(
  [...renderers(label), ...legendRenderers(label)].map((r) => r.data_source))];
"""

# Every named curve is plotted with a non-empty source.
_JS_CURVES_READY = "(labels) => {" + _JS_HELPERS + """
  return labels.every((label) => curveSources(label).some((s) => (column(s, "rate") || []).length > 0));
}"""

# The plotted sources of one curve: {id, T, y} with non-finite y kept as null.
_JS_CURVE_DATA = "(label) => {" + _JS_HELPERS + """
  return curveSources(label).map((s) => ({id: s.id, T: column(s, "T_keV"),
                                          y: column(s, "rate").map((v) => Number.isFinite(v) ? v : null)}));
}"""

# Some ColumnDataSource anywhere in the document holds `y` scaled by `ratio` (same grid).
_JS_SCALED_SOURCE_EXISTS = "([T, y, ratio]) => {" + _JS_HELPERS + """
  const close = (a, b, rel) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
  return sources().some((s) => {
    const T2 = column(s, "T_keV"), y2 = column(s, "rate");
    if (T2.length !== T.length || !T.every((t, i) => close(t, T2[i], 1e-9))) return false;
    let compared = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] === null || !(y[i] > 0)) continue;
      if (!Number.isFinite(y2[i]) || !close(y2[i], y[i] * ratio, 1e-6)) return false;
      compared++;
    }
    return compared > 10;
  });
}"""


# Every plotted curve (SM, magnetic, total) ends below `tmax` keV, and there is at least one.
_JS_ALL_CURVES_BELOW = "([labels, tmax]) => {" + _JS_HELPERS + """
  const srcs = labels.flatMap((label) => curveSources(label));
  return srcs.length >= labels.length && srcs.every((s) => {
    const T = column(s, "T_keV");
    return T.length > 0 && Math.max(...T) < tmax;
  });
}"""


def _curve(page: Page, label: str) -> dict:
    found = page.evaluate(_JS_CURVE_DATA, label)
    assert len(found) == 1, f"expected one plotted source for {label!r}, found {len(found)}"
    return found[0]


def _mu_slider_handle(page: Page):
    """The noUiSlider handle of the μν slider (the only slider whose title mentions μν)."""
    group = page.locator(".bk-input-group").filter(
        has=page.locator(".bk-slider-title", has_text="μν"))
    expect(group).to_have_count(1, timeout=TIMEOUT_MS)
    handle = group.locator(".noUi-handle")
    expect(handle).to_have_count(1)
    return handle


# --- tests ---------------------------------------------------------------------------------------
def test_page_loads_offline_without_errors(page: Page, open_app):
    problems = open_app()

    expect(page.get_by_text("Recoil spectra", exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    assert page.evaluate("() => Bokeh.documents.length") >= 1
    assert page.evaluate("() => Bokeh.documents[0].roots().length") >= 1
    for label in CURVES:
        curve = _curve(page, label)
        assert any(v is not None and v > 0 for v in curve["y"]), f"{label!r} has no positive rate"
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)

    assert problems.requests, "no request recorded: the page did not load"
    assert problems.websockets, "no websocket opened: the Bokeh session is not live"
    problems.assert_clean()


def test_mu_slider_scales_magnetic_rate(page: Page, open_app):
    problems = open_app()
    before = _curve(page, MAGNETIC)
    mu_before = page.evaluate(JS_MU_SLIDER_VALUE)
    assert mu_before is not None, "no unique Slider model with 'μν' in its title"

    handle = _mu_slider_handle(page)
    handle.focus()
    for key in ("ArrowRight", "ArrowRight", "PageUp", "ArrowRight", "PageUp"):
        handle.press(key)
    # 3 steps of 0.05 and 2 page steps of 5 × 0.05: log10 μν rises by 0.65.
    page.wait_for_function(f"() => ({JS_MU_SLIDER_VALUE})() > {mu_before + 0.6}",
                           timeout=TIMEOUT_MS)
    mu_after = page.evaluate(JS_MU_SLIDER_VALUE)
    assert mu_after == pytest.approx(mu_before + 0.65, abs=1e-6)

    # dN/dT|magnetic ∝ μν²: wait until the server's update reaches the browser, i.e. until some
    # ColumnDataSource (old ones may linger, so search them all) holds before × 10^(2 Δlog μν).
    ratio = (log_slider_value(mu_after) / log_slider_value(mu_before)) ** 2
    page.wait_for_function(_JS_SCALED_SOURCE_EXISTS, arg=[before["T"], before["y"], ratio],
                           timeout=TIMEOUT_MS)

    after = _curve(page, MAGNETIC)  # and the plotted magnetic curve is that source
    pairs = [(b, a) for b, a in zip(before["y"], after["y"]) if b and a]
    assert len(pairs) > 10
    assert all(a > b for b, a in pairs), "a larger μν must raise the magnetic rate everywhere"
    assert all(math.isclose(a / b, ratio, rel_tol=1e-6) for b, a in pairs)
    assert after["T"] == pytest.approx(before["T"], rel=1e-9, abs=0)
    problems.assert_clean()


def test_source_select_solar_7be_shrinks_recoil_range(page: Page, open_app):
    problems = open_app()
    before = _curve(page, MAGNETIC)
    assert max(before["T"]) > 700.0, "the default (reactor) spectrum should reach beyond 700 keV"

    select = page.locator("select").filter(
        has=page.locator("option", has_text="Solar ⁷Be lines"))
    expect(select).to_have_count(1, timeout=TIMEOUT_MS)
    select.select_option(label="Solar ⁷Be lines")

    # ⁷Be lines (862 and 384 keV): the Compton edge of the 862 keV line is T_max ≈ 665 keV.
    page.wait_for_function(_JS_ALL_CURVES_BELOW, arg=[list(CURVES), 700.0], timeout=TIMEOUT_MS)
    after = _curve(page, MAGNETIC)
    assert max(after["T"]) < 700.0
    assert any(v is not None and v > 0 for v in after["y"])
    assert after["y"] != before["y"]
    problems.assert_clean()
