"""Python's garbage collector set for a server that holds many sessions.

Why: a session with every tab open is ~131 000 Python objects (Panel, param and Bokeh objects
for ~1750 Bokeh models), and CPython's full collection visits every object of the process.
In the 30-user load bench (``python -m bench.bench_load``, which times the server's
collections; bench/README.md, "Load") the server made 22 full collections, 16.5 s of its 144 s
of CPU, the longest 2.7 s: every session of the process waits for it, the slider moves of
thirty users included.  A full collection found little: the sessions' objects are alive
until the session closes, and what an update drops is freed by reference counting.

So, for the server process only (nothing here runs in a notebook or the tests):

* the oldest generation is collected after ``FULL_COLLECTION_THRESHOLD`` collections of the
  middle one instead of CPython's 10 (CPython also waits until the objects promoted since the
  last full collection are a quarter of those that survived it).  Closed sessions' objects
  are freed by the full collection Panel runs after sessions are destroyed;
* that collection waits, 5 s or more after the last session was destroyed (as Panel's), until
  no session is open, or until the closed sessions not yet collected outnumber the open ones
  by ``CLOSED_SESSIONS_SLACK`` (their memory: at most that of the open sessions and a few
  more); while sessions are open it comes at most once every ``CLOSED_SESSIONS_INTERVAL_S``
  (any full collection counts).  The sessions are those ``create_app`` registered with
  :func:`track_session`.  Panel runs it 5 s after every pause in the sessions' closing:
  while a class closes its pages one by one (30 users in the load bench) that was 4-6
  collections of 1-5 s each, every session still open waiting through each (its time grows
  with all the objects of the process, the open sessions' included);
* after every full collection, free pages of the C heap go back to the system (glibc's
  ``malloc_trim``; elsewhere nothing is done): without it the server's resident memory stayed
  near its peak after every session had closed and its objects were freed;
* :func:`freeze_startup_objects` (``python -m dashboard``, before the server takes its first
  request): the ~200 000 objects of the imported libraries move to CPython's permanent
  generation, which no collection visits (each full collection was ~100 ms longer for them).
  ``panel serve dashboard/app.py`` has no moment before the first session: there only the
  threshold is set.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import gc
import time
import weakref

FULL_COLLECTION_THRESHOLD = 1000  # CPython's default: 10
CLOSED_SESSIONS_INTERVAL_S = 30.0
CLOSED_SESSIONS_SLACK = 5

_SESSION_DOCUMENTS: weakref.WeakSet = weakref.WeakSet()  # alive until their objects are freed


def track_session(document) -> None:
    """Count ``document`` (a served session's) in :func:`session_counts`."""
    _SESSION_DOCUMENTS.add(document)


def session_counts() -> tuple[int, int]:
    """(open, closed but not yet freed) sessions among those tracked (a destroyed session's
    document has no session context)."""
    documents = list(_SESSION_DOCUMENTS)
    open_ = sum(d.session_context is not None for d in documents)
    return open_, len(documents) - open_


def _glibc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _glibc()  # None where the C library has no malloc_trim (macOS, musl, Windows)


_last_full_collection = -float("inf")  # time.monotonic() at the end of the last one


def _after_full_collection(phase: str, info: dict) -> None:
    global _last_full_collection
    if phase == "stop" and info["generation"] == 2:
        _last_full_collection = time.monotonic()
        if _LIBC is not None:
            _LIBC.malloc_trim(0)


def _collect_closed_sessions() -> None:
    """Panel's collection after sessions were destroyed (``panel.io.document._garbage_collect``,
    scheduled by Panel under the name "gc.collect"), put off until ``GC_DEBOUNCE`` s after the
    last session was destroyed and then until no session is open, or the closed sessions are
    ``CLOSED_SESSIONS_SLACK`` more than the open ones and ``CLOSED_SESSIONS_INTERVAL_S`` have
    passed since the last full collection (checked again every ``GC_DEBOUNCE`` s)."""
    import panel as pn
    import panel.io.document as panel_document

    now = time.monotonic()
    debounce = panel_document.GC_DEBOUNCE
    wait = (panel_document._panel_last_cleanup or now) + debounce - now
    open_, closed = session_counts()
    if wait <= 0 and open_:
        if closed == 0:
            return  # freed meanwhile (a collection of any origin): nothing waits
        if closed < open_ + CLOSED_SESSIONS_SLACK:
            wait = debounce
        else:
            wait = _last_full_collection + CLOSED_SESSIONS_INTERVAL_S - now
    if wait > 0:
        pn.state.schedule_task("gc.collect", _collect_closed_sessions,
                               at=dt.datetime.now() + dt.timedelta(seconds=wait))
        return
    gc.collect()


def tune_for_sessions() -> None:
    """Collect the oldest generation less often, closed sessions at most every
    ``CLOSED_SESSIONS_INTERVAL_S``, and give the C heap's free pages back after each full
    collection (idempotent; process-wide)."""
    import panel.io.document as panel_document

    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_THRESHOLD)
    if _after_full_collection not in gc.callbacks:
        gc.callbacks.append(_after_full_collection)
    # Panel's _destroy_document looks the function up by this name when a session goes.
    panel_document._garbage_collect = _collect_closed_sessions


def freeze_startup_objects() -> None:
    """Move every object alive now out of the collector's reach (call once, before any
    session exists: a session's objects frozen now would never be collected)."""
    gc.collect()
    gc.freeze()
