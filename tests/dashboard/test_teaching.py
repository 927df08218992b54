"""Teaching and "what if" tools of every tab (dashboard.view_base, dashboard.scenarios,
dashboard.tour): exact entries, reset, scenarios, pins, the introduction and the guided tour.
The browser half is tests/browser/test_teaching.py."""

from __future__ import annotations

import html
import io

import numpy as np
import pandas as pd
import param
import pytest

from dashboard.app import create_app
from dashboard.recoil_view import MAGNETIC, RecoilView
from dashboard.scenarios import tab_guide, tour
from dashboard.tabs import TABS
from dashboard.tour import Tour
from dashboard.url_state import UrlState
from dashboard.view_base import MAX_PINS
from tests.view_support import control

pn = pytest.importorskip("panel")
FIELDS = {tab.key: tab.URL_FIELDS for tab in TABS}


class FakeLocation(param.Parameterized):
    search = param.String("")


def model_values(view) -> dict:
    return {k: v for k, v in view.model.param.values().items() if k != "name"}


def opened(tab, search: str):
    location = FakeLocation()
    url = UrlState(search, FIELDS, location)
    view = tab()
    url.attach(tab.key, view)
    return url, view, location


# --- exact entries ----------------------------------------------------------------------------
def test_typing_a_value_in_scientific_notation_sets_model_and_slider():
    view = RecoilView()
    view.widgets["mu_nu"].text.value = "2.9e-11"
    assert view.model.mu_nu == 2.9e-11 and not view.alert.visible
    assert view.sliders["mu_nu"].value == pytest.approx(np.log10(2.9e-11), rel=1e-12, abs=0)
    assert view.widgets["mu_nu"].text.value == "2.9e-11"


def test_typing_text_that_is_not_a_number_changes_nothing():
    view = RecoilView()
    before = model_values(view)
    view.widgets["mu_nu"].text.value = "abc"
    assert view.alert.visible and "not a number" in view.alert.object
    assert model_values(view) == before and view.widgets["mu_nu"].text.value == "1e-11"


def test_a_slider_move_writes_a_rounded_value_into_the_entry():
    view = RecoilView()
    view.sliders["mu_nu"].value = -10.95
    assert view.widgets["mu_nu"].value == 1.122e-11 == view.model.mu_nu


# --- reset --------------------------------------------------------------------------------------
@pytest.mark.parametrize("tab", TABS, ids=[tab.key for tab in TABS])
def test_reset_restores_the_defaults_and_cleans_the_link(tab):
    url, view, location = opened(tab, "")
    default = model_values(tab())
    for scenario in view.guide.scenarios:  # one that leaves the defaults
        assert view.apply_scenario(scenario.name)
        if location.search not in ("", f"?tab={tab.key}"):
            break
    assert location.search not in ("", f"?tab={tab.key}")
    view.reset()
    assert model_values(view) == default
    assert location.search in ("", f"?tab={tab.key}")


# --- scenarios ----------------------------------------------------------------------------------
def test_every_tab_has_an_introduction_and_three_cited_scenarios():
    for tab in TABS:
        guide = tab_guide(tab.key)
        assert guide.what and guide.try_this, tab.key
        assert len(guide.scenarios) >= 3, tab.key
        for scenario in guide.scenarios:
            assert scenario.text and scenario.cite and scenario.values, (tab.key, scenario.name)


@pytest.mark.parametrize("tab, name", [(tab, s.name) for tab in TABS for s in tab_guide(tab.key).scenarios],
                         ids=lambda x: getattr(x, "key", x))
def test_each_scenario_applies_and_its_link_reproduces_it(tab, name):
    url, view, location = opened(tab, "")
    assert view.apply_scenario(name), view.alert.object
    assert not view.alert.visible
    scenario = view.guide.scenario(name)
    # every value of the scenario is what the controls now hold
    for control_name, text in scenario.values.items():
        assert view.decode({control_name: text})[control_name] == view.widgets[control_name].value
    _, copy, _ = opened(tab, location.search)
    assert _same(model_values(copy), model_values(view))


def _same(a: dict, b: dict) -> bool:
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], float) and isinstance(b[key], float):
            assert a[key] == pytest.approx(b[key], rel=1e-12, abs=0), key
        else:
            assert a[key] == b[key], key
    return True


def test_choosing_a_scenario_in_the_menu_applies_it_and_says_what_to_look_at():
    view = RecoilView()
    name = view.guide.scenarios[0].name
    view.scenario_select.value = name
    assert view.model.mu_nu == 2.9e-11 and view.model.threshold_keV == 2.8
    assert view.scenario_note.visible and "GEMMA" in view.scenario_note.object
    assert view.scenario_select.value != name  # ready for the next choice


# --- pins ---------------------------------------------------------------------------------------
def test_pin_then_a_move_shows_two_curves_and_the_csv_has_the_pin():
    view = RecoilView()
    view.pin()
    pinned_label, (x, y) = next(iter(view.figures["spectrum"].pinned.items()))
    control(view, "mu_nu").value = -10.0  # mu x 10
    _, total = view.figures["spectrum"].data("total")
    assert not np.allclose(total, y, equal_nan=True)
    np.testing.assert_array_equal(view.figures["spectrum"].pinned[pinned_label][1], y)
    frame = pd.read_csv(io.StringIO(view.exports["spectrum"].csv_text()), comment="#")
    assert pinned_label in frame.columns
    np.testing.assert_allclose(frame[pinned_label], y, rtol=1e-12)


def test_the_magnetic_curve_scales_as_mu_squared():
    view = RecoilView()
    _, before = view.figures["spectrum"].data(MAGNETIC)
    control(view, "mu_nu").value = -10.0  # 1e-11 -> 1e-10
    _, after = view.figures["spectrum"].data(MAGNETIC)
    np.testing.assert_allclose(after, 100.0 * before, rtol=1e-9)


def test_pins_travel_in_the_link_and_are_recomputed():
    url, view, location = opened(RecoilView, "")
    control(view, "mu_nu").value = -10.5
    view.pin()
    control(view, "target").value = "Si"
    view.pin()
    assert "recoil.pins=" in location.search
    _, copy, _ = opened(RecoilView, location.search)
    assert list(copy.figures["spectrum"].pinned) == list(view.figures["spectrum"].pinned)
    for label, (x, y) in view.figures["spectrum"].pinned.items():
        np.testing.assert_allclose(copy.figures["spectrum"].pinned[label][1], y, rtol=1e-9)
    assert copy.model.target == "Si"  # the live state is the link's, not the last pin's


def test_a_pin_of_the_defaults_travels_in_the_link():
    url, view, location = opened(RecoilView, "")
    view.pin()
    assert "recoil.pins=-" in location.search
    _, copy, _ = opened(RecoilView, location.search)
    assert list(copy.figures["spectrum"].pinned) == ["pin 1: defaults"]


def test_at_most_four_pins_and_clear():
    view = RecoilView()
    for _ in range(MAX_PINS):
        assert view.pin()
    assert not view.pin() and "at most" in view.alert.object
    view.clear_pins()
    assert view.figures["spectrum"].pinned == {} and view.pin_state.value == ""


def test_a_malformed_pins_link_value_shows_a_message():
    url, view, location = opened(RecoilView, "?recoil.pins=nonsense")
    message = html.unescape(url.message_text())  # the notice escapes what the link holds
    assert "recoil.pins" in message and "name:value" in message
    assert view.figures["spectrum"].pinned == {} and "pins" not in location.search


# --- the guided tour ----------------------------------------------------------------------------
def test_the_tour_has_eight_cited_steps_over_known_scenarios():
    steps = tour()
    assert len(steps) >= 8
    keys = {tab.key: tab for tab in TABS}
    for step in steps:
        assert step.tab in keys and step.text and step.point and step.cite
        if step.scenario:
            keys[step.tab]().guide.scenario(step.scenario)  # raises if unknown


def test_the_tour_walks_forward_and_back_through_every_step():
    shown, views = [], {tab.key: tab() for tab in TABS}
    tour_ = Tour(show_tab=shown.append, when_built=lambda key, callback: callback(views[key]))
    for index in range(1, len(tour_.steps)):
        tour_.next.clicks += 1
        assert tour_.step == index and shown[-1] == tour_.steps[index].tab
        assert not views[shown[-1]].alert.visible
    assert tour_.next.disabled
    for index in reversed(range(len(tour_.steps) - 1)):
        tour_.back.clicks += 1
        assert tour_.step == index
    assert tour_.back.disabled


def test_tour_in_the_link_adds_the_tour_to_the_app():
    app = create_app()
    assert not any(isinstance(obj, Tour) for obj in app.main.objects)
