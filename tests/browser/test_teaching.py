"""Teaching and "what if" tools in the browser (server side: tests/dashboard/test_teaching.py):
exact entry of μν, a refused text, Reset, every scenario of every tab and its link, Pin with
its CSV column, the guided tour, the PNG download at twice the resolution."""

from __future__ import annotations

import io
import math
import struct
import urllib.parse

import pandas as pd
import pytest

pytest.importorskip("playwright")

from dashboard.recoil_view import RecoilView  # noqa: E402
from dashboard.scenarios import tab_guide, tour  # noqa: E402
from dashboard.tabs import TABS  # noqa: E402
from tests.browser_support import (  # noqa: E402
    JS_CURVE_DATA, JS_MU_SLIDER_VALUE, TIMEOUT_MS, PageProblems, latest, slider_handle,
    wait_for_change, wait_for_plots)

pytestmark = pytest.mark.browser
TOTAL = ["total", "T_keV", "rate"]


def opened(page, url: str, search: str = "") -> PageProblems:
    problems = PageProblems(page, url)
    page.goto(f"{url}/app{search}")
    wait_for_plots(page)
    return problems


def query(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(page.url).query))


def type_entry(page, name: str, text: str) -> None:
    field = page.locator(f".entry-{name} input:visible")
    field.fill(text)
    field.press("Enter")


def test_exact_entry_of_mu_nu_and_a_refused_text(page, app_url):
    problems = opened(page, app_url)
    before = latest(page, TOTAL)
    type_entry(page, "mu_nu", "2.9e-11")
    page.wait_for_function("() => window.location.search.includes('recoil.mu_nu=2.9e-11')",
                           timeout=TIMEOUT_MS)
    wait_for_change(page, TOTAL, before["y"])
    assert page.evaluate(JS_MU_SLIDER_VALUE) == pytest.approx(math.log10(2.9e-11), rel=1e-9, abs=0)
    shown = latest(page, TOTAL)
    type_entry(page, "mu_nu", "abc")
    page.locator(".alert-warning", has_text="not a number").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    assert query(page)["recoil.mu_nu"] == "2.9e-11"  # nothing changed
    assert latest(page, TOTAL)["y"] == shown["y"]
    assert page.locator(".entry-mu_nu input").input_value() == "2.9e-11"
    problems.assert_clean()


def test_reset_restores_the_defaults_and_cleans_the_link(page, app_url):
    problems = opened(page, app_url, "?recoil.mu_nu=3e-11&recoil.target=Xe")
    shown = latest(page, TOTAL)
    page.get_by_role("button", name="Reset").first.click()
    page.wait_for_function("() => window.location.search === ''", timeout=TIMEOUT_MS)
    after = wait_for_change(page, TOTAL, shown["y"])
    default = RecoilView()
    assert page.locator(".entry-mu_nu input").input_value() == "1e-11"
    x, y = default.figures["spectrum"].data("total")
    assert len(after["y"]) == len(y)
    problems.assert_clean()


@pytest.mark.parametrize("tab", TABS, ids=[tab.key for tab in TABS])
def test_each_scenario_applies_and_its_link_reproduces_it(page, app_url, tab):
    problems = opened(page, app_url, f"?tab={tab.key}")
    select = page.locator("select").filter(has=page.locator("option", has_text="Choose a scenario"))
    for scenario in tab_guide(tab.key).scenarios:
        select.first.select_option(label=scenario.name)
        note = page.locator(".markdown", has_text=scenario.text[:30]).first
        note.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # the address follows the controls
        link = page.url
        texts = page.locator(".nuem-entry input").evaluate_all("(els) => els.map((e) => e.value)")
        other = page.context.new_page()
        copy = opened(other, app_url, "?" + urllib.parse.urlparse(link).query)
        assert other.locator(".nuem-entry input").evaluate_all(
            "(els) => els.map((e) => e.value)") == texts, scenario.name
        copy.assert_clean()
        other.close()
    assert page.locator(".alert-warning:visible").count() == 0
    problems.assert_clean()


def test_pin_then_a_move_draws_two_curves_and_the_csv_has_the_pin(page, app_url):
    problems = opened(page, app_url)
    page.get_by_role("button", name="Pin").first.click()
    page.wait_for_function("() => window.location.search.includes('recoil.pins=')", timeout=TIMEOUT_MS)
    pinned = ["pin 1: defaults", "T_keV", "rate"]
    page.wait_for_function(f"(c) => ({JS_CURVE_DATA})(c).length > 0", arg=pinned, timeout=TIMEOUT_MS)
    before = latest(page, TOTAL)
    handle = slider_handle(page, "μν")
    handle.focus()
    handle.press("PageUp")
    after = wait_for_change(page, TOTAL, before["y"])
    pin = latest(page, pinned)
    assert pin["y"] == before["y"] and after["y"] != pin["y"]  # two curves: frozen and live
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.get_by_role("button", name="CSV", exact=True).first.click()
    with open(info.value.path(), "rb") as f:
        frame = pd.read_csv(io.BytesIO(f.read()), comment="#")
    assert "pin 1: defaults" in frame.columns
    problems.assert_clean()


def test_the_png_download_has_twice_the_resolution(page, app_url):
    problems = opened(page, app_url)
    size = page.evaluate("""() => {
        const fig = [...Bokeh.documents[0].all_models].find((m) => m.type === "Figure");
        const view = (Bokeh.documents[0].views_manager ?? Bokeh.index).find_one(fig);
        return [view.bbox.width, view.bbox.height]; }""")
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.get_by_role("button", name="PNG", exact=True).first.click()
    with open(info.value.path(), "rb") as f:
        header = f.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert (width, height) == (2 * round(size[0]), 2 * round(size[1]))
    problems.assert_clean()


def test_the_tour_goes_forward_and_back_through_every_step(page, app_url):
    problems = opened(page, app_url, "?tour=1")
    steps = tour()
    card = page.locator(".card", has_text="Guided tour").first
    for index in range(len(steps)):
        card.get_by_text(f"Step {index + 1} of {len(steps)}").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function("([key]) => new URLSearchParams(window.location.search).get('tab') "
                               "=== key || (key === 'recoil' && !window.location.search.includes('tab='))",
                               arg=[steps[index].tab], timeout=TIMEOUT_MS)
        if index < len(steps) - 1:
            card.get_by_role("button", name="Next ▶").click()
    for index in reversed(range(len(steps) - 1)):
        card.get_by_role("button", name="◀ Back").click()
        card.get_by_text(f"Step {index + 1} of {len(steps)}").wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".alert-warning:visible").count() == 0
    problems.assert_clean()
