"""Screenshots of every tab, as a user sees them, for looking at (not a test).

Serves the app in-process and, in headless Debian Chromium, opens ``/app?tab=<key>`` for every
registered tab at each window size and mode, waits until the plots are drawn and the page is
quiet, and writes ``bench/results/screenshots/<key>_<width>x<height>_<mode>.png`` (the visible
window, as on a projector or a laptop).  ``--full`` also writes a tall capture of each page.

    python -m bench.screenshots [--sizes 1366x768,1920x1080,800x900] [--modes normal,present]
                                [--tabs recoil,theory] [--full]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.timing import RESULTS
from dashboard.app import create_app
from dashboard.tabs import TABS

OUT = RESULTS / "screenshots"
MODES = {"normal": "", "present": "&present=1"}


def take(page, base: str, key: str, size: tuple[int, int], mode: str, full: bool) -> list[Path]:
    from tests.browser_support import wait_for_plots

    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{base}/app?tab={key}{MODES[mode]}")
    wait_for_plots(page)
    page.wait_for_timeout(1500)  # layout settles, fonts and MathJax
    name = f"{key}_{width}x{height}_{mode}"
    paths = [OUT / f"{name}.png"]
    page.screenshot(path=str(paths[0]))
    if full:
        page.set_viewport_size({"width": width, "height": 2400})
        page.wait_for_timeout(800)
        paths.append(OUT / f"{name}_tall.png")
        page.screenshot(path=str(paths[1]))
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1366x768,1920x1080,800x900")
    parser.add_argument("--modes", default="normal,present")
    parser.add_argument("--tabs", default=",".join(tab.key for tab in TABS))
    parser.add_argument("--full", action="store_true", help="also a tall capture of each page")
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in size.split("x")) for size in args.sizes.split(",")]

    from playwright.sync_api import sync_playwright

    from tests.browser_support import chromium_page, served

    OUT.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with served({"app": create_app}) as base, sync_playwright() as playwright:
        page = chromium_page(playwright, errors)
        for key in args.tabs.split(","):
            for size in sizes:
                for mode in args.modes.split(","):
                    for path in take(page, base, key, size, mode, args.full):
                        print(path.relative_to(RESULTS.parent.parent), flush=True)
        page.context.browser.close()
    for error in errors:
        print("page error:", error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
