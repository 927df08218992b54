"""Server CPU of opening a session and of each tab's first visit, in one process, no browser.

    python -m bench.bench_tab_build [--sessions 8]

Each session is built as ``panel serve`` builds one (``dashboard.app.create_app`` into a new
Bokeh document), then every other tab is shown once, as a user clicking through the tabs.
Process CPU time per step; the first session of each mode is a warm-up (imports, caches).
Every change of the document is serialised as the server serialises it for a browser (a
``PATCH-DOC`` message per change; the document as ``PULL-DOC-REPLY`` when it opens).  Not
included: the message carrying a tab's new models at its first visit.  Outside a served
session Panel puts them into the page without a document change event, so nothing here
serialises them (in the server: ~20 ms of CPU per first visit, ``Protocol.create`` in the
load profile, bench/README.md, "Load").
Modes, interleaved session by session so that the machine's load hits all alike:

* ``served``:     as served: figures copied from the template HoloViews drew for the same
                  input (``dashboard.figure_copies``), the document's models recomputed by
                  ``dashboard.document_models``, stable defaults kept per class
                  (``dashboard.stable_defaults``);
* ``bokeh defaults``: the same with Bokeh computing every default on every read;
* ``bokeh walk``: that, and Bokeh's own recomputation of the document's models;
* ``holoviews``:  that, and every figure drawn by HoloViews (a template store of no entries).

Medians per step over the sessions, and each mode's ratio to ``served``; written to
bench/results/tab_build.json.  These are the costs the load bench's first visits pay before
any queueing (bench/README.md, "Load").
"""

from __future__ import annotations

import argparse
import statistics
import time

import panel as pn
from bokeh.document import Document
from panel.io.state import set_curdoc

from bokeh.document.events import DocumentPatchedEvent
from bokeh.protocol import Protocol

from bench.timing import write
from dashboard import document_models, live_plot, stable_defaults
from dashboard.app import create_app
from dashboard.figure_copies import FigureTemplates
from dashboard.tabs import TABS


def one_session() -> dict[str, float]:
    """CPU seconds: ``open`` (the app with its first tab) and each other tab's first visit."""
    document = Document()
    protocol = Protocol()

    def send(event):  # what ServerSession._document_patched makes for each connection
        if isinstance(event, DocumentPatchedEvent):
            protocol.create("PATCH-DOC", [event])

    times = {}
    with set_curdoc(document):
        start = time.process_time()
        app = create_app()
        app.server_doc(document)
        protocol.create("PULL-DOC-REPLY", "request", document)
        document.on_change(send)
        times["open"] = time.process_time() - start
        tabs = next(item for item in app.main.objects if isinstance(item, pn.Tabs))
        for index in range(1, len(tabs)):
            start = time.process_time()
            tabs.active = index
            times[TABS[index].key] = time.process_time() - start
    return times


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=8, help="timed sessions per mode")
    args = parser.parse_args(argv)
    served, install = live_plot.FIGURE_TEMPLATES, document_models.install
    bokeh = lambda document: False  # noqa: E731
    modes = {"served": (served, install, True),
             "bokeh defaults": (served, install, False),
             "bokeh walk": (served, bokeh, False),
             "holoviews": (FigureTemplates(entries=0), bokeh, False)}
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    try:
        for session in range(args.sessions + 1):
            for mode, (templates, installer, kept_defaults) in modes.items():
                live_plot.FIGURE_TEMPLATES, document_models.install = templates, installer
                (stable_defaults.install if kept_defaults else stable_defaults.uninstall)()
                times = one_session()
                if session > 0:  # the first: warm-up
                    runs[mode].append(times)
    finally:
        live_plot.FIGURE_TEMPLATES, document_models.install = served, install
        stable_defaults.install()
    steps = list(runs["served"][0])
    summary = {mode: {step: statistics.median(run[step] for run in runs[mode]) * 1e3
                      for step in steps} for mode in modes}
    for mode in modes:
        summary[mode]["all tabs"] = sum(summary[mode][step] for step in steps)
    header = "".join(f"{mode:>15s}" for mode in modes)
    print(f"  {'step':18s}{header}   (median CPU ms; ratio to served)")
    for step in [*steps, "all tabs"]:
        base = summary["served"][step]
        cells = "".join(f"{summary[mode][step]:10.0f} {summary[mode][step] / base:4.2f}"
                        for mode in modes)
        print(f"  {step:18s}{cells}")
    path = write({"sessions": args.sessions, "median_cpu_ms": summary, "runs": runs},
                 "tab_build.json")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
