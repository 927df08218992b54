"""Speed of the sensitivity models and of the two sensitivity tabs' updates.

    python -m bench.bench_sensitivity [--repeats 30]

Model (GEMMA-2012 reactor preset, XENONnT-2022 solar preset):

* ``scan_50_thresholds``: ``ReactorSensitivity.scan("threshold_keV", 50 values)``;
* ``summary``: limits and counts at one setting (the readouts);
* ``<preset>_limit_band_all``: ``limit_band`` of μν, |qν| and ⟨r²⟩ (a full band computation);
* ``<preset>_scan_40_bands``: a 40-point threshold scan with the bands of all three
  quantities (``scan(..., bands=True, charge_radius=True)``);
* ``upload_fit``: ``fit_spectrum(read_spectrum_csv(assets/sample_spectrum.csv), GEMMA-2012)``.

Tabs, server time of one slider move (``TabView._changed``: model update, curves, redraw),
with the curve cache emptied before every move (no move is helped by an earlier one):

* ``<tab>_update_<slider>``: the default plot (μν vs threshold, bands on);
* ``<tab>_update_mass_q_served``: |qν| with bands, as in a served session: the median at once,
  the bands deferred; ``<tab>_q_bands_deferred``: the deferred completion that follows;
* ``<tab>_update_mass_q_now``: the same computed at once (notebooks, tests);
* ``<tab>_first_build_cpu``: CPU time of the first view built in this process (cold caches)
  and of a second one (``..._second_build_cpu``), in ms.

Medians and 95th percentiles over the repeats; written to bench/results/sensitivity.json.
"""

from __future__ import annotations

import argparse
import time
from functools import partial
from pathlib import Path

import numpy as np

from bench.timing import report, summary_ms, sweep, time_calls
from model import ReactorSensitivity, SolarSensitivity, fit_spectrum, read_spectrum_csv

SAMPLE = Path(__file__).resolve().parents[1] / "assets" / "sample_spectrum.csv"
QUANTITIES = ("mu_nu", "q_nu", "charge_radius")


class ServedDocument:
    """What the views see of a served session's document: timeouts are recorded, not run."""

    session_context = object()

    def add_timeout_callback(self, callback, milliseconds):
        return callback

    def remove_timeout_callback(self, handle):
        pass


def cpu_ms(build) -> float:
    start = time.process_time()
    build()
    return (time.process_time() - start) * 1e3


def model_timings(repeats: int) -> dict:
    reactor = ReactorSensitivity.preset("GEMMA-2012")
    solar = SolarSensitivity.preset("XENONnT-2022")
    calls = range(repeats)
    thresholds = np.geomspace(0.2, 10.0, 50)
    results = {
        "scan_50_thresholds": time_calls(lambda _: reactor.scan("threshold_keV", thresholds), calls),
        "summary": time_calls(lambda _: reactor.summary(), calls),
    }
    for name, model, grid in (("gemma", reactor, np.geomspace(0.01, 95.0, 40)),
                              ("xenonnt", solar, np.geomspace(0.1, 28.0, 40))):
        results[f"{name}_limit_band_all"] = time_calls(
            lambda _: [model.limit_band(q) for q in QUANTITIES], range(max(3, repeats // 5)))
        results[f"{name}_scan_40_bands"] = time_calls(
            lambda _: model.scan("threshold_keV", grid, bands=True, charge_radius=True),
            range(max(3, repeats // 10)))
    data = SAMPLE.read_bytes()
    results["upload_fit"] = time_calls(lambda _: fit_spectrum(read_spectrum_csv(data), reactor),
                                       calls)
    return results


def view_timings(repeats: int) -> dict:
    from dashboard.sensitivity_common import LIMITS
    from dashboard.sensitivity_view import SensitivityView
    from dashboard.solar_sensitivity_view import SolarSensitivityView

    results = {}
    for key, view_class in (("reactor", SensitivityView), ("solar", SolarSensitivityView)):
        LIMITS.clear()
        results[f"{key}_first_build_cpu"] = cpu_ms(view_class)
        results[f"{key}_second_build_cpu"] = cpu_ms(view_class)
        view = view_class()

        def move(widget, position):
            LIMITS.clear()  # every move computes its curves (a cache hit would flatter it)
            widget.value = position

        for binding in ("mass_kg", "threshold_keV"):
            widget = view.sliders[binding]  # a log slider: small steps around its position
            positions = widget.value + sweep(repeats, -0.02, 0.02)
            results[f"{key}_update_{binding}"] = time_calls(partial(move, widget), positions)
            assert not view.alert.visible, view.alert.object
        view.widgets["y_quantity"].value = "q_nu"
        widget = view.sliders["mass_kg"]
        positions = widget.value + sweep(max(6, repeats // 3), -0.02, 0.02)
        document = ServedDocument()
        view._document = lambda: document
        moves, deferred = [], []
        for i, position in enumerate([positions[len(positions) // 2], *positions]):
            LIMITS.clear()
            start = time.perf_counter()
            widget.value = position  # the median now, the bands deferred
            middle = time.perf_counter()
            view.complete()  # what the session's timeout runs once the slider rests
            if i:  # the first is a warm-up
                moves.append((middle - start) * 1e3)
                deferred.append((time.perf_counter() - middle) * 1e3)
        results[f"{key}_update_mass_q_served"] = summary_ms(moves)
        results[f"{key}_q_bands_deferred"] = summary_ms(deferred)
        del view._document
        positions = widget.value + sweep(max(6, repeats // 3), -0.02, 0.02)
        results[f"{key}_update_mass_q_now"] = time_calls(partial(move, widget), positions)
        assert not view.alert.visible, view.alert.object
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    results = {**model_timings(args.repeats), **view_timings(args.repeats)}
    for name, value in results.items():
        if isinstance(value, float):
            print(f"  {name:34s} {value:7.0f} ms")
    report(results, "sensitivity.json")


if __name__ == "__main__":
    main()
