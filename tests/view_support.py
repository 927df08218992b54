"""Shared by the server-side view tests: move a control as a user would; a session document
with every tab shown."""

from __future__ import annotations


def control(view, name: str):
    """What a user moves for control ``name``: its slider (log sliders hold log10 of the value)
    when it has one, else the control itself (an entry, a select, a checkbox).  ``"name
    entry"``: the exact entry beside a slider (model units)."""
    name, _, part = name.partition(" ")
    if part != "entry" and name in view.sliders:
        return view.sliders[name]
    return view.widgets[name]


def session_with_every_tab():
    """A served session's document (``create_app`` in a new Bokeh document) with every tab
    shown once, as a user clicking through them: ~1580 Bokeh models."""
    import panel as pn
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    from dashboard.app import create_app

    document = Document()
    with set_curdoc(document):
        app = create_app()
        app.server_doc(document)
        tabs = next(item for item in app.main.objects if isinstance(item, pn.Tabs))
        for index in range(1, len(tabs)):
            tabs.active = index
    return document
