"""A session document's model manager (dashboard.document_models): its walk finds exactly the
models Bokeh's own walk finds, it keeps the document's bookkeeping as Bokeh does, and the
messages it sends are Bokeh's own."""

from __future__ import annotations

import numpy as np
import pytest
from bokeh.document import Document
from bokeh.document.models import DocumentModelManager
from bokeh.models import (Column, ColumnDataSource, Div, LinearColorMapper, Range1d, Scatter,
                          Title)
from bokeh.plotting import figure
from bokeh.themes import Theme
from bokeh.transform import transform

from dashboard import document_models
from dashboard.document_models import SessionModelManager, referenced_models
from tests.view_support import session_with_every_tab


def bokeh_walk(roots) -> dict[str, object]:
    return {model.id: model for root in roots for model in root.references()}


@pytest.fixture(scope="module")
def full_page():
    """A served session's document with every tab shown once."""
    return session_with_every_tab()


def test_the_session_document_uses_the_faster_walk(full_page):
    assert type(full_page.models) is SessionModelManager, (
        "not installed: this Bokeh's DocumentModelManager lacks a member it relies on")


def test_every_tab_page_gives_the_models_bokeh_finds(full_page):
    ours = referenced_models(full_page.roots)
    assert len(ours) > 1500  # all seven tabs' models (~1580; the smallest tab has ~130)
    assert ours.keys() == bokeh_walk(full_page.roots).keys()
    # The document's bookkeeping after each tab was added is Bokeh's own.
    held = dict(full_page.models._models)
    DocumentModelManager.recompute(full_page.models)  # Bokeh's method
    assert held.keys() == full_page.models._models.keys()
    assert all(model.document is full_page for model in held.values())


def test_models_in_defaults_replaced_values_themes_and_dataclasses():
    plot = figure()
    plot.title = Title(text="replacement")  # the default Title, materialised at construction, is dropped
    mapper = LinearColorMapper(palette=["#000000", "#ffffff"])
    source = ColumnDataSource({"x": [1.0], "y": [2.0]})
    plot.add_glyph(source, Scatter(x="x", y="y", fill_color=transform("y", mapper)))
    plot.x_range = Range1d(0, 1)
    untitled = figure()  # its default Title is materialised, and the theme below removes it
    default_title = untitled._unstable_default_values["title"]
    layout = Column(children=[plot, untitled, Div(text="a")])
    document = Document()
    document.theme = Theme(json={"attrs": {"Plot": {"title": None}, "Div": {"text": "themed"}}})
    document.add_root(layout)
    assert untitled.title is None
    ours = referenced_models(document.roots)
    assert ours.keys() == bokeh_walk(document.roots).keys()
    assert mapper.id in ours and plot.title.id in ours  # inside a dataclass value; replacement
    assert plot.toolbar.id in ours  # an unstable default that was never set
    assert default_title.id not in ours  # overridden by the theme


def test_removed_models_are_detached_and_added_ones_attached():
    document = Document()
    assert document_models.install(document)
    kept, removed, added = Div(text="kept"), Div(text="removed", name="gone"), Div(text="added")
    column = Column(children=[kept, removed])
    document.add_root(column)
    assert removed.document is document and document.get_model_by_name("gone") is removed
    column.children = [kept, added]
    assert removed.document is None and document.models.seen(removed.id)
    assert added.document is document and document.get_model_by_id(added.id) is added
    assert document.get_model_by_name("gone") is None


def normalised(message) -> tuple:
    """A message's content and buffers with the buffers' ids renamed in order of appearance."""
    import json

    names: dict[str, str] = {}
    text = json.dumps(message.content, default=lambda value: f"<{type(value).__name__} "
                                                             f"{getattr(value, 'id', '')}>")
    for buffer in message.buffers:
        names[str(buffer.id)] = f"b{len(names)}"
    for old, new in names.items():
        text = text.replace(old, new)
    return text, [bytes(buffer.data) for buffer in message.buffers]


def test_messages_are_the_ones_bokeh_makes():
    """A new tab's models, a property change and a patched source, encoded from the kept
    references and by Bokeh's own ``patch_doc.create``: the same message, and the same models
    left to sync."""
    from bokeh.protocol.messages.patch_doc import patch_doc

    document = Document()
    assert document_models.install(document)
    manager = document.models
    source = ColumnDataSource({"x": np.arange(5.0), "y": np.arange(5.0) ** 2})
    plot = figure()
    plot.line("x", "y", source=source)
    holder = Column(children=[Div(text="building")])
    document.add_root(Column(children=[plot, holder]))
    manager.flush_synced()  # the browser has the page (as after PULL-DOC)
    tab_plot = figure(title="new tab")
    tab_plot.scatter("x", "y", source=ColumnDataSource({"x": [1.0], "y": [2.0]}))
    batches = []
    for change in (lambda: setattr(holder, "children", [tab_plot, Div(text="readout")]),
                   lambda: setattr(plot.title, "text", "moved"),
                   lambda: source.patch({"y": [(slice(0, 5), np.arange(5.0) ** 3)]})):
        events = []
        document.on_change(events.append)
        change()
        document.remove_on_change(events.append)
        batches.append(events)
    first_new = set(manager._new_models)  # the new tab's models
    assert tab_plot in first_new
    for events in batches:
        assert events
        new_before = set(manager._new_models)
        ours = patch_doc.create(events)
        new_after_ours, kept_after_ours = set(manager._new_models), manager._synced_refs
        manager._new_models = set(new_before)
        theirs = document_models._BOKEH_CREATE_PATCH(patch_doc, events)
        assert normalised(ours) == normalised(theirs)
        assert manager._new_models == new_after_ours
        manager._synced_refs = kept_after_ours  # as our message left them, for the next one
    # later messages start from references that include the models sent since
    assert not manager._new_models
    assert manager.synced_refs() == {id(model): model.ref for model in manager.synced_references}
    assert all(id(model) in manager.synced_refs() for model in first_new)


@pytest.mark.filterwarnings("ignore:reference already known")  # two copies of one page
def test_browser_patches_are_applied_as_bokeh_applies_them():
    """Messages from a browser (a changed value, a new model, a change to a model the server
    has just removed) leave the page exactly as Bokeh's own ``apply_json_patch`` does, with the
    setter passed on, and the manager's own ``{id: model}`` untouched by the deserializer."""
    from bokeh.core.serialization import UnknownReferenceError
    from bokeh.protocol.messages.patch_doc import patch_doc

    def page():
        return Column(children=[Div(text="readout"), Div(text="to remove", name="gone")])

    ours = Document()
    ours.add_root(page())
    assert document_models.install(ours)
    assert ours.apply_json_patch.__func__ is document_models._apply_json_patch
    browser = Document.from_json(ours.to_json())
    theirs = Document.from_json(ours.to_json())  # Bokeh's own manager, the same ids
    assert type(theirs.models) is DocumentModelManager
    setter = object()
    seen = []
    ours.on_change(lambda event: seen.append(event.setter))
    column, readout, gone = browser.roots[0], *browser.roots[0].children

    def from_browser(change):
        events = []
        browser.on_change(events.append)
        change()
        browser.remove_on_change(events.append)
        return patch_doc.create(events)

    moved = from_browser(lambda: setattr(readout, "text", "moved"))
    late = from_browser(lambda: setattr(gone, "text", "late"))  # applied after its removal
    messages = [moved, from_browser(lambda: setattr(column, "children", [readout, Div(text="new")]))]
    for number, message in enumerate(messages):
        held, held_items = ours.models._models, dict(ours.models._models)
        message.apply_to_document(ours, setter)
        message.apply_to_document(theirs, setter)
        assert ours.to_json() == theirs.to_json()
        if number == 0:  # a value changed: the page's dict is the same, with the same models
            assert ours.models._models is held and held == held_items
    assert seen and all(s is setter for s in seen)
    new = browser.roots[0].children[1]
    added = ours.get_model_by_id(new.id)
    assert added.text == "new" and added.document is ours and ours.models.seen(gone.id)
    # a change to the model the server removed meanwhile is dropped, as by Bokeh
    late.apply_to_document(ours, setter)
    late.apply_to_document(theirs, setter)
    assert ours.to_json() == theirs.to_json()
    # a model neither side ever had is an error, as in Bokeh
    stranger = Document()
    stranger_div = Div(text="x")
    stranger.add_root(stranger_div)
    unknown = []
    stranger.on_change(unknown.append)
    stranger_div.text = "y"
    with pytest.raises(UnknownReferenceError):  # (not through Bokeh's patch_curdoc, which an
        ours.apply_json_patch(patch_doc.create(unknown).payload, setter=setter)  # error leaves set)
