"""Keep a figure's repaint from recomputing the page's styles a dozen times (presentation only).

Measured in headless Chromium on the recoil tab (``python -m bench.bench_recoil_latency``,
CPU profile of the repaint): a full repaint of its figure took ~45 ms, 60 % of it in
``getComputedStyle(...).getPropertyValue``.  BokehJS 3.9 reads every colour of every renderer
through the CSS cascade (bokeh/bokeh#15286), and during the same repaint each renderer rewrites
its position stylesheet (``InlineStyleSheet.replace``), usually with the text it already holds.
Each rewrite marks the page's styles dirty, so the next read recomputes them.

The guard makes a rewrite with unchanged text a no-op (an identical stylesheet applies the same
rules, so nothing drawn can differ); a changed text is written as before.  Repaint: ~45 → ~5 ms.
It is installed in the page by a per-session ``CustomJS`` on the document's ready event (no
Bokeh model outlives its session) and patches the prototype once per page.  A Bokeh version
without ``core/dom``'s ``InlineStyleSheet._update`` leaves the page untouched; the browser test
(tests/browser/test_repaint_guard.py) then fails and names it.
"""

from __future__ import annotations

from bokeh.document import Document
from bokeh.models import CustomJS

GUARD_FLAG = "__nuem_unchanged_css_skipped"

GUARD_CODE = f"""
const dom = Bokeh.require("core/dom");
const proto = dom && dom.InlineStyleSheet ? dom.InlineStyleSheet.prototype : null;
if (proto != null && typeof proto._update === "function" && !proto.{GUARD_FLAG}) {{
  const write = proto._update;
  proto._update = function (css) {{
    if (this.el.textContent !== css) write.call(this, css);
  }};
  proto.{GUARD_FLAG} = true;
}}
"""


def install(document: Document) -> None:
    """Add the guard to ``document`` (one session's): it runs once the page has the document."""
    document.js_on_event("document_ready", CustomJS(code=GUARD_CODE))
