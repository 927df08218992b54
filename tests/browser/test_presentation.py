"""Every tab as people see it, in headless Chromium at 1366x768, 1920x1080 and 800x900: no
horizontal scrolling of the page, each plot's data area at least 80% of the main column's
width and 180 px tall, legends listing drawn curves only and no two alike; the projector mode (?present=1)
with ticks of 16 px or more and readouts of 18 px or more.  (The same rules on the server's
models: tests/dashboard/test_presentation.py.)"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")

from dashboard.tabs import TABS  # noqa: E402
from tests.browser_support import TIMEOUT_MS, PageProblems, wait_for_plots  # noqa: E402

pytestmark = pytest.mark.browser
SIZES = [(1366, 768), (1920, 1080), (800, 900)]
# A data area at least this tall, however long its legend: a fixed figure height once left the
# reactor-sensitivity plot a 100 px strip above a ten-row legend (dashboard/live_plot.py,
# LiveOverlay.fit_legend).  The smallest today: spin light's lifetimes, ~195 px in projector mode.
MIN_FRAME_HEIGHT_PX = 180

# Per visible figure: frame (data area) width, and its legend entries (label, look, drawn).
JS_FIGURES = """() => {
  const doc = Bokeh.documents[0];
  const views = doc.views_manager ?? Bokeh.index;
  const column = (source, name) => {
    const data = source.data;
    return data instanceof Map ? data.get(name) : data[name];
  };
  const drawn = (renderer) => {
    if (!renderer.visible) return false;
    const glyph = renderer.glyph;
    for (const field of ["y", "y1", "y2"]) {
      const spec = glyph[field];
      const name = spec != null && typeof spec === "object" && "field" in spec ? spec.field : null;
      if (name != null) {
        const values = column(renderer.data_source, name);
        if (values != null) return Array.from(values).some((v) => Number.isFinite(v));
      }
    }
    return true;
  };
  const look = (renderer) => {
    const g = renderer.glyph;
    const colour = g.type === "VArea" ? g.fill_color : (g.line_color ?? g.fill_color);
    return JSON.stringify([g.type, String(colour).toLowerCase(), g.line_dash ?? null, g.marker ?? null]);
  };
  const out = [];
  for (const model of doc.all_models) {
    if (model.type !== "Figure" && model.type !== "Plot") continue;
    const view = views.find_one ? views.find_one(model) : null;
    if (view == null || !view.el.isConnected || view.bbox.width === 0) continue;
    const entries = [];
    for (const legend of model.legend ?? model.center.filter((m) => m.type === "Legend")) {
      for (const item of legend.items) {
        if (!item.visible) continue;
        const label = item.label?.value ?? String(item.label);
        entries.push({label, look: look(item.renderers[0]), drawn: item.renderers.some(drawn)});
      }
    }
    out.push({title: model.title?.text ?? "", frame: view.frame.bbox.width,
              frameHeight: view.frame.bbox.height,
              left: view.el.getBoundingClientRect().left, entries});
  }
  return out;
}"""
JS_NO_OVERFLOW = """() => {
  const page = document.scrollingElement;
  const main = document.getElementById("main");
  return {page: page.scrollWidth - page.clientWidth,
          main: main ? main.scrollWidth - main.clientWidth : 0};
}"""


def open_tab(page, url: str, key: str, extra: str = ""):
    page.goto(f"{url}/app?tab={key}{extra}")
    wait_for_plots(page)
    page.wait_for_timeout(600)  # layout settles


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_tab_fits_the_window_and_its_legends_show_what_is_drawn(page, app_url, size):
    problems = PageProblems(page, app_url)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    for tab in TABS:
        open_tab(page, app_url, tab.key)
        overflow = page.evaluate(JS_NO_OVERFLOW)
        assert overflow["page"] <= 1 and overflow["main"] <= 1, (tab.key, size, overflow)
        main = page.locator(".nuem-main").first.bounding_box()
        figures = page.evaluate(JS_FIGURES)
        assert figures, (tab.key, "no figure drawn")
        for figure in figures:
            assert figure["frame"] >= 0.8 * main["width"], (tab.key, size, figure["title"],
                                                            figure["frame"], main["width"])
            assert figure["frameHeight"] >= MIN_FRAME_HEIGHT_PX, (tab.key, size, figure["title"],
                                                                 figure["frameHeight"])
            undrawn = [e["label"] for e in figure["entries"] if not e["drawn"]]
            assert not undrawn, (tab.key, figure["title"], undrawn)
            looks = [e["look"] for e in figure["entries"]]
            assert len(set(looks)) == len(looks), (tab.key, figure["title"], figure["entries"])
    problems.assert_clean()


def test_projector_mode_in_the_link_enlarges_ticks_and_readouts(page, app_url):
    problems = PageProblems(page, app_url)
    page.set_viewport_size({"width": 1366, "height": 768})
    for tab in TABS:
        open_tab(page, app_url, tab.key, "&present=1")
        ticks = page.evaluate("""() => [...Bokeh.documents[0].all_models]
            .filter((m) => m.type === "LinearAxis" || m.type === "LogAxis")
            .map((m) => parseFloat(m.major_label_text_font_size))""")
        assert ticks and min(ticks) >= 16, (tab.key, ticks)
        readout = page.locator(".nuem-readout").first
        size = readout.evaluate("(el) => parseFloat(getComputedStyle(el.shadowRoot?.firstElementChild ?? el).fontSize)")
        assert size >= 18, (tab.key, size)
        for figure in page.evaluate(JS_FIGURES):  # larger type, longer legends: still room
            assert figure["frameHeight"] >= MIN_FRAME_HEIGHT_PX, (tab.key, figure["title"],
                                                                 figure["frameHeight"])
    problems.assert_clean()


def test_the_projector_toggle_switches_the_mode_and_the_link(page, app_url):
    problems = PageProblems(page, app_url)
    open_tab(page, app_url, "recoil")
    page.get_by_role("button", name="Projector mode").click()
    page.wait_for_function("() => window.location.search.includes('present=1')", timeout=TIMEOUT_MS)
    page.wait_for_function("""() => [...Bokeh.documents[0].all_models]
        .filter((m) => m.type === "LogAxis").every((m) => parseFloat(m.major_label_text_font_size) >= 16)""",
                           timeout=TIMEOUT_MS)
    problems.assert_clean()
