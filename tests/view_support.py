"""Shared by the server-side view tests: move a control as a user would."""

from __future__ import annotations


def control(view, name: str):
    """What a user moves for control ``name``: its slider (log sliders hold log10 of the value)
    when it has one, else the control itself (an entry, a select, a checkbox).  ``"name
    entry"``: the exact entry beside a slider (model units)."""
    name, _, part = name.partition(" ")
    if part != "entry" and name in view.sliders:
        return view.sliders[name]
    return view.widgets[name]
