"""Benchmarks of the "Oscillations" tab: model time, a comparison with NuOscProbExact, and the
B-slider -> redraw latency in a real browser.

    python -m bench.bench_oscillation [--updates 500] [--moves 40] [--skip-browser]

1. Model: ``SpinFlavourOscillation`` probabilities at 1000 distances for one parameter set
   (one Hamiltonian, one eigendecomposition, the propagation), with B_perp stepping between
   calls as a slider would, so that every call pays for its eigendecomposition.
2. NuOscProbExact (PyPI ``nuoscprobexact``, the SU(4) closed form of Bustamante,
   arXiv:1904.12391) on the same 4x4 Hamiltonian and distances: agreement and time ratio.
   Its numba kernels are compiled (on the agreement check) before timing.  Our time includes
   building the Hamiltonian; theirs starts from the finished matrix.
   Needs the ``bench`` extra (``pip install -e ".[bench]"``); skipped with a message without it.
3. Browser: the B-slider key press -> redraw latency in headless Chromium and the server time
   per update, with the latency harness (bench/harness.py) as bench_recoil_latency does.

Results are printed and written to ``bench/results/oscillation.json``.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from bench.timing import summary_ms, write
from model import SpinFlavourOscillation

N_DISTANCES = 1000
CASES = {  # name: parameters (Popov & Studenikin, arXiv:1803.05755; and the other regimes)
    "vacuum, Popov–Studenikin figure": dict(mu1=1e-12, mu2=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                    dm2_eV2=7e-5, theta_rad=0.5836),
    "matter, spin-flavour": dict(mu1=0.0, mu2=0.0, mu12=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                 dm2_eV2=7e-5, theta_rad=0.5836, density_g_cm3=700.0, Y_e=0.5),
    "Majorana, Y_e = 0.8": dict(mu1=0.0, mu2=0.0, mu12=2e-12, theta_rad=0.3, density_g_cm3=800.0,
                                Y_e=0.8, majorana=True),
    "moving matter, twisted field": dict(mu1=3e-12, mu2=-1e-12, mu12=1e-12, theta_rad=0.4,
                                         density_g_cm3=1e5, Y_e=0.45, matter_speed=0.6,
                                         matter_angle_rad=1.0, twist_rad_per_km=0.01),
}


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
    return {name: summary_ms(np.asarray(values) * 1e3) for name, values in timings.items()}


# --- 2. NuOscProbExact ------------------------------------------------------------------------
def compare_nuoscprobexact(repeats: int) -> dict:
    from importlib.metadata import version

    try:
        import oscprob4nu
    except ImportError:
        return {"skipped": "nuoscprobexact is not installed: pip install -e \".[bench]\" "
                           "(the bench extra) to compare with NuOscProbExact"}
    x = np.linspace(0.0, 3000.0, N_DISTANCES)
    report = {"version": version("nuoscprobexact"), "cases": {}}
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
    for key, seconds in (("ours", ours), ("nuoscprobexact", theirs),
                         ("nuoscprobexact_no_hermiticity_check", theirs_unchecked)):
        report[key] = summary_ms(np.asarray(seconds) * 1e3)
    report["ratio_nuoscprobexact_over_ours_median"] = (
        report["nuoscprobexact"]["median_ms"] / report["ours"]["median_ms"])
    return report


# --- 3. browser latency -------------------------------------------------------------------------
def browser_latency(moves: int, settle_ms: int, timeout_ms: int) -> dict:
    from bench.harness import bench_tab, print_breakdown
    from dashboard.oscillation_view import OscillationView

    result = bench_tab(OscillationView, moves, settle_ms=settle_ms, timeout_ms=timeout_ms)
    print_breakdown(OscillationView.key, result)
    return result


# --- report -------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=500, help="model updates to time")
    parser.add_argument("--moves", type=int, default=40, help="browser slider moves to time")
    parser.add_argument("--settle-ms", type=int, default=150)
    parser.add_argument("--timeout-ms", type=int, default=10_000)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args(argv)

    results = {"distances": N_DISTANCES, "model": time_model(args.updates)}
    print(f"model, {N_DISTANCES} distances, one parameter set per call ({args.updates} calls)")
    for name, s in results["model"].items():
        print(f"  {name:28s} median {s['median_ms']:.3f} ms  p95 {s['p95_ms']:.3f} ms  "
              f"min {s['min_ms']:.3f} ms")

    comparison = compare_nuoscprobexact(min(args.updates, 300))
    results["nuoscprobexact"] = comparison
    if "skipped" in comparison:
        print(f"\nNuOscProbExact: skipped, {comparison['skipped']}")
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
        results["browser"] = browser_latency(args.moves, args.settle_ms, args.timeout_ms)
    print(f"\nwritten to {write(results, 'oscillation.json')}")
    return 1 if results.get("browser", {}).get("page_errors") else 0


if __name__ == "__main__":
    sys.exit(main())
