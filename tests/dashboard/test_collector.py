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


def test_full_collections_wait_longer_and_the_young_ones_do_not(thresholds):
    collector.tune_for_sessions()
    young, middle, oldest = gc.get_threshold()
    assert (young, middle) == thresholds[:2]
    assert oldest == collector.FULL_COLLECTION_THRESHOLD == 1000
    collector.tune_for_sessions()  # idempotent
    assert gc.get_threshold() == (young, middle, oldest)


def test_the_served_app_module_sets_it_only_when_served():
    """Imported (tests, notebooks), dashboard.app leaves the collector as it is."""
    import dashboard.app  # noqa: F401

    assert gc.get_threshold()[2] != collector.FULL_COLLECTION_THRESHOLD
