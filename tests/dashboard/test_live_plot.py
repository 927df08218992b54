"""LiveOverlay.update: what reaches the figure's sources, and in which form it is sent.

A same-length update is sent as a patch of the source (a new ``data`` makes BokehJS rebuild
the legend: bench/bench_recoil_latency.py); the values the figure holds must still be exactly
the new ones, and arrays read from the figure before must keep their values.
"""

from __future__ import annotations

import numpy as np
import pytest
from bokeh.document import Document
from bokeh.document.events import ColumnDataChangedEvent, ColumnsPatchedEvent

from dashboard.live_plot import LiveOverlay

X = np.geomspace(1.0, 100.0, 50)


@pytest.fixture()
def plot():
    overlay = LiveOverlay({"a": (X, X**-1), "b": (X, X**-2)}, {"a": {}, "b": {}},
                          x="T_keV", y="rate")
    document = Document()
    document.add_root(overlay.figure)
    events = []
    document.on_change(lambda event: events.append(event))
    return overlay, events


def _source_events(events, overlay, label):
    source = overlay.sources[label]
    return [e for e in events if isinstance(e, (ColumnsPatchedEvent, ColumnDataChangedEvent))
            and e.model is source]


def test_same_length_update_is_a_patch_with_the_new_values(plot):
    overlay, events = plot
    _, kept_y = overlay.data("a")
    kept_y = kept_y.copy()
    before = overlay.sources["a"].data["rate"]
    new_y = 3.0 * X**-1
    overlay.update({"a": (X, new_y), "b": (X, X**-2)})
    x, y = overlay.data("a")
    np.testing.assert_array_equal(y, new_y)
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(before, kept_y)  # an array handed out before is unchanged
    sent = _source_events(events, overlay, "a")
    assert len(sent) == 1 and isinstance(sent[0], ColumnsPatchedEvent)
    assert set(sent[0].patches) == {"rate"}  # x did not change: only y is sent
    assert _source_events(events, overlay, "b") == []  # unchanged curve: nothing sent


def test_new_x_of_the_same_length_is_patched_too(plot):
    overlay, events = plot
    new_x = np.geomspace(2.0, 200.0, 50)
    overlay.update({"a": (new_x, new_x**-1)})
    x, y = overlay.data("a")
    np.testing.assert_array_equal(x, new_x)
    np.testing.assert_array_equal(y, new_x**-1)
    (sent,) = _source_events(events, overlay, "a")
    assert isinstance(sent, ColumnsPatchedEvent) and set(sent.patches) == {"T_keV", "rate"}


def test_nan_gaps_are_kept_and_an_unchanged_nan_curve_sends_nothing(plot):
    overlay, events = plot
    y = X**-1
    y[10:20] = np.nan
    overlay.update({"a": (X, y)})
    np.testing.assert_array_equal(overlay.data("a")[1], y)
    events.clear()
    overlay.update({"a": (X, y.copy())})
    assert _source_events(events, overlay, "a") == []


def test_new_length_replaces_the_data(plot):
    overlay, events = plot
    short = X[:20]
    overlay.update({"a": (short, short**-1)})
    x, y = overlay.data("a")
    np.testing.assert_array_equal(x, short)
    np.testing.assert_array_equal(y, short**-1)
    sent = _source_events(events, overlay, "a")
    assert sent and not any(isinstance(e, ColumnsPatchedEvent) for e in sent)


def test_a_legend_longer_than_two_rows_makes_the_figure_taller_not_the_data_area_smaller():
    """Eight entries too long for two columns: one column of eight rows, six beyond the two a
    pane's height includes, each a legend row tall; hiding six of them gives the height back."""
    from dashboard.live_plot import LEGEND_ROWS_IN_HEIGHT
    from dashboard.style import legend_row_px

    labels = [f"a reference limit with a long label, number {i}" for i in range(8)]
    overlay = LiveOverlay({label: (X, X**-i) for i, label in enumerate(labels)},
                          {label: {} for label in labels}, x="T_keV", y="rate")
    pane = overlay.pane(500)
    (legend,) = overlay.figure.legend
    assert legend.ncols == 1
    row_px = legend_row_px(14)  # the legend's type size in the normal mode (dashboard/style.py)
    assert overlay.figure.height == pane.height == 500 + (8 - LEGEND_ROWS_IN_HEIGHT) * row_px
    overlay.set_visible(labels[2:], False)
    assert overlay.figure.height == pane.height == 500


def test_write_columns_sends_nothing_for_unchanged_columns_and_patches_changed_ones():
    from bokeh.models import ColumnDataSource

    from dashboard.live_plot import write_columns

    source = ColumnDataSource({"x": [1.0, 2.0], "y": [3.0, np.nan]})
    document = Document()
    document.add_root(source)
    events = []
    document.on_change(lambda event: events.append(event))
    write_columns(source, {"x": [1.0, 2.0], "y": [3.0, np.nan]})
    assert events == []
    write_columns(source, {"x": [1.0, 2.0], "y": [3.0, 4.0]})
    assert [type(e) for e in events] == [ColumnsPatchedEvent]
    assert list(source.data["y"]) == [3.0, 4.0]
    write_columns(source, {"x": [1.0], "y": [5.0]})
    assert isinstance(events[-1], ColumnDataChangedEvent)
    assert list(source.data["y"]) == [5.0]


def test_a_pin_slot_gets_its_curve_when_first_shown_beneath_the_live_curves(plot):
    overlay, _ = plot
    live = list(overlay.figure.renderers)
    overlay.add_pin_slots(4)
    assert overlay.figure.renderers == live  # no spare curves built in advance
    overlay.set_pin(2, None)  # hiding a slot never shown builds nothing
    assert overlay.figure.renderers == live and overlay.pinned == {}
    overlay.set_pin(2, "pin at 3", X, 3 * X)
    overlay.set_pin(0, "pin at 1", X, X)
    pin0, pin2 = overlay.figure.renderers[:2]
    assert overlay.figure.renderers[2:] == live  # drawn first, in slot order: beneath
    assert pin0.data_source.data["rate"].tolist() == X.tolist()
    assert pin2.data_source.data["rate"].tolist() == (3 * X).tolist()
    assert pin2.glyph.line_dash == [6, 4, 2, 4]  # the third pattern, "dashdot": its own slot's
    assert set(overlay.pinned) == {"pin at 1", "pin at 3"}
    items = {item.label.value: item for legend in overlay.figure.legend for item in legend.items
             if item.renderers[0] in (pin0, pin2)}
    assert set(items) == {"pin at 1", "pin at 3"} and all(i.visible for i in items.values())
    overlay.set_pin(2, None)
    assert not pin2.visible and not items["pin at 3"].visible
    assert set(overlay.pinned) == {"pin at 1"}
    overlay.set_pin(2, "again", X, 2 * X)  # the slot's curve is reused
    assert overlay.figure.renderers[:2] == [pin0, pin2] and pin2.visible
    # the pins' sources and views share the figure's one filter and selection policy
    assert {id(r.view.filter) for r in overlay.figure.renderers} == {id(live[0].view.filter)}
    assert {id(r.data_source.selection_policy) for r in overlay.figure.renderers} == {
        id(live[0].data_source.selection_policy)}


def test_figures_have_no_selection_tool_so_the_selection_variants_are_left_to_bokehjs():
    """The selected / not-selected glyph variants are "auto" (made by BokehJS from the glyph):
    right only while nothing can be selected.  The muted variant (legend clicks) is kept."""
    from bokeh.models import GlyphRenderer, Line, Plot
    from bokeh.models.tools import SelectTool

    from tests.view_support import session_with_every_tab

    document = session_with_every_tab()
    plots = [m for m in document.models if isinstance(m, Plot)]
    assert len(plots) >= 10
    assert not [t for p in plots for t in p.tools if isinstance(t, SelectTool)]
    lines = [m for m in document.models
             if isinstance(m, GlyphRenderer) and isinstance(m.glyph, Line)]
    assert len(lines) > 50
    for renderer in lines:
        assert renderer.selection_glyph == renderer.nonselection_glyph == "auto"
        assert isinstance(renderer.muted_glyph, Line) and renderer.muted_glyph.line_alpha == 0.2


def test_the_curves_of_a_figure_share_one_filter_and_one_selection_policy():
    """Each figure's line and band renderers use one "all rows" filter and one selection
    policy (stateless in BokehJS), not one of each per curve (dashboard.live_plot,
    ``share_stateless_models``); the page has ~2 such models per figure, not ~2 per curve."""
    from bokeh.models import AllIndices, GlyphRenderer, Line, Plot, UnionRenderers, VArea

    from tests.view_support import session_with_every_tab

    document = session_with_every_tab()
    plots = [m for m in document.models if isinstance(m, Plot)]
    curves = 0
    for plot in plots:
        shared = [r for r in plot.renderers if isinstance(r, GlyphRenderer)
                  and isinstance(r.glyph, (Line, VArea))]
        curves += len(shared)
        assert len({id(r.view.filter) for r in shared}) == 1, plot.title.text
        assert len({id(r.data_source.selection_policy) for r in shared}) == 1, plot.title.text
        assert type(shared[0].view.filter) is AllIndices
        assert type(shared[0].data_source.selection_policy) is UnionRenderers
    assert curves > 80
    filters = [m for m in document.models if isinstance(m, (AllIndices, UnionRenderers))]
    assert len(filters) <= 3 * len(plots)
