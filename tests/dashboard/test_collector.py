"""The server's garbage-collector settings (dashboard.collector)."""

from __future__ import annotations

import gc

import pytest

from dashboard import collector


@pytest.fixture
def thresholds():
    import panel.io.document as panel_document

    saved, panel_collect = gc.get_threshold(), panel_document._garbage_collect
    yield saved
    gc.set_threshold(*saved)
    while collector._after_full_collection in gc.callbacks:
        gc.callbacks.remove(collector._after_full_collection)
    panel_document._garbage_collect = panel_collect


class _FakeLibc:
    def __init__(self):
        self.trims = []

    def malloc_trim(self, pad):
        self.trims.append(pad)
        return 1


def test_full_collections_wait_longer_and_the_young_ones_do_not(thresholds):
    collector.tune_for_sessions()
    young, middle, oldest = gc.get_threshold()
    assert (young, middle) == thresholds[:2]
    assert oldest == collector.FULL_COLLECTION_THRESHOLD == 1000
    collector.tune_for_sessions()  # idempotent
    assert gc.get_threshold() == (young, middle, oldest)


def test_free_heap_pages_go_back_after_full_collections_only(thresholds, monkeypatch):
    libc = _FakeLibc()
    monkeypatch.setattr(collector, "_LIBC", libc)
    collector.tune_for_sessions()
    collector.tune_for_sessions()
    assert gc.callbacks.count(collector._after_full_collection) == 1
    gc.collect(0)
    gc.collect(1)
    assert libc.trims == []
    gc.collect()
    assert libc.trims == [0]


def test_glibc_is_found_on_linux():
    import sys

    if sys.platform.startswith("linux") and "glibc" in " ".join(__import__("platform").libc_ver()):
        assert collector._LIBC is not None


def test_the_served_app_module_sets_it_only_when_served():
    """Imported (tests, notebooks), dashboard.app leaves the collector as it is."""
    import dashboard.app  # noqa: F401

    assert gc.get_threshold()[2] != collector.FULL_COLLECTION_THRESHOLD


class _Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))


class _Document:
    """Stands for a Bokeh document: a served session's has a session context, a destroyed
    one's None."""

    def __init__(self, open_: bool):
        self.session_context = object() if open_ else None


@pytest.fixture
def closing(thresholds, monkeypatch):
    """The collector installed, gc.collect and Panel's scheduler recorded, and a function that
    sets the sessions (open, closed and not yet freed), the time since the last destroy and
    since the last full collection, runs the collector and returns (collected, wait in s of
    the task it scheduled or None)."""
    import datetime as dt
    import time

    import panel as pn
    import panel.io.document as panel_document

    collector.tune_for_sessions()
    assert panel_document._garbage_collect is collector._collect_closed_sessions
    collect, schedule = _Recorder(), _Recorder()
    monkeypatch.setattr(collector.gc, "collect", collect)
    monkeypatch.setattr(pn.state, "schedule_task", schedule)
    monkeypatch.setattr(collector, "_SESSION_DOCUMENTS", collector.weakref.WeakSet())
    documents = []  # kept alive here: the tracking set holds them weakly

    def run(open_, closed, since_destroy_s, since_full_s):
        documents[:] = [_Document(True) for _ in range(open_)] + [_Document(False)
                                                                 for _ in range(closed)]
        for document in documents:
            collector.track_session(document)
        assert collector.session_counts() == (open_, closed)
        now = time.monotonic()
        monkeypatch.setattr(panel_document, "_panel_last_cleanup", now - since_destroy_s)
        monkeypatch.setattr(collector, "_last_full_collection", now - since_full_s)
        collect.calls.clear()
        collector._collect_closed_sessions()
        if not schedule.calls:
            return bool(collect.calls), None
        (name, callback), kwargs = schedule.calls.pop()
        assert name == "gc.collect" and callback is collector._collect_closed_sessions
        assert not collect.calls and not schedule.calls
        return False, (kwargs["at"] - dt.datetime.now()).total_seconds()

    return run


def test_closed_sessions_are_collected_once_none_is_open(closing):
    """As Panel's: GC_DEBOUNCE s after the last destroy, whenever the last full collection."""
    import panel.io.document as panel_document

    debounce = panel_document.GC_DEBOUNCE
    collected, wait = closing(0, 3, since_destroy_s=1.0, since_full_s=1.0)
    assert not collected and debounce - 1.5 < wait <= debounce - 1.0
    assert closing(0, 3, since_destroy_s=debounce + 0.1, since_full_s=1.0) == (True, None)
    assert closing(0, 0, since_destroy_s=debounce + 0.1, since_full_s=1.0) == (True, None)


def test_while_sessions_are_open_few_closed_ones_wait(closing):
    """Fewer closed sessions than the open ones and the slack: no collection (every open
    session would wait through it), checked again GC_DEBOUNCE s later; none left (freed by
    another collection): nothing scheduled."""
    import panel.io.document as panel_document

    debounce, slack = panel_document.GC_DEBOUNCE, collector.CLOSED_SESSIONS_SLACK
    assert slack == 5
    collected, wait = closing(10, 10 + slack - 1, since_destroy_s=60, since_full_s=600)
    assert not collected and debounce - 0.5 < wait <= debounce
    assert closing(10, 0, since_destroy_s=60, since_full_s=600) == (False, None)


def test_many_closed_sessions_are_collected_at_most_every_interval(closing):
    interval, slack = collector.CLOSED_SESSIONS_INTERVAL_S, collector.CLOSED_SESSIONS_SLACK
    assert interval == 30.0
    collected, wait = closing(10, 10 + slack, since_destroy_s=60, since_full_s=10.0)
    assert not collected and interval - 10.5 < wait <= interval - 10.0
    assert closing(10, 10 + slack, since_destroy_s=60, since_full_s=interval + 0.1) == (True, None)


def test_a_freed_session_document_is_no_longer_counted(thresholds, monkeypatch):
    monkeypatch.setattr(collector, "_SESSION_DOCUMENTS", collector.weakref.WeakSet())
    open_one, closed_one = _Document(True), _Document(False)
    collector.track_session(open_one)
    collector.track_session(closed_one)
    assert collector.session_counts() == (1, 1)
    del closed_one
    gc.collect()
    assert collector.session_counts() == (1, 0)


def test_a_full_collection_of_any_origin_counts(thresholds):
    collector.tune_for_sessions()
    before = collector._last_full_collection
    gc.collect(1)
    assert collector._last_full_collection == before
    gc.collect()
    assert collector._last_full_collection > before


def test_panel_still_schedules_its_collection_under_that_name():
    """What _collect_closed_sessions relies on in Panel (1.9): _destroy_document schedules
    the module's _garbage_collect, looked up by name, under the task name "gc.collect"."""
    import inspect

    import panel.io.document as panel_document

    source = inspect.getsource(panel_document._destroy_document).replace('"', "'")
    assert "schedule_task('gc.collect', _garbage_collect" in source
    assert "_panel_last_cleanup = time.monotonic()" in source
    assert isinstance(panel_document.GC_DEBOUNCE, (int, float))


def test_the_app_tracks_its_session_document(monkeypatch):
    """create_app counts its session's document for the closed-session collection."""
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    from dashboard.app import create_app

    monkeypatch.setattr(collector, "_SESSION_DOCUMENTS", collector.weakref.WeakSet())
    document = Document()  # no session context: counted as closed
    with set_curdoc(document):
        create_app()
    assert list(collector._SESSION_DOCUMENTS) == [document]
    assert collector.session_counts() == (0, 1)
