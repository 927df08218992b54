"""Figures copied from a template HoloViews drew once (dashboard.figure_copies).

A copy must be the figure HoloViews would draw (same serialisation, ids aside), share nothing
mutable with the template or another session's copy, and update on its own; different inputs
must never get the same template.
"""

from __future__ import annotations

import numpy as np
import pytest
from bokeh.core.serialization import Serializer
from bokeh.document import Document
from bokeh.document.events import ColumnsPatchedEvent
from bokeh.model import Model
from bokeh.models import ColumnDataSource, Range1d
from panel.io.state import set_curdoc

from dashboard import live_plot
from dashboard.figure_copies import FigureTemplates, copy_model_tree, spec_key
from dashboard.live_plot import LiveOverlay
from dashboard.tabs import TABS

X = np.geomspace(1.0, 100.0, 40)


def normalised(figure) -> dict:
    """The figure's serialisation with ids renamed in order of appearance."""
    names: dict[str, str] = {}

    def walk(rep):
        if isinstance(rep, dict):
            out = {key: walk(value) for key, value in rep.items()}
            if isinstance(rep.get("id"), str):
                out["id"] = names.setdefault(rep["id"], f"m{len(names)}")
            return out
        if isinstance(rep, list):
            return [walk(value) for value in rep]
        return rep

    return walk(Serializer(deferred=False).encode(figure))


def mutable_parts(figure) -> dict[int, object]:
    """Every model, container and array reachable from the figure's properties, by id."""
    found: dict[int, object] = {}

    def visit(value):
        if isinstance(value, (Model, dict, list, set, np.ndarray)):
            if id(value) in found:
                return
            found[id(value)] = value
        if isinstance(value, Model):
            for store in (value._property_values, value._unstable_default_values):
                found[id(store)] = store
                for item in store.values():
                    visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, (list, tuple, set)):
            for item in value:
                visit(item)

    visit(figure)
    return found


@pytest.fixture()
def templates(monkeypatch):
    store = FigureTemplates()
    monkeypatch.setattr(live_plot, "FIGURE_TEMPLATES", store)
    return store


def overlay(styles=None, ys=None, **opts):
    styles = styles or {"a": {"color": "#0072B2"}, "b": {"color": "#D55E00", "line_dash": "dashed"}}
    ys = ys if ys is not None else X**-1
    return LiveOverlay({label: (X, ys * (i + 1)) for i, label in enumerate(styles)}, styles,
                       x="T_keV", y="rate", vlines={"threshold": (3.0, {"color": "#7F7F7F"})},
                       logx=True, logy=True, title="t", **opts)


@pytest.mark.parametrize("tab", TABS, ids=lambda tab: tab.key)
def test_each_tab_gets_the_figures_holoviews_draws(tab, templates):
    """A tab built from copies serialises exactly as one drawn by HoloViews (ids aside)."""
    with set_curdoc(Document()):
        first = tab()
        copied = tab()
    assert templates.hits >= len(copied.figures) > 0
    templates.entries = 0  # no templates: HoloViews draws each figure
    templates.clear()
    with set_curdoc(Document()):
        drawn, drawn_again = tab(), tab()
    assert templates.hits == 0
    for name in drawn.figures:
        assert normalised(copied.figures[name].figure) == normalised(drawn.figures[name].figure)
        # Bokeh itself stores its named dash patterns' lists in every glyph set by name: two
        # figures HoloViews draws share those, and copies may share nothing more.
        bokeh_shares = (set(mutable_parts(drawn.figures[name].figure))
                        & set(mutable_parts(drawn_again.figures[name].figure)))
        shared = (set(mutable_parts(first.figures[name].figure))
                  & set(mutable_parts(copied.figures[name].figure)))
        assert not shared - bokeh_shares, "two sessions' figures share a model, container or array"


def test_a_copy_shares_nothing_mutable_with_its_template(templates):
    first = overlay()
    (template, _), = templates._templates.values()
    parts = mutable_parts(first.figure)
    assert parts and not set(parts) & set(mutable_parts(template))
    copies = copy_model_tree(template)
    assert {model.id for model in copies.values()}.isdisjoint(
        {model.id for model in template.references()})


def test_updating_one_copy_leaves_the_template_and_other_copies_unchanged(templates):
    first, second = overlay(), overlay()
    pristine = normalised(second.figure)
    document = Document()
    document.add_root(first.figure)
    events = []
    document.on_change(events.append)
    first.update({"a": (X, 5 * X**-1)}, x_range=(2.0, 50.0), y_range=(1e-3, 1.0),
                 vlines={"threshold": 7.0})
    first.set_visible(["b"], False)
    # the copy's in-place edits reach its document (its containers know their new owner)
    assert any(isinstance(event, ColumnsPatchedEvent) for event in events)
    np.testing.assert_array_equal(first.data("a")[1], 5 * X**-1)
    assert normalised(second.figure) == pristine
    assert normalised(overlay().figure) == pristine  # the template is unchanged too
    assert templates.misses == 1 and templates.hits == 2


def test_different_inputs_get_different_figures(templates):
    base = overlay()
    other_data = overlay(ys=X**-2)
    other_style = overlay(styles={"a": {"color": "#009E73"}, "b": {"color": "#D55E00",
                                                                   "line_dash": "dashed"}})
    other_order = overlay(styles={"b": {"color": "#D55E00", "line_dash": "dashed"},
                                  "a": {"color": "#0072B2"}})
    other_option = overlay(xlabel="another label")
    assert templates.misses == 5 and templates.hits == 0
    np.testing.assert_array_equal(other_data.data("a")[1], X**-2)
    assert other_style.figure.renderers[0].glyph.line_color != base.figure.renderers[0].glyph.line_color
    assert [item.label for item in other_order.figure.legend[0].items][:2] != \
        [item.label for item in base.figure.legend[0].items][:2]
    assert other_option.figure.xaxis[0].axis_label == "another label"


def test_spec_key_separates_values_and_refuses_what_it_cannot_compare():
    arrays = (np.array([1.0, 2.0]), np.array([1.0, 2.0000001]))
    assert spec_key(arrays[0]) != spec_key(arrays[1])
    assert spec_key({"a": 1, "b": 2}) != spec_key({"b": 2, "a": 1})  # order is the legend's
    assert spec_key(1) != spec_key(1.0) != spec_key("1")
    assert spec_key((1, 2)) != spec_key([1, 2])
    assert spec_key(np.array([1, 2])) != spec_key(np.array([1.0, 2.0]))
    assert spec_key({"x": (np.arange(3.0), "a")}) == spec_key({"x": (np.arange(3.0), "a")})
    assert spec_key(object()) is None
    assert spec_key({"f": len}) is None


def test_templates_are_bounded_and_least_recently_used_go_first():
    store = FigureTemplates(entries=2)
    rendered = []

    def render(name):
        def draw():
            rendered.append(name)
            return Range1d(start=0, end=len(rendered)), {}
        return draw

    for name in ("a", "b", "a", "c", "a", "b"):
        store.copy(name, render(name))
    assert rendered == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came
    assert len(store) == 2


def test_a_tree_with_python_callbacks_is_not_copied():
    source = ColumnDataSource({"x": [1.0]})
    source.on_change("data", lambda attr, old, new: None)
    with pytest.raises(ValueError, match="Python callbacks"):
        copy_model_tree(source)


def test_a_template_dropped_from_the_store_is_freed(templates):
    """Only the store holds a template: no document keeps HoloViews' plot of it (and through
    it the figure) alive, so the store's bound is a bound on memory."""
    import gc
    import weakref

    with set_curdoc(Document()):  # as in a session: HoloViews would register with its document
        overlay()
    (root, _), = templates._templates.values()
    template = weakref.ref(root)
    del root
    templates.clear()
    gc.collect()
    assert template() is None
