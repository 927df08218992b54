"""Where the server's CPU goes during a load run: py-spy's sampled stacks, by what they served.

    python -m bench.bench_load --profile bench/results/server_stacks.txt ...     # record (py-spy, 100 Hz)
    python -m bench.profile_stacks bench/results/server_stacks.txt [bench/results/load.json] [--top 8]

Each sampled stack (py-spy's raw "collapsed" format: ``frame;frame;... count``; only stacks
of a thread on the CPU are sampled) is put in the first of :data:`PHASES` whose marker
frame it contains, e.g. every stack under the page request that builds a session is "session
open: build", every stack under a tab's lazy build is "tab: first build".  With the load
run's results file the CPU seconds of each phase are divided by how often it happened
(sessions, first tab visits, tab revisits, updates).  For each phase the functions that take
most of its time are listed (inclusive: the function and what it calls).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

# (phase, marker frames: a frame's function name, as py-spy writes it, "Class.method"),
# checked in order: the first phase with a marker in the stack takes the sample.
PHASES: list[tuple[str, tuple[str, ...]]] = [
    ("busy indicator (Panel's, all sessions)", (
        "_state._update_busy", "_state._add_busy_event", "_state._remove_busy_event",
        "_state._cleanup_busy_counter", "BooleanIndicator._throttle_events")),
    ("session open: build (page request)", (
        "DocHandler.get", "ApplicationContext.create_session_if_needed")),
    ("session open: send document (PULL-DOC)", ("ServerSession.pull", "ServerSession._handle_pull")),
    # The build and Panel adding the tab's models to the page (and sending them) are all
    # under LazyTabContents.show; the build alone is under build_in_session.
    ("tab: first build", ("LazyTabContents.show", "_in_session_document.<locals>.build_in_session")),
    ("tab: show/hide (re-render, serialise)", ("Tabs._update_active",)),
    ("update: view (model, figures, patch)", ("TabView._changed",)),
    ("update: other (Panel events, echoes)", ("Syncable._change_coroutine", "Syncable._change_event",
                                             "Syncable._process_bokeh_event")),
    ("session destroy", ("BokehTornado._cleanup_sessions", "ApplicationContext._discard_session",
                         "ServerSession.destroy", "Document.destroy")),
    ("websocket (receive, send, protocol)", ("WSHandler.on_message", "WSHandler.send_message",
                                             "WSHandler.open", "WebSocketHandler.get",
                                             "_run_write_futures")),
    ("server start (imports)", ("_get_module_details", "Serve.customize_kwargs")),
]
OTHER = "other (event loop, timers, gc)"

_FRAME = re.compile(r"^(?P<name>.*?) \((?P<where>[^()]*)\)$")


def frame_name(frame: str) -> str:
    match = _FRAME.match(frame)
    return match.group("name") if match else frame


def frame_label(frame: str) -> str:
    """``Class.method (package/module.py)`` without the line number."""
    match = _FRAME.match(frame)
    if not match:
        return frame
    return f"{match.group('name')} ({match.group('where').rsplit(':', 1)[0]})"


def read_stacks(path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        stacks.append((stack.split(";"), int(count)))
    return stacks


def classify(frames: list[str]) -> str:
    names = {frame_name(f) for f in frames}
    for phase, markers in PHASES:
        if any(marker in names for marker in markers):
            return phase
    # The server's start: imports and the app's first load run at module level, outside
    # the event loop.
    if not any(frame_name(f) == "BaseEventLoop._run_once" for f in frames):
        return "server start (imports)"
    return OTHER


def summarise(stacks, rate_hz: float = 100.0, counts: dict | None = None, top: int = 8) -> dict:
    """CPU seconds per phase (samples / rate), per occurrence where ``counts`` (phase prefix ->
    how often) says, and each phase's heaviest functions (inclusive)."""
    samples = Counter()
    inclusive: dict[str, Counter] = defaultdict(Counter)
    for frames, count in stacks:
        phase = classify(frames)
        samples[phase] += count
        for label in {frame_label(f) for f in frames}:
            inclusive[phase][label] += count
    total = sum(samples.values())
    phases = {}
    for phase, n in samples.most_common():
        entry = {"cpu_s": n / rate_hz, "share": n / total if total else 0.0}
        for prefix, occurrences in (counts or {}).items():
            if phase.startswith(prefix) and occurrences:
                entry["per_occurrence_ms"] = 1e3 * n / rate_hz / occurrences
                entry["occurrences"] = occurrences
        # the heaviest functions below the phase's own marker (skip the event-loop frames
        # every stack shares)
        shared = n
        heavy = [(label, k) for label, k in inclusive[phase].most_common()
                 if k < shared or label.split(" (")[0] in ("",)]
        entry["heaviest"] = [(label, k / n) for label, k in heavy[:top]]
        phases[phase] = entry
    return {"samples": total, "cpu_s": total / rate_hz, "rate_hz": rate_hz, "phases": phases}


def counts_from_load(result: dict) -> dict:
    """How often each phase happened in a load run (bench/results/load.json)."""
    return {
        "session open": result.get("sessions_launched_total"),
        "tab: first build": result.get("tab_first_visit_latency", {}) and
        result["tab_first_visit_latency"]["n"] + result.get("sessions_launched_total", 0),
        "tab: show/hide": sum((result.get(key) or {}).get("n", 0)
                              for key in ("tab_first_visit_latency", "tab_revisit_latency"))
        + result.get("tab_revisits_without_reply", 0),
        "update: ": result.get("updates_sent"),
        "busy indicator": result.get("updates_sent"),
    }


def print_summary(summary: dict, top: int = 8) -> None:
    print(f"{summary['samples']} samples at {summary['rate_hz']:g} Hz = "
          f"{summary['cpu_s']:.1f} s of server CPU")
    for phase, entry in summary["phases"].items():
        per = (f", {entry['per_occurrence_ms']:.0f} ms each of {entry['occurrences']}"
               if "per_occurrence_ms" in entry else "")
        print(f"\n{entry['share']:6.1%} {entry['cpu_s']:7.1f} s  {phase}{per}")
        for label, share in entry["heaviest"][:top]:
            print(f"         {share:6.1%}  {label}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stacks", help="py-spy raw output (--format raw)")
    parser.add_argument("load", nargs="?", help="the load run's results (bench/results/*.json)")
    parser.add_argument("--rate", type=float, default=100.0, help="py-spy's --rate")
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--json", help="write the summary there too")
    args = parser.parse_args(argv)
    counts = counts_from_load(json.loads(Path(args.load).read_text())) if args.load else None
    summary = summarise(read_stacks(args.stacks), args.rate, counts, args.top)
    print_summary(summary, args.top)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
