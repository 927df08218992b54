"""Real-browser tests of the "Spin light" and "Theory" tabs (headless Debian Chromium).

Each test opens the whole app, switches to its tab, moves one slider with the keyboard and
checks that the plotted data in the page changed as the physics says, with no console error
and no request leaving the server's origin.
"""

from __future__ import annotations

import math

import pytest

pytest.importorskip("pytest_playwright")
from playwright.sync_api import Page, expect  # noqa: E402

from dashboard.spin_light_view import RATE  # noqa: E402
from dashboard.theory_view import NATURALNESS, SM  # noqa: E402
from tests.browser_support import (  # noqa: E402
    JS_CURVE_DATA, TIMEOUT_MS, latest, log_slider_value, open_tab, slider_handle, wait_for_change)

pytestmark = pytest.mark.browser


def wait_for_scaled(page: Page, curve: list[str], before: dict, ratio: float) -> dict:
    """Wait until the newest source of ``curve`` holds ``before`` times ``ratio`` (same grid)."""
    page.wait_for_function(
        f"([args, old, ratio]) => {{ const c = ({JS_CURVE_DATA})(args); if (c.length === 0) return false;"
        " const y = c[c.length - 1].y; const i = old.findIndex((v) => v !== null);"
        " return y.length === old.length && y[i] !== null"
        " && Math.abs(y[i] / old[i] - ratio) < 1e-6 * ratio; }",
        arg=[curve, before["y"], ratio], timeout=TIMEOUT_MS)
    return latest(page, curve)


def test_spin_light_density_slider_scales_the_rate(page: Page, app_url):
    curve = [RATE, "E_TeV", "rate_per_s"]
    problems = open_tab(page, app_url, "Spin light", curve)
    expect(page.get_by_text("Allowed window").first).to_be_visible(timeout=TIMEOUT_MS)
    before = latest(page, curve)

    handle = slider_handle(page, "nucleon density")
    handle.focus()
    handle.press("ArrowRight")  # log10 n += 0.05
    after = wait_for_change(page, curve, before["y"])

    # Gamma = 4 mu^2 ñ^2 p with ñ ∝ n_n = (1 - Y_e) n: x 10^0.1 wherever it was open before
    # (the threshold only falls as n grows).  The grid holds the threshold, so match by energy.
    old = {round(x, 12): y for x, y in zip(before["x"], before["y"]) if y}
    ratios = [y / old[round(x, 12)] for x, y in zip(after["x"], after["y"])
              if y and round(x, 12) in old]
    assert len(ratios) > 100
    expected = (log_slider_value(38.05) / 1e38) ** 2  # n: 1e38 -> 1.122e38 (4 digits)
    assert all(math.isclose(r, expected, rel_tol=1e-6) for r in ratios)
    expect(page.get_by_text("nₑ = 1.12e+36 cm⁻³").first).to_be_visible(timeout=TIMEOUT_MS)
    problems.assert_clean()


def test_theory_scale_slider_moves_the_naturalness_line(page: Page, app_url):
    curve = [NATURALNESS, "m_nu_eV", "mu_B"]
    problems = open_tab(page, app_url, "Theory", curve)
    # The collapsed formula note also names it: look for the visible readout.
    expect(page.get_by_text("SM Dirac moment").filter(visible=True).first).to_be_visible(timeout=TIMEOUT_MS)
    before = latest(page, curve)
    sm_before = latest(page, [SM, "m_nu_eV", "mu_B"])

    handle = slider_handle(page, "new-physics scale")
    handle.focus()
    handle.press("ArrowRight")
    handle.press("ArrowRight")  # log10 Λ += 0.1
    scale = log_slider_value(0.1) ** -2  # Λ: 1 -> 1.259 TeV
    after = wait_for_scaled(page, curve, before, scale)  # not the first key's update

    # eq. (19): mu = 2 m_e m_nu / Lambda^2, so x 10^-0.2 at every mass
    assert after["x"] == pytest.approx(before["x"], rel=1e-12, abs=0)
    pairs = [(b, a) for b, a in zip(before["y"], after["y"]) if b and a]
    assert len(pairs) > 100
    assert all(math.isclose(a / b, scale, rel_tol=1e-6) for b, a in pairs)
    assert latest(page, [SM, "m_nu_eV", "mu_B"])["y"] == sm_before["y"]  # the SM does not move
    expect(page.get_by_text("Λ = 1.26 TeV").first).to_be_visible(timeout=TIMEOUT_MS)
    problems.assert_clean()


def test_slider_titles_fit_beside_their_entries(page: Page, app_url):
    """At 1366 px the spin-light tab's long slider titles ("magnetic moment μ [μ_B]: 1.0e-11")
    ran under the entry box beside them and lost their value's end (Bokeh keeps a title on
    one line); they wrap now: every visible slider title ends inside its slider."""
    page.set_viewport_size({"width": 1366, "height": 768})
    open_tab(page, app_url, "Spin light", [RATE, "E_TeV", "rate_per_s"])
    overflowing = page.evaluate("""() => {
      const found = [];
      const walk = (root) => root.querySelectorAll('*').forEach((el) => {
        if (el.classList && el.classList.contains('bk-slider-title')
            && el.getClientRects().length && el.scrollWidth > el.clientWidth + 1)
          found.push(el.textContent);
        if (el.shadowRoot) walk(el.shadowRoot);
      });
      walk(document);
      return found;
    }""")
    assert overflowing == []
    assert page.locator(".bk-slider-title:visible", has_text="magnetic moment").count() == 1
