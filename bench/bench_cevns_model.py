"""Recompute time per slider update of the "Recoil spectra" tab with the CEvNS channel.

For each channel ("electron", "nucleus", "both") on the keVee axis, times (a) the model work
of one update (rates on the recoil grid, the crossover(s) and the events above threshold) and
(b) a whole server-side view update, RecoilView._on_change driven by a μν slider move (model
plus in-place figure update, no browser).  Prints median and p95; writes
bench/results/cevns_model.json.

    python bench/bench_cevns_model.py [--updates 200]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from dashboard.recoil_view import RecoilView  # noqa: E402
from model import RecoilSpectrum  # noqa: E402


def model_update(spectrum: RecoilSpectrum) -> None:
    spectrum.rates(spectrum.recoil_grid_keV())
    for channel in spectrum.channels():
        spectrum.crossover_keV(channel)
    spectrum.events_above_threshold()


def summary(times_s) -> dict:
    ms = np.asarray(times_s) * 1e3
    return {"median_ms": float(statistics.median(ms)), "p95_ms": float(np.percentile(ms, 95)),
            "n": len(ms)}


def measure(channel: str, updates: int) -> dict:
    exponents = np.concatenate([np.linspace(-13, -9, updates // 2),
                                np.linspace(-9, -13, updates - updates // 2)])
    spectrum = RecoilSpectrum(mu_nu=1e-11, q_nu=1e-13, channel=channel, threshold_keV=0.2)
    model_update(spectrum)  # warm the source caches, as the first page load does
    model_times = []
    for exponent in exponents:
        spectrum.mu_nu = 10.0**exponent
        start = time.perf_counter()
        model_update(spectrum)
        model_times.append(time.perf_counter() - start)

    view = RecoilView(RecoilSpectrum(mu_nu=1e-11, q_nu=1e-13, channel=channel, threshold_keV=0.2))
    view_times = []
    for exponent in exponents:
        start = time.perf_counter()
        view.mu_exponent.value = float(exponent)  # runs _on_change: model + in-place redraw
        view_times.append(time.perf_counter() - start)
    assert not view.alert.visible
    return {"model": summary(model_times), "view_update": summary(view_times)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=200)
    args = parser.parse_args(argv)
    results = {channel: measure(channel, args.updates) for channel in ("electron", "nucleus", "both")}
    print(f"Recoil tab, one μν slider update ({args.updates} updates each, ms)")
    for channel, parts in results.items():
        print(f"  {channel:9s} model median {parts['model']['median_ms']:6.2f} p95 {parts['model']['p95_ms']:6.2f}"
              f" | view update median {parts['view_update']['median_ms']:6.2f}"
              f" p95 {parts['view_update']['p95_ms']:6.2f}")
    out = pathlib.Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "cevns_model.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
