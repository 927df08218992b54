"""Real-browser tests of the "Oscillations" tab (headless Debian Chromium via pytest-playwright).

The whole app is served in-process (``app_url``); each test switches to the tab, acts on a
widget with the keyboard, and checks the plotted data in the page, with no console error and
no request leaving the server's origin.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("pytest_playwright")
from playwright.sync_api import Page, expect  # noqa: E402

from dashboard.oscillation_view import CHANNELS, N_DISTANCES  # noqa: E402
from model import constants as c  # noqa: E402
from model.spin_flavour import magnetic_energy_eV  # noqa: E402
from tests.browser_support import (  # noqa: E402
    JS_CURVE_DATA, TIMEOUT_MS, latest, log_slider_value, open_tab, slider_handle, wait_for_change)

pytestmark = pytest.mark.browser

SPIN = [CHANNELS["P_eL_eR"][0], "x_km", "P"]
SPIN_FLAVOUR = [CHANNELS["P_eL_muR"][0], "x_km", "P"]
FLAVOUR = [CHANNELS["P_eL_muL"][0], "x_km", "P"]

# The value of the B slider (log10 B in gauss) as the browser holds it.
_JS_B_SLIDER = """() => {
  const sliders = [...Bokeh.documents[0].all_models].filter(
    (m) => m.type === "Slider" && typeof m.title === "string" && m.title.startsWith("B⊥"));
  return sliders.length === 1 ? sliders[0].value : null;
}"""


def entry(page: Page, name: str):
    """The text input of the exact entry of control ``name``."""
    field = page.locator(f".entry-{name} input:visible")
    expect(field).to_have_count(1, timeout=TIMEOUT_MS)
    return field


def type_into(page: Page, name: str, text: str) -> None:
    field = entry(page, name)
    field.fill(text)
    field.press("Enter")


def test_B_slider_changes_the_curves_as_sin2_mu_B_x(page: Page, app_url):
    problems = open_tab(page, app_url, "Oscillations", SPIN)
    expect(page.get_by_text("Popov–Studenikin").filter(visible=True).first).to_be_visible(
        timeout=TIMEOUT_MS)
    before = latest(page, SPIN)
    spin_flavour_before = latest(page, SPIN_FLAVOUR)
    B_before = page.evaluate(_JS_B_SLIDER)
    assert B_before == pytest.approx(8.0, rel=1e-6, abs=0)

    handle = slider_handle(page, "B⊥")
    handle.focus()
    handle.press("ArrowRight")
    handle.press("ArrowRight")  # log10 B += 0.1
    page.wait_for_function(f"() => ({_JS_B_SLIDER})() > {B_before + 0.09}", timeout=TIMEOUT_MS)
    B_after = page.evaluate(_JS_B_SLIDER)
    assert B_after == pytest.approx(8.1, abs=1e-9)
    # Default view: mu1 = mu2 = 1e-12 mu_B in vacuum, so the spin flips whatever the flavour:
    # P(eL -> eR) + P(eL -> muR) = sin^2(mu B x) (Popov & Studenikin, EPJC 79, 144 (2019),
    # arXiv:1902.08195, as shown in Studenikin's Quarks-2018 talk).  Each key press is one update:
    # wait until the page holds the curves of the final field.
    x = np.array(before["x"])
    mu_B_per_km = magnetic_energy_eV(1e-12, log_slider_value(B_after)) / c.HBAR_C_EV_KM
    expected = np.sin(mu_B_per_km * x) ** 2
    page.wait_for_function(
        f"""([spin, spinFlavour, expected]) => {{
          const a = ({JS_CURVE_DATA})(spin), b = ({JS_CURVE_DATA})(spinFlavour);
          if (!a.length || !b.length) return false;
          const y1 = a[a.length - 1].y, y2 = b[b.length - 1].y;
          return expected.every((e, i) => Math.abs(y1[i] + y2[i] - e) < 1e-9);
        }}""", arg=[SPIN, SPIN_FLAVOUR, expected.tolist()], timeout=TIMEOUT_MS)
    after, spin_flavour = latest(page, SPIN), latest(page, SPIN_FLAVOUR)
    assert len(after["x"]) == N_DISTANCES and after["x"] == pytest.approx(before["x"], rel=1e-6, abs=0)
    right_handed = np.array(after["y"], dtype=float) + np.array(spin_flavour["y"], dtype=float)
    np.testing.assert_allclose(right_handed, expected, atol=1e-9)
    assert spin_flavour["y"] != spin_flavour_before["y"]
    assert not np.allclose(np.array(before["y"], dtype=float), np.array(after["y"], dtype=float))
    L_B = math.pi / mu_B_per_km
    expect(page.get_by_text(f"μ₁ {L_B:.4g} km").first).to_be_visible(timeout=TIMEOUT_MS)
    problems.assert_clean()


def test_bad_input_gives_a_clear_message_and_keeps_the_plot(page: Page, app_url):
    problems = open_tab(page, app_url, "Oscillations", SPIN)
    before = latest(page, FLAVOUR)
    alert = page.locator(".alert-warning")

    for title, bad, good, parameter, rule in [
        ("B_perp_gauss", "-5", "1e8", "B_perp_gauss", "must be at least 0"),
        ("theta", "2", "0.5836", "theta", "must be at most 1.57"),
        ("Y_e", "1.5", "0.5", "Y_e", "must be at most 1"),
    ]:
        type_into(page, title, bad)
        expect(alert.filter(has_text=parameter)).to_be_visible(timeout=TIMEOUT_MS)
        expect(alert.filter(has_text=rule)).to_be_visible(timeout=TIMEOUT_MS)
        assert "Traceback" not in page.content()
        assert latest(page, FLAVOUR)["y"] == before["y"]  # the last good plot stays
        # and the entry shows the value in use again
        expect(entry(page, title)).to_have_value(good, timeout=TIMEOUT_MS)

    type_into(page, "Y_e", "0.45")  # a good value is taken and clears the message
    expect(alert.filter(has_text="Y_e")).to_be_hidden(timeout=TIMEOUT_MS)
    before = latest(page, FLAVOUR)

    # Still live after the rejected input: the θ slider moves the flavour curve.
    handle = slider_handle(page, "θ [rad]")
    handle.focus()
    handle.press("PageDown")
    wait_for_change(page, FLAVOUR, before["y"])
    problems.assert_clean()
