"""Speed of the reactor-sensitivity model and of the "Reactor sensitivity" tab's updates.

    python -m bench.bench_sensitivity [--repeats 50]

* ``scan_50_thresholds``: ``ReactorSensitivity.preset("GEMMA-2012").scan("threshold_keV",
  50 values)`` (issue target: under 50 ms);
* ``summary``: limits and counts at one setting (the readouts);
* ``view_update_mass`` / ``view_update_threshold``: server-side cost of a slider move in
  ``SensitivityView`` (a mass move re-runs the 40-point scan; a threshold move does not).

Medians and 95th percentiles over the repeats; written to bench/results/sensitivity.json.
"""

from __future__ import annotations

import argparse
from functools import partial

import numpy as np

from bench.timing import report, sweep, time_calls
from model import ReactorSensitivity


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args(argv)

    model = ReactorSensitivity.preset("GEMMA-2012")
    thresholds = np.geomspace(0.2, 10.0, 50)
    calls = range(args.repeats)
    results = {
        "scan_50_thresholds": time_calls(lambda _: model.scan("threshold_keV", thresholds), calls),
        "summary": time_calls(lambda _: model.summary(), calls),
    }

    from dashboard.sensitivity_view import SensitivityView

    view = SensitivityView(ReactorSensitivity.preset("GEMMA-2012"))
    for name, binding in (("view_update_mass", "mass_kg"),
                          ("view_update_threshold", "threshold_keV")):
        widget = view.sliders[binding]  # a log slider: small steps around its position
        positions = widget.value + sweep(args.repeats, -0.02, 0.02)
        results[name] = time_calls(partial(setattr, widget, "value"), positions)
    assert not view.alert.visible, view.alert.object

    report(results, "sensitivity.json")


if __name__ == "__main__":
    main()
