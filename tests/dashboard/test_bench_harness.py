"""The benches take their tabs from the registry (bench/harness.py, bench/load_driver.py).

Every registered tab is benched (a slider the latency benches move and a curve they watch), the
load test's users move the controls each tab declares movable, and each such move redraws
something: the load test counts an update as answered only when a redraw comes back (the
criterion of ``UserSession._is_reply`` in bench/load_driver.py, checked here on the server's
Bokeh document, without a server).
"""

from __future__ import annotations

import pytest

from bench.harness import bench_targets, server_time
from bench.load_driver import tab_updates
from dashboard.tabs import TABS
from dashboard.view_base import TabView

pn = pytest.importorskip("panel")


def test_every_registered_tab_is_benched():
    targets = bench_targets(TABS)
    assert list(targets) == [tab.key for tab in TABS]
    for tab in TABS:
        view = tab()
        slider, curve, column = targets[tab.key]
        assert ("Slider", slider) in view.movable_controls(), tab.key
        assert any(curve in f.labels and f.y == column for f in view.figures.values()), tab.key


def test_load_users_move_every_registered_tab():
    updates = tab_updates(TABS)
    assert list(updates) == [tab.title for tab in TABS]
    assert all(updates.values())


def _redraws(events) -> bool:
    """Whether a change touched something drawn: a data source, a plot or a text pane (not an
    input widget, not the busy indicator's css_classes)."""
    from bokeh.document.events import ColumnDataChangedEvent, ColumnsPatchedEvent, ModelChangedEvent
    from bokeh.models import Markup, Widget

    return any(isinstance(e, (ColumnDataChangedEvent, ColumnsPatchedEvent))
               or (isinstance(e, ModelChangedEvent) and e.attr != "css_classes"
                   and (not isinstance(e.model, Widget) or isinstance(e.model, Markup)))
               for e in events)


@pytest.mark.parametrize("tab", TABS, ids=[tab.key for tab in TABS])
def test_every_movable_control_redraws(tab):
    from bokeh.document import Document

    view = tab()
    doc = Document()
    doc.add_root(view.panel().get_root(doc))
    events = []
    doc.on_change(events.append)
    widgets = [*view.widgets.values(), *view.sliders.values()]
    for kind, label in view.movable_controls():
        (widget,) = [w for w in widgets if getattr(w, "label", None) == label
                     and isinstance(w, pn.widgets.Select) == (kind == "Select")]
        for step in (0.05, -0.05):  # a small move each way, as the simulated users make
            events.clear()
            if kind == "Select":
                options = widget.options
                options = list(options.values()) if isinstance(options, dict) else list(options)
                widget.value = next(option for option in options if option != widget.value)
            else:
                widget.value = min(max(widget.value + step * (widget.end - widget.start),
                                       widget.start), widget.end)
            assert _redraws(events), f"{tab.key}: moving {label!r} redraws nothing"
            assert not view.alert.visible, view.alert.object


def test_server_time_wraps_the_change_handler_only_while_it_runs():
    original = TabView.__dict__["_changed"]
    with server_time() as times:
        view = TABS[0]()
        slider = view.sliders[view.BENCH.binding]
        slider.value = slider.value + slider.step
        assert len(times.ms) == 1 and times.ms[0] > 0  # one update, however many controls it set
    assert TabView.__dict__["_changed"] is original


def test_a_refused_value_put_back_answers_the_load_users_update():
    """The recoil tab refuses target CsI in the electron channel; refused twice, only the
    select is put back (the notice already shows the message).  That answers the update; an
    echo of the value sent, or a linked input widget changing, does not."""
    from bench.load_driver import UserSession
    from tests.ws_client import ShadowDocument

    select = {"type": "object", "name": "panel.models.widgets.CustomSelect", "id": "s1",
              "attributes": {"value": "Ge"}}
    other = {"type": "object", "name": "Slider", "id": "s2",
             "attributes": {"value": 1.0}}
    user = UserSession("http://127.0.0.1:1/app", 0, 0, 1.0, {})
    user.doc = ShadowDocument({"roots": [select, other]})
    user.last_sent = ("s1", "value", "CsI")

    def changed(model_id, new):
        return [{"kind": "ModelChanged", "model": {"id": model_id}, "attr": "value", "new": new}]

    assert user._is_reply(changed("s1", "Ge"))  # put back: refused
    assert not user._is_reply(changed("s1", "CsI"))  # the value sent, echoed
    assert not user._is_reply(changed("s2", 2.0))  # another input widget


def test_only_the_benchs_own_interrupt_at_stop_is_not_a_server_traceback():
    """The load bench stops its server with SIGINT; the KeyboardInterrupt it raises may land in
    any Python code (a garbage-collector callback of the census, seen in a run) and is not an
    error of the server.  Any other traceback, and one from before the stop, still counts."""
    from bench.load_driver import ServerProcess

    interrupted = ["Exception ignored in: <function _time_collections at 0x7f>",
                   "Traceback (most recent call last):",
                   '  File "census.py", line 7, in _time_collections',
                   "KeyboardInterrupt: "]
    failed = ["Traceback (most recent call last):", '  File "app.py", line 1, in <module>',
              "ValueError: bad"]
    server = ServerProcess.__new__(ServerProcess)  # only the log and the line stop() began at
    server.lines, server._lock = ["started", *failed, *interrupted], __import__("threading").Lock()
    server.stopping_at_line = 1 + len(failed)
    assert server.log_problems()["tracebacks"] == 1  # the ValueError, before the stop
    server.stopping_at_line = 1
    assert server.log_problems()["tracebacks"] == 1  # the ValueError, after it: still counted
    server.stopping_at_line = None  # not stopped: every traceback counts
    assert server.log_problems()["tracebacks"] == 2
