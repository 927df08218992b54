"""The tab registry (dashboard.tabs) and the view base class (dashboard.view_base).

A tab added as one module plus one registry line (tests/minimal_tab.py) is built by the app,
linked in the URL and listed for the benches; the registry's declarations agree with the
README's tab list; the base class refuses inconsistent declarations.
"""

from __future__ import annotations

import param
import pytest

from dashboard.app import create_app
from dashboard.tabs import TABS, readme_tab_list
from dashboard.url_state import UrlState
from dashboard.view_base import Binding, TabView
from tests.minimal_tab import Line, LineView
from tests.view_support import control

pn = pytest.importorskip("panel")

WITH_LINE = (*TABS, LineView)


class FakeLocation(param.Parameterized):
    search = param.String("")


def test_registered_tabs_have_unique_keys_titles_and_a_note():
    assert len({tab.key for tab in TABS}) == len(TABS)
    assert len({tab.title for tab in TABS}) == len(TABS)
    for tab in TABS:
        assert issubclass(tab, TabView) and tab.note.strip() and tab.summary.strip()
        assert tab.BENCH is not None and tab.BENCH.binding in {b.name for b in tab.BINDINGS}


def test_an_extra_tab_is_built_and_linked_by_the_app():
    app = create_app(WITH_LINE)
    tabs = next(obj for obj in app.main.objects if isinstance(obj, pn.Tabs))
    assert tabs._names[-1] == "A line"
    # its link: ?tab=line&line.slope=2.5 opens it with the slope set
    location = FakeLocation(search="")
    url = UrlState("?tab=line&line.slope=2.5", {tab.key: tab.URL_FIELDS for tab in WITH_LINE},
                   location)
    view = LineView()
    url.attach("line", view)
    assert url.tab == "line" and view.model.slope == 2.5 and view.widgets["slope"].value == 2.5
    assert location.search == "?tab=line&line.slope=2.5"
    control(view, "slope").value = 4.0
    assert location.search == "?tab=line&line.slope=4"
    x, y = view.figures["line"].data("y")
    assert y[-1] == 4.0


def test_an_extra_tab_is_benched():
    view = LineView()
    assert view.bench_target() == ("slope s", "y", "y")
    assert view.movable_controls() == [("Slider", "slope s")]


def test_readme_lists_the_registered_tabs():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start, end = readme.index("<!-- tabs -->\n"), readme.index("<!-- /tabs -->")
    assert readme[start + len("<!-- tabs -->\n"):end].strip() == readme_tab_list(), (
        "the README's tab list is derived from dashboard.tabs: paste `python -m dashboard.tabs`")


def test_a_view_declares_each_parameter_once():
    """Bindings with one name twice, or a gate that is not a switch, are refused at once."""
    with pytest.raises(TypeError, match="repeat"):
        type("Twice", (LineView,), {"BINDINGS": (Binding("slope", "a", "number"),
                                                  Binding("slope", "b", "number"))})
    with pytest.raises(TypeError, match="gate"):
        type("BadGate", (LineView,), {"BINDINGS": (Binding("slope", "a", "number", gate="nothing"),)})
    with pytest.raises(ValueError, match="kind"):
        Binding("slope", "a", "dial")
    with pytest.raises(ValueError, match="start and end"):
        Binding("slope", "a", "slider")


def test_a_notebook_model_outside_the_slider_range_is_shown_as_it_is():
    view = LineView(Line(slope=10.0))
    slider = view.sliders["slope"]
    assert slider.value == 10.0 and slider.end >= 10.0 and view.model.slope == 10.0
    assert view.widgets["slope"].value == 10.0


def test_rejected_values_restore_the_control_and_keep_the_model():
    view = LineView()
    view.widgets["slope"].end = 20.0  # a value the widget allows but the model refuses
    control(view, "slope").value = 15.0
    assert view.alert.visible and "slope" in view.alert.object
    assert view.model.slope == 1.0 and view.widgets["slope"].value == 1.0
    control(view, "slope").value = 3.0
    assert not view.alert.visible and view.model.slope == 3.0
