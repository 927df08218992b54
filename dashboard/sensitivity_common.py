"""What the two sensitivity tabs share: the expected-limit plot against any axis, with its
Brazil bands, a compared configuration and the published limits; the bounded caches behind it;
and work deferred until a slider rests.  Presentation only: every number comes from the
model (:meth:`model.ReactorSensitivity.scan_limits`, ``summary``, ``model.limits``).

The plot.  x: one of the model's scan parameters (threshold, exposure, mass, background level,
running time); y: the 90% CL limit on μν, |qν| or |⟨r²⟩|.  Drawn bottom to top: the
astrophysical bounds of the catalogue (the quantity's "any flavour" rows), the ±2σ and ±1σ
bands of the expected limit (quantiles 2.5/97.5% and 16/84% over repeated experiments), the
compared configuration (grey: its bands, then its median, dashed), the published limits of the
tab's beam (one line per experiment: its latest result), the live median and the marker at the
model's current value.  Every element is built once; a change patches the Bokeh sources in
place, and elements a choice does not show are hidden (with their legend entries), never
rebuilt.

What it costs (bench/bench_sensitivity.py).  A median curve of 40 points is one vectorised
solve (μν: ~12 ms, |qν| ~17 ms, ⟨r²⟩ ~25 ms).  μν bands come with the median (a formula,
Cowan et al. eq. (89)); |qν| and ⟨r²⟩ bands need fits of shifted Asimov data, ~5x the cost of
the median.  So:

* every curve is cached per (model class, parameters, axis, grid, quantity, quantiles) in one
  bounded LRU cache shared by the sessions of a process; the parameters a scan does not depend
  on are left out of the key (moving the mass with mass on the x-axis only moves the marker);
* grids other than the threshold's span fixed decades around the current value, so that a
  slider moving within a decade keeps the grid (and the cache);
* in a served session, |qν| and ⟨r²⟩ bands missing from the cache (and the μν curve behind
  the |qν| estimate, and the fit of an uploaded spectrum) are computed ``DEFER_MS`` after the
  last change: meanwhile the bands keep their last widths relative to the new median (or are
  hidden if the grid changed), the estimate and the fit stay as they were, and the exact ones
  replace them when the sliders rest.  Outside a server (tests, notebooks) everything is
  computed at once.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import panel as pn
from bokeh.core.properties import value as bokeh_value
from bokeh.models import ColumnDataSource, LegendItem, VArea
from panel.io.state import set_curdoc

from model import limits
from model.profile_likelihood import BAND_QUANTILES
from model.theory import millicharge_bound_from_moment

from . import style
from .live_plot import LiveOverlay, share_stateless_models, write_columns

CUSTOM = "custom"  # the preset control when the parameters are no preset's
from .view_base import Binding, TabView

log = logging.getLogger(__name__)

SCAN_POINTS = 40
DEFER_MS = 200
"""Delay after the last change before missing |qν|/⟨r²⟩ bands and fits are computed."""
CACHE_ENTRIES = 256
GRID_DECADES_BELOW, GRID_DECADES_ABOVE = 2, 3
"""Grids other than the threshold's: from 2 decades below the current value's decade to 3
above its start (the current decade in the middle of 5)."""
MAX_Y_DECADES = 6

MEDIAN = "median expected limit (90% CL)"
ESTIMATE = "estimate from μν (Studenikin)"
COMPARE = "compared: median"
BAND_1 = "±1σ expected"
BAND_2 = "±2σ expected"
COMPARE_BANDS = "compared: ±1σ, ±2σ"
ASTRO = "astrophysical bounds (all flavours)"
NONE = "none"

QUANTITIES = {"μν": "mu_nu", "|qν|": "q_nu", "⟨r²⟩": "charge_radius"}
SYMBOL = {"mu_nu": "μν", "q_nu": "|qν|", "charge_radius": "|⟨r²⟩|"}
UNIT = {"mu_nu": "μ_B", "q_nu": "e₀", "charge_radius": "cm²"}
Y_LABEL = {q: f"{SYMBOL[q]} 90% CL limit [{UNIT[q]}]" for q in SYMBOL}
TITLE = {"mu_nu": "Magnetic moment", "q_nu": "Millicharge", "charge_radius": "Charge radius"}
SUMMARY_COLUMN = {"mu_nu": "mu_limit", "q_nu": "q_limit"}

MEDIAN_STYLE = style.line("sensitivity", line_width=2.5)
ESTIMATE_STYLE = style.line("estimate")
COMPARE_STYLE = {"color": style.BLACK, "line_dash": "dashdot", "line_width": 2}
MARKER_STYLE = style.line("marker")
BAND_STYLES = {  # label: (fill colour, alpha)
    "astro": (style.ORANGE, 0.15),
    "live_2": (style.YELLOW, 0.75),   # the usual Brazil-plot yellow and green (Okabe-Ito's)
    "live_1": (style.GREEN, 0.55),
    "compare_2": (style.GREY, 0.18),
    "compare_1": (style.GREY, 0.30),
}
BAND_PAIRS = {"1": (0.16, 0.84), "2": (0.025, 0.975)}
BAND_ONLY = tuple(p for p in BAND_QUANTILES if p != 0.5)


# --- axes -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class XAxis:
    """One choice of x-axis: the model's scan name, the axis label, the marker's value, and the
    model parameters a scan along it does not depend on (left out of the cache key), with what
    it depends on instead (``extra``)."""

    scan: str
    label: str
    stem: str
    value: Callable[[Any], float]
    ignores: tuple[str, ...] = ()
    extra: Callable[[Any], tuple] | None = None
    bounds: tuple[str, ...] = ()
    """Model parameters whose bounds bound the grid (their product for the exposure)."""
    fallback: float = 1.0
    """Where the grid is centred when the current value is not positive."""


def decade_grid(value: float, low: float, high: float, fallback: float,
                points: int = SCAN_POINTS) -> np.ndarray:
    """``points`` log-spaced values over the 5 decades around ``value``'s decade, within
    (low, high]: the grid stays put while the value moves inside its decade."""
    centre = value if value > 0 and math.isfinite(value) else fallback
    decade = math.floor(math.log10(centre))
    start = 10.0 ** (decade - GRID_DECADES_BELOW)
    end = 10.0 ** (decade + GRID_DECADES_ABOVE)
    if low > 0:
        start = max(start, low * 1.000001)
    end = min(end, high)
    if not end > start:
        start, end = centre / 10.0, centre * 10.0
    return np.geomspace(start, end, points)


# --- a bounded cache shared by the sessions of a process ---------------------------------------
class BoundedCache:
    """A least-recently-used dict of at most ``size`` entries (thread-safe)."""

    MISSING = object()

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key not in self._items:
                return self.MISSING
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


LIMITS = BoundedCache(CACHE_ENTRIES)
"""Limit curves: {quantile: array} per (model class, parameters, axis, grid, quantity, quantiles)."""


def model_key(model, axis: XAxis | None = None) -> tuple:
    """The model's parameters as a hashable key, without those a scan along ``axis`` ignores."""
    ignored = set(axis.ignores) if axis is not None else set()
    items = tuple(sorted((k, v) for k, v in model.param.values().items()
                         if k != "name" and k not in ignored))
    extra = axis.extra(model) if axis is not None and axis.extra is not None else ()
    return (type(model).__name__, items, extra)


def scan_rows(model, scan: str, values: np.ndarray, quantity: str,
              quantiles: tuple) -> dict[float, np.ndarray]:
    """``model.scan_limits`` with rows that have no limit (no signal in the window, no
    sensitivity within the solver's range) left as NaN: the rows are solved together, and a
    ValueError splits them in halves until the rows that fail are alone."""
    try:
        return model.scan_limits(scan, values, quantity, quantiles)
    except ValueError:
        if len(values) == 1:
            return {p: np.array([np.nan]) for p in quantiles}
    half = len(values) // 2
    low = scan_rows(model, scan, values[:half], quantity, quantiles)
    high = scan_rows(model, scan, values[half:], quantity, quantiles)
    return {p: np.concatenate([low[p], high[p]]) for p in quantiles}


def limits_on_grid(model, axis: XAxis, values: np.ndarray, quantity: str, quantiles: tuple,
                   compute: bool = True) -> dict[float, np.ndarray] | None:
    """The limits on ``quantity`` at ``quantiles`` along ``axis``, from the cache or solved
    (None if not cached and ``compute`` is False)."""
    key = (model_key(model, axis), axis.scan, tuple(values.tolist()), quantity, tuple(quantiles))
    found = LIMITS.get(key)
    if found is not BoundedCache.MISSING:
        return found
    if not compute:
        return None
    result = scan_rows(model, axis.scan, values, quantity, tuple(quantiles))
    for array in result.values():
        array.flags.writeable = False
    LIMITS.put(key, result)
    return result


# --- published limits --------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """A published limit drawn as a horizontal line."""

    quantity: str
    label: str
    value: float
    estimate: bool


def reference_lines(flavour: str | tuple[str, ...]) -> dict[str, list[Reference]]:
    """Per quantity, the catalogue's limits for ``flavour`` (``model.limits``): the latest
    result of each experiment (an experiment's earlier results are superseded), strongest
    first.  An interval on ⟨r²⟩ is drawn at its larger |end| (the limit on |⟨r²⟩| plotted)."""
    lines = {}
    for quantity in SYMBOL:
        rows = limits.load(quantity, flavour=flavour)
        rows = rows[~rows["astrophysical"]]
        latest = rows.sort_values("year").groupby("experiment", sort=False).tail(1)
        references = []
        for _, row in latest.iterrows():
            value = max(abs(float(row["low"])) if pd.notna(row["low"]) else 0.0, float(row["high"]))
            estimate = row["kind"] == "estimate"
            cl = "" if estimate or float(row["cl"]) == 0.90 else f", {float(row['cl']):.0%} CL"
            label = (f"{row['experiment']} {int(row['year'])}: {SYMBOL[quantity]} "
                     f"{'≲' if estimate else '<'} {value:.2g}{cl}")
            references.append(Reference(quantity, label, value, estimate))
        lines[quantity] = sorted(references, key=lambda r: r.value)
    return lines


# --- the figure --------------------------------------------------------------------------------
class LimitFigure:
    """The expected-limit plot (module docstring): a :class:`LiveOverlay` of the curves and
    reference lines plus filled bands (Bokeh ``VArea``) under them, all updated in place."""

    X, Y = "x", "limit"

    def __init__(self, x: np.ndarray, median: np.ndarray, references: dict[str, list[Reference]],
                 marker: float, **overlay_opts):
        self.references = references
        nan = np.full_like(x, np.nan)
        reference_styles = {}
        for quantity, rows in references.items():
            for i, ref in enumerate(rows):
                reference_styles[ref.label] = style.series(i, line_width=1.5)
        styles = {MEDIAN: MEDIAN_STYLE, ESTIMATE: ESTIMATE_STYLE, COMPARE: COMPARE_STYLE,
                  **reference_styles}
        curves = {label: (x, nan) for label in styles}
        curves[MEDIAN] = (x, median)
        for rows in references.values():
            for ref in rows:
                curves[ref.label] = (x[[0, -1]], np.full(2, ref.value))
        self.overlay = LiveOverlay(curves, styles, x=self.X, y=self.Y, logx=True, logy=True,
                                   vlines={"current": (marker, MARKER_STYLE)}, **overlay_opts)
        figure = self.overlay.figure
        self.band_sources: dict[str, ColumnDataSource] = {}
        self.band_renderers = {}
        renderers = []
        for name, (colour, alpha) in BAND_STYLES.items():
            source = ColumnDataSource({"x": x, "low": nan, "high": nan})
            glyph = VArea(x="x", y1="low", y2="high", fill_color=colour, fill_alpha=alpha)
            renderer = figure.add_glyph(source, glyph)
            self.band_sources[name], self.band_renderers[name] = source, renderer
            renderers.append(renderer)
        # Bands first: drawn under every curve.
        figure.renderers = renderers + [r for r in figure.renderers if r not in renderers]
        share_stateless_models(figure.renderers)
        legend = figure.legend[0]
        items = {self._item_label(item): item for item in legend.items}
        extra = {
            BAND_1: LegendItem(label=bokeh_value(BAND_1), renderers=[self.band_renderers["live_1"]]),
            BAND_2: LegendItem(label=bokeh_value(BAND_2), renderers=[self.band_renderers["live_2"]]),
            COMPARE_BANDS: LegendItem(label=bokeh_value(COMPARE_BANDS),
                                      renderers=[self.band_renderers["compare_1"],
                                                 self.band_renderers["compare_2"]]),
            ASTRO: LegendItem(label=bokeh_value(ASTRO), renderers=[self.band_renderers["astro"]]),
        }
        order = [MEDIAN, BAND_1, BAND_2, ESTIMATE, COMPARE, COMPARE_BANDS,
                 *reference_styles, ASTRO]
        legend.items = [items.get(label) or extra[label] for label in order
                        if label in items or label in extra]
        self.legend_items = {self._item_label(item): item for item in legend.items}
        self.compare_item = self.legend_items[COMPARE]

    @staticmethod
    def _item_label(item) -> str:
        label = item.label
        return label.get("value") if isinstance(label, dict) else getattr(label, "value", label)

    @property
    def figure(self):
        return self.overlay.figure

    def set_band(self, name: str, x: np.ndarray, low, high) -> None:
        """Fill band ``name`` between ``low`` and ``high`` (None: nothing drawn)."""
        nan = np.full(len(x), np.nan)
        write_columns(self.band_sources[name], {
            "x": x, "low": nan if low is None else low, "high": nan if high is None else high})

    def band_data(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        data = self.band_sources[name].data
        return np.asarray(data["x"]), np.asarray(data["low"]), np.asarray(data["high"])

    def show(self, visible: Mapping[str, bool]) -> None:
        """Show or hide curves (by label) and bands (by name) with their legend entries."""
        curves = [label for label in visible if label in self.overlay.sources]
        for state in (True, False):
            labels = [label for label in curves if visible[label] is state]
            if labels:
                self.overlay.set_visible(labels, state)
        for name, shown in visible.items():
            if name in self.band_renderers and self.band_renderers[name].visible != shown:
                self.band_renderers[name].visible = shown
        for label, item in self.legend_items.items():
            if label in (BAND_1, BAND_2, COMPARE_BANDS, ASTRO):
                shown = any(r.visible for r in item.renderers)
                if item.visible != shown:
                    item.visible = shown
        self.overlay.fit_legend()

    def label_compare(self, text: str) -> None:
        if self._item_label(self.compare_item) != text:
            self.compare_item.label = bokeh_value(text)


# --- the tab base ------------------------------------------------------------------------------
@dataclass
class Curves:
    """One configuration's curves on the grid: the median and the band quantiles (None while
    not computed), whether the bands are exact or scaled from the last exact ones, and at how
    many points the model's band quantiles were not drawn (see :func:`ordered_bands`)."""

    median: np.ndarray
    bands: dict[float, np.ndarray] | None = None
    exact: bool = True
    estimate: np.ndarray | None = None
    undrawn: int = 0


def ordered_bands(median: np.ndarray, bands: Mapping[float, np.ndarray]):
    """The band quantiles where they are positive and ordered around the median (2.5% <= 16%
    <= 50% <= 84% <= 97.5%), NaN elsewhere, and the number of such points.  The two-sided
    |qν| and ⟨r²⟩ bands of the model come from fits of shifted Asimov data; where the x² term
    of the signal rivals the interference term (few bins, the window's end) such a fit can
    land on the other branch of the signal and return an interval that is not a quantile of
    the limit.  Those points are left as gaps and counted in the readout, never drawn."""
    stack = np.vstack([bands[0.025], bands[0.16], median, bands[0.84], bands[0.975]])
    with np.errstate(invalid="ignore"):
        good = np.all(np.isfinite(stack) & (stack > 0), axis=0) & np.all(np.diff(stack, axis=0) >= 0,
                                                                         axis=0)
    undrawn = int(np.count_nonzero(~good & np.isfinite(median)))
    return {p: np.where(good, values, np.nan) for p, values in bands.items()}, undrawn


@dataclass
class _BandMemory:
    key: tuple
    ratios: dict[float, np.ndarray] = field(default_factory=dict)


def plot_bindings(axes: Mapping[str, XAxis], compare: Mapping[str, str]) -> tuple[Binding, ...]:
    """The view-only controls of a sensitivity plot: x-axis, y quantity, bands, compare."""
    return (
        Binding("x_axis", "x-axis", "select", param="",
                options={label: axis.scan for label, axis in axes.items()}, section="Plot"),
        Binding("y_quantity", "limit on", "radio", param="", options=QUANTITIES),
        Binding("bands", "±1σ, ±2σ bands (Brazil plot)", "checkbox", param="", fallback=True),
        Binding("compare", "compare with", "select", param="", options={NONE: NONE, **compare}),
    )


class SensitivityTab(TabView):
    """Base of the sensitivity tabs: the limit plot (module docstring) and its readouts.

    Subclasses set ``AXES`` ({option label: XAxis}), ``COMPARE`` ({option label: value}),
    ``FLAVOUR`` (the catalogue's beam label for the reference lines) and
    implement :meth:`threshold_grid`, :meth:`compare_model`, :meth:`detector_lines`,
    :meth:`preset_lines`, :meth:`sync_preset` (called after every accepted change).
    """

    AXES: ClassVar[dict[str, XAxis]] = {}
    COMPARE: ClassVar[dict[str, str]] = {}
    FLAVOUR: ClassVar[str | tuple[str, ...]] = ()
    DEFER: ClassVar[bool] = True
    """Whether a served session defers missing |qν|/⟨r²⟩ bands (module docstring)."""
    READOUT_HEIGHT = 175

    def __init__(self, model=None, **params):
        self._timeout = None
        self._deferring = True
        self._band_memory: dict[str, _BandMemory] = {}
        self._last_estimate = None
        self.live: Curves | None = None
        self.compared: Curves | None = None
        super().__init__(model, **params)
        # The CSV download holds the bands too (filled areas, not curves of the overlay).
        self.exports["limit"].frame = self.limit_frame

    # --- choices ---------------------------------------------------------------------------
    def axis(self) -> XAxis:
        scan = self.widgets["x_axis"].value
        return next(axis for axis in self.AXES.values() if axis.scan == scan)

    def quantity(self) -> str:
        return self.widgets["y_quantity"].value

    def show_bands(self) -> bool:
        return bool(self.widgets["bands"].value)

    def compare_choice(self) -> str:
        return self.widgets["compare"].value

    # --- hooks (every sensitivity tab defines them) ------------------------------------------
    matching_preset: Callable  # model -> the preset whose parameters it holds, or CUSTOM

    SCAN_LOWEST_KEV: ClassVar[float]  # the lowest threshold of the threshold scan

    def threshold_grid(self) -> np.ndarray:
        """The thresholds of the scan: from ``SCAN_LOWEST_KEV`` (or half the threshold, if
        lower) to just below the highest recoil the detector's window and flux allow."""
        m = self.model
        top = min(m.window_max_keV, m.max_recoil_keV()) / 1.05
        low = min(self.SCAN_LOWEST_KEV, m.threshold_keV / 2.0)
        return np.geomspace(low, max(top, 1.01 * low), SCAN_POINTS)

    def compare_model(self, choice: str):
        raise TypeError(f"{type(self).__name__} must define compare_model()")

    def compare_name(self, choice: str) -> str:
        return next(label for label, value in self.COMPARE.items() if value == choice)

    def detector_lines(self) -> list[str]:
        return []

    def preset_lines(self) -> list[str]:
        return []

    def sync_preset(self) -> None:
        """The preset control shows "custom" once the parameters leave the chosen preset, and
        the model knows its preset (for ``published_ratio`` and ``summary``)."""
        name = type(self).matching_preset(self.model)
        if self.widgets["preset"].value != CUSTOM and name == CUSTOM:
            self.set_controls({"preset": CUSTOM})
        self.model.preset_name = None if name == CUSTOM else name

    def x_label(self) -> str:
        return self.axis().label

    def after_update(self) -> None:
        self.sync_preset()

    # --- grid ------------------------------------------------------------------------------
    def grid(self) -> np.ndarray:
        axis = self.axis()
        if axis.scan == "threshold_keV":
            return self.threshold_grid()
        low, high = self._bounds(axis)
        return decade_grid(axis.value(self.model), low, high, axis.fallback)

    def _bounds(self, axis: XAxis) -> tuple[float, float]:
        low, high = 0.0, 1.0
        for name in axis.bounds:
            bound_low, bound_high = self.model.param[name].bounds
            low, high = max(low, bound_low or 0.0), high * bound_high
        return low, high

    # --- model -> curves -------------------------------------------------------------------
    def compute(self) -> None:
        # the limits and counts at the current values (and a ValueError for a configuration
        # the model refuses); ``summary`` is the tab's README sentence
        self.current = self.model.summary()
        self.x_values = self.grid()
        self.live = self._curves("live", self.model)
        choice = self.compare_choice()
        self.compared = None if choice == NONE else self._curves("compare", self.compare_model(choice))
        self.radius_limit = (self.point_limit(self.model, "charge_radius")
                             if self.quantity() == "charge_radius" else None)
        self.compute_extra()

    def compute_extra(self) -> None:
        """More to compute before drawing (the reactor tab's fit)."""

    def can_defer(self) -> bool:
        if not (self.DEFER and self._deferring):
            return False
        document = self._document()
        return document is not None and document.session_context is not None

    def _document(self):
        figure = self.figures.get("limit")
        return None if figure is None else figure.figure.document

    def _curves(self, which: str, model) -> Curves:
        axis, x, quantity = self.axis(), self.x_values, self.quantity()
        bands = self.show_bands()
        if quantity == "mu_nu" or not bands:  # μν bands cost nothing beyond the median
            result = limits_on_grid(model, axis, x, quantity, BAND_QUANTILES if bands else (0.5,))
            curves = Curves(result[0.5], {p: result[p] for p in BAND_ONLY} if bands else None)
        else:
            median = limits_on_grid(model, axis, x, quantity, (0.5,))[0.5]
            exact = limits_on_grid(model, axis, x, quantity, BAND_ONLY,
                                   compute=not self.can_defer())
            if exact is not None:
                bands, undrawn = ordered_bands(median, exact)
                curves = Curves(median, bands, undrawn=undrawn)
            else:
                curves = Curves(median, self._scaled_bands(which, median), exact=False)
                self.schedule()
        if curves.bands is not None and curves.exact:
            self._remember(which, curves)
        if quantity == "q_nu" and which == "live":
            curves.estimate = self._estimate(model, axis, x)
        return curves

    def _estimate(self, model, axis: XAxis, x: np.ndarray) -> np.ndarray:
        """Studenikin's |qν| estimate from the μν median at each point (NaN where there is no
        μν limit).  In a served session a μν median not cached yet is deferred with the bands:
        meanwhile the last estimate on this grid stays (or none is drawn)."""
        found = limits_on_grid(model, axis, x, "mu_nu", (0.5,), compute=not self.can_defer())
        if found is None:
            self.schedule()
            last = self._last_estimate
            return last[1] if last is not None and last[0] == self._memory_key() else np.full_like(x, np.nan)
        mu = found[0.5]
        thresholds = x if axis.scan == "threshold_keV" else np.full_like(x, model.threshold_keV)
        estimate = np.full_like(x, np.nan)
        finite = np.isfinite(mu)
        if finite.any():
            estimate[finite] = millicharge_bound_from_moment(mu[finite], thresholds[finite])
        self._last_estimate = (self._memory_key(), estimate)
        return estimate

    def _memory_key(self) -> tuple:
        return (self.axis().scan, tuple(self.x_values.tolist()), self.quantity())

    def _remember(self, which: str, curves: Curves) -> None:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratios = {p: values / curves.median for p, values in curves.bands.items()}
        self._band_memory[which] = _BandMemory(self._memory_key(), ratios)

    def _scaled_bands(self, which: str, median: np.ndarray) -> dict[float, np.ndarray] | None:
        """The last exact bands' widths relative to the median, on a new median (None if they
        were for another grid or quantity)."""
        memory = self._band_memory.get(which)
        if memory is None or memory.key != self._memory_key():
            return None
        return {p: median * ratio for p, ratio in memory.ratios.items()}

    # --- deferred work ---------------------------------------------------------------------
    def schedule(self) -> None:
        """Compute what was deferred ``DEFER_MS`` after the last change (served sessions)."""
        document = self._document()
        if self._timeout is not None:
            try:
                document.remove_timeout_callback(self._timeout)
            except ValueError:  # already run
                pass
        self._timeout = document.add_timeout_callback(self._run_deferred, DEFER_MS)

    def _run_deferred(self) -> None:
        self._timeout = None
        document = self._document()
        try:
            with set_curdoc(document), pn.io.hold(document):
                self.complete()
        except Exception:  # a callback of its own: log, keep the session and the plot
            log.exception("deferred update of %s failed", type(self).__name__)

    def complete(self) -> None:
        """Compute everything that was deferred, now, and redraw."""
        self._deferring = False
        try:
            self.refresh()
        finally:
            self._deferring = True

    @property
    def pending(self) -> bool:
        """Whether deferred work is waiting (bands shown scaled, a fit not redone)."""
        return self._timeout is not None

    # --- figures ---------------------------------------------------------------------------
    def build_figures(self) -> dict[str, LiveOverlay]:
        figure = LimitFigure(self.x_values, self.live.median, reference_lines(self.FLAVOUR),
                             self.axis().value(self.model), min_height=380,
                             xlabel=self.x_label(), ylabel=Y_LABEL[self.quantity()],
                             title=self.plot_title())
        self.limit_figure = figure
        self._draw(figure)
        return {"limit": figure.overlay}

    def plot_title(self) -> str:
        return f"{TITLE[self.quantity()]}: expected 90% CL limit vs {self.axis_name()}"

    def axis_name(self) -> str:
        return next(label for label, axis in self.AXES.items() if axis is self.axis())

    def update_figures(self) -> None:
        self._draw(self.limit_figure)

    def _draw(self, figure: LimitFigure) -> None:
        x, quantity, live, compared = self.x_values, self.quantity(), self.live, self.compared
        nan = np.full_like(x, np.nan)
        curves = {MEDIAN: (x, live.median),
                  ESTIMATE: (x, live.estimate if live.estimate is not None else nan),
                  COMPARE: (x, compared.median if compared is not None else nan)}
        span = x[[0, -1]]
        for rows in figure.references.values():  # another quantity's lines: hidden and empty
            for ref in rows:
                curves[ref.label] = (span, np.full(2, ref.value if ref.quantity == quantity
                                                   else np.nan))
        astro = limits.astrophysical_span(quantity)
        figure.overlay.update(curves, x_range=(float(x[0]), float(x[-1])),
                              y_range=self.y_range(astro), vlines={"current": self.axis().value(self.model)})
        for name, curve_set in (("live", live), ("compare", compared)):
            for band, (low, high) in BAND_PAIRS.items():
                bands = curve_set.bands if curve_set is not None else None
                figure.set_band(f"{name}_{band}", x, *((bands[low], bands[high]) if bands else (None, None)))
        figure.set_band("astro", span, *((np.full(2, astro[0]), np.full(2, astro[1]))
                                         if astro else (None, None)))
        visible = {MEDIAN: True, ESTIMATE: quantity == "q_nu", COMPARE: compared is not None,
                   "live_1": live.bands is not None, "live_2": live.bands is not None,
                   "compare_1": compared is not None and compared.bands is not None,
                   "compare_2": compared is not None and compared.bands is not None,
                   "astro": astro is not None}
        for rows in figure.references.values():
            for ref in rows:
                visible[ref.label] = ref.quantity == quantity
        figure.show(visible)
        if compared is not None:
            figure.label_compare(f"{self.compare_name(self.compare_choice())}: median")
        fig = figure.figure
        fig.xaxis[0].axis_label = self.x_label()
        fig.yaxis[0].axis_label = Y_LABEL[quantity]
        fig.title.text = self.plot_title()

    def y_range(self, astro) -> tuple[float, float]:
        """Decades spanning the drawn curves, widened to the published limits (and the
        astrophysical bounds) while the span stays within MAX_Y_DECADES."""
        drawn = [self.live.median]
        for curve_set in (self.live, self.compared):
            if curve_set is None:
                continue
            drawn.append(curve_set.median)
            if curve_set.bands:
                drawn.extend(curve_set.bands.values())
        values = np.concatenate([np.asarray(v, dtype=float) for v in drawn])
        values = values[np.isfinite(values) & (values > 0)]
        if not len(values):
            return (1e-13, 1e-8) if self.quantity() == "mu_nu" else (1e-30, 1e-20)
        # a margin of a factor 1.5 keeps a curve off the frame
        low = math.floor(math.log10(values.min() / 1.5))
        high = math.ceil(math.log10(values.max() * 1.5))
        high = max(high, low + 2)
        context = [ref.value for ref in self.limit_figure_references() if ref.quantity == self.quantity()]
        if astro:
            context.extend(astro)
        for value in sorted(context, key=lambda v: abs(math.log10(v) - (low + high) / 2)):
            decade = math.log10(value)
            new_low, new_high = min(low, math.floor(decade)), max(high, math.ceil(decade))
            if new_high - new_low <= MAX_Y_DECADES:
                low, high = new_low, new_high
        return 10.0**low, 10.0**high

    def limit_figure_references(self) -> list[Reference]:
        figure = getattr(self, "limit_figure", None)
        rows = figure.references if figure is not None else reference_lines(self.FLAVOUR)
        return [ref for refs in rows.values() for ref in refs]

    def figure_items(self, name: str) -> list:
        return [self.figures[name].pane(540), self.exports[name].buttons()]

    # --- readouts --------------------------------------------------------------------------
    def point_context(self) -> tuple[str, str]:
        """Where the readout's limits are computed: ("2.8 keV", "window to 100 keV, 98 bins")."""
        raise TypeError(f"{type(self).__name__} must define point_context()")

    def point_limit(self, model, quantity: str) -> float:
        """The median limit of ``model`` at its own settings (cached for compared presets)."""
        key = ("point", model_key(model), quantity)
        found = LIMITS.get(key)
        if found is BoundedCache.MISSING:
            found = float(model.limit(quantity))
            LIMITS.put(key, found)
        return found

    def limit_lines(self) -> list[str]:
        """The current point's median limits, and the compared configuration's."""
        now, quantity = self.current, self.quantity()
        where, window = self.point_context()
        shown = [f"μν < **{now['mu_limit']:.3g}** μ_B", f"|qν| < **{now['q_limit']:.3g}** e₀ (direct)"]
        if self.radius_limit is not None:
            shown.append(f"|⟨r²⟩| < **{self.radius_limit:.3g}** cm²")
        lines = [f"**At {where}** ({window}): median expected 90% CL limits {', '.join(shown)}; "
                 f"Studenikin's estimate from μν: {now['q_estimate']:.3g} e₀"]
        if self.compared is not None:
            choice = self.compare_choice()
            other = self.point_limit(self.compare_model(choice), quantity)
            lines.append(f"*Compared* (grey, dashed): {self.compare_name(choice)} at its own "
                         f"settings: {SYMBOL[quantity]} < {other:.3g} {UNIT[quantity]}")
        undrawn = self.live.undrawn + (self.compared.undrawn if self.compared is not None else 0)
        if undrawn:
            lines.append(f"*Bands left out at {undrawn} points* where the model's two-sided "
                         "band quantiles are not ordered around the median (a shifted-Asimov "
                         "fit on the other branch of the signal)")
        return lines

    def readout_text(self) -> str:
        return "  \n".join([*self.limit_lines(), *self.detector_lines(), *self.preset_lines(),
                            *self.extra_lines()])

    def extra_lines(self) -> list[str]:
        return []

    # --- downloads -------------------------------------------------------------------------
    def limit_frame(self) -> pd.DataFrame:
        """The plot's numbers for the CSV download, long form (curve, x, limit): every curve
        drawn (median, estimate, compared median, published limits) and the band quantiles
        (filled areas, not curves of the overlay)."""
        overlay, x = self.figures["limit"], self.x_values
        parts = []
        for label in overlay.labels:
            xs, ys = overlay.data(label)
            if np.isfinite(np.asarray(ys, dtype=float)).any():
                parts.append(pd.DataFrame({"curve": label, overlay.x: xs, overlay.y: ys}))
        for prefix, curve_set in (("expected", self.live), ("compared", self.compared)):
            if curve_set is not None and curve_set.bands:
                parts += [pd.DataFrame({"curve": f"{prefix}: {p:.1%} quantile", overlay.x: x,
                                        overlay.y: curve_set.bands[p]}) for p in BAND_ONLY]
        return pd.concat(parts, ignore_index=True)

    def stem_parts(self) -> tuple:
        return (SUMMARY_COLUMN.get(self.quantity(), "r2_limit").replace("_limit", ""),
                f"vs-{self.axis().stem}")

