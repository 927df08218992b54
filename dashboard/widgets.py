"""Widget helpers shared by the tabs (presentation only, no physics).

Every Bokeh model here is built per call, never at import time: a model shared by the
sessions of a server is emptied for all of them when Bokeh destroys the first closed
session's document (the log sliders of later visitors then read "undefined").
"""

from __future__ import annotations

import math
import time

import panel as pn
import param
from bokeh.models import CustomJSTickFormatter
from panel.io.state import state

# Shows 10**x of a log10 slider with two significant digits in the browser: "2.8" or "150"
# between 0.01 and 1000, "1.0e-11" or "2.7e13" outside (no "e+0": "2.8e+0" read as a typo).
POWER_OF_TEN_CODE = """
const value = Math.pow(10, tick);
if (value >= 0.01 && value < 1000) { return String(Number(value.toPrecision(2))); }
return value.toExponential(1).replace("e+", "e");
"""

# The private members of Panel's Syncable that ResponsiveFloatSlider relies on, with the
# signatures it was written against (Panel 1.9).  tests/dashboard/test_widgets.py checks them,
# so that a Panel upgrade that changes them fails with a clear message instead of slowly.
PANEL_PRIVATE_API = {
    "_server_change": ("self", "doc", "ref", "subpath", "attr", "old", "new"),
    "_change_event": ("self", "doc"),
}


def power_of_ten_formatter() -> CustomJSTickFormatter:
    """A new formatter for one slider of one session (see the module docstring)."""
    return CustomJSTickFormatter(code=POWER_OF_TEN_CODE)


SLIDER_TITLE_CSS = ".bk-slider-title { white-space: normal; overflow-wrap: anywhere; }"


class ResponsiveFloatSlider(pn.widgets.FloatSlider):
    """A FloatSlider whose value changes are handled at once.

    Measured per slider move in headless Chromium (bench/bench_recoil_latency.py):

    * Panel waits 50 ms (``Syncable._debounce``) before handling a change from the browser,
      to batch bursts.  Our updates take 5-15 ms: for a slider that wait is pure latency.
    * Even without the wait, Panel handles the change in a task that runs after Bokeh has
      begun acknowledging the browser's patch, and the redraw then queues behind that
      acknowledgement and behind the browser's second message (``value_throttled``):
      20-30 ms.  A lone new value is therefore handled while Bokeh applies the browser's
      patch, like a Bokeh ``on_change`` callback, and the redraw leaves first.  A value that
      comes within ``BURST_S`` of the end of the previous update belongs to a drag or a held
      key: it takes Panel's scheduled path, which merges the values queued meanwhile into one
      update instead of redrawing for each.
    * Slider moves do not switch the template's busy indicator on and off: an update this
      short never shows it, and the switching costs 3-5 ms of server time per move.

    Overrides private members of Panel's ``Syncable`` (``PANEL_PRIVATE_API``); Panel is pinned
    to the versions the tests pass on.
    """

    BURST_S = 0.03

    _priority_changes = ["value"]
    _busy__ignore = ["value", "value_throttled"]

    def __init__(self, **params):
        # Bokeh keeps a slider's "label: value" on one line: in the controls column a long
        # one ("magnetic moment μ [μ_B]: 1.0e-11") ran under the entry box beside it and
        # its value was cut off.  It wraps instead.  (A string: no extra Bokeh model.)
        params["stylesheets"] = [*params.get("stylesheets", []), SLIDER_TITLE_CSS]
        super().__init__(**params)
        self._handled_at = float("-inf")  # this slider's last update (monotonic seconds)

    def _server_change(self, doc, ref, subpath, attr, old, new):
        burst = time.monotonic() - self._handled_at < self.BURST_S
        if (attr not in self._priority_changes or subpath or doc.session_context is None
                or state._thread_pool or self._events or burst):
            return super()._server_change(doc, ref, subpath, attr, old, new)
        if attr in self._changing.get(ref, []):  # the echo of a value set from Python
            self._changing[ref].remove(attr)
            return
        self._events[attr] = new
        try:
            self._change_event(doc)
        except Exception as error:  # as Panel's scheduled path does: log, keep the session
            state._handle_exception(error)

    def _change_event(self, doc):
        try:
            super()._change_event(doc)
        finally:
            self._handled_at = time.monotonic()


def log_slider(name: str, low_exponent: float, high_exponent: float, value: float,
               step: float = 0.05) -> pn.widgets.FloatSlider:
    """A slider over log10 of a quantity, displaying the quantity itself."""
    return ResponsiveFloatSlider(label=name, start=low_exponent, end=high_exponent,
                                  value=value, step=step, format=power_of_ten_formatter(),
                                  sizing_mode="stretch_width")


def error_alert() -> pn.pane.Alert:
    """A hidden alert that shows the message of a rejected input."""
    return pn.pane.Alert("", alert_type="warning", visible=False, sizing_mode="stretch_width")


def parse_number(text: str) -> float:
    """A finite number typed by a person: ``2.9e-11``, ``2.9E-11``, ``−3`` (Unicode minus),
    surrounding blanks allowed.  ValueError otherwise."""
    cleaned = str(text).strip().replace("−", "-").replace("\u2009", "").replace(" ", "")
    if not cleaned or len(cleaned) > 40 or "_" in cleaned:
        raise ValueError("not a number")
    number = float(cleaned)  # ValueError for anything else
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number


def format_number(value, digits: int = 5) -> str:
    """A number as people read it: up to ``digits`` significant digits, no float noise, short
    exponents (``755.5833333333333`` -> ``755.58``, ``2.5165681e13`` -> ``2.5166e13``,
    ``1e-05`` -> ``1e-5``)."""
    if value is None:
        return ""
    if value == 0:
        return "0"
    return f"{value:.{digits}g}".replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def round_significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (a slider position made exact)."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}")


class NumberEntry(pn.viewable.Viewer):
    """A text box for an exact number: accepts scientific notation (``2.9e-11``), shows
    ``format_number`` of its value, and tells ``on_invalid`` (a message) about text that is
    not a number, putting its value back.  ``value`` is what views and links watch."""

    value = param.Number(default=0.0, allow_None=True, doc="The number entered.")
    start = param.Number(default=None, allow_None=True, doc="Lowest value a link may set.")
    end = param.Number(default=None, allow_None=True, doc="Highest value a link may set.")

    def __init__(self, label: str = "", on_invalid=None, width: int | None = None,
                 css_name: str = "", **params):
        super().__init__(**params)
        self.label = label
        self._on_invalid = on_invalid
        options = {"width": width} if width else {"sizing_mode": "stretch_width"}
        # css_name: a class to find the box by (tests, the tour), e.g. "entry-mu_nu"
        self.text = pn.widgets.TextInput(value=format_number(self.value), label=label,
                                         css_classes=["nuem-entry"] + ([css_name] if css_name else []),
                                         **options)
        self._showing = False
        self.text.param.watch(self._typed, "value")
        self.param.watch(self._show, "value")

    def _typed(self, event) -> None:
        if self._showing:
            return
        try:
            number = parse_number(event.new)
        except ValueError:
            self._show()
            if self._on_invalid is not None:
                text = str(event.new)
                shown = text if len(text) <= 40 else text[:40] + "…"
                self._on_invalid(f"{self.label or 'the entry'}: {shown!r} is not a number "
                                 "(write e.g. 2.9e-11)")
            return
        if number == self.value:
            self._show()
        else:
            self.value = number

    def _show(self, *events) -> None:
        self._showing = True
        try:
            self.text.value = format_number(self.value)
        finally:
            self._showing = False

    @property
    def disabled(self) -> bool:
        return self.text.disabled

    @disabled.setter
    def disabled(self, value: bool) -> None:
        self.text.disabled = value

    @property
    def visible(self) -> bool:
        return self.text.visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self.text.visible = value

    def __panel__(self) -> pn.widgets.TextInput:
        return self.text
