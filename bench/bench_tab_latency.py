"""Slider key press -> plot repainted, in headless Chromium, for every tab of the app.

For each tab: open ``/app?tab=<key>``, wait for its plot, then press ArrowRight/ArrowLeft on
one slider ``--moves`` times and time, in the page, the key press until the watched curve's
data changed, until the figure repainted, and until the next animation frame after that (the
redraw on screen, other figures of the tab that the move changed included; the in-page hooks
of bench_recoil_latency.py).
Prints median and p95 per tab; writes bench/results/tab_latency.json.

    .venv/bin/python bench/bench_tab_latency.py [--moves 30] [--tabs recoil,theory]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from timing import report, summary_ms  # noqa: E402

# tab key: (slider title, watched curve label, its y column)
TAB_SLIDERS = {
    "recoil": ("μν [μ_B]", "magnetic (μν)", "rate"),
    "sensitivity": ("mass [kg]", "μν sensitivity (median, 90% CL)", "limit"),
    "spin_light": ("magnetic moment μ", "rate Γ", "rate_per_s"),
    "theory": ("new-physics scale Λ", "naturalness, eq. 19: δm = m_ν at Λ", "mu_B"),
    "oscillations": ("B⊥ [G]", None, "P"),  # label from the view (the ν_eL -> ν_eR curve)
}


def tab_latency(page, base: str, key: str, moves: int, settle_ms: int, timeout_ms: int) -> dict:
    import bench_recoil_latency as recoil_bench  # in-page hooks written for the "rate" column
    from tests.browser_support import TIMEOUT_MS, slider_handle

    slider, label, column = TAB_SLIDERS[key]
    if label is None:
        from dashboard.oscillation_view import CHANNELS
        label = CHANNELS["P_eL_eR"][0]
    js_setup = recoil_bench._JS_SETUP.replace('column(source, "rate")', f'column(source, "{column}")')
    page.goto(f"{base}/app?tab={key}")
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(
        """(label) => [...Bokeh.documents[0].all_models].some(
             (m) => m.type === "GlyphRenderer" && m.name === label)""", arg=label, timeout=60_000)
    page.wait_for_load_state("networkidle")
    setup = page.evaluate(js_setup, label)
    if setup["sources"] < 1:
        raise RuntimeError(f"{key}: no data source for {label!r}")
    handle = slider_handle(page, slider).element_handle()
    paint, data, frame = [], [], []
    for i in range(moves + 2):  # the first two are warm-up
        move = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        result = page.evaluate("([h, k, t]) => window.__bench.move(h, k, t)", [handle, move, timeout_ms])
        page.wait_for_timeout(settle_ms)
        if i >= 2:
            data.append(result["tData"] - result["t0"])
            frame.append(result["tFrame"] - result["t0"])
            if result["tPaint"] is not None:
                paint.append(result["tPaint"] - result["t0"])
    return {"slider": slider, "curve": label, "key_to_data": summary_ms(data),
            "key_to_repaint": summary_ms(paint), "key_to_frame_after_repaint": summary_ms(frame)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--settle-ms", type=int, default=150)
    parser.add_argument("--timeout-ms", type=int, default=10_000)
    parser.add_argument("--tabs", default=",".join(TAB_SLIDERS))
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from dashboard.app import create_app
    from tests.browser_support import chromium_page, served

    errors: list[str] = []
    results = {}
    with served({"app": create_app}) as base, sync_playwright() as playwright:
        page = chromium_page(playwright, errors)
        for key in args.tabs.split(","):
            results[key] = tab_latency(page, base, key, args.moves, args.settle_ms, args.timeout_ms)
            r, f = results[key]["key_to_repaint"], results[key]["key_to_frame_after_repaint"]
            print(f"{key:13s} key -> repaint  median {r['median_ms']:6.1f} ms   p95 {r['p95_ms']:6.1f} ms"
                  f"   + next frame: median {f['median_ms']:6.1f} ms   p95 {f['p95_ms']:6.1f} ms"
                  f"   (data in page: median {results[key]['key_to_data']['median_ms']:.1f} ms)",
                  flush=True)
        page.context.browser.close()
    results["page_errors"] = errors
    report(results, "tab_latency.json")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
