"""The widget helpers (dashboard.widgets): per-session Bokeh models, and the private Panel API
that ResponsiveFloatSlider overrides (a Panel upgrade that changes it must fail here, loudly,
not show up as slow or broken sliders)."""

from __future__ import annotations

import inspect

import panel as pn
from panel.io.state import state
from panel.reactive import Syncable

from dashboard.widgets import PANEL_PRIVATE_API, ResponsiveFloatSlider, log_slider

UPGRADE = (f"Panel {pn.__version__} changed a private member that dashboard.widgets."
           "ResponsiveFloatSlider overrides; review it before raising the pin in pyproject.toml")


def test_overridden_private_members_keep_their_signatures():
    for name, parameters in PANEL_PRIVATE_API.items():
        member = getattr(Syncable, name, None)
        assert callable(member), f"Syncable.{name} is gone. {UPGRADE}"
        assert tuple(inspect.signature(member).parameters) == parameters, f"Syncable.{name}. {UPGRADE}"


def test_private_state_the_override_reads_still_exists():
    slider = ResponsiveFloatSlider(start=0.0, end=1.0, value=0.5)
    for name in ("_events", "_changing", "_priority_changes", "_busy__ignore"):
        assert hasattr(slider, name), f"{name}. {UPGRADE}"
    assert isinstance(slider._events, dict) and isinstance(slider._changing, dict), UPGRADE
    assert hasattr(state, "_thread_pool") and callable(state._handle_exception), UPGRADE


def test_each_log_slider_has_its_own_formatter():
    """Bokeh empties a model when it destroys a closed session's document: a formatter
    shared between sessions would break the sliders of every later visitor."""
    a, b = log_slider("a", -1, 1, 0), log_slider("b", -1, 1, 0)
    assert a.format is not b.format


def test_each_slider_times_its_own_updates():
    a, b = ResponsiveFloatSlider(start=0, end=1), ResponsiveFloatSlider(start=0, end=1)
    a._handled_at = 5.0
    assert b._handled_at == float("-inf") and "_handled_at" not in vars(ResponsiveFloatSlider)
