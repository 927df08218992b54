"""What the two sensitivity tabs' tests read from a view: the median curve, a band, and
whether a curve or band is drawn."""

from __future__ import annotations

from dashboard.sensitivity_common import MEDIAN


def median(view):
    return view.figures["limit"].data(MEDIAN)


def band(view, name="live_1"):
    return view.limit_figure.band_data(name)


def visible(view, label) -> bool:
    figure = view.limit_figure
    if label in figure.band_renderers:
        return figure.band_renderers[label].visible
    source = figure.overlay.sources[label]
    return all(r.visible for r in figure.figure.renderers if getattr(r, "data_source", None) is source)
