"""End-to-end slider→redraw latency of the "Recoil spectra" tab, measured in a real browser.

    /work/venv/bin/python bench/bench_recoil_latency.py [--moves N] [--port P]

Serves ``dashboard.app.create_app`` in-process on 127.0.0.1 (as the browser tests do), opens it
in headless Debian Chromium (``/usr/bin/chromium``) via Playwright, and for each move of the μν
slider measures in the page:

* ``t0``     ``performance.now()`` just before the keydown is dispatched on the slider handle;
* ``data``   when the magnetic curve's ColumnDataSource holds new values (Bokeh change signal,
             with a requestAnimationFrame poll as a fallback; every source of the document is
             searched, so a replaced source is caught too);
* ``paint``  the end of the plot view's next repaint (``PlotView.repaint`` wrapped in the page);
* ``frame``  one more animation frame after that repaint: the redraw is on screen. This is the
             headline slider→redraw latency.

and, to tell where the time goes (the breakdown of the headline figure):

* ``reply``   the arrival of the first websocket frame of the server's patch that changes the
              data (the server's handling plus the round trip);
* ``apply``   BokehJS applying that patch (``Document.apply_json_patch``, synchronous);
* ``repaint`` the duration of the plot view's repaint itself;
* the count and size of the websocket frames received while the move is in flight.

Moves alternate ArrowRight / ArrowLeft (±0.05 in log10 μν) so the data changes every time.
Server-side cost: ``RecoilView._on_change`` is timed by
wrappers installed here, before any session exists (the dashboard code is not modified).
Results are printed and written to ``bench/results/recoil_latency.json``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bokeh  # noqa: E402
import holoviews as hv  # noqa: E402
import panel as pn  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from dashboard.app import create_app  # noqa: E402
from tests.browser_support import (  # noqa: E402
    CHROMIUM, JS_MU_SLIDER_VALUE, chromium_page, free_port, wait_for_port)
from dashboard.recoil_view import RecoilView  # noqa: E402

MAGNETIC = "magnetic (μν)"
RESULTS = ROOT / "bench" / "results" / "recoil_latency.json"

# --- server-side timing wrappers (bench only) ---------------------------------------------------
_server_lock = threading.Lock()
_server_times: dict[str, list[float]] = {"on_change_ms": []}
_recording = threading.Event()


def _timed(key):
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                if _recording.is_set():
                    with _server_lock:
                        _server_times[key].append((time.perf_counter() - start) * 1e3)
        return wrapper
    return decorate


# RecoilView.__init__ binds `self._on_change` to the widget watchers, so patching the class
# before the first session is created is enough (patched for this process only).
RecoilView._on_change = _timed("on_change_ms")(RecoilView._on_change)

# --- in-page measurement -------------------------------------------------------------------------
# Installed before the page loads: timestamps every websocket frame the page receives.
_JS_INIT = """
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

_JS_SETUP = """(label) => {
  const column = (source, name) => {
    const data = source.data;
    return data instanceof Map ? data.get(name) : data[name];
  };
  const magneticSources = () => {
    const models = [...Bokeh.documents[0].all_models];
    const named = models.filter((m) => m.type === "GlyphRenderer" && m.name === label);
    const legend = models.filter((m) => m.type === "LegendItem" && m.label != null && m.label.value === label)
                         .flatMap((item) => item.renderers);
    return [...new Set([...named, ...legend].map((r) => r.data_source))];
  };
  const checksum = (source) => {
    const y = column(source, "rate");
    if (y == null) return NaN;
    let sum = 0;
    for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) sum += y[i] * (1 + i);
    return sum;
  };
  const state = {lastPaint: null, paints: 0, hooked: 0, waiters: [], patches: [], repaints: []};
  // Time each patch BokehJS applies (synchronous: the data change signal fires inside one).
  const doc = Bokeh.documents[0];
  const applyPatch = doc.apply_json_patch.bind(doc);
  doc.apply_json_patch = (...args) => {
    const start = performance.now();
    try { return applyPatch(...args); }
    finally { state.patches.push({start, end: performance.now()}); }
  };
  // Wrap PlotView.repaint of every live figure to timestamp the end of each paint. (BokehJS
  // pauses the plot while it applies a server patch and requests the paint when it unpauses,
  // so the paint can come later than the first animation frame after the data change.)
  for (const fig of [...Bokeh.documents[0].all_models].filter((m) => m.type === "Figure" || m.type === "Plot")) {
    for (const view of Bokeh.index.find_all(fig)) {
      if (view.__bench_wrapped) continue;
      const repaint = view.repaint.bind(view);
      view.repaint = (...args) => {
        const start = performance.now();
        const result = repaint(...args);
        state.lastPaint = performance.now();
        state.repaints.push({start, end: state.lastPaint});
        state.paints += 1;
        const waiters = state.waiters.splice(0);
        for (const waiter of waiters) waiter(state.lastPaint);
        return result;
      };
      view.__bench_wrapped = true;
      state.hooked += 1;
    }
  }
  window.__bench = {
    state,
    magneticSources,
    checksum,
    move(handle, key, timeoutMs) {
      const before = new Map(magneticSources().map((s) => [s, checksum(s)]));
      const changed = () => magneticSources().some(
        (s) => !before.has(s) || checksum(s) !== before.get(s));
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
            const frames = (window.__benchFrames || []).filter((f) => f.t >= t0 && f.t <= tFrame);
            const reply = frames.filter((f) => f.patch && (patch == null || f.t <= patch.start)).pop();
            resolve({t0, tData, tPaint, tFrame, via,
                     tReply: reply ? reply.t : null,
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
  return {sources: magneticSources().length, hooked: state.hooked};
}"""





def _percentile(values, q):
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _summary(values):
    if not values:
        return None
    return {"n": len(values), "median": statistics.median(values), "p95": _percentile(values, 95),
            "min": min(values), "max": max(values), "mean": statistics.fmean(values)}


def run(moves: int, port: int | None, settle_ms: int, timeout_ms: int) -> dict:
    port = port or free_port()
    origin = f"http://127.0.0.1:{port}"
    pn.serve({"app": create_app}, address="127.0.0.1", port=port, threaded=True, show=False,
             websocket_origin=[f"127.0.0.1:{port}"])
    errors: list[str] = []
    records: list[dict] = []
    try:
        wait_for_port(port)
        with sync_playwright() as playwright:
            page = chromium_page(playwright, errors)
            browser = page.context.browser
            page.add_init_script(_JS_INIT)
            page.goto(f"{origin}/app")
            page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                                   timeout=30_000)
            page.wait_for_function(
                """(label) => [...Bokeh.documents[0].all_models].some(
                     (m) => m.type === "GlyphRenderer" && m.name === label)""",
                arg=MAGNETIC, timeout=30_000)
            page.wait_for_load_state("networkidle")
            setup = page.evaluate(_JS_SETUP, MAGNETIC)
            if setup["sources"] < 1:
                raise RuntimeError("no data source for the magnetic curve")
            if setup["hooked"] < 1:
                print("WARNING: no plot view found to hook; 'paint' is not measured and "
                      "'frame' is the second animation frame after the data change")

            group = page.locator(".bk-input-group").filter(
                has=page.locator(".bk-slider-title", has_text="μν"))
            if group.count() != 1:
                raise RuntimeError(f"expected one μν slider, found {group.count()}")
            handle = group.locator(".noUi-handle").element_handle()

            # Two warm-up moves (not recorded): first-use JIT/compile costs on both sides.
            for key in ("ArrowRight", "ArrowLeft"):
                page.evaluate("([h, k, t]) => window.__bench.move(h, k, t)", [handle, key, timeout_ms])
                page.wait_for_timeout(settle_ms)

            _recording.set()
            for i in range(moves):
                key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
                mu_before = page.evaluate(JS_MU_SLIDER_VALUE)
                with _server_lock:
                    n_server = len(_server_times["on_change_ms"])
                result = page.evaluate("([h, k, t]) => window.__bench.move(h, k, t)",
                                       [handle, key, timeout_ms])
                mu_after = page.evaluate(JS_MU_SLIDER_VALUE)
                page.wait_for_timeout(settle_ms)  # let the server and the page go idle
                with _server_lock:
                    server_calls = _server_times["on_change_ms"][n_server:]
                records.append({
                    "move": i, "key": key, "mu_exponent_before": mu_before,
                    "mu_exponent_after": mu_after, "detected_via": result["via"],
                    "data_ms": result["tData"] - result["t0"],
                    "frame_ms": result["tFrame"] - result["t0"],
                    "paint_ms": None if result["tPaint"] is None else result["tPaint"] - result["t0"],
                    "reply_ms": None if result["tReply"] is None else result["tReply"] - result["t0"],
                    "apply_patch_ms": result["applyMs"],
                    "repaint_ms": result["repaintMs"],
                    "frames_received": result["frames"],
                    "bytes_received": result["bytes"],
                    "server_on_change_calls": len(server_calls),
                })
            _recording.clear()
            browser.close()
    finally:
        pn.state.kill_all_servers()
        pn.state.reset()

    bad_moves = [r["move"] for r in records
                 if r["mu_exponent_after"] is None or r["mu_exponent_after"] == r["mu_exponent_before"]]
    with _server_lock:
        server = {key: _summary(values) for key, values in _server_times.items()}
    return {
        "benchmark": "recoil spectra: μν slider key press → magnetic curve redrawn (in-page timing)",
        "moves": moves,
        "settle_ms_between_moves": settle_ms,
        "latency_ms": {
            "data": _summary([r["data_ms"] for r in records]),
            "frame": _summary([r["frame_ms"] for r in records]),
            "paint": _summary([r["paint_ms"] for r in records if r["paint_ms"] is not None]),
        },
        "breakdown_ms": {
            name: _summary([r[key] for r in records if r[key] is not None])
            for name, key in (("reply", "reply_ms"), ("apply_patch", "apply_patch_ms"),
                              ("repaint", "repaint_ms"))
        },
        "websocket_frames_received_per_move": _summary([r["frames_received"] for r in records]),
        "bytes_received_per_move": _summary([r["bytes_received"] for r in records]),
        "server_ms": server,
        "moves_without_slider_change": bad_moves,
        "page_errors": errors,
        "records": records,
        "environment": {
            "python": platform.python_version(), "panel": pn.__version__,
            "holoviews": hv.__version__, "bokeh": bokeh.__version__,
            "cpus": os.cpu_count(), "platform": platform.platform(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    }


def print_table(results: dict) -> None:
    rows = [
        ("key → data in page", results["latency_ms"]["data"]),
        ("key → plot repaint", results["latency_ms"]["paint"]),
        ("key → frame after paint", results["latency_ms"]["frame"]),
        ("  of which: key → server reply", results["breakdown_ms"]["reply"]),
        ("  BokehJS applies the patch", results["breakdown_ms"]["apply_patch"]),
        ("  the plot's repaint itself", results["breakdown_ms"]["repaint"]),
        ("server RecoilView._on_change", results["server_ms"]["on_change_ms"]),
        ("websocket frames received/move", results["websocket_frames_received_per_move"]),
        ("bytes received/move", results["bytes_received_per_move"]),
    ]
    print(f"\n{results['benchmark']}  ({results['moves']} moves)")
    print(f"{'measure [ms]':<32}{'n':>5}{'median':>9}{'p95':>9}{'min':>9}{'max':>9}")
    for name, s in rows:
        if s is None:
            print(f"{name:<32}{'—':>5}")
            continue
        print(f"{name:<32}{s['n']:>5}{s['median']:>9.1f}{s['p95']:>9.1f}{s['min']:>9.1f}{s['max']:>9.1f}")
    if results["moves_without_slider_change"]:
        print(f"WARNING: the slider did not move on moves {results['moves_without_slider_change']}")
    if results["page_errors"]:
        print("WARNING: errors in the page:\n  " + "\n  ".join(results["page_errors"]))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=40, help="slider moves to time (≥30 advised)")
    parser.add_argument("--port", type=int, default=None, help="port (default: a free one)")
    parser.add_argument("--settle-ms", type=int, default=150, help="idle time between moves")
    parser.add_argument("--timeout-ms", type=int, default=10_000, help="per-move timeout")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        parser.error(f"{CHROMIUM} not found (apt-get install chromium; no `playwright install`)")

    results = run(args.moves, args.port, args.settle_ms, args.timeout_ms)
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {args.output}")
    return 1 if results["page_errors"] or results["moves_without_slider_change"] else 0


if __name__ == "__main__":
    sys.exit(main())
