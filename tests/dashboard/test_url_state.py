"""Shareable links (dashboard.url_state): every tab's widgets to the query string and back.

Server side: round trips of every URL field of every tab, rejected values (malformed, out of
range, refused by the model) with the notice and the defaults, the address the session
writes, and hypothesis over random query strings.  The browser half is tests/browser/test_links.py.
"""

from __future__ import annotations

import math
import urllib.parse

import numpy as np
import param
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pn = pytest.importorskip("panel")

from dashboard.tabs import TABS  # noqa: E402
from dashboard.url_state import MAX_VALUE_CHARS, UrlState, parse_query, widget_of  # noqa: E402
from tests.browser_support import log_slider_value
from tests.view_support import control

VIEWS = {tab.key: tab for tab in TABS}
FIELDS = {key: view_class.URL_FIELDS for key, view_class in VIEWS.items()}


class FakeLocation(param.Parameterized):
    """Stands in for ``pn.state.location``: only ``search`` is used."""

    search = param.String("")


def open_link(key: str, search: str = "", location=None):
    """A new session's view of tab ``key`` opened from ``search``; returns (url state, view)."""
    url = UrlState(search, FIELDS, location)
    view = VIEWS[key]()
    url.attach(key, view)
    return url, view


def widget_values(key, view) -> dict:
    return {f.name: widget_of(view, f.widget).value for f in FIELDS[key]}


def model_of(view):
    return view.model


def model_values(view) -> dict:
    return {k: v for k, v in model_of(view).param.values().items() if k != "name"}


def plotted(view) -> dict:
    exports = view.exports
    return {(name, label): export.plot.data(label)
            for name, export in exports.items() for label in export.plot.labels}


def assert_same_view(key, a, b):
    assert _same_values(widget_values(key, a), widget_values(key, b))
    assert _same_values(model_values(a), model_values(b))
    for label, (x, y) in plotted(a).items():
        x2, y2 = plotted(b)[label]
        np.testing.assert_allclose(x2, x, rtol=1e-9, err_msg=str(label))
        # Values that are round-off of zero (P(x=0) ~ 1e-32) differ in relative terms when
        # the link's inputs differ in the last digits: compare them to the curve's scale.
        round_off = 1e-12 * np.nanmax(np.abs(np.asarray(y, dtype=float)), initial=0.0)
        np.testing.assert_allclose(y2, y, rtol=1e-9, atol=round_off, equal_nan=True,
                                   err_msg=str(label))


def _same_values(a: dict, b: dict) -> bool:
    assert a.keys() == b.keys()
    for name in a:
        x, y = a[name], b[name]
        if isinstance(x, float) and isinstance(y, float):
            assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-300), (name, x, y)
        else:
            assert x == y, (name, x, y)
    return True


def other_value(widget):
    """A valid value different from the widget's own: another option, the flipped box, or a
    point a third of the way along the range (on the slider's step)."""
    options = getattr(widget, "options", None)
    if options is not None:
        values = list(options.values()) if isinstance(options, dict) else list(options)
        return next(v for v in values if v != widget.value)
    if isinstance(widget.value, bool):
        return not widget.value
    start, end = getattr(widget, "start", None), getattr(widget, "end", None)
    if start is not None and end is not None:
        step = getattr(widget, "step", None) or (end - start) / 100
        value = round((start + (end - start) / 3) / step) * step
        return value if value != widget.value else value + step
    return widget.value * 2 if widget.value else 1.0


# --- every field, both ways -----------------------------------------------------------------
def test_every_field_names_a_widget_and_a_unique_key():
    for key, fields in FIELDS.items():
        view = VIEWS[key]()
        names = [f.name for f in fields]
        assert len(set(names)) == len(names), key
        for f in fields:
            assert hasattr(widget_of(view, f.widget), "value"), (key, f.name)


@pytest.mark.parametrize("key", list(FIELDS))
def test_a_link_reproduces_every_widget_setting(key):
    """Every field moved off its default, one after another (a value the model refuses in
    that state is put back), then one link: the new session matches widgets, model and plot."""
    url, view = open_link(key)
    for field in FIELDS[key]:
        if field.name == "pins":  # pins are tested in test_teaching.py
            continue
        widget = widget_of(view, field.widget)
        previous = widget.value
        widget.value = other_value(widget)
        if view.alert.visible:  # e.g. a quenching k the chosen target does not take
            widget.value = previous
    assert not view.alert.visible
    query = parse_query(url.search())
    changed = [f.name for f in FIELDS[key] if widget_of(view, f.widget).value not in f.implied
               and f.text_of(widget_of(view, f.widget)) != url.defaults[key][f.name]]
    assert len(changed) >= len(FIELDS[key]) - 3, changed  # the test moves nearly everything
    followers = [f.name for f in FIELDS[key] if f.follows and f.follows in changed]
    assert sorted(query) == sorted({f"{key}.{name}" for name in changed + followers})
    new_url, copy = open_link(key, url.search())
    assert not new_url.messages, new_url.message_text()
    assert_same_view(key, view, copy)


def test_a_link_with_many_recoil_settings_reproduces_the_plot():
    url, view = open_link("recoil")
    control(view, "target").value = "Xe"
    control(view, "mu_nu").value = -10.45
    control(view, "q_sign").value = "−"
    control(view, "abs_q_nu").value = -12.3
    control(view, "charge_radius_cm2").value = 1.55
    control(view, "threshold_keV").value = 0.48
    control(view, "binding").value = "free"
    query = parse_query(url.search())
    assert query["recoil.target"] == "Xe" and float(query["recoil.mu_nu"]) == log_slider_value(-10.45)
    assert float(query["recoil.charge_radius_cm2"]) == pytest.approx(1.55e-32, rel=1e-6, abs=0)
    _, copy = open_link("recoil", url.search())
    assert copy.model.q_nu == -log_slider_value(-12.3)
    assert_same_view("recoil", view, copy)


def test_link_values_are_physical_units():
    _, view = open_link("recoil", "?recoil.mu_nu=2e-11&recoil.threshold_keV=1.5&recoil.flux_cm2_s=1e13")
    s = view.model
    assert s.mu_nu == pytest.approx(2e-11, rel=1e-12, abs=0)
    assert s.threshold_keV == pytest.approx(1.5, rel=1e-12, abs=0)
    assert s.total_flux_cm2_s() == pytest.approx(1e13, rel=1e-12, abs=0)


def test_a_preset_in_a_link_comes_before_the_values_it_sets():
    _, view = open_link("sensitivity", "?sensitivity.mass_kg=10&sensitivity.preset=TEXONO")
    assert view.model.mass_kg == pytest.approx(10.0, rel=1e-9, abs=0)
    preset = VIEWS["sensitivity"]().model.preset("TEXONO")
    assert view.model.target == preset.target


# --- rejected values ------------------------------------------------------------------------
BAD_RECOIL = {
    "recoil.mu_nu": "abc",            # not a number
    "recoil.abs_q_nu": "nan",         # not finite
    "recoil.flux_cm2_s": "1e999",     # overflows to inf
    "recoil.threshold_keV": "1e6",    # beyond the slider (10^-2 .. 10^2 keV)
    "recoil.target": "Unobtainium",   # not an option
    "recoil.mu_on": "maybe",          # not a boolean
    "recoil.exposure_kg_day": "-5",   # below the entry's start
    "recoil.line_energy_MeV": "1" * (MAX_VALUE_CHARS + 1),  # too long to read
    "recoil.nonsense": "1",           # no such field
    "tab": "nowhere",                 # no such tab
    "<script>alert(1)</script>": "x",
}


def test_garbage_link_shows_notice_and_keeps_defaults():
    _, default = open_link("recoil")
    url, view = open_link("recoil", "?" + urllib.parse.urlencode(BAD_RECOIL))
    assert url.messages
    text = url.message_text()
    for key in BAD_RECOIL:
        if key.startswith("<"):
            continue
        assert key.split(".")[-1] in text, key
    assert "<script>" not in text  # user text is escaped
    assert "&lt;script&gt;" in text
    assert url.tab == "recoil"
    assert not view.alert.visible
    assert_same_view("recoil", default, view)
    assert url.query() == {}  # nothing bad is written back


def test_a_value_the_model_refuses_is_reported_and_the_default_kept():
    _, default = open_link("sensitivity")
    url, view = open_link("sensitivity", "?sensitivity.days_on=0&sensitivity.mass_kg=3")
    assert url.messages and "days_on" in url.message_text()
    assert "days_on" in url.message_text() and "model" in url.message_text()
    assert not view.alert.visible
    assert view.model.days_on == default.model.days_on
    assert view.model.mass_kg == pytest.approx(3.0, rel=1e-6, abs=0)  # the good value in the same link is used


def test_oscillation_entry_beyond_the_model_bounds_is_refused():
    url, view = open_link("oscillations", "?oscillations.B_perp_gauss=1e40")
    assert url.messages and "B_perp_gauss" in url.message_text()
    assert view.model.B_perp_gauss == VIEWS["oscillations"]().model.B_perp_gauss


# --- the address the session writes ---------------------------------------------------------
def test_moves_write_the_address_and_defaults_leave_it():
    location = FakeLocation(search="")
    url, view = open_link("recoil", "", location)
    assert location.search == ""
    control(view, "mu_nu").value = -10.0
    assert parse_query(location.search) == {"recoil.mu_nu": "1e-10"}
    url.show_tab("theory")
    assert parse_query(location.search)["tab"] == "theory"
    control(view, "mu_nu").value = -11.0  # back to the default: the key goes
    assert parse_query(location.search) == {"tab": "theory"}


def test_a_move_rereads_its_own_tab_only_and_the_link_stays_the_full_one(monkeypatch):
    """With every tab open, a move recomputes the link from its own tab's widgets (the other
    tabs' parts are kept), and the link is still what reading every widget gives."""
    location = FakeLocation(search="")
    url, recoil = open_link("recoil", "", location)
    theory = VIEWS["theory"]()
    url.attach("theory", theory)
    control(theory, "mu_nu").value = -10.0
    read = []
    original = UrlState._tab_part
    monkeypatch.setattr(UrlState, "_tab_part",
                        lambda self, key: read.append(key) or original(self, key))
    control(recoil, "mu_nu").value = -9.0
    assert read == ["recoil"]
    assert parse_query(location.search) == {"recoil.mu_nu": "1e-09", "theory.mu_nu": "1e-10"}
    url._tab_parts = dict.fromkeys(url._tab_parts)  # every part read again: the same link
    assert url.query() == parse_query(location.search)
    control(theory, "mu_nu").value = -11.0  # back to its default: theory's key goes
    assert read[-1] == "theory" and parse_query(location.search) == {"recoil.mu_nu": "1e-09"}


def test_the_browser_address_is_replaced_by_the_clean_one():
    location = FakeLocation(search="?recoil.mu_nu=2e-11&junk=1")
    url, view = open_link("recoil", location.search, location)
    assert parse_query(location.search) == {"recoil.mu_nu": "2e-11"}
    location.search = "?recoil.mu_nu=2e-11&junk=1"  # the page reports its address on connect
    assert parse_query(location.search) == {"recoil.mu_nu": "2e-11"}


def test_values_for_a_tab_not_opened_yet_stay_in_the_link():
    location = FakeLocation()
    url, _ = open_link("recoil", "?theory.mu_nu=1e-12&tab=recoil", location)
    assert parse_query(location.search) == {"theory.mu_nu": "1e-12"}
    theory = VIEWS["theory"]()
    url.attach("theory", theory)
    assert theory.model.mu_nu == pytest.approx(1e-12, rel=1e-12, abs=0)
    assert parse_query(location.search) == {"theory.mu_nu": "1e-12"}


def test_tab_from_the_link_is_the_active_tab():
    url = UrlState("?tab=oscillations", FIELDS)
    assert url.tab == "oscillations"
    url = UrlState("", FIELDS)
    assert url.tab == "recoil" and url.query() == {}


def test_app_builds_outside_a_server():
    app = pytest.importorskip("dashboard.app").create_app()
    assert app is not None


# --- fuzzing: random query strings never break a session ------------------------------------
def _query_strategy(key):
    names = [f"{key}.{f.name}" for f in FIELDS[key]]
    values = st.one_of(
        st.text(max_size=12),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(-10**30, 10**30).map(str),
        st.sampled_from(["true", "false", "0", "1", "+", "−", "Xe", "free", "True", "None", ""]))
    keys = st.one_of(st.sampled_from(names + ["tab"]), st.text(max_size=10))
    return st.dictionaries(keys, values, max_size=6)


@pytest.mark.parametrize("key", ["recoil", "oscillations"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_links_open_a_working_view(key, data):
    query = data.draw(_query_strategy(key))
    location = FakeLocation()
    url, view = open_link(key, "?" + urllib.parse.urlencode(query), location)
    assert not view.alert.visible, view.alert.object  # the model holds what is plotted
    used = {k for k in query if k in parse_query(location.search)}
    # A key left out of the clean link was refused (a message) or set its field to the default
    # (the link keeps non-default values only; e.g. oscillations.mu12=0, found by this test).
    fresh = VIEWS[key]()
    at_default = {f"{key}.{f.name}" for f in FIELDS[key]
                  if widget_of(view, f.widget).value == widget_of(fresh, f.widget).value}
    assert url.messages or (set(query) - {"tab"} - used) <= at_default or "tab" in query
    # The clean link the session wrote reproduces this view.
    _, copy = open_link(key, location.search)
    assert_same_view(key, view, copy)


def test_a_default_value_in_a_link_is_used_and_left_out_of_the_clean_link():
    location = FakeLocation()
    url, view = open_link("oscillations", "?oscillations.mu12=0&oscillations.mu1=2e-12", location)
    assert not url.messages and view.model.mu12 == 0.0
    assert parse_query(location.search) == {"oscillations.mu1": "2e-12"}


@pytest.mark.parametrize("query", [
    # log slider off its step: 6 digits came back 1.5e-8 off in log10
    "oscillations.density_g_cm3=3303858201391096",
    # B written with 12 digits moved the fast phase mu B x: probabilities 6e-4 off
    "oscillations.B_perp_gauss=1236300466729.0",
])
def test_values_off_the_slider_steps_are_reproduced_by_the_clean_link(query):
    """Found by the link fuzzing: the clean link now writes as many digits as it needs."""
    location = FakeLocation()
    _, view = open_link("oscillations", "?" + query, location)
    _, copy = open_link("oscillations", location.search)
    assert_same_view("oscillations", view, copy)


def test_short_values_keep_short_links():
    location = FakeLocation()
    url, view = open_link("recoil", "?recoil.mu_nu=2e-11", location)
    control(view, "threshold_keV").value = -1.0  # a slider move: 0.1 keV
    assert parse_query(location.search) == {"recoil.mu_nu": "2e-11", "recoil.threshold_keV": "0.1"}


def test_a_number_too_large_for_the_slider_steps_is_refused_with_a_notice():
    """Found by the link fuzzing (CI, hypothesis): 9e294 in units of 1e-12 μ_B overflowed when
    snapped to the slider's step."""
    url, view = open_link("oscillations", "?oscillations.mu1=8.98846567431158e%2B294")
    assert url.messages and "mu1" in url.message_text()
    assert view.model.mu1 == VIEWS["oscillations"]().model.mu1


def _served_document():
    """A Bokeh document as a served session's for ``Deferred`` (it has a session context)
    that records the timeout callbacks it is given (``.timeouts``) instead of running them."""
    from types import SimpleNamespace

    from bokeh.document import Document

    document = Document()
    request = SimpleNamespace(arguments={}, cookies={}, headers={})
    context = SimpleNamespace(id="served", request=request)
    document._session_context = lambda: context  # Bokeh holds it by a weak reference
    document.timeouts = []
    document.add_timeout_callback = lambda callback, delay_ms: document.timeouts.append(callback)
    return document


def test_a_links_values_name_the_downloads_at_once_in_a_served_session():
    """In a served session a rename of the downloads waits 400 ms (a toolbar relayout per
    move, dashboard.export).  A view built with a link's values is not in the page yet: its
    PNG/SVG names and subtitles carry those values at once (a PNG saved right after the page
    opened was named after the defaults: a browser test caught it under load)."""
    from panel.io.state import set_curdoc

    from dashboard.recoil_view import RecoilView

    document = _served_document()
    with set_curdoc(document):
        view = RecoilView()
        url = UrlState("?recoil.mu_nu=2e-11", FIELDS, None)
        url.attach("recoil", view)
    assert document.timeouts  # the renames were deferred, as for any change in a session
    names = [export.save_tool.filename for export in view.exports.values()]
    assert names and all("mu2e-11" in name for name in names), names
    assert view._subtitles and all(s.text == view.subtitle() for s in view._subtitles)
    assert "default parameters" not in view.subtitle()
    for timeout in document.timeouts:  # the timers find nothing left to do
        timeout()
    assert [export.save_tool.filename for export in view.exports.values()] == names
