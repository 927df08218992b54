"""Shared by the benches: time calls, summarise timings, describe the machine, write results."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"


def summary_ms(times_ms) -> dict:
    """Count, median, 95th percentile (numpy's linear interpolation), min and max of timings
    in ms."""
    values = np.asarray(times_ms, dtype=float)
    return {"n": int(values.size), "median_ms": float(np.median(values)),
            "p95_ms": float(np.percentile(values, 95)), "min_ms": float(values.min()),
            "max_ms": float(values.max())}


def time_calls(step, values) -> dict:
    """Summary of ``step(value)`` for each of ``values`` after one untimed warm-up call (the
    first page load warms the same caches) with a value other than the first (a widget set to
    the value it holds does nothing)."""
    step(values[len(values) // 2])
    times = []
    for value in values:
        start = time.perf_counter()
        step(value)
        times.append((time.perf_counter() - start) * 1e3)
    return summary_ms(times)


def sweep(updates: int, low: float, high: float) -> np.ndarray:
    """``updates`` slider positions from ``low`` to ``high`` and back, as a dragged slider; no
    two in a row are equal (every one is a change)."""
    half = updates // 2
    return np.concatenate([np.linspace(low, high, half),
                           np.linspace(high, low, updates - half + 1)[1:]])


def environment() -> dict:
    """Versions, cores, load and time of the run (figures move with the machine's load)."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("panel", "bokeh", "holoviews", "numpy"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return {"python": platform.python_version(), **versions, "cpus": os.cpu_count(),
            "loadavg_at_end": os.getloadavg(), "platform": platform.platform(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def write(results: dict, file_name: str) -> Path:
    """Write ``results`` (with the environment) to bench/results/file_name; return the path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / file_name
    path.write_text(json.dumps({**results, "environment": environment()}, indent=2,
                               ensure_ascii=False) + "\n")
    return path


def report(summaries: dict, file_name: str) -> Path:
    """Print one line per timing summary and write everything to bench/results/file_name."""
    for name, figures in summaries.items():
        if isinstance(figures, dict) and "median_ms" in figures:
            print(f"  {name:26s} median {figures['median_ms']:7.2f} ms   p95 {figures['p95_ms']:7.2f} ms")
    return write(summaries, file_name)


def updates_main(doc: str, measure, file_name: str, argv=None, default_updates: int = 300) -> None:
    """The command line of a bench timing ``--updates`` slider updates: print and write
    ``measure(updates)`` (``doc``: the bench's docstring, its first paragraph the help)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=default_updates)
    args = parser.parse_args(argv)
    print(f"recompute per slider update over {args.updates} updates")
    report(measure(args.updates), file_name)
