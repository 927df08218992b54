"""Benchmarks of the "Oscillations" tab: model time, a comparison with NuOscProbExact, and the
B-slider -> redraw latency in a real browser.

    /work/venv/bin/python bench/bench_oscillation.py [--updates 500] [--moves 40] [--skip-browser]

1. Model: ``SpinFlavourOscillation`` probabilities at 1000 distances for one parameter set
   (one Hamiltonian, one eigendecomposition, the propagation), with B_perp stepping between
   calls as a slider would, so that every call pays for its eigendecomposition.
2. NuOscProbExact (PyPI ``nuoscprobexact``, the SU(4) closed form of Bustamante,
   arXiv:1904.12391) on the same 4x4 Hamiltonian and distances: agreement and time ratio.
   Its numba kernels are compiled before timing.  Our time includes building the
   Hamiltonian; theirs starts from the finished matrix.
3. Browser: the B-slider key press -> redraw latency in headless Chromium, measured in the page
   as bench/bench_recoil_latency.py does (its in-page instrumentation is reused), and the
   server time per update (``OscillationView._on_change``).

Results are printed and written to ``bench/results/oscillation.json``.
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
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from model import SpinFlavourOscillation  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "oscillation.json"
N_DISTANCES = 1000
CASES = {  # name: parameters (the two examples and the other regimes)
    "vacuum, seed 004 figure": dict(mu1=1e-12, mu2=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                    dm2_eV2=7e-5, theta=0.5836),
    "matter, spin-flavour": dict(mu1=0.0, mu2=0.0, mu12=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                 dm2_eV2=7e-5, theta=0.5836, density_g_cm3=700.0, Y_e=0.5),
    "Majorana, Y_e = 0.8": dict(mu1=0.0, mu2=0.0, mu12=2e-12, theta=0.3, density_g_cm3=800.0,
                                Y_e=0.8, majorana=True),
    "moving matter, twisted field": dict(mu1=3e-12, mu2=-1e-12, mu12=1e-12, theta=0.4,
                                         density_g_cm3=1e5, Y_e=0.45, matter_speed=0.6,
                                         matter_angle_rad=1.0, twist_rad_per_km=0.01),
}


def _summary_ms(seconds) -> dict:
    ms = np.asarray(seconds) * 1e3
    return {"n": int(ms.size), "median_ms": float(np.median(ms)),
            "p95_ms": float(np.percentile(ms, 95)), "min_ms": float(ms.min())}


# --- 1. model ---------------------------------------------------------------------------------
def time_model(updates: int) -> dict:
    x = np.linspace(0.0, 3000.0, N_DISTANCES)
    osc = SpinFlavourOscillation(**CASES["matter, spin-flavour"])
    fields = 1e8 * 10.0 ** np.linspace(0.0, 1.0, updates)
    osc.probabilities(x)  # first-call costs (imports, caches) are not per-update costs
    timings = {"probabilities (DataFrame)": [], "probability_array": []}
    for B in fields:
        for name, method in (("probabilities (DataFrame)", osc.probabilities),
                             ("probability_array", osc.probability_array)):
            osc.B_perp_gauss = B * (1.0 + 1e-9 * len(timings[name]))  # new parameter set
            start = time.perf_counter()
            method(x)
            timings[name].append(time.perf_counter() - start)
    return {name: _summary_ms(values) for name, values in timings.items()}


# --- 2. NuOscProbExact ------------------------------------------------------------------------
def compare_nuoscprobexact(repeats: int) -> dict:
    try:
        import oscprob4nu
    except ImportError:
        return {"error": "nuoscprobexact is not installed (pip install nuoscprobexact)"}
    x = np.linspace(0.0, 3000.0, N_DISTANCES)
    report = {"version": _version("nuoscprobexact"), "cases": {}}
    for name, parameters in CASES.items():
        osc = SpinFlavourOscillation(**parameters)
        H = osc.hamiltonian_per_km()
        reference = oscprob4nu.probabilities_4nu(H, x)[:, :4]  # P(state 0 -> b), b = 0..3
        report["cases"][name] = {"max_abs_difference": float(np.max(np.abs(
            reference - osc.probability_array(x))))}

    # Timed in separate blocks: numba's worker threads keep spinning for a while after a call
    # and would slow whatever runs next on this 2-core machine.
    osc = SpinFlavourOscillation(**CASES["matter, spin-flavour"])
    fields = 1e8 * (1.0 + 1e-6 * np.arange(repeats))
    ours = []
    for B in fields:  # ours: a new parameter set each time, Hamiltonian built and diagonalised
        osc.B_perp_gauss = B
        start = time.perf_counter()
        osc.probability_array(x)
        ours.append(time.perf_counter() - start)
    hamiltonians = []
    for B in fields:
        osc.B_perp_gauss = B
        hamiltonians.append(osc.hamiltonian_per_km())
    theirs, theirs_unchecked = [], []
    for H in hamiltonians:
        start = time.perf_counter()
        oscprob4nu.probabilities_4nu(H, x)
        theirs.append(time.perf_counter() - start)
    oscprob4nu.CHECK_HERMITICITY = False  # their documented option for trusted input
    try:
        for H in hamiltonians:
            start = time.perf_counter()
            oscprob4nu.probabilities_4nu(H, x)
            theirs_unchecked.append(time.perf_counter() - start)
    finally:
        oscprob4nu.CHECK_HERMITICITY = True
    report["ours"] = _summary_ms(ours)
    report["nuoscprobexact"] = _summary_ms(theirs)
    report["nuoscprobexact_no_hermiticity_check"] = _summary_ms(theirs_unchecked)
    report["ratio_nuoscprobexact_over_ours_median"] = (
        report["nuoscprobexact"]["median_ms"] / report["ours"]["median_ms"])
    return report


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


# --- 3. browser latency -------------------------------------------------------------------------
def browser_latency(moves: int, settle_ms: int, timeout_ms: int) -> dict:
    import panel as pn
    from playwright.sync_api import sync_playwright

    import bench_recoil_latency as recoil_bench  # its in-page instrumentation, made for one curve
    from dashboard.app import create_app
    from dashboard.oscillation_view import CHANNELS, OscillationView
    from tests.browser_support import chromium_page, free_port, wait_for_port

    label = CHANNELS["P_eL_eR"][0]
    js_setup = recoil_bench._JS_SETUP.replace('column(source, "rate")', 'column(source, "P")')
    assert js_setup != recoil_bench._JS_SETUP, "bench_recoil_latency's page hooks changed"
    server_ms: list[float] = []
    recording = threading.Event()
    original = OscillationView._on_change

    @functools.wraps(original)
    def timed(self, *events):
        start = time.perf_counter()
        try:
            return original(self, *events)
        finally:
            if recording.is_set():
                server_ms.append((time.perf_counter() - start) * 1e3)

    OscillationView._on_change = timed  # bound by each new view's watchers (this process only)
    port = free_port()
    pn.serve({"app": create_app}, address="127.0.0.1", port=port, threaded=True, show=False,
             websocket_origin=[f"127.0.0.1:{port}"])
    errors: list[str] = []
    records: list[dict] = []
    try:
        wait_for_port(port)
        with sync_playwright() as playwright:
            page = chromium_page(playwright, errors)
            browser = page.context.browser
            page.goto(f"http://127.0.0.1:{port}/app")
            page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                                   timeout=30_000)
            page.get_by_text("Oscillations", exact=True).first.click()
            page.wait_for_function(
                """(label) => [...Bokeh.documents[0].all_models].some(
                     (m) => m.type === "GlyphRenderer" && m.name === label)""",
                arg=label, timeout=60_000)
            page.wait_for_load_state("networkidle")
            setup = page.evaluate(js_setup, label)
            if setup["sources"] < 1:
                raise RuntimeError(f"no data source for {label!r}")
            group = page.locator(".bk-input-group:visible").filter(
                has=page.locator(".bk-slider-title", has_text="B⊥"))
            handle = group.locator(".noUi-handle").element_handle()
            for key in ("ArrowRight", "ArrowLeft"):  # warm-up, not recorded
                page.evaluate("([h, k, t]) => window.__bench.move(h, k, t)", [handle, key, timeout_ms])
                page.wait_for_timeout(settle_ms)
            recording.set()
            for i in range(moves):
                key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
                result = page.evaluate("([h, k, t]) => window.__bench.move(h, k, t)",
                                       [handle, key, timeout_ms])
                page.wait_for_timeout(settle_ms)
                records.append({"key": key, "data_ms": result["tData"] - result["t0"],
                                "frame_ms": result["tFrame"] - result["t0"],
                                "paint_ms": None if result["tPaint"] is None
                                else result["tPaint"] - result["t0"]})
            recording.clear()
            browser.close()
    finally:
        OscillationView._on_change = original
        pn.state.kill_all_servers()
        pn.state.reset()

    def summary(values):
        values = [v for v in values if v is not None]
        if not values:
            return None
        return {"n": len(values), "median_ms": statistics.median(values),
                "p95_ms": float(np.percentile(values, 95)), "min_ms": min(values),
                "max_ms": max(values)}

    return {"moves": moves, "settle_ms_between_moves": settle_ms,
            "key_to_data_in_page": summary([r["data_ms"] for r in records]),
            "key_to_repaint": summary([r["paint_ms"] for r in records]),
            "key_to_frame_after_repaint": summary([r["frame_ms"] for r in records]),
            "server_on_change": summary(server_ms), "page_errors": errors}


# --- report -------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=500, help="model updates to time")
    parser.add_argument("--moves", type=int, default=40, help="browser slider moves to time")
    parser.add_argument("--settle-ms", type=int, default=150)
    parser.add_argument("--timeout-ms", type=int, default=10_000)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    results = {"distances": N_DISTANCES, "model": time_model(args.updates)}
    print(f"model, {N_DISTANCES} distances, one parameter set per call ({args.updates} calls)")
    for name, s in results["model"].items():
        print(f"  {name:28s} median {s['median_ms']:.3f} ms  p95 {s['p95_ms']:.3f} ms  "
              f"min {s['min_ms']:.3f} ms")

    comparison = compare_nuoscprobexact(min(args.updates, 300))
    results["nuoscprobexact"] = comparison
    if "error" in comparison:
        print(f"\nNuOscProbExact: {comparison['error']}")
    else:
        print(f"\nNuOscProbExact {comparison['version']} on the same 4x4 Hamiltonian, "
              f"{N_DISTANCES} distances")
        for name, case in comparison["cases"].items():
            print(f"  max |P_ours - P_NuOscProbExact| {case['max_abs_difference']:.1e}  ({name})")
        for key in ("ours", "nuoscprobexact", "nuoscprobexact_no_hermiticity_check"):
            s = comparison[key]
            print(f"  {key:38s} median {s['median_ms']:.3f} ms  p95 {s['p95_ms']:.3f} ms")
        print(f"  ratio NuOscProbExact / ours (medians): "
              f"{comparison['ratio_nuoscprobexact_over_ours_median']:.2f}")

    if not args.skip_browser:
        latency = browser_latency(args.moves, args.settle_ms, args.timeout_ms)
        results["browser"] = latency
        print(f"\nB slider key press -> redraw in headless Chromium ({args.moves} moves)")
        for key in ("key_to_data_in_page", "key_to_repaint", "key_to_frame_after_repaint",
                    "server_on_change"):
            s = latency[key]
            print(f"  {key:28s} " + ("—" if s is None else
                                     f"median {s['median_ms']:.1f} ms  p95 {s['p95_ms']:.1f} ms"))
        if latency["page_errors"]:
            print("WARNING: errors in the page:\n  " + "\n  ".join(latency["page_errors"]))

    results["environment"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                              "platform": platform.platform(),
                              "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {args.output}")
    return 1 if results.get("browser", {}).get("page_errors") else 0


if __name__ == "__main__":
    sys.exit(main())
