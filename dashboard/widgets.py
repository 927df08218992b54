"""Widget helpers shared by the tabs (presentation only, no physics)."""

from __future__ import annotations

import time

import panel as pn
from bokeh.models import CustomJSTickFormatter
from panel.io.state import state

# Shows 10**x of a log10 slider as "1.0e-11" in the browser.
_POWER_OF_TEN_FORMAT = CustomJSTickFormatter(code="return Math.pow(10, tick).toExponential(1);")


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
    """

    BURST_S = 0.03

    _priority_changes = ["value"]
    _busy__ignore = ["value", "value_throttled"]
    _handled_at = float("-inf")

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
                                  value=value, step=step, format=_POWER_OF_TEN_FORMAT,
                                  sizing_mode="stretch_width")


def error_alert() -> pn.pane.Alert:
    """A hidden alert that shows the message of a rejected input."""
    return pn.pane.Alert("", alert_type="warning", visible=False, sizing_mode="stretch_width")
