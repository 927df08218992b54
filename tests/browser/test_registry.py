"""A tab added as one module plus one registry line (tests/minimal_tab.py) is served by the app:
its link opens it with its values, and its slider redraws its curve."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from dashboard.app import create_app  # noqa: E402
from dashboard.tabs import TABS  # noqa: E402
from tests.browser_support import (  # noqa: E402
    JS_CURVE_DATA, TIMEOUT_MS, PageProblems, latest, served, slider_handle, wait_for_change)
from tests.minimal_tab import LineView  # noqa: E402

pytestmark = pytest.mark.browser
CURVE = ["y", "x", "y"]


@pytest.fixture(scope="module")
def line_app_url():
    with served({"app": lambda: create_app((*TABS, LineView))}) as url:
        yield url


def test_an_extra_tab_is_served_linked_and_live(page, line_app_url):
    problems = PageProblems(page, line_app_url)
    page.goto(f"{line_app_url}/app?tab=line&line.slope=2.5")
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(
        f"(args) => ({JS_CURVE_DATA})(args).some((c) => c.y.length > 0)", arg=CURVE,
        timeout=TIMEOUT_MS)
    before = latest(page, CURVE)
    assert before["y"][-1] == pytest.approx(2.5, rel=1e-12, abs=0)
    handle = slider_handle(page, "slope s")
    handle.focus()
    handle.press("ArrowRight")
    after = wait_for_change(page, CURVE, before["y"])
    assert after["y"][-1] == pytest.approx(2.6, rel=1e-12, abs=0)
    page.wait_for_function("() => window.location.search.includes('line.slope=2.6')",
                           timeout=TIMEOUT_MS)
    problems.assert_clean()
