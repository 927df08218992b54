"""CPU-cost ratios for the bounded-work tests (issue 19), robust to a busy machine.

A ratio of two ~15 ms CPU times read once each is at the mercy of whatever else the machine
does in those milliseconds (a CI run once read 2.4 for a case that costs 0.7-1.3 idle).  So
the cases are timed in turns, round after round, with the garbage collector paused, and each
case keeps its fastest round: a disturbance has to hit every round of one case, and none of
the other's, to move the ratio.
"""

from __future__ import annotations

import gc
import time
from typing import Callable


def fastest_cpu_seconds(workloads: dict[str, Callable[[], object]], rounds: int = 7,
                        repeats: int = 3) -> dict[str, float]:
    """Fastest per-call process CPU time of each workload over ``rounds`` interleaved rounds
    of ``repeats`` calls, after one untimed call each (caches warm)."""
    for work in workloads.values():
        work()
    fastest = {name: float("inf") for name in workloads}
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(rounds):
            for name, work in workloads.items():
                start = time.process_time()
                for _ in range(repeats):
                    work()
                fastest[name] = min(fastest[name], (time.process_time() - start) / repeats)
    finally:
        if was_enabled:
            gc.enable()
    return fastest
