"""Widget helpers shared by the tabs (presentation only, no physics)."""

from __future__ import annotations

import panel as pn
from bokeh.models import CustomJSTickFormatter

# Shows 10**x of a log10 slider as "1.0e-11" in the browser.
_POWER_OF_TEN_FORMAT = CustomJSTickFormatter(code="return Math.pow(10, tick).toExponential(1);")


class ResponsiveFloatSlider(pn.widgets.FloatSlider):
    """A FloatSlider whose value changes are handled at once.

    Panel waits 50 ms (``Syncable._debounce``) before handling a change from the browser, to
    batch bursts; it still coalesces changes that arrive while one is being handled.  Our
    updates take ~10 ms, so for sliders that wait is pure latency.
    """

    _priority_changes = ["value"]


def log_slider(name: str, low_exponent: float, high_exponent: float, value: float,
               step: float = 0.05) -> pn.widgets.FloatSlider:
    """A slider over log10 of a quantity, displaying the quantity itself."""
    return ResponsiveFloatSlider(label=name, start=low_exponent, end=high_exponent,
                                  value=value, step=step, format=_POWER_OF_TEN_FORMAT,
                                  sizing_mode="stretch_width")


def error_alert() -> pn.pane.Alert:
    """A hidden alert that shows the message of a rejected input."""
    return pn.pane.Alert("", alert_type="warning", visible=False, sizing_mode="stretch_width")
