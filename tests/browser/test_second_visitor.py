"""A second visitor after the first has left: the lecturer who reloads the page before class.

Bokeh destroys a closed session's document and every model in it.  A model shared by the
sessions of a server (a tick formatter made at import time, say) is emptied for all of them:
the log sliders of every later visitor then read "undefined".  Here the server cleans up fast;
one visitor opens every tab and leaves; once the server has destroyed that session, a second
visitor opens every tab and must read a number in every slider readout.
"""

from __future__ import annotations

import re
import time

import panel as pn
import pytest

pytest.importorskip("playwright")

from dashboard.app import create_app  # noqa: E402
from dashboard.tabs import TABS  # noqa: E402
from tests.browser_support import TIMEOUT_MS, PageProblems, served  # noqa: E402

pytestmark = pytest.mark.browser

NUMBER = re.compile(r"^[-+−]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


SESSIONS = {"created": 0, "destroyed": 0}


def counted_app():
    """The app, counting the sessions the server creates and destroys."""
    SESSIONS["created"] += 1
    pn.state.on_session_destroyed(lambda context: SESSIONS.__setitem__(
        "destroyed", SESSIONS["destroyed"] + 1))
    return create_app()


@pytest.fixture(scope="module")
def fast_cleanup_url():
    """The app on a server that destroys a closed session within about a second."""
    with served({"app": counted_app}, check_unused_sessions=250,
                unused_session_lifetime=250) as url:
        yield url


def slider_readouts(page, key: str, url: str) -> dict[str, str]:
    """Open tab ``key`` and return {slider title: the value it shows} of its visible sliders."""
    page.goto(f"{url}/app?tab={key}")
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    titles = page.locator(".bk-slider-title:visible")
    titles.first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    readouts = {}
    for text in titles.all_inner_texts():
        title, _, value = text.rpartition(":")
        readouts[title.strip()] = value.strip()
    return readouts


def wait_until_every_session_is_destroyed(timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while SESSIONS["destroyed"] < SESSIONS["created"]:
        assert time.monotonic() < deadline, f"sessions still alive: {SESSIONS}"
        time.sleep(0.1)


def test_a_second_visitor_reads_every_slider_after_the_first_left(browser, fast_cleanup_url):
    first = browser.new_context()
    page = first.new_page()
    for tab in TABS:
        assert slider_readouts(page, tab.key, fast_cleanup_url), f"{tab.key}: no sliders"
    first.close()
    wait_until_every_session_is_destroyed()

    second = browser.new_context()
    page = second.new_page()
    problems = PageProblems(page, fast_cleanup_url)
    for tab in TABS:
        readouts = slider_readouts(page, tab.key, fast_cleanup_url)
        bad = {title: value for title, value in readouts.items() if not NUMBER.match(value)}
        assert not bad, f"{tab.key}: slider readouts that are not numbers: {bad}"
        # A log slider shows "2.8" or "1.0e-11", never "2.8e+0" (read as a typo on a projector).
        awkward = {title: value for title, value in readouts.items() if "e+" in value
                   or ("e" in value and 0.01 <= abs(float(value)) < 1000)}
        assert not awkward, f"{tab.key}: readouts in an awkward notation: {awkward}"
    problems.assert_clean()
    second.close()
