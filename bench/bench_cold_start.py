"""Cold start: from launching the server to the first plot drawn in Chromium.

    python -m bench.bench_cold_start [--launches 5] [--server panel module]

For each launch: headless Debian Chromium is started first (a user's browser is already
running), then the clock starts and a fresh Python process runs ``panel serve dashboard/app.py``
(``--server panel``) or ``python -m dashboard`` (``--server module``).  The port is polled; as
soon as it answers, a new page opens ``/app``.  Times, from the launch:

* ``port``:     the server accepts connections (imports done, app script not yet run);
* ``document``: the page holds the Bokeh document (the session was built and sent);
* ``plot``:     the first tab's figure is drawn (its Bokeh view has finished rendering) with
                the data of that tab's bench curve (the μν curve of the recoil tab) in it.
                This is the headline cold start.

Also ``python -X importtime -c "import dashboard.app"``: the import cost by package.
Median and max over the launches (target: plot under 4 s on 2 cores); written to
bench/results/cold_start.json.  The OS file cache is warm after the first launch (the first
is reported too); ``PYTHONDONTWRITEBYTECODE=1``, if set, makes every launch compile the
project's own modules again.  Other jobs on a shared machine add noise.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

from playwright.sync_api import sync_playwright

from bench.load_driver import ROOT, ServerProcess
from bench.timing import report
from tests.browser_support import CHROMIUM, JS_CURVE_DATA, TIMEOUT_MS, chromium_page


def first_curve() -> list[str]:
    """[label, x column, y column] of the bench curve of the tab the app opens with (the
    registry's first), from a default instance."""
    from dashboard.tabs import TABS

    view = TABS[0]()
    _, label, y = view.bench_target()
    return [label, next(f for f in view.figures.values() if label in f.labels).x, y]


# The first tab's figure is drawn: the view of the figure holding the curve has finished
# rendering onto a canvas of non-zero size, and the curve has finite values.
JS_PLOT_DRAWN = f"""(curve) => {{
  if (!(window.Bokeh && Bokeh.documents.length > 0)) return false;
  const data = ({JS_CURVE_DATA})(curve);
  if (!data.some((c) => c.y.some((v) => v !== null))) return false;
  const ids = new Set(data.map((c) => c.id));
  const figures = [...Bokeh.documents[0].all_models].filter((m) =>
    (m.type === "Figure" || m.type === "Plot") &&
    m.renderers.some((r) => r.data_source != null && ids.has(r.data_source.id)));
  return figures.some((fig) => Bokeh.index.find_all(fig).some((view) =>
    view.has_finished() && view.canvas_view != null && view.canvas_view.bbox.width > 0));
}}"""


def launch_once(playwright, kind: str, curve: list[str]) -> dict:
    """One cold launch: seconds from starting the server to port, document and drawn plot."""
    errors: list[str] = []
    page = chromium_page(playwright, errors)
    browser = page.context.browser
    server = ServerProcess(kind=kind)
    try:
        start = time.perf_counter()
        port_s = server.start()
        page.goto(f"{server.url}/app", wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                               timeout=TIMEOUT_MS)
        document_s = time.perf_counter() - start
        page.wait_for_function(JS_PLOT_DRAWN, arg=curve, timeout=TIMEOUT_MS)
        plot_s = time.perf_counter() - start
    finally:
        browser.close()
        server.stop()
    problems = server.log_problems()
    return {"port_s": port_s, "document_s": document_s, "plot_s": plot_s, "page_errors": errors,
            "server_errors": problems["errors"], "server_tracebacks": problems["tracebacks"],
            "command": " ".join(server.command)}


def import_time() -> dict:
    """``python -X importtime -c "import dashboard.app"``: total and the costliest packages."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import dashboard.app"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    cumulative: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(3)) <= 2:  # top-level imports and their direct children
            name = match.group(4)
            cumulative[name] = max(cumulative.get(name, 0.0), int(match.group(2)) / 1e6)
    top = dict(sorted(cumulative.items(), key=lambda item: -item[1])[:12])
    return {"command": f'{sys.executable} -X importtime -c "import dashboard.app"',
            "wall_s": wall, "dashboard.app_s": cumulative.get("dashboard.app"),
            "largest_cumulative_s": top}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--server", nargs="+", choices=["panel", "module"],
                        default=["panel", "module"])
    parser.add_argument("--output", default="cold_start.json", help="file name in bench/results/")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        parser.error(f"{CHROMIUM} not found (apt-get install chromium; no `playwright install`)")

    results: dict = {"import": import_time()}
    print(f"import dashboard.app: {results['import']['dashboard.app_s']:.2f} s "
          f"({results['import']['wall_s']:.2f} s for the whole `python -c`); largest: "
          + ", ".join(f"{k} {v:.2f} s" for k, v in list(results["import"]["largest_cumulative_s"].items())[:6]))
    failed, curve = False, first_curve()
    with sync_playwright() as playwright:
        for kind in args.server:
            launches = [launch_once(playwright, kind, curve) for _ in range(args.launches)]
            failed |= any(run["page_errors"] or run["server_errors"] or run["server_tracebacks"]
                          for run in launches)
            summary = {"command": launches[0]["command"], "launches": launches}
            for key in ("port_s", "document_s", "plot_s"):
                values = [run[key] for run in launches]
                summary[key] = {"median": statistics.median(values), "max": max(values),
                                "first": values[0]}
            results[kind] = summary
            print(f"\n{summary['command']}  ({args.launches} launches)")
            for key, label in (("port_s", "port answers"), ("document_s", "document in page"),
                               ("plot_s", "first plot drawn")):
                s = summary[key]
                print(f"  {label:18s} median {s['median']:5.2f} s   max {s['max']:5.2f} s"
                      f"   first launch {s['first']:5.2f} s")
            for run in launches:
                for problem in run["page_errors"] + run["server_errors"]:
                    print(f"  ! {problem}")
    results["PYTHONDONTWRITEBYTECODE"] = os.environ.get("PYTHONDONTWRITEBYTECODE")
    report(results, args.output)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
