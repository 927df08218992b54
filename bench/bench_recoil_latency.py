"""Slider key press -> redraw on one tab in headless Chromium, with where the time goes.

    python -m bench.bench_recoil_latency [--tab recoil] [--moves 40] [--settle-ms 150]

Moves the tab's bench slider (``BENCH`` of its registry entry: μν on the recoil tab) and prints,
per move, the time from the key press until the watched curve's data is in the page, the plot is
repainted and the next animation frame (the headline), and the breakdown: the server's reply,
BokehJS applying the patch, the repaint itself, the server's ``TabView._changed``, websocket
frames and bytes received (see bench/harness.py).  Written to bench/results/<tab>_latency.json
(recoil_latency.json for the default tab).  Exit status 1 on page errors or a slider that did
not move.
"""

from __future__ import annotations

import argparse
import os
import sys

from bench.harness import bench_tab, print_breakdown, tabs_by_key
from bench.timing import write
from tests.browser_support import CHROMIUM


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tab", default="recoil", help="the tab's link key")
    parser.add_argument("--moves", type=int, default=40, help="slider moves to time (≥30 advised)")
    parser.add_argument("--settle-ms", type=int, default=150, help="idle time between moves")
    parser.add_argument("--timeout-ms", type=int, default=10_000, help="per-move timeout")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        parser.error(f"{CHROMIUM} not found (apt-get install chromium; no `playwright install`)")

    try:
        (tab,) = tabs_by_key([args.tab])
    except ValueError as error:
        parser.error(str(error))
    result = bench_tab(tab, args.moves, settle_ms=args.settle_ms, timeout_ms=args.timeout_ms)
    print_breakdown(tab.key, result)
    print(f"\nwritten to {write(result, f'{tab.key}_latency.json')}")
    return 1 if result["page_errors"] or result["moves_without_slider_change"] else 0


if __name__ == "__main__":
    sys.exit(main())
