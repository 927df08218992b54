"""Recompute time per slider update of the "Spin light" and "Theory" tabs.

Model: what ``SpinLightView.refresh`` asks of :class:`model.SpinLight` (the two threshold
curves on 241 densities, rate/power/times on ~360 energies, the readout values and the regime
check), and what ``TheoryView.refresh`` asks of :class:`model.theory.TheoryCalculator` (four
theory lines on 321 masses, the readouts, four 3x3 moment matrices).  View: the same updates
through the widgets, server side (model plus writing the Bokeh sources, no browser).  The
density and Lambda step as their sliders would.  Prints median and p95; writes
``bench/results/spin_light.json``.

    python bench/bench_spin_light.py [--updates 300]
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.spin_light_view import ENERGY_GRID_TEV, REGION_DENSITIES_CM3, SpinLightView  # noqa: E402
from dashboard.theory_view import MASSES_EV, TheoryView  # noqa: E402
from model import SpinLight  # noqa: E402
from timing import report, summary_ms  # noqa: E402
from model.theory import TheoryCalculator  # noqa: E402


def spin_light_update(sl: SpinLight) -> None:
    sl.thresholds_vs_density(REGION_DENSITIES_CM3)
    sl.rates_vs_energy(ENERGY_GRID_TEV)
    for method in (sl.plasmon_mass_MeV, sl.n_tilde_eV, sl.threshold_TeV, sl.w_threshold_TeV,
                   sl.allowed_window_TeV, sl.is_allowed, sl.rate_per_s, sl.power_MeV_per_s,
                   sl.lifetime_s, sl.energy_loss_time_s, sl.mean_photon_energy_TeV,
                   sl.regime_warnings):
        method()


def theory_update(calc: TheoryCalculator) -> None:
    calc.moment_curves(MASSES_EV)
    calc.sm_moment_muB(), calc.mass_shift_eV(), calc.bell_bounds_muB()
    calc.millicharge_bound(), calc.triangle()
    calc.dirac_moments(), calc.majorana_moments()


def sweep(updates: int, low: float, high: float) -> np.ndarray:
    half = updates // 2
    return np.concatenate([np.linspace(low, high, half), np.linspace(high, low, updates - half)])


def timed(step, values) -> dict:
    step(values[0])  # warm caches, as the first page load does
    times = []
    for value in values:
        t0 = time.perf_counter()
        step(value)
        times.append(time.perf_counter() - t0)
    ms = np.array(times) * 1e3
    return summary_ms(ms)


def measure(updates: int) -> dict:
    density_exponents = sweep(updates, 36.0, 40.0)
    scale_exponents = sweep(updates, -1.0, 3.0)
    sl, calc = SpinLight(), TheoryCalculator()

    def spin_light_model(exponent):
        sl.density_cm3 = 10.0**exponent
        spin_light_update(sl)

    def theory_model(exponent):
        calc.Lambda_TeV = 10.0**exponent
        theory_update(calc)

    spin_view, theory_view = SpinLightView(), TheoryView()

    def spin_light_view(exponent):
        spin_view.density_exponent.value = exponent

    def theory_view_update(exponent):
        theory_view.scale_exponent.value = exponent

    return {
        "spin_light_model": timed(spin_light_model, density_exponents),
        "theory_model": timed(theory_model, scale_exponents),
        "spin_light_view_server": timed(spin_light_view, density_exponents),
        "theory_view_server": timed(theory_view_update, scale_exponents),
        "updates": updates,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=300)
    args = parser.parse_args()
    summary = measure(args.updates)
    print(f"recompute per slider update over {args.updates} updates")
    report(summary, "spin_light.json")


if __name__ == "__main__":
    main()
