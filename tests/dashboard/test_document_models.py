"""The faster recomputation of a document's models (dashboard.document_models) finds exactly
the models Bokeh's own walk finds, and keeps the document's bookkeeping as Bokeh does."""

from __future__ import annotations

import panel as pn
import pytest
from bokeh.document import Document
from bokeh.document.models import DocumentModelManager
from bokeh.models import (Column, ColumnDataSource, Div, LinearColorMapper, Range1d, Scatter,
                          Title)
from bokeh.plotting import figure
from bokeh.themes import Theme
from bokeh.transform import transform
from panel.io.state import set_curdoc

from dashboard import document_models
from dashboard.app import create_app
from dashboard.document_models import referenced_models


def bokeh_walk(roots) -> dict[str, object]:
    return {model.id: model for root in roots for model in root.references()}


@pytest.fixture(scope="module")
def full_page():
    """A served session's document with every tab shown once."""
    document = Document()
    with set_curdoc(document):
        app = create_app()
        app.server_doc(document)
        tabs = next(item for item in app.main.objects if isinstance(item, pn.Tabs))
        for index in range(1, len(tabs)):
            tabs.active = index
    return document


def test_the_session_document_uses_the_faster_walk(full_page):
    recompute = full_page.models.recompute
    assert getattr(recompute, "__func__", None) is document_models._recompute, (
        "not installed: this Bokeh's DocumentModelManager lacks a member it relies on")


def test_every_tab_page_gives_the_models_bokeh_finds(full_page):
    ours = referenced_models(full_page.roots)
    assert len(ours) > 2000  # all seven tabs' models
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
