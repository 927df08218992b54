"""Speed of the reactor-sensitivity model and of the "Reactor sensitivity" tab's updates.

    .venv/bin/python bench/bench_sensitivity.py [--repeats N]

* ``scan_50_thresholds``: ``ReactorSensitivity.preset("GEMMA-2012").scan("threshold_keV",
  50 values)`` (issue target: under 50 ms);
* ``summary``: limits and counts at one setting (the readouts);
* ``view_update_mass`` / ``view_update_threshold``: server-side cost of a slider move in
  ``SensitivityView`` (a mass move re-runs the 40-point scan; a threshold move does not).

Medians and 95th percentiles over the repeats; written to bench/results/sensitivity.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model import ReactorSensitivity  # noqa: E402
from timing import report, summary_ms  # noqa: E402


def timed(func, repeats: int) -> dict:
    func()  # warm caches (signal shapes are computed once per target and fuel)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1e3)
    return summary_ms(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()

    model = ReactorSensitivity.preset("GEMMA-2012")
    thresholds = np.geomspace(0.2, 10.0, 50)
    results = {
        "scan_50_thresholds": timed(lambda: model.scan("threshold_keV", thresholds), args.repeats),
        "summary": timed(model.summary, args.repeats),
    }

    from dashboard.sensitivity_view import SensitivityView

    view = SensitivityView(ReactorSensitivity.preset("GEMMA-2012"))
    for name, widget in (("view_update_mass", view.mass_exponent),
                         ("view_update_threshold", view.threshold_exponent)):
        state = {"sign": 1.0}

        def move(widget=widget, state=state):
            state["sign"] = -state["sign"]
            widget.value = widget.value + 0.02 * state["sign"]

        results[name] = timed(move, args.repeats)

    report(results, "sensitivity.json")


if __name__ == "__main__":
    main()
