"""Model recompute time per slider update of the "Recoil spectra" tab.

One update = what RecoilView.refresh asks of the model: the plotted rates on the recoil
grid, the crossover energy and the events above threshold.  Reports median and p95 over
many updates with the magnetic moment stepping as a slider would.

    python bench/bench_recoil_model.py [--updates 300]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from model import RecoilSpectrum
from timing import report, summary_ms  # bench/ is on sys.path when run as a script


def one_update(spectrum: RecoilSpectrum) -> None:
    spectrum.rates(spectrum.recoil_grid_keV())
    spectrum.crossover_keV()
    spectrum.events_above_threshold()


def measure(updates: int) -> dict:
    spectrum = RecoilSpectrum(mu_nu=1e-11, q_nu=1e-13)
    one_update(spectrum)  # warm the source caches, as the first page load does
    exponents = np.concatenate([np.linspace(-13, -9, updates // 2), np.linspace(-9, -13, updates - updates // 2)])
    parts = {"total": [], "rates": [], "crossover": [], "events": []}
    for exponent in exponents:
        spectrum.mu_nu = 10.0**exponent
        t0 = time.perf_counter()
        spectrum.rates(spectrum.recoil_grid_keV())
        t1 = time.perf_counter()
        spectrum.crossover_keV()
        t2 = time.perf_counter()
        spectrum.events_above_threshold()
        t3 = time.perf_counter()
        parts["rates"].append(t1 - t0)
        parts["crossover"].append(t2 - t1)
        parts["events"].append(t3 - t2)
        parts["total"].append(t3 - t0)
    summary = {name: summary_ms(np.array(times) * 1e3) for name, times in parts.items()}
    summary["updates"] = updates
    return summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=300)
    args = parser.parse_args()
    summary = measure(args.updates)
    print(f"model recompute per update over {args.updates} updates")
    report(summary, "recoil_model.json")


if __name__ == "__main__":
    main()
