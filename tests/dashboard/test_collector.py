"""The server's garbage-collector settings (dashboard.collector)."""

from __future__ import annotations

import gc

import pytest

from dashboard import collector


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    yield saved
    gc.set_threshold(*saved)
    while collector._trim_after_full_collection in gc.callbacks:
        gc.callbacks.remove(collector._trim_after_full_collection)


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
    assert gc.callbacks.count(collector._trim_after_full_collection) == 1
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
