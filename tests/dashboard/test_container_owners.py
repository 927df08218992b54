"""Owners of Bokeh's list, dict and set property values kept in tuples made on first use
(dashboard.container_owners): in-place edits still reach every owning model and its document,
a replaced value no longer reaches its old owner, and an owned value costs less memory than
with Bokeh's per-value set."""

from __future__ import annotations

import copy
import tracemalloc

from bokeh.core.property.wrappers import PropertyValueContainer, PropertyValueList
from bokeh.document import Document
from bokeh.document.events import ModelChangedEvent
from bokeh.models import ColumnDataSource, Div

import dashboard.app  # noqa: F401  (the app installs the owner tuples)
from dashboard import container_owners


def _changes(document: Document) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    document.on_change(lambda event: seen.append((event.model.id, event.attr))
                       if isinstance(event, ModelChangedEvent) else None)
    return seen


def test_installed_by_the_app():
    assert PropertyValueContainer._register_owner is container_owners._register_owner
    assert PropertyValueContainer.__init__ is container_owners._init


def test_in_place_edits_of_a_default_and_of_a_set_value_reach_the_document():
    document = Document()
    div = Div(text="x", css_classes=["given"])
    document.add_root(div)
    seen = _changes(document)
    div.tags.append("a default, edited in place")  # Bokeh made the default at construction
    div.css_classes.append("more")  # a value set by the constructor
    div.js_property_callbacks.update({"change:text": []})  # a dict default
    assert seen == [(div.id, "tags"), (div.id, "css_classes"), (div.id, "js_property_callbacks")]
    assert list(div.tags) == ["a default, edited in place"] and "more" in div.css_classes


def test_a_value_shared_by_two_models_notifies_both_and_a_replaced_one_neither():
    document = Document()
    first, second = Div(), Div()
    document.add_root(first)
    document.add_root(second)
    shared = ["a"]
    first.css_classes = shared
    second.css_classes = first.css_classes  # the same container, now owned twice
    assert second.css_classes is first.css_classes
    seen = _changes(document)
    first.css_classes.append("b")
    assert sorted(seen) == sorted([(first.id, "css_classes"), (second.id, "css_classes")])
    old = first.css_classes
    first.css_classes = ["new"]  # the old container forgets the first model
    second.css_classes = ["other"]
    seen.clear()
    old.append("after")
    assert seen == []


def test_registering_twice_keeps_one_owner_and_removing_an_absent_one_is_harmless():
    div = Div()
    descriptor = Div.lookup("css_classes")
    value = PropertyValueList(["a"])
    assert value._owners == ()  # no owner: nothing stored on the value
    assert "_owners" not in vars(value)
    value._register_owner(div, descriptor)
    value._register_owner(div, descriptor)
    assert value._owners == ((div, descriptor),)
    value._unregister_owner(Div(), descriptor)
    assert value._owners == ((div, descriptor),)
    value._unregister_owner(div, descriptor)
    assert value._owners == ()


def test_a_shallow_copy_does_not_share_its_owners_with_the_original():
    """Bokeh's set was shared by ``copy.copy`` (registering on the copy changed the
    original's owners); a tuple is replaced, never edited."""
    div, other = Div(), Div()
    descriptor = Div.lookup("css_classes")
    original = PropertyValueList(["a"])
    original._register_owner(div, descriptor)
    duplicate = copy.copy(original)
    duplicate._register_owner(other, descriptor)
    assert original._owners == ((div, descriptor),)
    assert duplicate._owners == ((div, descriptor), (other, descriptor))


def test_column_data_streaming_still_notifies_the_source():
    document = Document()
    source = ColumnDataSource(data={"x": [1.0], "y": [2.0]})
    document.add_root(source)
    streamed = []
    document.on_change(lambda event: streamed.append(type(event).__name__))
    source.stream({"x": [3.0], "y": [4.0]})
    assert streamed == ["ColumnsStreamedEvent"] and list(source.data["x"]) == [1.0, 3.0]


def _bytes_per_owned_list(count: int = 5000) -> float:
    div = Div()
    descriptor = Div.lookup("css_classes")
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        values = [PropertyValueList() for _ in range(count)]
        for value in values:
            value._register_owner(div, descriptor)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    return sum(stat.size_diff for stat in after.compare_to(before, "filename")) / count


def test_an_owned_value_costs_less_memory_than_with_bokehs_set():
    """Measured: ~520 bytes per owned empty list against ~700 with Bokeh's set (most of the
    rest is the value's instance dict, which any owner record needs)."""
    ours = _bytes_per_owned_list()
    container_owners.uninstall()
    try:
        bokehs = _bytes_per_owned_list()
    finally:
        container_owners.install()
    assert ours < 0.85 * bokehs, (ours, bokehs)
