"""Real-browser tests of the channel switch (ν–e / ν–nucleus / both) and the keVee/keVnr axis
of the "Recoil spectra" tab (headless Debian Chromium via pytest-playwright; recipe in
../shared/recipes/browser-tests.md).  Every request stays on the server's origin and the page
logs no console errors.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_playwright")
pn = pytest.importorskip("panel")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser_support import JS_CURVE_DATA, TIMEOUT_MS, PageProblems  # noqa: E402

pytestmark = pytest.mark.browser

SM, NUCLEUS_SM = "SM", "ν–N: SM"

# The largest recoil energy of the plotted sources of a curve that hold positive rates.
_JS_MAX_T = "(args) => { const found = (" + JS_CURVE_DATA + """)(args);
  const maxima = found.map((s) => Math.max(...s.x.filter((t, i) => s.y[i] !== null && s.y[i] > 0)));
  return maxima.length ? Math.max(...maxima) : null;
}"""

# Whether the legend entry of a curve is shown.
_JS_LEGEND_VISIBLE = """(label) => [...Bokeh.documents[0].all_models].some(
  (m) => m.type === "LegendItem" && m.label != null && m.label.value === label && m.visible)"""


@pytest.fixture
def opened(page: Page, app_url) -> PageProblems:
    problems = PageProblems(page, app_url)
    page.goto(f"{app_url}/app")
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(f"() => ({_JS_MAX_T})(['{SM}', 'T_keV', 'rate']) > 700",
                           timeout=TIMEOUT_MS)  # the ν–e reactor spectrum reaches ~9 MeV
    return problems


def _wait_max_T(page: Page, label: str, low: float, high: float):
    page.wait_for_function(
        f"() => {{ const t = ({_JS_MAX_T})(['{label}', 'T_keV', 'rate']); "
        f"return t !== null && t > {low} && t < {high}; }}", timeout=TIMEOUT_MS)


def test_channel_switch_changes_the_plot(page: Page, opened: PageProblems):
    before = page.evaluate(JS_CURVE_DATA, [SM, "T_keV", "rate"])
    assert not page.evaluate(_JS_LEGEND_VISIBLE, NUCLEUS_SM)

    page.get_by_role("button", name="ν–nucleus", exact=True).click()
    # reactor ν̄ on Ge nuclei, Lindhard k = 0.157: the spectrum ends at 0.61 keVee
    _wait_max_T(page, SM, 0.5, 0.7)
    after = page.evaluate(JS_CURVE_DATA, [SM, "T_keV", "rate"])
    assert after != before
    expect(page.get_by_text("Atomic-recoil scale").first).to_be_visible(timeout=TIMEOUT_MS)

    page.get_by_role("button", name="keVnr (nuclear recoil)", exact=True).click()
    _wait_max_T(page, SM, 2.9, 3.2)  # the 70Ge end point at 10 MeV: 3.07 keVnr

    page.get_by_role("button", name="both", exact=True).click()
    page.wait_for_function(f"() => ({_JS_LEGEND_VISIBLE})('{NUCLEUS_SM}')", timeout=TIMEOUT_MS)
    _wait_max_T(page, NUCLEUS_SM, 2.9, 3.2)
    _wait_max_T(page, SM, 1e3, 1e5)  # the sum reaches the electron end point

    page.get_by_role("button", name="ν–e", exact=True).click()
    page.wait_for_function(f"() => !({_JS_LEGEND_VISIBLE})('{NUCLEUS_SM}')", timeout=TIMEOUT_MS)
    opened.assert_clean()


def test_nucleus_only_target_gives_a_message_not_an_error(page: Page, opened: PageProblems):
    select = page.locator("select").filter(has=page.locator("option", has_text="CsI"))
    expect(select).to_have_count(1, timeout=TIMEOUT_MS)
    select.select_option("CsI")
    expect(page.get_by_text("Input not accepted").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("channel='nucleus'").first).to_be_visible()
    expect(select).to_have_value("Ge", timeout=TIMEOUT_MS)  # the page shows what is plotted
    select.select_option("CsI")  # the same refusal again: the notice is unchanged
    expect(select).to_have_value("Ge", timeout=TIMEOUT_MS)

    page.get_by_role("button", name="ν–nucleus", exact=True).click()
    expect(page.get_by_text("Input not accepted").first).to_be_hidden(timeout=TIMEOUT_MS)
    _wait_max_T(page, SM, 0.05, 0.7)  # Cs and I recoils, quenched
    opened.assert_clean()
