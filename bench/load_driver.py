"""Load driver: serve the app in a subprocess and drive many concurrent sessions against it.

Used by ``bench/bench_load.py`` (full run) and ``tests/dashboard/test_load.py`` (reduced run).

Each simulated user does what a browser does on the wire, without rendering: ``GET /app``
(the server builds the session's document; the page carries a session token), a websocket
on ``/app/ws``, ``PULL-DOC`` to get the document, a ``document_ready`` event, then parameter
changes as ``PATCH-DOC`` messages (Bokeh's own ``Protocol``/``Receiver``).  The server's
patches are applied to a JSON copy of the document (``ShadowDocument``), so tabs built on
demand bring their widgets with them.  All sessions share one asyncio loop:
``bokeh.client.ClientSession`` runs a blocking IOLoop per call and deserialises every model,
which costs the client as much CPU as a small server and distorts the measurement on 2 cores.

Widgets are found by Bokeh model type and title, never by the views' Python attribute names,
and only the tab's movable controls are moved, so widgets added later (export, URL sync) are
left alone.  :func:`tab_updates` derives them from the tab registry
(``dashboard.tabs.TABS``): per tab title, ``view.movable_controls()`` of a default instance,
the sliders and selects whose every move changes a plotted curve, a marker or a readout (their
Bokeh titles are the bindings' labels).  An update is *answered* when such a patch comes back,
or when the server puts the moved control back to another value (a refused value: a select may
offer a target the current channel has no data for; the view's notice explains it), or when the
server took the value (the page's link shows it) and nothing drawn changes within
``NOTHING_DRAWN_WAIT_S`` (a control that does not matter in the current state: counted apart,
``updates_without_redraw``, and not in the latencies).

Latency of one update: from sending the change to the last plot/readout patch of its reply
(the reply ends when no further such patch arrives within ``max(0.2 s, half the latency so
far)``; that quiet time is the user's think time and is not counted).  Its *first redraw*: to
the first such patch, which carries the moved curves (what ``bench_tab_latency`` times in a
browser); parts the views defer until moves pause (bands, subtitles, details) come after it.
Patches that only set ``css_classes`` (Panel's busy indicator, which is shared by all sessions
of a process) or touch input widgets (echoes of linked widgets) are counted but do not answer
an update.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.timing import summary_ms
from tests.browser_support import free_port, wait_for_port
from tests.ws_client import ShadowDocument, read_message

ROOT = Path(__file__).resolve().parents[1]
APP = "dashboard/app.py"  # what ``panel serve`` runs, relative to ``root``


def tab_updates(tabs=None) -> dict[str, list[tuple[str, str]]]:
    """``{tab title: [(Bokeh model type, title), ...]}``: the controls a simulated user moves on
    each tab of ``tabs`` (view classes; default: the registry ``dashboard.tabs.TABS``), in tab
    order, from ``movable_controls()`` of a default instance of each."""
    if tabs is None:
        from dashboard.tabs import TABS as tabs
    return {tab.title: tab().movable_controls() for tab in tabs}


def __getattr__(name: str):
    # TAB_TITLES and UPDATES, the names of the lists this module once kept by hand: derived
    # from the registry on first use (building the default views takes a second).
    if name in ("TAB_TITLES", "UPDATES"):
        updates = globals().setdefault("_REGISTRY_UPDATES", tab_updates())
        return tuple(updates) if name == "TAB_TITLES" else updates
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# ``panel serve --setup`` script: on SIGUSR1 the server collects garbage and prints how many
# Bokeh documents and models and HoloViews plots are alive.  Unlike RSS, which the allocator
# keeps high after a burst, these counts return to their baseline once sessions are gone,
# unless something still holds them (a leak).  Written with os.write: a signal may arrive
# while the server is printing.  It also times the interpreter's garbage collections (all, and
# the full ones, which visit every object of the process) since the server started.  On SIGUSR2
# it logs a LOAD-STATE line per open session (``ServerProcess.log_session_states``: what could
# keep a session from answering a move).
CENSUS_SETUP = """
import gc, os, signal, sys, time

_gc = {"start": 0.0, "all_s": 0.0, "full": 0, "full_s": 0.0, "full_max_s": 0.0,
       "full_freed": 0, "census": False}

def _time_collections(phase, info):
    if _gc["census"]:  # the census's own collection is the bench's, not the server's
        return
    if phase == "start":
        _gc["start"] = time.perf_counter()
        return
    took = time.perf_counter() - _gc["start"]
    _gc["all_s"] += took
    if info["generation"] == 2:
        _gc["full"] += 1
        _gc["full_s"] += took
        _gc["full_max_s"] = max(_gc["full_max_s"], took)
        _gc["full_freed"] += info["collected"]
        os.write(1, ("LOAD-GC full collection began=%.3f took_s=%.3f\\n"
                     % (time.time() - took, took)).encode())

gc.callbacks.append(_time_collections)

def _census(signum, frame):
    from bokeh.document import Document
    from bokeh.model import Model
    timed = (_gc["all_s"], _gc["full"], _gc["full_s"], _gc["full_max_s"] * 1e3,
             _gc["full_freed"])
    _gc["census"] = True
    try:
        gc.collect()
    finally:
        _gc["census"] = False
    objects = gc.get_objects()
    plot = getattr(sys.modules.get("holoviews.plotting.plot"), "Plot", ())
    counts = (sum(isinstance(o, Document) for o in objects),
              sum(isinstance(o, Model) for o in objects),
              sum(isinstance(o, plot) for o in objects) if plot else 0)
    os.write(1, ("LOAD-CENSUS documents=%d models=%d holoviews_plots=%d "
                 "gc_s=%.3f gc_full=%d gc_full_s=%.3f gc_full_max_ms=%.1f gc_full_freed=%d "
                 "objects=%d blocks=%d\\n"
                 % (counts + timed + (len(objects), sys.getallocatedblocks()))).encode())

signal.signal(signal.SIGUSR1, _census)

def _locked(lock):  # a tornado Lock (or the semaphore inside one): held, and how many wait
    block = getattr(lock, "_block", lock)
    return "%s/%d" % ("held" if block._value == 0 else "free", len(block._waiters))

def _session_states(signum, frame):
    # What could keep a session from answering: its document's lock and hold, Panel's queued
    # messages and scheduled change callbacks, widgets with browser events not yet handled or
    # values Panel awaits as echoes, models of the page not yet sent to the browser, and
    # whether the message references are kept (dashboard.document_models).  One LOAD-STATE
    # line per open session.
    try:
        import panel.io.document as panel_document
        from panel.io.state import state
        documents = {}
        for viewable, _, doc, _ in list(state._views.values()):
            if doc is not None and doc.session_context is not None:
                documents.setdefault(doc, []).append(viewable)
        for doc, roots in documents.items():
            session = doc.session_context.session
            connections = list(getattr(session, "_subscribed_connections", ()))
            pending, changing = [], []
            for root in roots:
                for item in (root.select() if hasattr(root, "select") else [root]):
                    if getattr(item, "_events", None):
                        pending.append("%s%s" % (type(item).__name__, sorted(item._events)))
                    waiting = {ref: attrs for ref, attrs in getattr(item, "_changing", {}).items()
                               if attrs}
                    if waiting:
                        changing.append("%s%s" % (type(item).__name__, waiting))
            os.write(1, ("LOAD-STATE session=%s document_lock=%s pending_writes=%s hold=%s "
                         "held_events=%d socket_write_locks=%s panel_write_block=%s "
                         "panel_write_messages=%d panel_write_futures=%d change_callbacks=%d "
                         "pending_events=%s echoes_awaited=%s unsynced_models=%d "
                         "kept_references=%s\\n" % (
                doc.session_context.id, _locked(session._lock) if session else "-",
                None if session is None or session._pending_writes is None
                else len(session._pending_writes),
                doc.callbacks.hold_value, len(doc.callbacks._held_events),
                ",".join(_locked(c._socket.write_lock) for c in connections
                         if hasattr(c._socket, "write_lock")) or "-",
                doc in panel_document._WRITE_BLOCK,
                sum(len(m) for m in panel_document._WRITE_MSGS.get(doc, {}).values()),
                len(panel_document._WRITE_FUTURES.get(doc, [])),
                len(state._change_callbacks.get(doc, {})),
                ";".join(pending) or "-", ";".join(changing) or "-",
                len(doc.models._new_models),
                getattr(doc.models, "_synced_refs", "-") is not None)).encode())
    except Exception as error:  # a diagnostic: never the server's failure
        os.write(1, ("LOAD-STATE failed: %r\\n" % (error,)).encode())

signal.signal(signal.SIGUSR2, _session_states)
"""
_CENSUS = re.compile(r"LOAD-CENSUS documents=(\d+) models=(\d+) holoviews_plots=(\d+)")
_CENSUS_GC = re.compile(r"gc_s=([\d.]+) gc_full=(\d+) gc_full_s=([\d.]+) gc_full_max_ms=([\d.]+) "
                        r"gc_full_freed=(\d+) objects=(\d+) blocks=(\d+)")
_SESSION_LAUNCHED = re.compile(r"Session (\d+) launching")
_SESSION_DESTROYED = re.compile(r"Session (\d+) destroyed")
_LOG_ERROR = re.compile(r"\b(ERROR|CRITICAL)\b")
_LOG_WARNING = re.compile(r"\bWARNING\b")


# --- the server -----------------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def read_rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    """Resident memory of a process in MB from /proc (``VmHWM``: its peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"{field_name} not in /proc/{pid}/status")


class ServerProcess:
    """``panel serve dashboard/app.py`` (or ``python -m dashboard``) in a subprocess, log captured.

    ``app``: another app file for ``panel serve`` (e.g. one serving another tab registry),
    relative to ``root``.

    ``unused_lifetime_ms``/``check_unused_ms`` make Bokeh discard closed sessions sooner than
    its defaults (15 s, checked every 17 s) so that their cleanup can be observed (``panel
    serve`` only; ``python -m dashboard`` keeps the defaults).  Not much shorter than 5 s: a
    session whose websocket has not connected within that time (the server is busy building
    other sessions) is discarded and built again when it connects.  Panel logs each session's
    launch and destruction at INFO level (``PANEL_LOG_LEVEL=info``).  ``census``: install
    ``CENSUS_SETUP`` (``panel serve`` only) so that ``census()`` can count live objects.
    ``num_procs``: the server's ``--num-procs`` (Tornado forks that many workers; memory, CPU
    and the census are then summed over the workers).  ``profile``: a file to which
    ``py-spy record`` (``pip install py-spy``) writes the server's sampled stacks (raw
    "collapsed" format, ``--rate`` ``profile_rate`` per second; summarised by
    ``bench/profile_stacks.py``); py-spy starts the server as its child.
    """

    def __init__(self, port: int | None = None, *, kind: str = "panel",
                 unused_lifetime_ms: int = 5000, check_unused_ms: int = 1000, root: Path = ROOT,
                 census: bool = False, num_procs: int = 1, app: str = APP,
                 profile: str | Path | None = None, profile_rate: int = 100):
        self.port = port or free_port()
        self.num_procs = num_procs
        self.root = Path(root)
        self._setup = None
        self.profile = Path(profile) if profile else None
        self.stopping_at_line: int | None = None  # the log's length when stop() began
        options = ["--unused-session-lifetime", str(unused_lifetime_ms),
                   "--check-unused-sessions", str(check_unused_ms), "--log-format", LOG_FORMAT]
        if census and kind in ("panel", "cluster"):
            self._setup = tempfile.NamedTemporaryFile("w", suffix="_census.py")
            self._setup.write(CENSUS_SETUP)
            self._setup.flush()
            options += ["--setup", self._setup.name]
        if kind == "panel":
            self.command = [sys.executable, "-m", "panel", "serve", app,
                            "--address", "127.0.0.1", "--port", str(self.port),
                            "--allow-websocket-origin", f"127.0.0.1:{self.port}", *options]
            if num_procs != 1:
                self.command += ["--num-procs", str(num_procs)]
        elif kind == "module":
            self.command = [sys.executable, "-m", "dashboard", "--port", str(self.port)]
            if num_procs != 1:
                self.command += ["--num-procs", str(num_procs)]
        elif kind == "cluster":  # nginx in front of num_procs app processes (deploy/)
            self.command = [sys.executable, str(self.root / "deploy" / "serve_cluster.py"),
                            "--procs", str(num_procs), "--port", str(self.port), "--", *options]
        else:
            raise ValueError(f"kind must be 'panel', 'module' or 'cluster', not {kind!r}")
        if self.profile is not None:
            # Attaching to a running server fails here ("failed to find python version"):
            # py-spy starts it instead (a blocking sampler: each sample pauses the server
            # ~0.1 ms, ~1 % at 100 samples per second).
            spy = Path(sys.executable).with_name("py-spy")
            self.command = [str(spy), "record", "--rate", str(profile_rate), "--format", "raw",
                            "--output", str(self.profile),
                            *(["--subprocesses"] if num_procs != 1 else []), "--", *self.command]
        self.kind = kind
        self.url = f"http://127.0.0.1:{self.port}"
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> float:
        """Launch and wait until the port answers; return the seconds that took."""
        start = time.perf_counter()
        env = {**os.environ, "PANEL_LOG_LEVEL": "info", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(self.command, cwd=self.root, env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        start_new_session=self.num_procs != 1
                                        or self.kind == "cluster")
        threading.Thread(target=self._pump, daemon=True).start()
        while True:
            try:
                wait_for_port(self.port, 0.5)
                return time.perf_counter() - start
            except RuntimeError:
                if self.process.poll() is not None or time.perf_counter() - start > timeout:
                    self.stop()
                    raise RuntimeError(f"{' '.join(self.command)} did not start:\n"
                                       + "\n".join(self.log()[-30:])) from None

    def _pump(self):
        for line in self.process.stdout:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    @property
    def pid(self) -> int:
        """The server's process (its parent with ``--num-procs``): under a profiler, its child."""
        if self.profile is None:
            return self.process.pid
        if getattr(self, "_server_pid", None) is None:
            children = _children(self.process.pid)
            if not children:
                raise RuntimeError("py-spy has not started the server")
            self._server_pid = children[0]
        return self._server_pid

    def workers(self) -> list[int]:
        """The pids serving sessions: the process itself, the workers it forked, or (cluster)
        the app processes behind nginx."""
        pid = self.pid
        if self.kind == "cluster":
            return [child for child in _children(pid)
                    if b"nginx" not in Path(f"/proc/{child}/cmdline").read_bytes()]
        if self.num_procs == 1:
            return [pid]
        return _children(pid) or [pid]

    def _pids(self) -> list[int]:
        return sorted({self.pid, *self.workers()})

    def rss_mb(self) -> float:
        return sum(read_rss_mb(pid) for pid in self._pids())

    def peak_rss_mb(self) -> float:
        return sum(read_rss_mb(pid, "VmHWM") for pid in self._pids())

    def cpu_s(self) -> float:
        """CPU time (user + system) the server has used so far, from /proc/<pid>/stat."""
        total = 0
        for pid in self._pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def log(self) -> list[str]:
        with self._lock:
            return list(self.lines)

    def session_counts(self) -> tuple[int, int]:
        """Sessions launched and destroyed so far, from Panel's log.  Panel logs some sessions
        twice (function apps, as in python -m dashboard), and ids are ``id(document)``, which
        Python reuses, so follow each id from launch to destruction."""
        live, launched, destroyed = set(), 0, 0
        for line in self.log():
            if match := _SESSION_LAUNCHED.search(line):
                launched += match.group(1) not in live
                live.add(match.group(1))
            elif (match := _SESSION_DESTROYED.search(line)) and match.group(1) in live:
                live.remove(match.group(1))
                destroyed += 1
        return launched, destroyed

    def sessions_launched(self) -> int:
        return self.session_counts()[0]

    def sessions_destroyed(self) -> int:
        return self.session_counts()[1]

    def log_problems(self) -> dict:
        """ERROR/CRITICAL records, tracebacks and warnings (unique messages) in the server log."""
        lines = self.log()
        errors = [line for line in lines if _LOG_ERROR.search(line)]
        tracebacks = [i for i, line in enumerate(lines) if "Traceback" in line
                      and not self._interrupted_by_stop(lines, i)]
        warnings: dict[str, int] = {}
        for line in lines:
            if _LOG_WARNING.search(line):
                # one key per message: drop the prefix and param's object numbers (Row01051)
                message = re.sub(r"(param\.[A-Za-z]+)\d+", r"\1", line.split("WARNING", 1)[1])
                warnings[message.strip(" :")] = warnings.get(message.strip(" :"), 0) + 1
        context = [lines[i:i + 40] for i in tracebacks[:3]]
        return {"errors": errors, "tracebacks": len(tracebacks), "traceback_context": context,
                "warnings": warnings}

    def _interrupted_by_stop(self, lines: list[str], start: int) -> bool:
        """Whether the traceback at ``lines[start]`` is the bench's own SIGINT that stops the
        server (a KeyboardInterrupt logged after :meth:`stop` began: it may land in any
        Python code then, a garbage-collector callback included)."""
        if self.stopping_at_line is None or start < self.stopping_at_line:
            return False
        raised = next((line for line in lines[start + 1:] if not line.startswith(" ")), "")
        return raised.startswith("KeyboardInterrupt")

    @property
    def census_enabled(self) -> bool:
        return self._setup is not None

    def census(self, timeout_s: float = 30.0) -> dict | None:
        """Live Bokeh documents and models and HoloViews plots in the server, after a garbage
        collection (None without ``census=True``)."""
        if self._setup is None:
            return None
        seen = len(self.log())
        workers = self.workers()
        for pid in workers:
            os.kill(pid, signal.SIGUSR1)
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            lines = [line for line in self.log()[seen:] if _CENSUS.search(line)]
            if len(lines) >= len(workers):
                answers = [_CENSUS.search(line).groups() for line in lines]
                census = dict(zip(("documents", "models", "holoviews_plots"),
                                  (sum(int(a[k]) for a in answers) for k in range(3))))
                timed = [m.groups() for line in lines if (m := _CENSUS_GC.search(line))]
                if timed:  # garbage collections since the server started (summed over workers)
                    census["gc"] = {"all_s": sum(float(t[0]) for t in timed),
                                    "full": sum(int(t[1]) for t in timed),
                                    "full_s": sum(float(t[2]) for t in timed),
                                    "full_max_ms": max(float(t[3]) for t in timed),
                                    "full_freed_objects": sum(int(t[4]) for t in timed)}
                    # Python objects the collector tracks, and blocks Python's allocator holds
                    census["tracked_objects"] = sum(int(t[5]) for t in timed)
                    census["allocated_blocks"] = sum(int(t[6]) for t in timed)
                return census
            time.sleep(0.1)
        raise RuntimeError("the server did not answer the census signal")

    def log_session_states(self) -> None:
        """Ask the server (with ``census=True``) to log a ``LOAD-STATE`` line per open session:
        document lock and hold, Panel's queued messages and change callbacks, widgets with
        unhandled browser events (``CENSUS_SETUP``).  Called when a user's move goes
        unanswered, while that session is still open; the lines land in the server log."""
        if self._setup is None:
            return
        for pid in self.workers():
            try:
                os.kill(pid, signal.SIGUSR2)
            except ProcessLookupError:
                pass

    def session_states(self) -> list[str]:
        """The ``LOAD-STATE`` lines the server logged."""
        return [line.strip() for line in self.log() if line.startswith("LOAD-STATE")]

    def stop(self):
        self.stopping_at_line = len(self.log())
        if self._setup is not None:
            self._setup.close()
        if self.profile is not None and self.process and self.process.poll() is None:
            # Stop the server, not py-spy: py-spy writes its file once the server has exited.
            workers = self.workers() if self.num_procs != 1 else []
            try:
                os.kill(self.pid, signal.SIGINT if self.num_procs == 1 else signal.SIGTERM)
                for pid in workers:  # Tornado's parent gone: the workers do not restart
                    if pid != self.pid:
                        os.kill(pid, signal.SIGTERM)
            except (ProcessLookupError, RuntimeError):
                pass
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGINT)
        if self.process and self.process.poll() is None:
            if self.num_procs != 1 or self.kind == "cluster":
                # Tornado's parent restarts a worker that a SIGINT stops, and a SIGINT in its
                # os.wait() is a traceback: stop the whole group at once.
                os.killpg(self.process.pid, signal.SIGTERM)
            else:
                self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


# --- one simulated user -------------------------------------------------------------------------

_WIDGET_TYPES: dict[str, bool] = {}


def _is_input_widget(type_name: str) -> bool:
    """Whether a Bokeh model type (qualified name) is an input widget (slider, select, button,
    ...) rather than a plot, source, annotation or text; unknown types count as output."""
    if type_name not in _WIDGET_TYPES:
        import panel.models  # noqa: F401  (registers Panel's model classes with Bokeh)
        from bokeh.model import get_class
        from bokeh.models import Markup, Widget

        try:
            cls = get_class(type_name)
        except KeyError:
            cls = None
        _WIDGET_TYPES[type_name] = bool(cls and issubclass(cls, Widget) and not issubclass(cls, Markup))
    return _WIDGET_TYPES[type_name]


MAX_FAILURES_IN_A_ROW = 3  # then the user gives up: a broken app fails fast, not after N timeouts


# How long a move the server took (its link changed) may wait for a redraw: the views defer
# parts by up to 0.4 s (subtitles, file names), later under load.
NOTHING_DRAWN_WAIT_S = 5.0


class GiveUp(Exception):
    pass


@dataclass
class SessionResult:
    index: int
    open_s: float | None = None
    update_latency_s: list[float] = field(default_factory=list)
    update_first_redraw_s: list[float] = field(default_factory=list)
    first_visit_s: list[float] = field(default_factory=list)
    revisit_s: list[float] = field(default_factory=list)
    revisits_without_reply: int = 0
    updates_sent: int = 0
    updates_answered: int = 0
    updates_without_redraw: int = 0  # taken (the link shows them), nothing drawn changed
    # per answered update: when sent (time.time()), tab, control, first redraw s, latency s
    update_log: list[tuple[float, str, str, float, float]] = field(default_factory=list)
    patches: int = 0
    patches_without_redraw: int = 0  # busy indicator, echoes of linked widgets
    errors: list[str] = field(default_factory=list)


class UserSession:
    """One browser-like session: open the app, switch tabs, move widgets, time the replies.

    ``controls``: :func:`tab_updates` of the served app's tabs."""

    def __init__(self, url: str, index: int, seed: int, timeout_s: float,
                 controls: dict[str, list[tuple[str, str]]], on_failure=None):
        self.url, self.index, self.timeout_s = url, index, timeout_s
        self.on_failure = on_failure  # called at once when a move or tab switch fails
        self.controls, self.titles = controls, list(controls)
        self.failures_in_a_row = 0
        self.rng = random.Random(seed * 1000 + index)
        self.result = SessionResult(index)
        self.reply_times: list[float] = []
        self.link_times: list[float] = []  # arrival of patches that change the page's link
        self.changed = asyncio.Condition()
        self.socket = None
        self.session_id: str | None = None
        self.doc: ShadowDocument | None = None
        self.tabs: str | None = None
        self.closed = False
        self.last_sent: tuple[str, str, object] | None = None  # (model id, attribute, value)
        self.last_sent_at = 0.0  # perf_counter() of the last change sent
        self.first_reply_s = 0.0  # from the last change sent to the first patch of its reply
        self.patch_times: list[float] = []  # arrival of every patch (a reply or not)

    async def open(self):
        from bokeh.client.websocket import WebSocketClientConnectionWrapper
        from bokeh.document import Document
        from bokeh.document.events import MessageSentEvent
        from bokeh.events import DocumentReady
        from bokeh.protocol import Protocol
        from bokeh.protocol.receiver import Receiver
        from bokeh.util.token import get_session_id
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest
        from tornado.websocket import websocket_connect

        start = time.perf_counter()
        page = await AsyncHTTPClient().fetch(f"{self.url}/app", request_timeout=self.timeout_s)
        token = re.search(r'"token":"([^"]+)"', page.body.decode()).group(1)
        self.session_id = get_session_id(token)  # Bokeh's id of the session (in its token)
        # As a browser: the page's cookies go with the websocket (a sticky proxy routes by them)
        cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_list("Set-Cookie"))
        ws_request = HTTPRequest(self.url.replace("http", "ws", 1) + "/app/ws",
                                 headers={"Cookie": cookies} if cookies else None,
                                 connect_timeout=self.timeout_s)
        self.raw_socket = await websocket_connect(ws_request, subprotocols=["bokeh", token])
        self.socket = WebSocketClientConnectionWrapper(self.raw_socket)
        self.protocol, self.receiver = Protocol(), Receiver(Protocol())
        ack = await asyncio.wait_for(self._read(), self.timeout_s)
        if ack is None or ack.msgtype != "ACK":
            raise RuntimeError(f"expected ACK, got {ack and ack.msgtype}")
        await self.protocol.create("PULL-DOC-REQ").send(self.socket)
        reply = await asyncio.wait_for(self._pull_reply(), self.timeout_s)
        self.doc = ShadowDocument(reply.content["doc"])
        self.result.open_s = time.perf_counter() - start
        self.tabs = self._main_tabs()
        self.reader = asyncio.create_task(self._read_forever())
        # What BokehJS sends once the page is rendered (Panel runs its onload callbacks then).
        ready = self.protocol.create("PATCH-DOC", [
            MessageSentEvent(Document(), "bokeh_event", DocumentReady())])
        await ready.send(self.socket)

    async def _pull_reply(self):
        # Patches may come first (Panel's busy indicator is shared by all sessions): the pulled
        # document already holds what they changed.
        while (message := await self._read()) is not None:
            if message.msgtype == "PULL-DOC-REPLY":
                return message
            if message.msgtype == "ERROR":
                raise RuntimeError(f"server ERROR message: {message.content}")
        raise RuntimeError("the server closed the websocket before sending the document")

    def _tab_titles(self, tabs: str) -> list[str]:
        return [self.doc.get(panel["id"], "title", "") for panel in self.doc.get(tabs, "tabs", [])]

    def _main_tabs(self) -> str:
        tabs = self.doc.find("Tabs")
        for model_id in tabs:
            if self._tab_titles(model_id) == self.titles:
                return model_id
        raise RuntimeError(f"no Tabs titled {self.titles}; found {[self._tab_titles(t) for t in tabs]}")

    async def _read(self):
        return await read_message(self.raw_socket, self.receiver)

    async def _read_forever(self):
        try:
            while (message := await self._read()) is not None:
                if message.msgtype == "ERROR":
                    self.result.errors.append(f"server ERROR message: {message.content}")
                if message.msgtype != "PATCH-DOC":
                    continue
                arrived = time.perf_counter()
                events = message.content.get("events", [])
                self.doc.apply(events)
                self.result.patches += 1
                self.patch_times.append(arrived)
                if self._is_reply(events):
                    async with self.changed:
                        self.reply_times.append(arrived)
                        self.changed.notify_all()
                else:
                    self.result.patches_without_redraw += 1
                if any(event.get("attr") == "search" and self.doc.type(event["model"]["id"])
                       == "Location" for event in events if event.get("kind") == "ModelChanged"):
                    async with self.changed:
                        self.link_times.append(arrived)
                        self.changed.notify_all()
        except Exception as error:  # noqa: BLE001  (reported, the session is then dead)
            self.result.errors.append(f"reader: {type(error).__name__}: {error}")
        finally:
            if not self.closed:
                self.result.errors.append("the server closed the websocket")
            async with self.changed:
                self.changed.notify_all()

    def _is_reply(self, events: list[dict]) -> bool:
        """Whether a patch redraws something: a source, plot, annotation or text changed; or
        the control last moved was put back to another value (a refused value: the view's
        notice may already show that message, e.g. the same refusal twice, and then only the
        control changes)."""
        for event in events:
            if event.get("kind") in ("ColumnDataChanged", "ColumnsStreamed", "ColumnsPatched"):
                return True
            if (self.last_sent is not None and event.get("kind") == "ModelChanged"
                    and (event["model"]["id"], event.get("attr")) == self.last_sent[:2]
                    and event.get("new") != self.last_sent[2]):
                return True
            if event.get("kind") == "ModelChanged" and event.get("attr") != "css_classes":
                model_id = event["model"]["id"]
                if (self.doc.type(model_id) not in (None, "Location")
                        and not _is_input_widget(self.doc.type(model_id, qualified=True))):
                    return True
        return False

    async def _send_change(self, model_id: str, attr: str, value) -> float:
        """Set ``attr`` of a model as the browser would; return when it was sent."""
        from bokeh.protocol.messages.patch_doc import patch_doc

        self.doc.models[model_id]["attributes"][attr] = value
        self.last_sent = (model_id, attr, value)
        message = patch_doc(patch_doc.create_header(), {}, {"events": [
            {"kind": "ModelChanged", "model": {"id": model_id}, "attr": attr, "new": value}]})
        sent = self.last_sent_at = time.perf_counter()
        await message.send(self.socket)
        return sent

    async def _change(self, model_id: str, attr: str, value,
                      nothing_drawn_ok: bool = False) -> tuple[float, float | None]:
        """Set ``attr`` of a model as the browser would; return when it was sent and the latency
        of the reply, in s (its last patch; its first is ``self.first_reply_s`` after sending).

        ``nothing_drawn_ok``: a value the server took (the page's link shows it) without a
        redraw within ``NOTHING_DRAWN_WAIT_S`` is answered, latency None: where it changes
        nothing drawn (the atomic binding of a target whose every binding energy is below
        the threshold: stepping = free), or where it undoes a move whose deferred parts (a
        subtitle) were not sent yet."""
        mark, link_mark = len(self.reply_times), len(self.link_times)
        replied = lambda: len(self.reply_times) > mark or self.reader.done()  # noqa: E731
        sent = await self._send_change(model_id, attr, value)
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(
                lambda: replied() or (nothing_drawn_ok and len(self.link_times) > link_mark)),
                self.timeout_s)
        if not replied():  # the link changed: a redraw may still follow (deferred parts)
            try:
                async with self.changed:
                    await asyncio.wait_for(self.changed.wait_for(replied), NOTHING_DRAWN_WAIT_S)
            except asyncio.TimeoutError:
                return sent, None
        if len(self.reply_times) <= mark:
            raise RuntimeError("connection lost")
        self.first_reply_s = self.reply_times[mark] - sent
        while True:  # the rest of this reply: until quiet
            seen = len(self.reply_times)
            quiet = max(0.2, 0.5 * (self.reply_times[-1] - sent))
            async with self.changed:
                try:
                    await asyncio.wait_for(self.changed.wait_for(
                        lambda: len(self.reply_times) > seen or self.reader.done()), quiet)
                except asyncio.TimeoutError:
                    break
            if self.reader.done():
                break
        return sent, self.reply_times[-1] - sent

    def _controls_in_tab(self, title: str) -> tuple[int, list[tuple[str, list[str]]]]:
        """How many models tab ``title`` has in the page, and for each of its ``controls`` the
        ids of the widgets of that type and title."""
        panel = next(p["id"] for p in self.doc.get(self.tabs, "tabs")
                     if self.doc.get(p["id"], "title") == title)
        child = self.doc.get(panel, "child")
        models = self.doc.descendants(child["id"]) if child else []
        return len(models), [(label, [m for m in models
                                      if self.doc.type(m) in (kind, "Custom" + kind)
                                      and self.doc.get(m, "title", "") == label])
                             for kind, label in self.controls[title]]

    def _widgets(self, title: str) -> list[str]:
        """Ids of the widgets of tab ``title`` listed in ``controls`` that a user can move."""
        return [m for _, found in self._controls_in_tab(title)[1] for m in found
                if self.doc.get(m, "visible", True) and not self.doc.get(m, "disabled", False)]

    def _widget_states(self, title: str) -> str:
        """The tab's movable controls as the page has them (shown? enabled?), for reports."""
        count, controls = self._controls_in_tab(title)
        return f"{count} models in the tab; " + "; ".join(
            f"{label!r}: " + (", ".join(
                ("shown" if self.doc.get(m, "visible", True) else "hidden")
                + (" disabled" if self.doc.get(m, "disabled", False) else "") for m in found)
                or "absent")
            for label, found in controls)

    def _failed(self, what: str, error: Exception):
        # What came back after the change: none at all, or patches that did not count.
        after = [t - self.last_sent_at for t in self.patch_times if t >= self.last_sent_at]
        replies = sum(t >= self.last_sent_at for t in self.reply_times)
        came = (f"{len(after)} patches ({replies} counted as a reply) in the "
                f"{time.perf_counter() - self.last_sent_at:.0f} s after the change"
                + (f", the last after {after[-1]:.1f} s" if after else ""))
        self.result.errors.append(f"{what}: {type(error).__name__}: {error} [{came}; server "
                                  f"session {self.session_id}]")
        if self.on_failure is not None:  # while this session is still open on the server
            self.on_failure()
        self.failures_in_a_row += 1
        if self.failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
            raise GiveUp(f"gave up after {MAX_FAILURES_IN_A_ROW} failures in a row")

    async def show_tab(self, index: int, first_visit: bool) -> bool:
        """Switch to tab ``index`` and wait until its widgets have arrived.  A tab built before
        is kept in the browser (dashboard.lazy_tabs): the server sends nothing for it, and the
        switch is only counted (``revisits_without_reply``)."""
        title = self.titles[index]
        if not first_visit and self._widgets(title):
            await self._send_change(self.tabs, "active", index)
            self.result.revisits_without_reply += 1
            return True
        try:
            sent, latency = await self._change(self.tabs, "active", index)
            deadline = time.perf_counter() + self.timeout_s
            while not self._widgets(title):  # a lazy tab may arrive in several patches
                if time.perf_counter() > deadline or self.reader.done():
                    raise RuntimeError(f"tab {title!r} shows none of its widgets: "
                                       + self._widget_states(title))
                async with self.changed:
                    seen = len(self.reply_times)
                    await asyncio.wait_for(self.changed.wait_for(
                        lambda: len(self.reply_times) > seen or self.reader.done()), self.timeout_s)
                latency = self.reply_times[-1] - sent
        except Exception as error:  # noqa: BLE001
            self._failed(f"tab {title!r}", error)
            return False
        self.failures_in_a_row = 0
        (self.result.first_visit_s if first_visit else self.result.revisit_s).append(latency)
        return True

    def _next_value(self, model_id: str):
        get = lambda attr, default=None: self.doc.get(model_id, attr, default)  # noqa: E731
        if self.doc.type(model_id).endswith("Select"):
            options = [o if isinstance(o, str) else o[0] for o in get("options", [])]
            return self.rng.choice([o for o in options if o != get("value")])
        start, end = get("start"), get("end")
        span, step = end - start, get("step", 1) or (end - start) / 100
        # Drag by 1-10 % of the range, bouncing off the ends: always a new value.
        delta = max(step, round(self.rng.uniform(0.01, 0.10) * span / step) * step)
        current = get("value")
        value = current + self.rng.choice((-1, 1)) * delta
        if not start <= value <= end:
            value = current - (value - current)
        return float(min(max(value, start), end))

    async def update(self, title: str):
        widgets = self._widgets(title)
        if not widgets:
            raise GiveUp(f"tab {title!r}: none of the widgets {self.controls[title]}")
        model_id = self.rng.choice(widgets)
        value = self._next_value(model_id)
        self.result.updates_sent += 1
        try:
            _, latency = await self._change(model_id, "value", value, nothing_drawn_ok=True)
        except Exception as error:  # noqa: BLE001
            self._failed(f"{title!r} {self.doc.get(model_id, 'title')!r} -> {value!r}", error)
            return
        self.failures_in_a_row = 0
        self.result.updates_answered += 1
        if latency is None:
            self.result.updates_without_redraw += 1
            return
        self.result.update_latency_s.append(latency)
        self.result.update_first_redraw_s.append(self.first_reply_s)
        self.result.update_log.append((time.time() - latency, title,
                                       str(self.doc.get(model_id, "title")),
                                       self.first_reply_s, latency))

    async def close(self):
        self.closed = True
        if self.socket is not None:
            self.socket.close(1000, "done")
            try:
                await asyncio.wait_for(self.reader, 10)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001
                pass


def tab_plan(n_updates: int, start_tab: int, visits_per_tab: int,
             n_tabs: int) -> list[tuple[int, int]]:
    """(tab index, updates) visits: every tab ``visits_per_tab`` times (fewer if there are not
    updates enough), in turn from ``start_tab``, the updates shared out as evenly as possible."""
    visits = min(n_updates, visits_per_tab * n_tabs) or 1
    sizes = [n_updates // visits + (i < n_updates % visits) for i in range(visits)]
    return [((start_tab + i) % n_tabs, size) for i, size in enumerate(sizes)]


async def run_user(url: str, index: int, n_updates: int, controls: dict, *, visits_per_tab: int = 2,
                   seed: int = 0, timeout_s: float = 30.0, delay_s: float = 0.0,
                   think_s: float = 0.0, on_failure=None) -> SessionResult:
    """One user: open the app, visit the tabs of ``tab_plan`` moving the widgets of ``controls``
    (:func:`tab_updates`), close.  ``think_s``: the mean of a pause (exponentially
    distributed) after each answered move and tab switch, besides the quiet time that ends a
    reply; 0: the next action follows at once.  ``on_failure``: called when a move or tab
    switch fails, while the session is open (``ServerProcess.log_session_states``)."""
    await asyncio.sleep(delay_s)
    session = UserSession(url, index, seed, timeout_s, controls, on_failure)

    async def think():
        if think_s > 0:
            await asyncio.sleep(session.rng.expovariate(1.0 / think_s))

    try:
        await session.open()
        visited = {session.doc.get(session.tabs, "active", 0)}  # built with the page
        n_tabs = len(controls)
        for tab, count in tab_plan(n_updates, index % n_tabs, visits_per_tab, n_tabs):
            if session.doc.get(session.tabs, "active", 0) != tab:
                if not await session.show_tab(tab, first_visit=tab not in visited):
                    continue
                visited.add(tab)
                await think()
            for _ in range(count):
                await session.update(session.titles[tab])
                await think()
    except GiveUp as reason:
        session.result.errors.append(f"session: {reason}")
    except Exception as error:  # noqa: BLE001
        session.result.errors.append(f"session: {type(error).__name__}: {error}")
    finally:
        await session.close()
    return session.result


# --- the whole run --------------------------------------------------------------------------------

def summary(values_s) -> dict | None:
    """Median, 95th percentile and maximum of durations given in s, in ms."""
    if not len(values_s):
        return None
    ms = np.asarray(values_s) * 1e3
    return {**summary_ms(ms), "max_ms": float(ms.max())}


async def _sample_rss(server: ServerProcess, samples: list, stop: asyncio.Event, period_s=0.25):
    while not stop.is_set():
        samples.append(server.rss_mb())
        try:
            await asyncio.wait_for(stop.wait(), period_s)
        except asyncio.TimeoutError:
            pass


async def _wait_destroyed(server: ServerProcess, expected: int, timeout_s: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if server.sessions_destroyed() >= expected:
            return time.perf_counter() - start
        await asyncio.sleep(0.2)
    return None


# Panel collects garbage 5 s after the last session was destroyed (panel.io.document.GC_DEBOUNCE);
# a server with the census hook collects it when counting, once the connections of the last
# sessions are let go (models of sessions destroyed < 1 s before were seen still referenced).
SETTLE_AFTER_CLEANUP_S = 6.0
SETTLE_BEFORE_CENSUS_S = 2.0


async def _settle(server: ServerProcess) -> dict | None:
    """After the sessions were destroyed: their garbage collected; the live-object census."""
    if server.census_enabled:
        await asyncio.sleep(SETTLE_BEFORE_CENSUS_S)
        return await asyncio.to_thread(server.census)
    await asyncio.sleep(SETTLE_AFTER_CLEANUP_S)
    return None


async def _round(server: ServerProcess, controls: dict, sessions: int, updates: int,
                 visits_per_tab: int, seed: int, timeout_s: float, ramp_s: float,
                 cleanup_timeout_s: float, think_s: float = 0.0
                 ) -> tuple[list[SessionResult], dict]:
    """``sessions`` concurrent users, then the wait until the server has destroyed their sessions."""
    launched_before = server.sessions_launched()
    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(server, samples, stop))
    cpu0, server_cpu0, wall0 = time.process_time(), server.cpu_s(), time.perf_counter()
    results = await asyncio.gather(*[
        run_user(server.url, i, updates, controls, visits_per_tab=visits_per_tab, seed=seed,
                 timeout_s=timeout_s, delay_s=i * ramp_s, think_s=think_s,
                 on_failure=server.log_session_states)
        for i in range(sessions)])
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    server_cpu = server.cpu_s() - server_cpu0
    at_last_close = server.rss_mb()
    launched = server.sessions_launched() - launched_before
    cleanup_s = await _wait_destroyed(server, launched_before + launched, cleanup_timeout_s)
    census = await _settle(server)
    stop.set()
    await sampler
    return results, {
        "sessions": sessions, "updates_per_session": updates, "visits_per_tab": visits_per_tab,
        "think_s": think_s,
        "update_latency": summary([x for r in results for x in r.update_latency_s]),
        "update_first_redraw": summary([x for r in results for x in r.update_first_redraw_s]),
        "wall_s": wall, "driver_cpu_s": cpu, "server_cpu_s": server_cpu, "peak_mb": max(samples),
        "at_last_close_mb": at_last_close, "after_close_mb": server.rss_mb(),
        "sessions_launched": launched,
        # more than ``sessions``: some were discarded before their websocket connected, and
        # built again when it did
        "sessions_rebuilt": launched - sessions,
        "all_destroyed": cleanup_s is not None, "destroyed_s_after_last_close": cleanup_s,
        "live_objects_after_close": census,
    }


async def _drive(server: ServerProcess, controls: dict, rounds: list[tuple[int, int, int]],
                 seed: int, timeout_s: float, ramp_s: float, warmup: bool, cleanup_timeout_s: float,
                 solo_updates: int = 0, think_s: float = 0.0) -> dict:
    memory = {"before_mb": server.rss_mb()}
    live = {"before": await asyncio.to_thread(server.census)}
    warm = None
    if warmup:  # one user visits every tab: lazy imports and caches are loaded before the baseline
        warm = await run_user(server.url, 0, 2 * len(controls), controls, seed=seed + 99,
                              timeout_s=timeout_s)
        await _wait_destroyed(server, server.sessions_launched(), cleanup_timeout_s)
        live["after_warmup"] = await _settle(server)
        memory["warm_baseline_mb"] = server.rss_mb()
    solo = None
    if solo_updates:  # the latency one user alone sees, on the same server and machine
        solo = await run_user(server.url, 0, solo_updates, controls, visits_per_tab=1,
                              seed=seed + 98, timeout_s=timeout_s)
        await _wait_destroyed(server, server.sessions_launched(), cleanup_timeout_s)
    results, stats = [], []
    for k, (sessions, updates, visits_per_tab) in enumerate(rounds):
        round_results, round_stats = await _round(server, controls, sessions, updates, visits_per_tab,
                                                  seed + k, timeout_s, ramp_s, cleanup_timeout_s,
                                                  think_s)
        results += round_results
        stats.append(round_stats)

    # The baseline for growth: after the warm-up, or else after the first round (which then
    # plays the warm-up).  RSS does not return to ``before``: imports and caches stay loaded,
    # and the allocator keeps memory freed after a burst for reuse.  A leak, though, grows it
    # round after round.
    measured = stats if warmup else stats[1:]
    baseline = memory["warm_baseline_mb"] if warmup else stats[0]["after_close_mb"]
    memory.update({
        "baseline_mb": baseline, "peak_mb": max(r["peak_mb"] for r in stats),
        "peak_hwm_mb": server.peak_rss_mb(), "after_close_mb": stats[-1]["after_close_mb"]})
    if measured:
        memory["growth_per_session_at_peak_mb"] = (measured[0]["peak_mb"] - baseline) / measured[0]["sessions"]
        memory["retained_per_session_mb"] = (
            (stats[-1]["after_close_mb"] - baseline) / sum(r["sessions"] for r in measured))
    if len(stats) > 1:
        memory["growth_between_rounds_per_session_mb"] = (
            (stats[-1]["after_close_mb"] - stats[0]["after_close_mb"])
            / sum(r["sessions"] for r in stats[1:]))

    live["after_each_round"] = [r["live_objects_after_close"] for r in stats]
    if len(stats) > 1 and stats[0]["live_objects_after_close"]:
        first, last = stats[0]["live_objects_after_close"], stats[-1]["live_objects_after_close"]
        live["growth_first_to_last_round"] = {key: last[key] - first[key] for key in first
                                              if isinstance(first[key], int)}

    client_errors = [f"session {r.index}: {e}" for r in results for e in r.errors]
    if warm is not None:
        client_errors += [f"warm-up session: {e}" for e in warm.errors]
    if solo is not None:
        client_errors += [f"single-user session: {e}" for e in solo.errors]
    return {
        "rounds": stats, "ramp_s": ramp_s, "seed": seed, "warmup": warmup,
        "wall_s": sum(r["wall_s"] for r in stats),
        "driver_cpu_s": sum(r["driver_cpu_s"] for r in stats),
        "server_cpu_s": sum(r["server_cpu_s"] for r in stats),
        "updates_sent": sum(r.updates_sent for r in results),
        "updates_answered": sum(r.updates_answered for r in results),
        "updates_without_redraw": sum(r.updates_without_redraw for r in results),
        "update_latency": summary([x for r in results for x in r.update_latency_s]),
        "update_first_redraw": summary([x for r in results for x in r.update_first_redraw_s]),
        "update_log": [row for r in results for row in r.update_log],
        "single_user_update_latency": summary(solo.update_latency_s) if solo else None,
        "single_user_update_first_redraw": (summary(solo.update_first_redraw_s) if solo
                                            else None),
        "single_user_first_visit_latency": summary(solo.first_visit_s) if solo else None,
        "single_user_open_s": solo.open_s if solo else None,
        "tab_first_visit_latency": summary([x for r in results for x in r.first_visit_s]),
        "tab_revisit_latency": summary([x for r in results for x in r.revisit_s]),
        "tab_revisits_without_reply": sum(r.revisits_without_reply for r in results),
        "session_open_time": summary([r.open_s for r in results if r.open_s is not None]),
        "patches_received": sum(r.patches for r in results),
        "patches_without_redraw": sum(r.patches_without_redraw for r in results),
        "memory": memory,
        "live_objects": live,
        "all_sessions_destroyed": all(r["all_destroyed"] for r in stats)
                                  and server.sessions_destroyed() == server.sessions_launched(),
        "sessions_launched_total": server.sessions_launched(),
        "sessions_destroyed_total": server.sessions_destroyed(),
        "client_errors": client_errors,
    }


def run_load(rounds=((30, 100, 2), (30, 100, 2)), *, kind: str = "panel",
             seed: int = 0, timeout_s: float = 30.0, ramp_s: float = 0.2, warmup: bool = True,
             unused_lifetime_ms: int = 5000, check_unused_ms: int = 1000, root: Path = ROOT,
             census: bool = True, num_procs: int = 1, app: str = APP, tabs=None,
             profile: str | Path | None = None, solo_updates: int = 0,
             think_s: float = 0.0) -> dict:
    """Serve the app and, for each ``(sessions, updates, visits_per_tab)`` of ``rounds`` in
    turn, run that many concurrent users (the i-th starting ``i * ramp_s`` after the first)
    making ``updates`` changes each over ``visits_per_tab`` visits of every tab, close them and
    wait until the server has destroyed their sessions; report errors, latencies and the
    server's memory.

    Memory (RSS, MB): ``before`` any session; ``warm_baseline`` after one warm-up user has
    visited every tab and been cleaned up (imports and caches loaded); ``peak`` while users
    run; ``after_close`` once every session was destroyed and Panel collected garbage; per
    session: the growth at peak, what is retained after cleanup, and the growth from the first
    round to the last (a leak).  ``census`` (``panel serve`` only): live Bokeh documents,
    models and HoloViews plots in the server before, after the warm-up and after each round.
    ``num_procs``: serve with that many forked processes (figures summed over them).
    ``app`` (``panel serve`` only) and ``tabs``: another app file and the tab classes it serves
    (default: dashboard/app.py and the registry); the users move ``tab_updates(tabs)``.
    ``profile``: the server's stacks sampled by py-spy into that file (see ``ServerProcess``).
    ``solo_updates``: before the rounds (after the warm-up), one user alone makes that many
    updates over every tab: ``single_user_update_latency``, the reference the rounds' update
    latencies (``rounds[k]["update_latency"]``) are compared with.  ``think_s``: the rounds'
    users pause that long on average after each move and tab switch (:func:`run_user`).
    """
    controls = tab_updates(tabs)  # before the server starts: it costs the client a second
    server = ServerProcess(kind=kind, unused_lifetime_ms=unused_lifetime_ms,
                           check_unused_ms=check_unused_ms, root=root,
                           census=census and kind in ("panel", "cluster"), num_procs=num_procs, app=app,
                           profile=profile)
    load_before = os.getloadavg()
    cleanup_timeout_s = 60.0 if kind == "module" else 10.0 + 3 * unused_lifetime_ms / 1e3
    startup_s = server.start()
    try:
        report = asyncio.run(_drive(server, controls, list(rounds), seed, timeout_s, ramp_s,
                                    warmup, cleanup_timeout_s, solo_updates, think_s))
    finally:
        server.stop()
    report["loadavg_before"] = load_before
    report["server"] = {"command": " ".join(server.command), "cwd": str(server.root),
                        "startup_s": startup_s, **server.log_problems(),
                        "session_states": server.session_states()}
    report["server_log"] = server.log()
    report["errors"] = (len(report["client_errors"]) + len(report["server"]["errors"])
                        + report["server"]["tracebacks"])
    return report
