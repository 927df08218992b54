"""Real-browser test of the "Reactor sensitivity" tab (headless Debian Chromium)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("pytest_playwright")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser_support import (  # noqa: E402
    TIMEOUT_MS, latest, open_tab, slider_handle, wait_for_change)

MU_CURVE = ["μν sensitivity (median, 90% CL)", "threshold_keV", "limit"]
pytestmark = pytest.mark.browser


def test_preset_and_threshold_update_plot_and_readouts(page: Page, app_url):
    problems = open_tab(page, app_url, "Reactor sensitivity", MU_CURVE)
    before = latest(page, MU_CURVE)
    expect(page.get_by_text("GEMMA-2012 published").first).to_be_visible(timeout=TIMEOUT_MS)

    select = page.locator("select").filter(has=page.locator("option", has_text="custom"))
    expect(select).to_have_count(1, timeout=TIMEOUT_MS)
    select.select_option(label="TEXONO")
    expect(page.get_by_text("TEXONO published").first).to_be_visible(timeout=TIMEOUT_MS)
    after = wait_for_change(page, MU_CURVE, before["y"])
    assert max(after["x"]) < 60.0 < max(before["x"])  # TEXONO's window ends at 60 keV
    assert all(v is None or v > 0 for v in after["y"])

    text = page.get_by_text("At 12 keV").first
    expect(text).to_be_visible(timeout=TIMEOUT_MS)
    handle = slider_handle(page, "threshold")
    handle.focus()
    handle.press("PageDown")  # 5 steps of 0.02 in log10 (on the slider's grid): 12 -> ~9.5 keV
    expect(page.get_by_text(re.compile(r"At 9\.5\d keV")).first).to_be_visible(timeout=TIMEOUT_MS)
    # the threshold marker (a Span) moved on both plots
    page.wait_for_function(
        """() => [...Bokeh.documents[0].all_models].filter(
             (m) => m.type === "Span" && m.location > 9.4 && m.location < 9.7).length >= 2""",
        timeout=TIMEOUT_MS)
    expect(page.get_by_text("TEXONO published")).to_have_count(0)  # no longer the preset
    problems.assert_clean()
