"""Real-browser tests of the "Reactor sensitivity" and "Solar sensitivity (xenon)" tabs
(headless Debian Chromium): presets, sliders, the y-quantity switch with its deferred bands,
and the upload of a measured spectrum (good file: its limit; bad file: a message, nothing
changed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("pytest_playwright")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser_support import (  # noqa: E402
    TIMEOUT_MS, latest, open_tab, slider_handle, wait_for_change)

MEDIAN = ["median expected limit (90% CL)", "x", "limit"]
SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample_spectrum.csv"
pytestmark = pytest.mark.browser

# The band sources (VArea: x, low, high) as the page holds them, [low, high] per source.
JS_BANDS = """() => [...Bokeh.documents[0].all_models]
  .filter((m) => m.type === "ColumnDataSource")
  .map((s) => (s.data instanceof Map ? s.data : new Map(Object.entries(s.data))))
  .filter((d) => d.has("low") && d.has("high"))
  .map((d) => [Array.from(d.get("low")).map((v) => Number.isFinite(v) ? v : null),
               Array.from(d.get("high")).map((v) => Number.isFinite(v) ? v : null)])"""


def test_preset_and_threshold_update_plot_and_readouts(page: Page, app_url):
    problems = open_tab(page, app_url, "Reactor sensitivity", MEDIAN)
    before = latest(page, MEDIAN)
    expect(page.get_by_text("GEMMA-2012 published").first).to_be_visible(timeout=TIMEOUT_MS)

    select = page.locator("select").filter(has=page.locator("option", has_text="TEXONO")).filter(
        has=page.locator("option", has_text="custom"))
    expect(select).to_have_count(1, timeout=TIMEOUT_MS)
    select.select_option(label="TEXONO")
    expect(page.get_by_text("TEXONO published").first).to_be_visible(timeout=TIMEOUT_MS)
    after = wait_for_change(page, MEDIAN, before["y"])
    assert max(after["x"]) < 60.0 < max(before["x"])  # TEXONO's window ends at 60 keV
    assert all(v is None or v > 0 for v in after["y"])

    text = page.get_by_text("At 12 keV").first
    expect(text).to_be_visible(timeout=TIMEOUT_MS)
    handle = slider_handle(page, "threshold")
    handle.focus()
    handle.press("PageDown")  # 5 steps of 0.02 in log10 (on the slider's grid): 12 -> ~9.5 keV
    expect(page.get_by_text(re.compile(r"At 9\.5\d keV")).first).to_be_visible(timeout=TIMEOUT_MS)
    # the marker (a Span) moved
    page.wait_for_function(
        """() => [...Bokeh.documents[0].all_models].filter(
             (m) => m.type === "Span" && m.location > 9.4 && m.location < 9.7).length >= 1""",
        timeout=TIMEOUT_MS)
    expect(page.get_by_text("TEXONO published")).to_have_count(0)  # no longer the preset
    problems.assert_clean()


def test_a_mass_move_redraws_the_curve_and_q_bands_follow(page: Page, app_url):
    problems = open_tab(page, app_url, "Reactor sensitivity", MEDIAN)
    before = latest(page, MEDIAN)
    handle = slider_handle(page, "mass")
    handle.focus()
    handle.press("PageUp")  # 1.5 kg -> ~2.4 kg: a larger mass, a stronger limit
    after = wait_for_change(page, MEDIAN, before["y"])
    assert all(a < b for a, b in zip(after["y"], before["y"]) if a is not None and b is not None)
    # |qν|: the median at once, the bands when the slider rests (computed after it)
    page.get_by_role("button", name="|qν|").first.click()
    q = wait_for_change(page, MEDIAN, after["y"])
    page.wait_for_function(
        f"""(median) => ({JS_BANDS})().some(([low, high]) => low.length === median.length
             && low.filter((v, i) => v !== null && median[i] !== null && v < median[i]).length > 20
             && high.filter((v, i) => v !== null && median[i] !== null && v > median[i]).length > 20)""",
        arg=q["y"], timeout=TIMEOUT_MS)
    page.wait_for_function("""() => [...Bokeh.documents[0].all_models].some(
        (m) => m.type === "LogAxis" && String(m.axis_label).startsWith("|qν| 90% CL limit"))""",
                           timeout=TIMEOUT_MS)
    problems.assert_clean()


def test_upload_a_good_file_then_a_bad_one(page: Page, app_url, tmp_path):
    problems = open_tab(page, app_url, "Reactor sensitivity", MEDIAN)
    before = latest(page, MEDIAN)
    file_input = page.locator("input[type=file]")
    expect(file_input).to_have_count(1, timeout=TIMEOUT_MS)
    file_input.set_input_files(str(SAMPLE))
    expect(page.get_by_text("Your spectrum").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"90% CL μν < [0-9.]+e-11 μ_B")).first).to_be_visible(
        timeout=TIMEOUT_MS)
    page.wait_for_function(  # the data points and the likelihood curve are drawn
        """() => [...Bokeh.documents[0].all_models].some((m) => m.type === "LegendItem"
             && m.label != null && m.label.value === "−2 ln λ(μν²)")""", timeout=TIMEOUT_MS)
    fit_text = page.get_by_text("Your spectrum").first.inner_text()

    bad = tmp_path / "bad.csv"
    bad.write_text(SAMPLE.read_text().replace(",2818,", ",-2818,"), encoding="utf-8")
    file_input.set_input_files(str(bad))
    expect(page.get_by_text(re.compile(r"Spectrum not used.*negative counts")).first).to_be_visible(
        timeout=TIMEOUT_MS)
    # nothing changed: the sensitivity curve, and the earlier fit's readout
    assert latest(page, MEDIAN)["y"] == before["y"]
    assert page.get_by_text("Your spectrum").first.inner_text() == fit_text

    # a file too large for the server's websocket messages is refused in the browser, and the
    # session lives on (Panel's FileInput would send it and lose the connection)
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"#" * (16 * 1024 * 1024))
    file_input.set_input_files(str(huge))
    expect(page.get_by_text(re.compile(r"file larger than 10 MB \(huge\.csv: 16\.0 MB\)")).first
           ).to_be_visible(timeout=TIMEOUT_MS)
    handle = slider_handle(page, "mass")
    handle.focus()
    handle.press("PageUp")
    wait_for_change(page, MEDIAN, before["y"])
    problems.assert_clean()


def test_solar_tab_shows_the_published_ratio_and_redraws(page: Page, app_url):
    problems = open_tab(page, app_url, "Solar sensitivity (xenon)", MEDIAN)
    expect(page.get_by_text("XENONnT-2022 published").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"median / published = 1\.\d\d")).first).to_be_visible(
        timeout=TIMEOUT_MS)
    before = latest(page, MEDIAN)
    handle = slider_handle(page, "fiducial mass")
    handle.focus()
    handle.press("ArrowLeft")
    after = wait_for_change(page, MEDIAN, before["y"])
    assert all(a > b for a, b in zip(after["y"], before["y"]) if a is not None and b is not None)
    expect(page.get_by_text("XENONnT-2022 published")).to_have_count(0)  # custom now
    problems.assert_clean()
