"""Presentation rules checked on the server's Bokeh models (the browser half, with real
layouts, is tests/browser/test_presentation.py): every tab opens inside its formulas' regime,
legends list only drawn curves, no two entries of one legend look alike, the projector mode
enlarges type and lines, and the figures name their parameters (downloads carry it)."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.style import SIZES
from dashboard.tabs import TABS
from tests.view_support import control

IDS = [tab.key for tab in TABS]


def legend_entries(figure):
    """(label, look) of the visible legend entries; look = (kind, colour, dash)."""
    entries = []
    for legend in figure.legend:
        for item in legend.items:
            if not item.visible:
                continue
            glyph = item.renderers[0].glyph
            kind = type(glyph).__name__
            colour = getattr(glyph, "line_color", None) if hasattr(glyph, "line_color") else None
            if kind in ("VArea", "HArea", "Patch", "HSpan", "Band") or colour is None:
                colour = getattr(glyph, "fill_color", None)
            dash = getattr(glyph, "line_dash", None)
            marker = getattr(glyph, "marker", None)
            label = item.label.value if hasattr(item.label, "value") else item.label
            entries.append((label, (kind, str(colour).lower(), str(dash), str(marker))))
    return entries


def drawn(renderer) -> bool:
    """Whether a renderer shows something: visible, with a finite value in its data."""
    if not renderer.visible:
        return False
    data = renderer.data_source.data
    glyph = renderer.glyph
    for field in ("y", "y1", "y2"):
        spec = getattr(glyph, field, None)
        name = getattr(spec, "field", spec) if spec is not None else None
        if isinstance(name, str) and name in data:
            values = np.asarray(data[name], dtype=float)
            return bool(np.isfinite(values).any())
    return True


@pytest.mark.parametrize("tab", TABS, ids=IDS)
def test_every_tab_opens_inside_its_formulas_regime(tab):
    view = tab()
    assert not view.alert.visible, view.alert.object
    regime = getattr(view, "regime_alert", None)
    assert regime is None or not regime.visible, regime.object


@pytest.mark.parametrize("tab", TABS, ids=IDS)
def test_legends_list_drawn_curves_only_and_no_two_look_alike(tab):
    view = tab()
    for name, figure in view.figures.items():
        entries = legend_entries(figure.figure)
        looks = [look for _, look in entries]
        assert len(set(looks)) == len(looks), (name, entries)
        for legend in figure.figure.legend:
            for item in legend.items:
                if item.visible:
                    assert any(drawn(r) for r in item.renderers), (name, item.label)


def test_undrawn_curves_leave_the_legend_and_come_back():
    from dashboard.recoil_view import RecoilView

    view = RecoilView()
    labels = [label for label, _ in legend_entries(view.figures["spectrum"].figure)]
    assert "charge (q, ⟨r²⟩) > 0" not in labels  # q = 0, <r²> = 0: nothing drawn
    control(view, "q_sign").value = "+"
    labels = [label for label, _ in legend_entries(view.figures["spectrum"].figure)]
    assert "charge (q, ⟨r²⟩) > 0" in labels


@pytest.mark.parametrize("tab", TABS, ids=IDS)
def test_projector_mode_enlarges_type_and_lines(tab):
    view = tab()
    view.set_presentation(True)
    for figure in view.figures.values():
        for axis in [*figure.figure.xaxis, *figure.figure.yaxis]:
            assert int(axis.major_label_text_font_size.removesuffix("px")) >= 16
            assert int(axis.axis_label_text_font_size.removesuffix("px")) >= 18
        for legend in figure.figure.legend:
            assert int(legend.label_text_font_size.removesuffix("px")) >= 18
        widths = [r.glyph.line_width for r in figure.figure.renderers
                  if r.visible and type(getattr(r, "glyph", None)).__name__ == "Line"]
        assert widths and min(widths) >= SIZES[True]["line"]
    assert int(view.readout.pane.styles["font-size"].removesuffix("px")) >= 18
    view.set_presentation(False)
    for figure in view.figures.values():
        for axis in figure.figure.xaxis:
            assert int(axis.major_label_text_font_size.removesuffix("px")) >= 13
            assert int(axis.axis_label_text_font_size.removesuffix("px")) >= 14


def test_the_figures_name_what_differs_from_the_defaults():
    from dashboard.recoil_view import RecoilView

    view = RecoilView()
    subtitle = view._subtitles[0]
    assert subtitle.text.endswith("default parameters")
    control(view, "target").value = "Xe"
    assert "target = Xe" in subtitle.text and subtitle in view.figures["spectrum"].figure.above
