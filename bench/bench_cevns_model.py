"""Recompute time per slider update of the "Recoil spectra" tab with the CEvNS channel.

For each channel ("electron", "nucleus", "both") on the keVee axis, times (a) the model work of
one update (rates on the recoil grid, the crossover(s) and the events above threshold) and (b) a
whole server-side view update, a μν slider move handled by ``TabView._changed`` (model plus
in-place figure update, no browser).  Prints median and p95; writes
bench/results/cevns_model.json.

    python -m bench.bench_cevns_model [--updates 200]
"""

from __future__ import annotations

import argparse
from functools import partial

from bench.timing import sweep, time_calls, write
from dashboard.recoil_view import RecoilView
from model import RecoilSpectrum

CHANNELS = ("electron", "nucleus", "both")


def model_update(spectrum: RecoilSpectrum, exponent: float) -> None:
    spectrum.mu_nu = 10.0**exponent
    spectrum.rates(spectrum.recoil_grid_keV())
    for channel in spectrum.channels():
        spectrum.crossover_keV(channel)
    spectrum.events_above_threshold()


def measure(channel: str, updates: int) -> dict:
    exponents = sweep(updates, -13.0, -9.0)

    def spectrum():
        return RecoilSpectrum(mu_nu=1e-11, q_nu=1e-13, channel=channel, threshold_keV=0.2)

    view = RecoilView(spectrum())
    result = {"model": time_calls(partial(model_update, spectrum()), exponents),
              "view_update": time_calls(partial(setattr, view.sliders["mu_nu"], "value"),
                                        exponents)}
    assert not view.alert.visible, view.alert.object
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=200)
    args = parser.parse_args(argv)
    results = {channel: measure(channel, args.updates) for channel in CHANNELS}
    print(f"Recoil tab, one μν slider update ({args.updates} updates each, ms)")
    for channel, parts in results.items():
        model, view = parts["model"], parts["view_update"]
        print(f"  {channel:9s} model median {model['median_ms']:6.2f} p95 {model['p95_ms']:6.2f}"
              f" | view update median {view['median_ms']:6.2f} p95 {view['p95_ms']:6.2f}")
    write(results, "cevns_model.json")


if __name__ == "__main__":
    main()
