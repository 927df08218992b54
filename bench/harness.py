"""The slider -> redraw latency harness shared by the browser benches.

A tab is benched through its registry entry (:data:`dashboard.tabs.TABS`): the slider it moves,
the curve it watches and that curve's y column come from ``view.bench_target()`` of a default
instance (:func:`bench_targets`), so a newly registered tab is benched without any list here.

:func:`measure_tabs` serves the app in-process (``tests.browser_support.served``), opens
``/app?tab=<key>`` in headless Debian Chromium (``chromium_page``) and presses
ArrowRight/ArrowLeft on the tab's slider (two warm-up moves, then ``moves`` timed ones,
alternating, so the data changes every time).  Per move, measured in the page:

* ``data``    the watched curve's ColumnDataSource holds new values (Bokeh change signals, with an
              animation-frame poll as a fallback; every source of the document is searched, so a
              replaced source is caught too);
* ``paint``   the end of the next repaint of a figure (``PlotView.repaint`` wrapped in the page);
* ``frame``   one more animation frame after that repaint: the redraw is on screen (the headline);
* ``reply``   the first websocket frame of the server's patch that changes the data (the server's
              handling plus the round trip; frames are timestamped by a wrapped ``WebSocket``);
* ``apply``   BokehJS applying that patch (``Document.apply_json_patch``, synchronous);
* ``repaint`` the duration of the repaint itself; websocket frames and bytes received per move.

Server side, :func:`server_time` times ``TabView._changed`` (the base class's handling of a control
change: model values, the model update and the redraw) while the run lasts; nothing is patched
at import and the method is restored afterwards.

    from bench.harness import bench_tab
    from dashboard.recoil_view import RecoilView
    result = bench_tab(RecoilView, moves=30)
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from bench.timing import summary_ms
from dashboard.tabs import TABS
from dashboard.view_base import TabView

WARMUP_MOVES = 2  # first-use costs on both sides (JIT, caches), not recorded

# Installed before the page loads: timestamps every websocket frame the page receives.
JS_INIT = """
window.__benchFrames = [];
const PageWebSocket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new PageWebSocket(...args);
  socket.addEventListener("message", (event) => {
    const text = typeof event.data === "string" ? event.data : null;
    window.__benchFrames.push({t: performance.now(), bytes: text != null ? text.length : event.data.byteLength,
                               patch: text != null && text.includes('"msgtype": "PATCH-DOC"')});
  });
  return socket;
};
window.WebSocket.prototype = PageWebSocket.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""

# Called with [curve label, its y column] once the curve is drawn: hooks the document's patch
# application and the figures' repaints, and installs window.__bench.move(handle, key, timeout).
JS_SETUP = """([label, yColumn]) => {
  const doc = Bokeh.documents[0];
  const column = (source, name) => {
    const data = source.data;
    return data instanceof Map ? data.get(name) : data[name];
  };
  const watchedSources = () => {
    const models = [...doc.all_models];
    const named = models.filter((m) => m.type === "GlyphRenderer" && m.name === label);
    const legend = models.filter((m) => m.type === "LegendItem" && m.label != null && m.label.value === label)
                         .flatMap((item) => item.renderers);
    return [...new Set([...named, ...legend].map((r) => r.data_source))];
  };
  const checksum = (source) => {
    const y = column(source, yColumn);
    if (y == null) return NaN;
    let sum = 0;
    for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) sum += y[i] * (1 + i);
    return sum;
  };
  const state = {lastPaint: null, hooked: 0, waiters: [], patches: [], repaints: []};
  // Time each patch BokehJS applies (synchronous: the data change signal fires inside one).
  const applyPatch = doc.apply_json_patch.bind(doc);
  doc.apply_json_patch = (...args) => {
    const start = performance.now();
    try { return applyPatch(...args); }
    finally { state.patches.push({start, end: performance.now()}); }
  };
  // Timestamp the end of each repaint of every figure. (BokehJS pauses a plot while it applies a
  // server patch and requests the paint when it unpauses, so the paint can come later than the
  // first animation frame after the data change.)
  for (const fig of [...doc.all_models].filter((m) => m.type === "Figure" || m.type === "Plot")) {
    for (const view of Bokeh.index.find_all(fig)) {
      if (view.__bench_wrapped) continue;
      const repaint = view.repaint.bind(view);
      view.repaint = (...args) => {
        const start = performance.now();
        const result = repaint(...args);
        state.lastPaint = performance.now();
        state.repaints.push({start, end: state.lastPaint});
        for (const waiter of state.waiters.splice(0)) waiter(state.lastPaint);
        return result;
      };
      view.__bench_wrapped = true;
      state.hooked += 1;
    }
  }
  window.__bench = {
    move(handle, key, timeoutMs) {
      const before = new Map(watchedSources().map((s) => [s, checksum(s)]));
      const changed = () => watchedSources().some((s) => !before.has(s) || checksum(s) !== before.get(s));
      return new Promise((resolve, reject) => {
        let tData = null, via = null;
        const connected = [];
        const cleanup = () => {
          clearTimeout(timer);
          for (const [signal, slot] of connected) signal.disconnect(slot);
        };
        const finish = (how) => {
          if (tData !== null) return;
          tData = performance.now();
          via = how;
          const done = (tPaint) => requestAnimationFrame(() => {  // + one frame to present it
            const tFrame = performance.now();
            cleanup();
            const patch = state.patches.filter((p) => p.start <= tData).pop();  // holds the data change
            const paint = state.repaints.filter((p) => p.end === tPaint).pop();
            const frames = window.__benchFrames.filter((f) => f.t >= t0 && f.t <= tFrame);
            const reply = frames.filter((f) => f.patch && (patch == null || f.t <= patch.start)).pop();
            resolve({t0, tData, tPaint, tFrame, via, tReply: reply ? reply.t : null,
                     applyMs: patch ? patch.end - patch.start : null,
                     repaintMs: paint ? paint.end - paint.start : null,
                     frames: frames.length, bytes: frames.reduce((sum, f) => sum + f.bytes, 0)});
          });
          if (state.hooked > 0) state.waiters.push(done);  // the repaint after the data change
          else requestAnimationFrame(() => done(null));    // no hook: assume the next frame paints
        };
        for (const s of before.keys()) {
          const slot = () => { if (changed()) finish("signal"); };
          for (const signal of [s.change, s.properties.data.change, s.streaming, s.patching]) {
            if (signal == null) continue;
            signal.connect(slot);
            connected.push([signal, slot]);
          }
        }
        const poll = () => {
          if (tData !== null) return;
          if (changed()) finish("raf"); else requestAnimationFrame(poll);
        };
        const timer = setTimeout(() => { cleanup(); reject(new Error("no data change within " + timeoutMs + " ms")); },
                                 timeoutMs);
        state.patches.length = 0;
        state.repaints.length = 0;
        const t0 = performance.now();
        handle.dispatchEvent(new KeyboardEvent("keydown", {key, code: key, bubbles: true, cancelable: true}));
        handle.dispatchEvent(new KeyboardEvent("keyup", {key, code: key, bubbles: true, cancelable: true}));
        requestAnimationFrame(poll);
      });
    },
  };
  return {sources: watchedSources().length, hooked: state.hooked};
}"""

JS_CURVE_DRAWN = """(label) => [...Bokeh.documents[0].all_models].some(
  (m) => m.type === "GlyphRenderer" && m.name === label)"""

# The value the browser holds for the visible slider titled `title` (null if not exactly one).
JS_SLIDER_VALUE = """(title) => {
  const sliders = [...Bokeh.documents[0].all_models].filter(
    (m) => m.type.endsWith("Slider") && m.title === title && m.visible);
  return sliders.length === 1 ? sliders[0].value : null;
}"""

JS_MOVE = "([h, k, t]) => window.__bench.move(h, k, t)"


def bench_targets(tabs=TABS) -> dict[str, tuple[str, str, str]]:
    """``{key: (slider label, curve label, y column)}`` of every tab, from default instances."""
    return {tab.key: tab().bench_target() for tab in tabs}


def tabs_by_key(keys, tabs=TABS) -> list[type[TabView]]:
    """The registry's tab classes named by ``keys`` (link keys), in that order."""
    known = {tab.key: tab for tab in tabs}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValueError(f"unknown tab(s) {unknown}; the registry has {list(known)}")
    return [known[key] for key in keys]


class ServerTimes:
    """Durations (ms) of the outermost calls of a method, appended as they finish."""

    def __init__(self):
        self.ms: list[float] = []
        self._depth = threading.local()

    def since(self, count: int) -> list[float]:
        return self.ms[count:]


@contextmanager
def server_time(owner: type = TabView, method: str = "_changed"):
    """Time ``owner.method`` while the block runs; yield a :class:`ServerTimes`.

    ``TabView.__init__`` binds ``self._changed`` to its widgets' watchers, so views built inside
    the block (the sessions served during the run) use the timed method; views built before keep
    the original.  Only outermost calls count: a control change that makes the view set other
    controls (presets, sources) is one update.  The class attribute is restored on exit.
    """
    times = ServerTimes()
    original = owner.__dict__[method]

    def timed(self, *args, **kwargs):
        depth = getattr(times._depth, "n", 0)
        times._depth.n = depth + 1
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            times._depth.n = depth
            if depth == 0:
                times.ms.append((time.perf_counter() - start) * 1e3)

    setattr(owner, method, timed)
    try:
        yield times
    finally:
        setattr(owner, method, original)


def pins_query(tab: type[TabView], pins: int) -> str:
    """The link part that opens ``tab`` with ``pins`` pinned curves (of its defaults)."""
    if not pins or not tab.PINS:
        return ""
    return f"&{tab.key}.pins=" + "|".join(["-"] * pins)


def measure_moves(page, base: str, tab: type[TabView], moves: int, server: ServerTimes, *,
                  settle_ms: int = 150, timeout_ms: int = 10_000, pins: int = 0) -> dict:
    """Open ``/app?tab=<key>`` in ``page`` (with ``pins`` pinned curves drawn) and time
    ``moves`` slider moves (after warm-up)."""
    from tests.browser_support import TIMEOUT_MS, slider_handle

    slider, curve, column = tab().bench_target()
    page.goto(f"{base}/app?tab={tab.key}{pins_query(tab, pins)}")
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(JS_CURVE_DRAWN, arg=curve, timeout=3 * TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    setup = page.evaluate(JS_SETUP, [curve, column])
    if setup["sources"] < 1:
        raise RuntimeError(f"{tab.key}: no data source for {curve!r}")
    handle = slider_handle(page, slider).element_handle()
    records = []
    for i in range(WARMUP_MOVES + moves):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        value_before, calls_before = page.evaluate(JS_SLIDER_VALUE, slider), len(server.ms)
        result = page.evaluate(JS_MOVE, [handle, key, timeout_ms])
        value_after = page.evaluate(JS_SLIDER_VALUE, slider)
        page.wait_for_timeout(settle_ms)  # let the server and the page go idle
        if i < WARMUP_MOVES:
            continue
        server_calls = server.since(calls_before)
        after_key = {name: None if result[t] is None else result[t] - result["t0"]
                     for name, t in (("data_ms", "tData"), ("paint_ms", "tPaint"),
                                     ("frame_ms", "tFrame"), ("reply_ms", "tReply"))}
        records.append({
            "key": key, "slider_before": value_before, "slider_after": value_after,
            "detected_via": result["via"], **after_key, "apply_patch_ms": result["applyMs"],
            "repaint_ms": result["repaintMs"], "frames_received": result["frames"],
            "bytes_received": result["bytes"], "server_calls": len(server_calls),
            "server_ms": sum(server_calls) if server_calls else None,
        })

    def summary(name):
        values = [r[name] for r in records if r[name] is not None]
        return summary_ms(values) if values else None

    return {
        "slider": slider, "curve": curve, "column": column, "moves": moves,
        "figures_hooked": setup["hooked"], "settle_ms_between_moves": settle_ms,
        **{name: summary(f"{name}_ms") for name in ("data", "paint", "frame", "reply",
                                                    "apply_patch", "repaint", "server")},
        "frames_received_per_move": summary("frames_received"),
        "bytes_received_per_move": summary("bytes_received"),
        "moves_without_slider_change": [i for i, r in enumerate(records)
                                        if r["slider_after"] is None
                                        or r["slider_after"] == r["slider_before"]],
        "records": records,
    }


def measure_tabs(tabs, moves: int, *, registry=TABS, settle_ms: int = 150,
                 timeout_ms: int = 10_000, on_result=None, pins: int = 0) -> dict:
    """Serve the app built from ``registry`` and time ``moves`` slider moves on each tab class
    of ``tabs`` in one Chromium page; ``{key: result, "page_errors": [...]}``.  ``on_result(key,
    result)`` is called as each tab finishes (progress output)."""
    from playwright.sync_api import sync_playwright

    from dashboard.app import create_app
    from tests.browser_support import chromium_page, served

    def app():
        return create_app(registry)

    errors: list[str] = []
    results: dict = {}
    with server_time() as server, served({"app": app}) as base, sync_playwright() as playwright:
        page = chromium_page(playwright, errors)
        page.add_init_script(JS_INIT)
        try:
            for tab in tabs:
                results[tab.key] = measure_moves(page, base, tab, moves, server,
                                                 settle_ms=settle_ms, timeout_ms=timeout_ms,
                                                 pins=pins)
                if on_result is not None:
                    on_result(tab.key, results[tab.key])
        finally:
            page.context.browser.close()
    results["page_errors"] = errors
    return results


def bench_tab(tab: type[TabView], moves: int, **options) -> dict:
    """:func:`measure_tabs` for one tab class: its result, with the run's ``page_errors``."""
    results = measure_tabs([tab], moves, **options)
    return {**results[tab.key], "page_errors": results["page_errors"]}


BREAKDOWN_ROWS = (  # (row, result key)
    ("key → data in page", "data"),
    ("key → plot repaint", "paint"),
    ("key → frame after paint", "frame"),
    ("  of which: key → server reply", "reply"),
    ("  BokehJS applies the patch", "apply_patch"),
    ("  the plot's repaint itself", "repaint"),
    ("server TabView._changed", "server"),
    ("websocket frames received/move", "frames_received_per_move"),
    ("bytes received/move", "bytes_received_per_move"),
)


def print_breakdown(key: str, result: dict) -> None:
    """Print a table of one tab's result: headline latencies, breakdown, warnings."""
    print(f"\n{key}: {result['slider']!r} key press → {result['curve']!r} redrawn "
          f"({result['moves']} moves)")
    print(f"{'measure [ms]':<32}{'n':>5}{'median':>9}{'p95':>9}{'min':>9}{'max':>9}")
    for name, field in BREAKDOWN_ROWS:
        s = result[field]
        if s is None:
            print(f"{name:<32}{'—':>5}")
        else:
            print(f"{name:<32}{s['n']:>5}{s['median_ms']:>9.1f}{s['p95_ms']:>9.1f}"
                  f"{s['min_ms']:>9.1f}{s['max_ms']:>9.1f}")
    if result["figures_hooked"] < 1:
        print("WARNING: no plot view hooked; 'paint' is not measured and 'frame' is the second "
              "animation frame after the data change")
    if result["moves_without_slider_change"]:
        print(f"WARNING: the slider did not move on moves {result['moves_without_slider_change']}")
    if result["page_errors"]:
        print("WARNING: errors in the page:\n  " + "\n  ".join(result["page_errors"]))
