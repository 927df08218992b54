"""Load test: many concurrent sessions moving widgets across the tabs of a served app.

    python -m bench.bench_load [--sessions 30] [--updates 100] [--server panel|module] [--app FILE]
                               [--think S]

Starts ``panel serve dashboard/app.py`` (or ``python -m dashboard``) in a subprocess, opens the
sessions with ``bench/load_driver.py`` (websocket clients speaking Bokeh's protocol, no
browser), makes the updates (the controls of each tab come from the tab registry), closes the sessions and waits until the server has destroyed
them.  Prints errors (client errors, ERROR records and tracebacks in the server log; must be
0), update latency p50/p95, tab-switch and session-open times, and the server's memory before,
at peak and after cleanup, per session.  Results: bench/results/load.json; the server's log
(with a ``LOAD-GC`` line per full garbage collection: when it began, how long it took):
bench/results/load_server.log; every answered update (when sent, tab, control, first redraw
and latency): bench/results/load_updates.csv.  Exit status 1 if there was any error.

By default each user's next action follows as soon as the reply to the last one has ended
(every user always waiting on the server: the bench of the targets in bench/README.md,
"Load").  ``--think S``: each user pauses S s on average (exponentially distributed) after
each move and tab switch, closer to a class of people reading their plots.

Latency is measured from sending a change to the arrival of its redraw (see load_driver.py);
on a shared 2-core machine the client and the server compete for the cores, and other jobs add
noise: compare runs made on an idle machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

from bench.load_driver import APP, run_load
from bench.timing import RESULTS, report


def print_summary(result: dict) -> None:
    memory = result["memory"]
    rounds = result["rounds"]
    print(f"\n{len(rounds)} rounds of {rounds[0]['sessions']} sessions x "
          f"{rounds[0]['updates_per_session']} updates ({result['server']['command']}; "
          f"ramp {result['ramp_s']} s), {result['wall_s']:.0f} s")
    print(f"  machine load average (1/5/15 min) before the run: "
          + "/".join(f"{x:.2f}" for x in result["loadavg_before"])
          + ", after: " + "/".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"  errors: {result['errors']}   updates answered: {result['updates_answered']}"
          f"/{result['updates_sent']} ({result['updates_without_redraw']} taken with nothing "
          "drawn changed: not in the latencies)")
    for line in result["client_errors"][:10] + result["server"]["errors"][:10]:
        print(f"    {line}")
    print(f"  server RSS [MB]: before {memory['before_mb']:.0f}, baseline {memory['baseline_mb']:.0f}, "
          f"peak {memory['peak_mb']:.0f}, after close "
          + ", ".join(f"{r['after_close_mb']:.0f}" for r in rounds) + " (per round)")
    print("  per session [MB]: " + ", ".join(
        f"{name} {memory[key]:.2f}" for name, key in [
            ("growth at peak", "growth_per_session_at_peak_mb"),
            ("retained after cleanup", "retained_per_session_mb"),
            ("growth between rounds", "growth_between_rounds_per_session_mb")] if key in memory))
    live = result["live_objects"]
    if live["before"] is not None:
        counted = [live["before"], live.get("after_warmup"), *live["after_each_round"]]
        if all(c and "tracked_objects" in c for c in counted):
            print("  Python objects tracked / allocator blocks (before, after warm-up, after each "
                  "round): " + ", ".join(f"{c['tracked_objects']} / {c['allocated_blocks']}"
                                         for c in counted))
        print("  live in the server after each round's cleanup: " + "; ".join(
            f"{c['documents']} documents, {c['models']} Bokeh models, {c['holoviews_plots']} "
            "HoloViews plots" for c in live["after_each_round"]))
        gc = live["after_each_round"][-1].get("gc")
        if gc:  # counted up to the last census, before its own collection
            print(f"  garbage collection in the server: {gc['all_s']:.1f} s in all; "
                  f"{gc['full']} full collections, {gc['full_s']:.1f} s, the longest "
                  f"{gc['full_max_ms']:.0f} ms; {gc['full_freed_objects']} objects freed by them")
    solo = result.get("single_user_update_latency")
    if solo:
        for k, r in enumerate(rounds):
            if r["update_latency"]:
                print(f"  round {k + 1} update latency / single user: median "
                      f"{r['update_latency']['median_ms'] / solo['median_ms']:.1f}x, p95 "
                      f"{r['update_latency']['p95_ms'] / solo['p95_ms']:.1f}x")
    print(f"  tab switches back to a tab built before (kept in the page, nothing sent): "
          f"{result.get('tab_revisits_without_reply', 0)}")
    print(f"  sessions: {result['sessions_launched_total']} launched, "
          f"{result['sessions_destroyed_total']} destroyed; rebuilt per round "
          f"{[r['sessions_rebuilt'] for r in rounds]}")
    print(f"  CPU: server {result['server_cpu_s']:.0f} s, driver {result['driver_cpu_s']:.0f} s, "
          f"in {result['wall_s']:.0f} s wall; "
          f"patches {result['patches_received']} "
          f"({result['patches_without_redraw']} without a redraw: busy indicator, widget echoes)")
    if result["server"].get("session_states"):
        print("  server state of the open sessions when a user's move or tab switch failed:")
        for line in result["server"]["session_states"]:
            print(f"    {line}")
    if result["server"]["warnings"]:
        print("  server warnings:")
        for message, count in result["server"]["warnings"].items():
            print(f"    {count} x {message[:150]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--updates", type=int, default=100, help="parameter updates per session")
    parser.add_argument("--visits", type=int, default=2, help="visits of every tab per session")
    parser.add_argument("--rounds", type=int, default=2,
                        help="batches of sessions, one after the other (2+: leak check)")
    parser.add_argument("--server", choices=["panel", "module", "cluster"], default="panel",
                        help="panel: panel serve dashboard/app.py; module: python -m dashboard; "
                             "cluster: --num-procs app processes behind nginx "
                             "(deploy/serve_cluster.py)")
    # 30 users arriving over a minute; all are still open when the last arrives.  A flash crowd
    # (--ramp 0.2) overruns one process: session builds queue for over a minute.
    parser.add_argument("--ramp", type=float, default=2.0,
                        help="seconds between session starts (0: all at once)")
    parser.add_argument("--timeout", type=float, default=60.0, help="per-reply timeout, s")
    parser.add_argument("--unused-session-lifetime", type=int, default=15000, metavar="MS",
                        help="Bokeh's default; shorter, sessions whose websocket waits behind "
                             "other sessions' builds are discarded and built again")
    parser.add_argument("--num-procs", type=int, default=1,
                        help="server processes (the server's --num-procs)")
    parser.add_argument("--app", default=APP,
                        help="app file for --server panel (its tabs must be the registry's)")
    parser.add_argument("--root", type=Path, default=None,
                        help="serve the app of another checkout (an A/B against a commit: "
                             "git worktree add DIR COMMIT)")
    parser.add_argument("--solo-updates", type=int, default=40,
                        help="updates of one user alone before the rounds: the single-user "
                             "latency the load is compared with (0: none)")
    parser.add_argument("--think", type=float, default=0.0, metavar="S",
                        help="mean pause of a user after each move and tab switch, s (default 0: "
                             "the next action at once, as for the targets in bench/README.md)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-warmup", action="store_true",
                        help="no warm-up user before the baseline")
    parser.add_argument("--output", default="load.json", help="file name in bench/results/")
    parser.add_argument("--profile", metavar="FILE",
                        help="sample the server's stacks with py-spy into FILE (raw collapsed "
                             "stacks; summary: python -m bench.profile_stacks FILE)")
    args = parser.parse_args(argv)

    result = run_load([(args.sessions, args.updates, args.visits)] * args.rounds,
                      kind=args.server, seed=args.seed,
                      timeout_s=args.timeout, ramp_s=args.ramp, warmup=not args.no_warmup,
                      unused_lifetime_ms=args.unused_session_lifetime, num_procs=args.num_procs,
                      app=args.app, profile=args.profile, solo_updates=args.solo_updates,
                      think_s=args.think,
                      **({"root": args.root.resolve()} if args.root else {}))
    log = result.pop("server_log")
    rows = result.pop("update_log")  # every answered update: its tab, control and latencies
    with open(RESULTS / f"{Path(args.output).stem}_updates.csv", "w", newline="") as out:
        csv.writer(out).writerows([("sent_unix_s", "tab", "control", "first_redraw_s",
                                    "latency_s"), *rows])
    print_summary(result)
    report(result, args.output)  # prints the latencies: update, tab visits, session open
    (RESULTS / f"{Path(args.output).stem}_server.log").write_text("\n".join(log) + "\n")
    print(f"written to {RESULTS / args.output}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
