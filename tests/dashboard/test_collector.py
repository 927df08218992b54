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


def test_closed_sessions_are_collected_at_most_every_interval(thresholds, monkeypatch):
    """Panel's collection after sessions were destroyed waits for GC_DEBOUNCE s after the last
    destroy (as Panel's own) and for CLOSED_SESSIONS_INTERVAL_S after the last full
    collection; it is rescheduled under Panel's task name, not dropped."""
    import datetime as dt
    import time

    import panel as pn
    import panel.io.document as panel_document

    collector.tune_for_sessions()
    assert panel_document._garbage_collect is collector._collect_closed_sessions
    collect, schedule = _Recorder(), _Recorder()
    monkeypatch.setattr(collector.gc, "collect", collect)
    monkeypatch.setattr(pn.state, "schedule_task", schedule)
    now = time.monotonic()
    interval, debounce = collector.CLOSED_SESSIONS_INTERVAL_S, panel_document.GC_DEBOUNCE

    def wait_s():  # of the one task just scheduled
        (name, callback), kwargs = schedule.calls.pop()
        assert name == "gc.collect" and callback is collector._collect_closed_sessions
        return (kwargs["at"] - dt.datetime.now()).total_seconds()

    monkeypatch.setattr(panel_document, "_panel_last_cleanup", now - 2 * debounce)
    monkeypatch.setattr(collector, "_last_full_collection", now - 10.0)
    collector._collect_closed_sessions()
    assert collect.calls == [] and interval - 10.5 < wait_s() <= interval - 10.0
    monkeypatch.setattr(panel_document, "_panel_last_cleanup", now - 1.0)
    monkeypatch.setattr(collector, "_last_full_collection", now - 2 * interval)
    collector._collect_closed_sessions()
    assert collect.calls == [] and debounce - 1.5 < wait_s() <= debounce - 1.0
    monkeypatch.setattr(panel_document, "_panel_last_cleanup", now - debounce - 0.1)
    collector._collect_closed_sessions()
    assert collect.calls == [((), {})] and schedule.calls == []


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
