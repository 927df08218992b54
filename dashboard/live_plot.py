"""Plumbing shared by every tab: figures updated in place, and guarded model updates.

Presentation only, no physics.  Measured on the recoil tab (bench/bench_recoil_latency.py):
letting HoloViews re-run its overlay pipeline on every slider move costs ~100 ms per update
on the server; writing new arrays into the Bokeh sources HoloViews built costs < 1 ms.
"""

from __future__ import annotations

import html
import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import holoviews as hv
import numpy as np
import panel as pn
import param
from bokeh.models import AllIndices, GlyphRenderer, UnionRenderers
from panel.io.state import set_curdoc

from .figure_copies import FigureTemplates, spec_key
from .style import legend_columns, legend_row_px, style_figure

log = logging.getLogger(__name__)
LEGEND_COLUMNS = 3
LEGEND_ROWS_IN_HEIGHT = 2  # legend rows a pane's height includes (see LiveOverlay.fit_legend)

if hv.Store.current_backend != "bokeh" or "bokeh" not in hv.Store.renderers:
    hv.extension("bokeh", logo=False)  # views also work outside the app (notebooks, tests)

Curves = Mapping[str, tuple[np.ndarray, np.ndarray]]
FIGURE_TEMPLATES = FigureTemplates()  # figures HoloViews drew, copied for each session


def write_columns(source, columns: Mapping[str, Sequence[float]]) -> None:
    """Write numeric ``columns`` into a Bokeh ``source`` and send only what changed.

    Unchanged columns send nothing (an unchanged figure is not repainted: 5-15 ms per figure
    in Chromium); changed columns of unchanged length are patched in place (a new ``data``
    also makes BokehJS rebuild the figure's legend, forcing style recalculations: 10-20 ms
    per slider move); a new length or a new set of columns replaces ``data``."""
    columns = {name: np.asarray(values, dtype=float) for name, values in columns.items()}
    old = source.data
    lengths = {len(values) for values in columns.values()}
    if (len(lengths) != 1 or set(old) != set(columns)
            or any(len(old[name]) not in lengths for name in columns)):
        source.data = columns
        return
    changed = {name: values for name, values in columns.items()
               if not np.array_equal(old[name], values, equal_nan=True)}
    if not changed:
        return
    for name, values in changed.items():
        # A new array, set silently, for the patch to write into: arrays handed out before
        # (``data``) keep their values.
        dict.__setitem__(source.data, name, values.copy())
    source.patch({name: [(slice(0, len(values)), values)] for name, values in changed.items()})


def _render_overlay(curves: Curves, styles: Mapping[str, dict], x: str, y: str,
                    vlines: Mapping[str, tuple[float, dict]], static: Sequence[hv.Element],
                    overlay_opts: dict):
    """HoloViews' Bokeh figure of the overlay, and its handles: ``"source:<label>"`` for each
    curve's ColumnDataSource and ``"glyph:<label>"`` for each vertical line's Span."""
    elements = [hv.Curve(curves[label], x, y, label=label).opts(**{"line_width": 2, **style})
                for label, style in styles.items()]
    elements += [hv.VLine(position, label=label).opts(**{"line_width": 2, **style})
                 for label, (position, style) in vlines.items()]
    elements += list(static)
    # The legend goes below the frame, in columns: it never covers the data.
    overlay = hv.Overlay(elements).opts(
        hv.opts.Curve(backend_opts={"plot.output_backend": "canvas"}),
        hv.opts.Overlay(**{"responsive": True, "min_height": 380, "show_grid": True,
                           "legend_position": "bottom", "legend_cols": LEGEND_COLUMNS,
                           "legend_limit": 200,  # HoloViews drops legends over 25 entries
                           **overlay_opts}))
    plot = hv.renderer("bokeh").get_plot(overlay)
    # HoloViews registers its plot (and through it the figure) with a document for cleanup
    # (the session's, or the process-wide one outside a server): none is needed, as no stream
    # is attached, and it would keep a template alive after the store dropped it.
    plot.document = None
    # Nothing in these figures can be selected (no selection tool): the selected and
    # not-selected variants HoloViews gives every glyph are never drawn.  Left to BokehJS
    # ("auto", derived from the glyph in the browser), a curve is 2 of its ~10 models fewer
    # to build, copy, send and collect per session.  The muted variant stays (legend clicks).
    for renderer in plot.state.renderers:
        if isinstance(renderer, GlyphRenderer):
            renderer.selection_glyph = renderer.nonselection_glyph = "auto"
    share_stateless_models(plot.state.renderers)
    subplots = list(plot.subplots.values())
    handles = {f"source:{label}": subplot.handles["source"]
               for label, subplot in zip(styles, subplots)}
    handles.update({f"glyph:{label}": subplot.handles["glyph"]
                    for label, subplot in zip(vlines, subplots[len(styles):])})
    return plot.state, handles


def share_stateless_models(renderers) -> None:
    """One "all rows" filter and one selection policy for every curve of a figure, instead of
    one of each per curve (Bokeh's defaults: each source and view makes its own).  Both hold no
    state (BokehJS's ``AllIndices`` and ``UnionRenderers`` compute from their arguments), and a
    model may be referenced from several places of a page; 2 of a curve's ~8 models fewer to
    build, copy, send and collect, ~180 per session with every tab open."""
    shared_filter = shared_policy = None
    for renderer in renderers:
        if not isinstance(renderer, GlyphRenderer):
            continue
        view, source = renderer.view, renderer.data_source
        if type(view.filter) is AllIndices and not view.filter.properties_with_values(
                include_defaults=False):
            shared_filter = shared_filter or view.filter
            view.filter = shared_filter
        policy = getattr(source, "selection_policy", None)
        if type(policy) is UnionRenderers and not policy.properties_with_values(
                include_defaults=False):
            shared_policy = shared_policy or policy
            source.selection_policy = shared_policy


class LiveOverlay:
    """An overlay of labelled curves (and vertical marker lines) built once by HoloViews (or a
    copy of the figure HoloViews drew for the same input: :mod:`dashboard.figure_copies`).

    ``styles`` maps each curve label to Bokeh line options (``color``, ``line_dash``, ...);
    its order fixes the legend order.  ``vlines`` maps marker labels to ``(x, style)``.
    ``static`` elements (reference lines, bands, labels) are drawn once and never updated.
    ``update`` writes new arrays into the figure's ColumnDataSources, and only for the
    curves that changed, so a slider that moves one curve sends one array (as a patch of the
    source when its length is unchanged).  The Bokeh column names are the dimension names
    ``x`` and ``y`` (e.g. ``"T_keV"``, ``"rate"``).

    Curve values that cannot be drawn (NaN) leave gaps; on log axes pass NaN, not zeros.
    """

    def __init__(self, curves: Curves, styles: Mapping[str, dict], *, x: str, y: str,
                 vlines: Mapping[str, tuple[float, dict]] | None = None,
                 static: Sequence[hv.Element] = (), **overlay_opts):
        self.x, self.y = x, y
        self.labels = list(styles)
        self.vline_labels = list(vlines or {})
        render = partial(_render_overlay, curves, styles, x, y, vlines or {}, static, overlay_opts)
        # Equal inputs give equal figures: copy the one HoloViews drew for them, if any
        # (dashboard.figure_copies; elements in ``static`` are not compared, so not cached).
        key = None if static else spec_key(
            {label: tuple(np.asarray(a) for a in curves[label]) for label in styles},
            styles, x, y, vlines or {}, overlay_opts)
        if key is None:
            self.figure, handles = render()
        else:
            self.figure, handles = FIGURE_TEMPLATES.copy(key, render)
        self.sources = {label: handles[f"source:{label}"] for label in self.labels}
        self.vline_glyphs = {label: handles[f"glyph:{label}"] for label in self.vline_labels}
        self.hidden: set[str] = set()  # curves hidden on purpose (set_visible)
        self.vline_texts = {label: self._marker_label(label, position, style)
                            for label, (position, style) in (vlines or {}).items()}
        style_figure(self.figure)
        self._show_drawn(self.labels)

    def _marker_label(self, label: str, position, style: dict):
        """The marker's name written along it, upwards from the bottom of the frame."""
        from bokeh.models import Label

        text = Label(x=position if position is not None else 0.0, y=6, y_units="screen",
                     text=label, angle=math.pi / 2, x_offset=-4, text_align="left",
                     text_baseline="bottom", text_color=style.get("color", "#7F7F7F"),
                     text_font_size="13px", visible=position is not None)
        self.figure.add_layout(text)
        return text

    def _show_drawn(self, labels) -> None:
        """Legend entries only for curves that are drawn (some finite value, not hidden)."""
        items = {id(renderer.data_source): item  # by source: a relabelled entry still found
                 for legend in self.figure.legend for item in legend.items
                 for renderer in item.renderers if hasattr(renderer, "data_source")}
        for label in labels:
            item = items.get(id(self.sources[label]))
            if item is None:
                continue
            y = self.sources[label].data[self.y]
            drawn = label not in self.hidden and bool(np.isfinite(np.asarray(y, dtype=float)).any())
            if item.visible != drawn:
                item.visible = drawn
        self.fit_legend()

    _pane: pn.pane.Bokeh | None = None
    _pane_height = 0

    def fit_legend(self) -> None:
        """Legend columns for the entries shown (``style.legend_columns``), and the figure as
        tall as its pane's ``height`` plus the rows its legend needs beyond
        ``LEGEND_ROWS_IN_HEIGHT``: the data area keeps its height.  (With a fixed height, the
        one-column legend of ten reference limits left the reactor-sensitivity plot a 100 px
        strip on a 1366x768 screen.)  Call after changing entries or their type size."""
        extra_px = 0
        for legend in self.figure.legend:
            font_px = int(float(str(legend.label_text_font_size).removesuffix("px")))
            columns = legend_columns(legend, font_px)
            if legend.ncols != columns:
                legend.ncols = columns
            rows = -(-sum(bool(item.visible) for item in legend.items) // columns)
            extra_px += max(0, rows - LEGEND_ROWS_IN_HEIGHT) * legend_row_px(font_px)
        if self._pane is not None:
            height = self._pane_height + extra_px
            if self.figure.height != height:
                self.figure.height = self._pane.height = height

    def update(self, curves: Curves, *, x_range: tuple[float, float] | None = None,
               y_range: tuple[float, float] | None = None,
               vlines: Mapping[str, float] | None = None) -> None:
        """Write the curves that changed, move markers and set axis ranges.

        Call inside ``pn.io.hold()`` to send everything in one websocket message.
        """
        for label, (xs, ys) in curves.items():
            write_columns(self.sources[label], {self.x: xs, self.y: ys})
        self._show_drawn(curves)
        for label, position in (vlines or {}).items():
            self.vline_glyphs[label].location = position
            text = self.vline_texts[label]
            if position is None:
                text.visible = False
            else:
                text.x, text.visible = position, True
        if x_range is not None:
            self.figure.x_range.start, self.figure.x_range.end = x_range
        if y_range is not None:
            self.figure.y_range.start, self.figure.y_range.end = y_range

    def add_subtitle(self, text: str):
        """A second, smaller title line under the title (the key parameters)."""
        from bokeh.models import Title

        subtitle = Title(text=text, text_font_style="normal", text_font_size="12px",
                         text_color="#444444")
        self.figure.add_layout(subtitle, "above")
        return subtitle

    # --- pinned copies of a curve (drawn beneath the live curves) ----------------------------
    PIN_STYLE = {"color": "#7f7f7f", "line_width": 2.5}
    PIN_DASHES = ("dashed", "dotted", "dashdot", "dotdash")

    def add_pin_slots(self, count: int) -> None:
        """Room for ``count`` pinned curves, beneath the live ones.  A slot's curve is made
        the first time :meth:`set_pin` shows it: most sessions pin nothing, and four spare
        curves on each of the eight figures with pins were ~320 of the ~2250 Bokeh models
        of a session with every tab open (each built, sent and collected for every session)."""
        self.pins: list[list | None] = [None] * count  # (source, renderer, legend item, label)

    def _pin_slot(self, slot: int) -> list:
        pin = self.pins[slot]
        if pin is None:
            from bokeh.models import ColumnDataSource

            source = ColumnDataSource({self.x: [], self.y: []})
            renderer = self.figure.line(self.x, self.y, source=source, visible=False,
                                        legend_label=f"pin {slot + 1}",
                                        line_dash=self.PIN_DASHES[slot % len(self.PIN_DASHES)],
                                        **self.PIN_STYLE)
            item = next(item for legend in self.figure.legend for item in legend.items
                        if renderer in item.renderers)
            item.visible = False
            pin = self.pins[slot] = [source, renderer, item, None]
            # beneath the live curves: drawn first, in slot order
            pinned = [p[1] for p in self.pins if p is not None]
            self.figure.renderers = pinned + [r for r in self.figure.renderers
                                              if r not in pinned]
            share_stateless_models(self.figure.renderers)
        return pin

    def set_pin(self, slot: int, label: str | None, xs=None, ys=None) -> None:
        """Show ``(xs, ys)`` as pin ``slot`` with legend ``label``; None hides the slot."""
        from bokeh.core.property.vectorization import value

        if label is None:
            if self.pins[slot] is not None:
                source, renderer, item = self.pins[slot][:3]
                self.pins[slot][3] = None
                renderer.visible = item.visible = False
                source.data = {self.x: [], self.y: []}
            return
        pin = self._pin_slot(slot)
        source, renderer, item = pin[:3]
        pin[3] = label
        source.data = {self.x: np.asarray(xs, dtype=float), self.y: np.asarray(ys, dtype=float)}
        item.label = value(label)
        renderer.visible = item.visible = True
        self.fit_legend()  # a long pin label may need fewer columns

    @property
    def pinned(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The shown pins: {legend label: (x, y)} (downloads carry them as extra columns)."""
        return {pin[3]: (np.asarray(pin[0].data[self.x]), np.asarray(pin[0].data[self.y]))
                for pin in getattr(self, "pins", []) if pin is not None and pin[3] is not None}

    def set_visible(self, labels, visible: bool) -> None:
        """Show or hide the curves ``labels`` together with their legend entries."""
        labels = list(labels)
        self.hidden = (self.hidden - set(labels)) if visible else (self.hidden | set(labels))
        sources = {id(self.sources[label]) for label in labels}
        for renderer in self.figure.renderers:
            if id(getattr(renderer, "data_source", None)) in sources and renderer.visible != visible:
                renderer.visible = visible
        self._show_drawn(labels)

    def data(self, label: str) -> tuple[np.ndarray, np.ndarray]:
        """The plotted arrays of one curve, as the figure holds them."""
        source = self.sources[label]
        return np.asarray(source.data[self.x]), np.asarray(source.data[self.y])

    def pane(self, height: int = 540) -> pn.pane.Bokeh:
        """The figure in a pane as wide as its column and ``height`` px tall (title, axes and a
        legend of up to ``LEGEND_ROWS_IN_HEIGHT`` rows below included; taller by the rows of a
        longer legend, see :meth:`fit_legend`)."""
        # The figure's own sizing mode wins over the pane's in Panel's layout: keep them equal.
        self.figure.sizing_mode = "stretch_width"
        self.figure.min_height = None
        self.figure.height = height
        self._pane = pn.pane.Bokeh(self.figure, sizing_mode="stretch_width", height=height)
        self._pane_height = height
        self.fit_legend()
        return self._pane


def apply_to_model(model: param.Parameterized, values: Mapping, redraw: Callable[[], None],
                   alert: pn.pane.Alert) -> bool:
    """Set ``values`` on ``model`` and ``redraw``; report rejected input in ``alert``.

    A ValueError (param bounds, the model's own checks) restores the model to the state that
    is plotted and shows the message; any other exception is logged and shown as an internal
    error.  No traceback reaches the browser and the session stays alive.  Returns success.
    """
    previous = {k: v for k, v in model.param.values().items() if k != "name"}
    try:
        # One hold for the model's watchers and the redraw: all their changes go to the
        # browser in one websocket message, so it lays out and paints once.
        with pn.io.hold():
            model.param.update(dict(values))
            redraw()
    except ValueError as error:
        # param.update sets values one by one: restore the model to what is plotted.
        model.param.update(previous)
        alert.object = f"**Input not accepted:** {error}"
        alert.visible = True
        return False
    except Exception:
        model.param.update(previous)
        log.exception("view update failed for %s", type(model).__name__)
        alert.object = "**Internal error** while updating; see the server log."
        alert.visible = True
        return False
    alert.visible = False
    return True


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"\*(.+?)\*")


class Deferred:
    """``callback`` run once, ``delay_ms`` after the first :meth:`request` of a burst, in the
    session's document (outside a served session: at once).  For changes that make BokehJS
    lay a figure out again (a title, a tool's property: 10-20 ms in the browser each), which
    must not delay a slider's redraw."""

    def __init__(self, callback: Callable[[], None], delay_ms: int):
        self.callback, self.delay_ms = callback, delay_ms
        self.pending = False

    def request(self) -> None:
        doc = pn.state.curdoc
        if doc is None or doc.session_context is None:
            self.callback()
        elif not self.pending:
            self.pending = True
            doc.add_timeout_callback(partial(self._run, doc), self.delay_ms)

    def flush(self) -> None:
        """Run now what a request left waiting (its timer then finds nothing to do): for a
        view being built, whose models are not in the browser yet, waiting gains nothing."""
        if self.pending:
            self.pending = False
            self.callback()

    def _run(self, doc) -> None:
        if not self.pending:  # flushed meanwhile
            return
        self.pending = False
        with set_curdoc(doc):
            self.callback()


class Readout:
    """Text under a plot with Markdown-style ``**bold**``, ``*italic*`` and ``"  \\n"`` breaks.

    An HTML pane with a fixed height, updated through one property: in the browser a new
    text only replaces the pane's inner HTML.  Measured per slider move in headless Chromium
    (bench/bench_recoil_latency.py): a Bokeh ``Div`` re-renders and makes BokehJS lay out the
    whole page again, 20-40 ms; a Panel Markdown pane re-creates its CSS stylesheet models on
    every update (~7 ms on the server, and a style recalculation in the browser).
    """

    def __init__(self, height: int):
        self.pane = pn.pane.HTML("", height=height, sizing_mode="stretch_width",
                                 styles={"font-size": "15px", "line-height": "1.45"},
                                 css_classes=["nuem-readout"])
        self._object = ""

    @property
    def object(self) -> str:
        """The text as written (Markdown subset)."""
        return self._object

    @object.setter
    def object(self, text: str) -> None:
        self._object = text
        body = html.escape(text, quote=False)
        body = _ITALIC.sub(r"<i>\1</i>", _BOLD.sub(r"<b>\1</b>", body))
        self.pane.object = body.replace("  \n", "<br>").replace("\n", " ")

    def __panel__(self) -> pn.pane.HTML:
        return self.pane
