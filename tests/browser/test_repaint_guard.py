"""The repaint guard (dashboard/repaint_guard.py) in the page: installed once per page, a repaint
that changes nothing rewrites no stylesheet, a changed stylesheet is still written, and every
figure of every tab still follows a slider move.

Without the guard BokehJS 3.9 rewrites each renderer's position stylesheet on every repaint with
the text it already holds, and each rewrite makes the next colour read recompute the page's
styles (~45 ms per repaint of the recoil figure; ~5 ms with the guard, bench/README.md).  What
is asserted here are the writes, not times.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from dashboard.repaint_guard import GUARD_FLAG  # noqa: E402
from dashboard.tabs import TABS  # noqa: E402
from tests.browser_support import PageProblems, slider_handle, wait_for_plots  # noqa: E402

pytestmark = pytest.mark.browser

# Full repaints of every figure of the page, counting the <style> texts written meanwhile.
JS_REPAINT_WRITES = """async (repaints) => {
  const setter = Object.getOwnPropertyDescriptor(Node.prototype, "textContent").set;
  let writes = 0;
  Object.defineProperty(HTMLStyleElement.prototype, "textContent", {
    set(value) { writes += 1; setter.call(this, value); },
    get: Object.getOwnPropertyDescriptor(Node.prototype, "textContent").get,
    configurable: true,
  });
  const views = [...Bokeh.documents[0].all_models]
    .filter((m) => m.type === "Figure").flatMap((m) => Bokeh.index.find_all(m));
  try {
    for (let i = 0; i < repaints; i++) {
      for (const view of views) { view.invalidate_painters(); view.repaint(); }
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  } finally {
    delete HTMLStyleElement.prototype.textContent;
  }
  return {figures: views.length, writes};
}"""

# A stylesheet written through the guard: new text is written, the same text again is not.
JS_CHANGED_TEXT_WRITTEN = """() => {
  const sheet = new (Bokeh.require("core/dom").InlineStyleSheet)("");
  sheet.replace(":host { left: 1px; }");
  const first = sheet.el.textContent;
  sheet.replace(":host { left: 2px; }");
  return [first, sheet.el.textContent];
}"""


def open_tab(page, url: str, key: str) -> None:
    page.goto(f"{url}/app?tab={key}")
    wait_for_plots(page)
    page.wait_for_timeout(500)  # the document-ready callback and the first paints


def test_guard_is_installed_and_an_unchanged_repaint_writes_no_stylesheet(page, app_url):
    problems = PageProblems(page, app_url)
    open_tab(page, app_url, "recoil")
    installed = page.evaluate(
        f"() => Bokeh.require('core/dom').InlineStyleSheet.prototype.{GUARD_FLAG} === true")
    assert installed, "the repaint guard did not patch BokehJS (a Bokeh version without " \
                      "core/dom InlineStyleSheet._update?): see dashboard/repaint_guard.py"
    result = page.evaluate(JS_REPAINT_WRITES, 5)
    assert result["figures"] >= 1
    assert result["writes"] == 0, result
    assert page.evaluate(JS_CHANGED_TEXT_WRITTEN) == [":host { left: 1px; }",
                                                      ":host { left: 2px; }"]
    problems.assert_clean()


@pytest.mark.parametrize("tab", TABS, ids=[tab.key for tab in TABS])
def test_every_figure_still_follows_a_slider_move(page, app_url, tab):
    """The guard skips identical texts only: after a move every figure that holds the bench
    curve has it redrawn with the new values (the canvas changed, not only the data)."""
    problems = PageProblems(page, app_url)
    open_tab(page, app_url, tab.key)
    slider, curve, _ = tab().bench_target()
    canvases = """(label) => [...Bokeh.documents[0].all_models]
        .filter((m) => m.type === "Figure" && m.renderers.some((r) => r.name === label))
        .flatMap((m) => Bokeh.index.find_all(m))
        .map((v) => v.canvas_view.primary.canvas.toDataURL())"""
    before = page.evaluate(canvases, curve)
    assert before, f"{tab.key}: no figure draws {curve!r}"
    slider_handle(page, slider).press("ArrowRight")
    page.wait_for_function(f"""(old) => {{
        const now = ({canvases})({curve!r});
        return now.length === old.length && now.some((url, i) => url !== old[i]);
    }}""", arg=before, timeout=20_000)
    problems.assert_clean()
