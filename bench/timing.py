"""Shared by the bench scripts: summarise timings and write the results file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"


def summary_ms(times_ms) -> dict:
    """Median and 95th percentile (numpy's linear interpolation) of timings in ms."""
    values = np.asarray(times_ms, dtype=float)
    return {"median_ms": float(np.median(values)), "p95_ms": float(np.percentile(values, 95)),
            "n": int(values.size)}


def report(summaries: dict, file_name: str) -> None:
    """Print one line per timing summary and write everything to bench/results/file_name."""
    for name, figures in summaries.items():
        if isinstance(figures, dict) and "median_ms" in figures:
            print(f"  {name:26s} median {figures['median_ms']:7.2f} ms   p95 {figures['p95_ms']:7.2f} ms")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / file_name).write_text(json.dumps(summaries, indent=2))
