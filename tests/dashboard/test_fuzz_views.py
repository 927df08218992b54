"""Hypothesis drives every tab's widgets with values a browser can send: any slider position,
any option, any number typed into an entry (huge, negative, zero, empty).  No exception may
escape, no update may end in the "Internal error" message (an exception that is not a
ValueError), and a rejected value leaves the model as plotted (what the view shows is what the
model computes).  The URL half of the fuzzing is in test_url_state.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pn = pytest.importorskip("panel")

from dashboard.tabs import TABS  # noqa: E402
from dashboard.url_state import widget_of  # noqa: E402
from dashboard.widgets import NumberEntry  # noqa: E402
from tests.view_support import control

VIEWS = {tab.key: tab for tab in TABS}
MAX_MOVES = 8
"""Widget moves per example: a short session on a fresh view.  (A view shared by all examples
carried state from one example to the next, so a failure depended on the examples before it
and could neither be replayed nor shrunk by hypothesis.)"""


def value_strategy(widget):
    options = getattr(widget, "options", None)
    if options is not None:
        return st.sampled_from(list(options.values()) if isinstance(options, dict) else list(options))
    if isinstance(widget, pn.widgets.Checkbox):
        return st.booleans()
    if getattr(widget, "free_text", False):  # the pins of a link: any text
        return st.text(max_size=60)
    if isinstance(widget, NumberEntry):  # a user can type any number into an entry
        return st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False),
                         st.sampled_from([0.0, -1.0, 1e-300, 1e300]))
    return st.floats(widget.start, widget.end)  # a slider stays on its range


def typed_text():
    """What a person may type into an entry's text box."""
    return st.one_of(st.text(max_size=12), st.sampled_from(["2.9e-11", "abc", "1e999", "-0", "", "nan"]))


def plotted_is_finite_or_gap(view):
    exports = view.exports
    for export in exports.values():
        for label in export.plot.labels:
            x, y = export.plot.data(label)
            y = np.asarray(y, dtype=float)
            assert not np.isinf(y).any(), label  # NaN is a gap; inf would break the axes


@pytest.mark.parametrize("key", list(VIEWS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_widget_values_never_break_a_tab(key, data):
    view = VIEWS[key]()  # a fresh view: nothing is shared between examples
    controls = {f.name: widget_of(view, f.widget) for f in VIEWS[key].URL_FIELDS}
    controls.update({f"{name} slider": slider for name, slider in view.sliders.items()})
    controls.update({f"{name} text": entry.text for name, entry in view.widgets.items()
                     if isinstance(entry, NumberEntry)})
    for _ in range(data.draw(st.integers(1, MAX_MOVES), label="moves")):
        name = data.draw(st.sampled_from(sorted(controls)), label="widget")
        widget = controls[name]
        strategy = typed_text() if name.endswith(" text") else value_strategy(widget)
        value = data.draw(strategy, label=name)
        widget.value = value  # an exception here fails the test
        field = type("Field", (), {"name": name})
        assert "Internal error" not in view.alert.object, (field.name, value, view.alert.object)
        if view.alert.visible:
            assert view.alert.object.startswith("**Input not accepted:**")
        plotted_is_finite_or_gap(view)


def test_a_rejected_entry_leaves_the_model_as_plotted():
    view = VIEWS["sensitivity"]()
    before = {k: v for k, v in view.model.param.values().items() if k != "name"}
    plotted = view.exports["limit"].plot.data("median expected limit (90% CL)")[1].copy()
    control(view, "days_on").value = -3.0
    assert view.alert.visible
    after = {k: v for k, v in view.model.param.values().items() if k != "name"}
    assert after == before
    np.testing.assert_array_equal(
        view.exports["limit"].plot.data("median expected limit (90% CL)")[1], plotted)
    assert math.isfinite(view.model.mu_limit())
