"""Model recompute time per slider update of the "Recoil spectra" tab.

One update = what the recoil tab's refresh asks of the model: the plotted rates on the recoil
grid, the crossover energy and the events above threshold.  Reports median and p95 over many
updates with the magnetic moment stepping as a slider would; writes
bench/results/recoil_model.json.

    python -m bench.bench_recoil_model [--updates 300]
"""

from __future__ import annotations

import time

from bench.timing import summary_ms, sweep, updates_main
from model import RecoilSpectrum

PARTS = {  # name: what the tab asks of the model
    "rates": lambda s: s.rates(s.recoil_grid_keV()),
    "crossover": lambda s: s.crossover_keV(),
    "events": lambda s: s.events_above_threshold(),
}


def measure(updates: int) -> dict:
    spectrum = RecoilSpectrum(mu_nu=1e-11, q_nu=1e-13)
    for part in PARTS.values():  # warm the source caches, as the first page load does
        part(spectrum)
    times = {name: [] for name in ("total", *PARTS)}
    for exponent in sweep(updates, -13.0, -9.0):
        spectrum.mu_nu = 10.0**exponent
        start = time.perf_counter()
        for name, part in PARTS.items():
            t0 = time.perf_counter()
            part(spectrum)
            times[name].append((time.perf_counter() - t0) * 1e3)
        times["total"].append((time.perf_counter() - start) * 1e3)
    return {**{name: summary_ms(values) for name, values in times.items()}, "updates": updates}


def main(argv=None) -> None:
    updates_main(__doc__, measure, "recoil_model.json", argv)


if __name__ == "__main__":
    main()
