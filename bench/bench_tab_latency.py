"""Slider key press -> plot repainted, in headless Chromium, for every tab of the registry.

    python -m bench.bench_tab_latency [--moves 30] [--tabs recoil,theory] [--pins 2]

For each tab of ``dashboard.tabs.TABS`` (or those named by ``--tabs``): open ``/app?tab=<key>``,
wait for its plot, then press ArrowRight/ArrowLeft on its bench slider ``--moves`` times and time,
in the page, the key press until the watched curve's data changed, until the figure repainted,
and until the next animation frame after that (the redraw on screen, other figures of the tab
that the move changed included).  The slider and curve of each tab are its registry entry's
``BENCH`` (bench/harness.py).  ``--pins N`` opens each tab with N pinned curves drawn.  Prints
median and p95 per tab; writes bench/results/tab_latency.json (tab_latency_pins<N>.json).
"""

from __future__ import annotations

import argparse
import sys

from bench.harness import measure_tabs, tabs_by_key
from bench.timing import write
from dashboard.tabs import TABS


def print_line(key: str, result: dict) -> None:
    r, f, d = result["paint"], result["frame"], result["data"]
    print(f"{key:13s} key -> repaint  median {r['median_ms']:6.1f} ms   p95 {r['p95_ms']:6.1f} ms"
          f"   + next frame: median {f['median_ms']:6.1f} ms   p95 {f['p95_ms']:6.1f} ms"
          f"   (data in page: median {d['median_ms']:.1f} ms; {result['slider']})", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--settle-ms", type=int, default=150)
    parser.add_argument("--timeout-ms", type=int, default=10_000)
    parser.add_argument("--tabs", default=",".join(tab.key for tab in TABS),
                        help="comma-separated link keys (default: every registered tab)")
    parser.add_argument("--pins", type=int, default=0, help="pinned curves drawn (0-4)")
    args = parser.parse_args(argv)

    try:
        tabs = tabs_by_key(args.tabs.split(","))
    except ValueError as error:
        parser.error(str(error))
    results = measure_tabs(tabs, args.moves, settle_ms=args.settle_ms,
                           timeout_ms=args.timeout_ms, on_result=print_line, pins=args.pins)
    for line in results["page_errors"]:
        print(f"  ! {line}")
    name = f"tab_latency_pins{args.pins}.json" if args.pins else "tab_latency.json"
    print(f"written to {write(results, name)}")
    return 1 if results["page_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
