"""Recompute time per slider update of the "Spin light" and "Theory" tabs.

Model: what the spin-light tab asks of :class:`model.SpinLight` (the two threshold curves on 241
densities, rate/power/times on ~360 energies, the readout values and the regime check), and what
the theory tab asks of :class:`model.theory.TheoryCalculator` (four theory lines on 321 masses,
the readouts, four 3x3 moment matrices).  View: the same updates through the widgets, server
side (model plus writing the Bokeh sources, no browser).  The density and Λ step as their
sliders would.  Prints median and p95; writes bench/results/spin_light.json.

    python -m bench.bench_spin_light [--updates 300]
"""

from __future__ import annotations

from functools import partial

from bench.timing import sweep, time_calls, updates_main
from dashboard.spin_light_view import ENERGY_GRID_TEV, REGION_DENSITIES_CM3, SpinLightView
from dashboard.theory_view import MASSES_EV, TheoryView
from model import SpinLight
from model.theory import TheoryCalculator


def spin_light_update(sl: SpinLight, exponent: float) -> None:
    sl.density_cm3 = 10.0**exponent
    sl.thresholds_vs_density(REGION_DENSITIES_CM3)
    sl.rates_vs_energy(ENERGY_GRID_TEV)
    for method in (sl.plasmon_mass_MeV, sl.n_tilde_eV, sl.threshold_TeV, sl.w_threshold_TeV,
                   sl.allowed_window_TeV, sl.is_allowed, sl.rate_per_s, sl.power_MeV_per_s,
                   sl.lifetime_s, sl.energy_loss_time_s, sl.mean_photon_energy_TeV,
                   sl.regime_warnings):
        method()


def theory_update(calc: TheoryCalculator, exponent: float) -> None:
    calc.Lambda_TeV = 10.0**exponent
    calc.moment_curves(MASSES_EV)
    calc.sm_moment_muB(), calc.mass_shift_eV(), calc.bell_bounds_muB()
    calc.millicharge_bound(), calc.triangle()
    calc.dirac_moments(), calc.majorana_moments()


def measure(updates: int) -> dict:
    densities, scales = sweep(updates, 36.0, 40.0), sweep(updates, -1.0, 3.0)  # log10 positions
    spin_view, theory_view = SpinLightView(), TheoryView()
    return {
        "spin_light_model": time_calls(partial(spin_light_update, SpinLight()), densities),
        "theory_model": time_calls(partial(theory_update, TheoryCalculator()), scales),
        "spin_light_view_server": time_calls(
            partial(setattr, spin_view.sliders["density_cm3"], "value"), densities),
        "theory_view_server": time_calls(
            partial(setattr, theory_view.sliders["Lambda_TeV"], "value"), scales),
        "updates": updates,
    }


def main(argv=None) -> None:
    updates_main(__doc__, measure, "spin_light.json", argv)


if __name__ == "__main__":
    main()
