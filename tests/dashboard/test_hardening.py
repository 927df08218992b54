"""Issue 19: no link, message or header makes the server work for seconds, show foreign
content or fail a session.  Tested as an attacker and as a careless user would, against both
entries (``panel serve dashboard/app.py`` and ``python -m dashboard``, in subprocesses) and an
in-process server (``tests.browser_support.served``) driven by a Bokeh-protocol client
(``tests/ws_client.py``).

1. server CPU of the most expensive link per tab <= 2x the default link's (test_link_cost.py)
2. user text shown literally: no link, image or TeX from a link's values or names
3. a foreign Host is refused (page and websocket) under both entries
4. links never give 500: a second ?, > 4300 digits, odd encodings, Host [::1]
5. out-of-range values over the websocket are refused; the session lives, the link updates
6. ERROR replies carry no traceback (logged on the server instead)
7. a cap on concurrent sessions (503 + Retry-After) and a short life for unconnected ones
"""

from __future__ import annotations

import asyncio
import html
from html.parser import HTMLParser
import logging
import math
import socket
import subprocess
import sys
import time
import urllib.parse
import weakref
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pn = pytest.importorskip("panel")

from bench.load_driver import ServerProcess  # noqa: E402
from dashboard import server_guard, widget_guard  # noqa: E402
from dashboard.tabs import TABS  # noqa: E402
from dashboard.export import file_stem  # noqa: E402
from dashboard.url_state import UrlField, UrlState, parse_query  # noqa: E402
from tests.browser_support import free_port  # noqa: E402
from tests.ws_client import BlockingSession, http_get, run, start_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
VIEWS = {tab.key: tab for tab in TABS}
FIELDS = {key: view.URL_FIELDS for key, view in VIEWS.items()}

PHISH_LINK = ("recoil.mu_nu=[click me](http://127.0.0.9:1/phish)"
              "&recoil.target=![a](http://127.0.0.9:1/t.png)")
# Parameter names (and a tab value) carrying Markdown, HTML, autolinks, emoji codes and TeX.
HOSTILE_NAMES = [
    "[click me](http://127.0.0.9:1/phish)", "recoil.![a](http://127.0.0.9:1/t.png)",
    "<img src=http://127.0.0.9:1/x.png onerror=alert(1)>", "http://127.0.0.9:1/auto",
    "www.evil.example", "$$\\href{http://127.0.0.9:1/tex}{click}$$",
    "\\(\\href{http://e.vil}{x}\\)",
    "**bold** _em_ `code` :smile:", "<script>alert(1)</script>", "line\nbreak\u202eoverride",
]
# Links a careless user or an attacker sends (a browser percent-encodes what it must).
GARBAGE_QUERIES = [
    "recoil.mu_nu=3e-11?x=1",                       # a second ?
    "recoil.mu_nu=" + "1" * 4400,                   # beyond Python's int() limit
    "tab=sensitivity&sensitivity.days_on=" + "9" * 5000,
    "recoil.mu_nu=%ff%fe&recoil.target=%C0%AF",    # invalid UTF-8
    "recoil.mu_nu=%zz&%=1&a%00b=%00",               # malformed escapes, NUL
    "recoil.mu_nu=[1,[2,[3]]]&recoil.target={%22a%22:1}",  # Panel evaluates [ and { values
    "recoil.mu_nu=1e-11&recoil.mu_nu=abc&&&==&tab=",
    "recoil.mu_nu=1e309&recoil.abs_q_nu=-0&recoil.threshold_keV=nan",
    urllib.parse.quote(PHISH_LINK, safe="=&"),
    "tab=" + "x" * 9000,
]
WEBSOCKET_UPGRADE = {"Upgrade": "websocket", "Connection": "Upgrade",
                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"}


def rendered(alert) -> str:
    """The HTML Panel sends to the browser for a Markdown/Alert pane."""
    return html.unescape(alert._transform_object(alert.object)["object"])


SAFE_TAGS = {"p", "strong", "br", "code", "span"}  # what our own notices are made of


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(text: str) -> None:
    """The HTML the browser gets has only our own plain elements, no attribute (no link, image,
    script, event handler), and no MathJax delimiter (MathJax reads the HTML string)."""
    parser = _Elements()
    parser.feed(text)
    for tag, attrs in parser.found:
        assert tag in SAFE_TAGS and not attrs, (tag, attrs, text)
    for delimiter in ("$$", "\\(", "\\["):
        assert delimiter not in text, (delimiter, text)


def assert_clean_log(server: ServerProcess) -> None:
    problems = server.log_problems()
    assert problems["tracebacks"] == 0, "\n".join(problems["traceback_context"][0])
    assert problems["errors"] == [], problems["errors"]


# --- 2. user text shown literally ---------------------------------------------------------------
def test_the_issues_link_shows_its_values_as_text():
    """The reproduction of issue 19: a link and an image in link values."""
    url = UrlState("?" + PHISH_LINK, FIELDS)
    view = VIEWS["recoil"]()
    notice = url.attach("recoil", view)
    text = rendered(notice)
    assert "[click me](http://127.0.0.9:1/phish)" in text  # shown, literally
    assert "![a](http://127.0.0.9:1/t.png)" in text
    assert_inert(text)
    assert notice.disable_math and url.notice.disable_math


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_parameter_names_and_values_are_shown_as_text(name):
    query = urllib.parse.urlencode({name: name, "tab": name, f"recoil.{name}": "1"})
    url = UrlState("?" + query, FIELDS)
    assert len(url.messages) == 3
    text = rendered(url.notice)
    assert_inert(text)
    assert "<strong>Some values" in text  # our own Markdown still renders


def test_text_in_a_notice_cannot_form_tex_delimiters():
    """Even with MathJax on, $ and \\ never stand next to a character they could pair with."""
    from dashboard.url_state import _shown

    shown = html.unescape(_shown("$$x$$ \\(y\\) \\[z\\]"))
    for delimiter in ("$$", "\\(", "\\[", "\\)", "\\]"):
        assert delimiter not in shown


def test_a_refused_browser_value_is_shown_as_text():
    notice = widget_guard.RefusalNotice()
    slider = pn.widgets.FloatSlider(label="[x](http://127.0.0.9:1/a)", start=0, end=1)
    notice(slider, "value", "![i](http://127.0.0.9:1/i.png) $$\\href{http://e.vil}{x}$$",
           "a number")
    assert notice.pane.visible and notice.pane.disable_math
    assert_inert(rendered(notice.pane))


@pytest.mark.parametrize("part", HOSTILE_NAMES)
def test_export_file_names_keep_only_safe_characters(part):
    stem = file_stem("recoil", part, 1e-11)
    assert set(stem) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-")


# --- 4. links never give 500: tolerant parsing ----------------------------------------------------
@pytest.mark.parametrize("query", GARBAGE_QUERIES)
def test_garbage_queries_give_the_notice(query):
    url = UrlState("?" + query, FIELDS)
    for key in {name.partition(".")[0] for name in parse_query("?" + query)} & VIEWS.keys():
        url.attach(key, VIEWS[key]())  # the tabs named: their pending values applied
    assert url.messages
    assert_inert(rendered(url.notice))
    url.search()  # the clean link is written without error


def test_parse_query_keeps_a_second_question_mark_and_bad_escapes_in_the_value():
    assert parse_query("?recoil.mu_nu=3e-11?x=1") == {"recoil.mu_nu": "3e-11?x=1"}
    assert parse_query("?a=%ff") == {"a": "\ufffd"}
    assert parse_query("?" + "a=1&" * 5000) == {}  # longer than MAX_QUERY_CHARS: unread


def _request(uri: str, host: str):
    from bokeh.server.contexts import _RequestProxy
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    request = HTTPServerRequest(start_line=RequestStartLine("GET", uri, "HTTP/1.1"),
                                headers=HTTPHeaders({"Host": host}))
    return _RequestProxy(request)


@pytest.mark.parametrize("uri, host", [
    ("/app?recoil.mu_nu=3e-11?x=1", "127.0.0.1:5006"),
    ("/app?recoil.mu_nu=" + "1" * 4400, "localhost:5006"),
    ("/app?a=[1,2]&b={\"x\":1}", "[::1]:5006"),
    ("/app#frag?x", "::1"),
    ("app?x=1#y#z", "a:b:c:d"),
    ("/app", ""),
])
def test_the_session_location_parses_any_request(uri, host):
    """Panel's Location.from_request raises on these (a second ?, an IPv6 Host, 4300+ digits)."""
    location = server_guard.SafeLocation.from_request(_request(uri, host))
    assert location.pathname.startswith("/")
    assert location.search == "" or location.search.startswith("?")
    assert isinstance(location.query_params, dict)
    assert all(isinstance(v, str) for v in location.query_params.values())


def test_the_location_ignores_non_address_values_from_the_browser():
    location = server_guard.SafeLocation()
    assert location._process_property_change({"search": "no-question-mark", "hash": 5,
                                              "pathname": "/app"}) == {"pathname": "/app"}
    assert location._process_property_change({"search": "?a=1"}) == {"search": "?a=1"}


# --- 5. the link encoder never raises -----------------------------------------------------------
EXTREME_VALUES = [math.inf, -math.inf, math.nan, 1e308, -1e308, 1e6, -400.0, 0.0, -0.0, 5e-324,
                  1000.0, None, True, "text", 10**400]


@pytest.mark.parametrize("key", list(FIELDS))
def test_the_link_encoder_never_raises(key):
    for field in FIELDS[key]:
        for value in EXTREME_VALUES:
            for step in (None, 0.01, 0.05):
                text = field.encode(value, step)
                assert isinstance(text, str) and len(text) <= 100


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.floats(), st.integers(-10**500, 10**500)),
       log10=st.booleans(), scale=st.sampled_from([1.0, 1e-12, 1e-32, math.pi]),
       step=st.one_of(st.none(), st.floats(1e-6, 1.0)))
def test_the_link_encoder_never_raises_for_any_number(value, log10, scale, step):
    text = UrlField("x", "x", log10=log10, scale=scale).encode(value, step)
    assert isinstance(text, str)


# --- 5. out-of-range values from the browser, without a server ----------------------------------
def guarded_view(key):
    """A guarded view of tab ``key``, as the app builds it (widget_guard.guarded); a new one for
    every example, so that no example depends on the ones before it (hypothesis can replay and
    shrink a failure)."""
    view = VIEWS[key]()
    url = UrlState("", FIELDS)
    notice = url.attach(key, view)
    build = widget_guard.guarded(lambda: pn.Column(notice, view.panel()))
    return view, url, build()


def widgets_of(layout):
    return [w for w in layout.select(pn.widgets.Widget) if "value" in w.param]


def hostile_values():
    return st.one_of(st.sampled_from([math.inf, -math.inf, math.nan, 1e6, -400.0, 1000.0, 1e308,
                                      -1e308, 10**30, "x", "", None, [1.0], {"a": 1}, True]),
                     st.floats(), st.text(max_size=20), st.integers(-10**6, 10**6))


@pytest.mark.parametrize("key", list(VIEWS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_browser_values_outside_a_widgets_range_never_reach_the_model(key, data):
    """Any value a websocket could carry, for any widget of the tab, through Panel's own
    handling of browser changes: a valid value is taken, another one is refused (the widget
    keeps its value, the notice tells), nothing raises, and the link is still written."""
    view, url, layout = guarded_view(key)
    widget = data.draw(st.sampled_from(widgets_of(layout)), label="widget")
    value = data.draw(hostile_values(), label="value")
    before = widget.value
    prop = widget._rename.get("value") or "value"  # the Bokeh property: "active" of a button group
    widget._process_events({prop: value})  # as Panel handles a change from the browser
    after = widget.value
    assert (after is before or after == before
            or widget_guard.refusal_reason(widget, "value", after) is None)
    empty_entry = (isinstance(widget, pn.widgets.FloatInput) and isinstance(value, float)
                   and math.isnan(value))  # Panel's wire form of an emptied number entry: None
    if (prop == "value" and not empty_entry
            and widget_guard.refusal_reason(widget, "value", value) is not None):
        assert after is before or after == before  # refused: unchanged
    if isinstance(after, float):
        assert math.isfinite(after)
        start, end = getattr(widget, "start", None), getattr(widget, "end", None)
        if start is not None and end is not None:
            assert start - 1e-9 <= after <= end + 1e-9
    assert "Internal error" not in str(view.alert.object)
    url.search()


def test_a_guarded_slider_refuses_and_keeps_its_value():
    notice = widget_guard.RefusalNotice()
    slider = widget_guard.guard_widget(pn.widgets.FloatSlider(start=-2, end=3, value=0.5), notice)
    for bad in (1000.0, -400.0, math.inf, -math.inf, math.nan):
        slider._process_events({"value": bad})
        assert slider.value == 0.5
    slider._process_events({"value": 2.0})
    assert slider.value == 2.0
    assert len(notice.messages) == 5 and notice.pane.visible


def test_a_guarded_select_refuses_an_empty_choice():
    """Panel turns a browser's empty selection "" into the first option, so a malformed message
    switched the solar tab's detector from Xe to Ge (found by a random-seed run of the
    hypothesis test above).  Refused: the value stays and the notice tells."""
    notice = widget_guard.RefusalNotice()
    select = widget_guard.guard_widget(pn.widgets.Select(options=["Ge", "Si", "Xe"], value="Xe"),
                                       notice)
    select._process_events({"value": ""})
    assert select.value == "Xe" and len(notice.messages) == 1 and notice.pane.visible
    select._process_events({"value": "Si"})
    assert select.value == "Si"
    # an empty option that is offered stays a choice
    offered = widget_guard.guard_widget(pn.widgets.Select(options=["", "a"], value="a"), notice)
    offered._process_events({"value": ""})
    assert offered.value == ""


def test_a_guarded_tab_set_refuses_an_index_past_the_last_tab():
    tabs = widget_guard.guard_widget(pn.Tabs(("a", "x"), ("b", "y")))
    for bad in (2, 99, -1, 1.5):
        tabs._process_events({"active": bad})
        assert tabs.active == 0
    tabs._process_events({"active": 1})
    assert tabs.active == 1


def test_a_guarded_option_widget_refuses_what_it_does_not_offer():
    select = widget_guard.guard_widget(pn.widgets.Select(options=["Ge", "Si"], value="Ge"))
    radio = widget_guard.guard_widget(pn.widgets.RadioButtonGroup(options=["a", "b"], value="a"))
    select._process_events({"value": "<b>Xe</b>"})
    radio._process_events({"active": 7})
    assert select.value == "Ge" and radio.value == "a"
    radio._process_events({"active": 1})
    assert radio.value == "b"


# --- a served app: websocket patches, ERROR replies, Host [::1] ----------------------------------
@pytest.fixture(scope="module")
def app_server():
    """``panel serve dashboard/app.py`` in a subprocess (an in-process server would share
    Bokeh's process-wide current document with the tests that follow in this process)."""
    server = start_server("panel")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def app_url(app_server):
    return app_server.url


@pytest.fixture(scope="module")
def tab_session(app_url):
    """One open session per tab for the module (opened on first use), as a user keeps a tab."""
    sessions = {}

    def session_for(tab: str) -> BlockingSession:
        if tab not in sessions:
            sessions[tab] = BlockingSession(app_url, query=f"tab={tab}").__enter__()
        return sessions[tab]

    yield session_for
    for session in sessions.values():
        session.__exit__(None, None, None)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _notice_texts(doc) -> list[str]:
    return [t for t in doc.texts() if "refused" in t]


def _has_slider(doc, title):
    try:
        doc.slider(title)
        return True
    except LookupError:
        return False


def _slider(session: BlockingSession, title: str) -> tuple[str, float, float]:
    session.wait_for(lambda: _has_slider(session.doc, title), what=f"slider {title}")
    slider = session.read(lambda doc: doc.slider(title))
    return slider, *session.read(lambda doc: (doc.get(slider, "start"), doc.get(slider, "end")))


def _move_and_see_the_link(session: BlockingSession, tab: str, slider: str, start, end):
    """A valid move must reach the link: to a value other than the last one set (the shadow
    document may still hold a refused value the server set back, or never took)."""
    moved = session.__dict__.setdefault("last_valid", {})
    current = moved.get(slider, session.read(lambda doc: doc.get(slider, "value")))
    valid = next(v for v in (round(start + (end - start) * f, 2) for f in (0.37, 0.61))
                 if v != current)
    before = session.read(lambda doc: doc.location_search())
    session.change(slider, "value", valid)
    moved[slider] = valid
    session.wait_for(lambda: session.doc.location_search() != before
                     and f"{tab}." in (session.doc.location_search() or ""), what="the link")


# (tab, slider title, values no slider sends): the issue's cases first.
BAD_PATCHES = [
    ("oscillations", "distance shown", [1e6, -1e6]),
    ("oscillations", "E [MeV]", [1000.0, -400.0, math.nan]),
    ("recoil", "μν", [-math.inf, math.inf, math.nan, -400.0]),
    ("sensitivity", "threshold", [1e6, -math.inf]),
    ("spin_light", "neutrino energy", [math.nan, 1e300]),
    ("theory", "neutrino mass", [-math.inf, 1000.0]),
]


@pytest.mark.parametrize("tab, title, values", BAD_PATCHES)
def test_out_of_range_websocket_values_leave_the_session_working(tab_session, tab, title, values):
    s = tab_session(tab)
    slider, start, end = _slider(s, title)
    good = s.read(lambda doc: doc.get(slider, "value"))
    shown = s.read(_notice_texts)
    errors = len(s.errors)
    for value in values:
        s.change(slider, "value", value)
    s.wait_for(lambda: _notice_texts(s.doc) != shown, what="the refusal notice")
    s.wait_for(lambda: s.doc.get(slider, "value") == good, what="the slider set back")
    notice = s.read(_notice_texts)[-1]
    assert "refused" in notice and title.split()[0] in notice
    _move_and_see_the_link(s, tab, slider, start, end)  # still alive, the link follows
    assert len(s.errors) == errors and not s.closed
    assert not any("Internal error" in t for t in s.read(lambda doc: doc.texts()))


def test_out_of_range_tab_index_over_the_websocket(tab_session):
    s = tab_session("theory")
    tabs = next(i for i in s.read(lambda doc: doc.find("Tabs"))
                if len(s.doc.get(i, "tabs", [])) == len(TABS))
    errors = len(s.errors)
    for bad in (99, -1, 2.5):  # 2.5 is no integer: Bokeh's ERROR reply; the others the guard
        s.change(tabs, "active", bad)
    keys = [tab.key for tab in TABS]
    s.change(tabs, "active", keys.index("oscillations"))
    s.wait_for(lambda: "tab=oscillations" in (s.doc.location_search() or ""), what="link")
    s.change(tabs, "active", keys.index("theory"))
    s.wait_for(lambda: "tab=theory" in (s.doc.location_search() or ""), what="link")
    assert not s.closed and len(s.errors) == errors + 1
    assert all(error["traceback"] is None for error in s.errors)


@st.composite
def websocket_patch(draw):
    tab = draw(st.sampled_from([t for t, _, _ in BAD_PATCHES]))
    title = draw(st.sampled_from([t for k, t, _ in BAD_PATCHES if k == tab]))
    return tab, title, draw(hostile_values())


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(patch=websocket_patch())
def test_random_websocket_values_keep_the_session_alive(tab_session, patch):
    """Fuzzing over the websocket: any value (strings, lists, NaN, huge) for a slider; Bokeh
    refuses what its property cannot hold (an ERROR reply without traceback), the guard what
    the widget cannot; the session answers a valid move afterwards and writes the link."""
    tab, title, value = patch
    s = tab_session(tab)
    slider, start, end = _slider(s, title)
    s.change(slider, "value", value)
    _move_and_see_the_link(s, tab, slider, start, end)
    assert not s.closed
    assert all(e["traceback"] is None for e in s.errors)
    assert not any("Internal error" in t for t in s.read(lambda doc: doc.texts()))


MALFORMED = [
    # (header, metadata, content): an unknown model, an unknown event, events not a list.
    ({"msgid": "m1", "msgtype": "PATCH-DOC"}, {},
     {"events": [{"kind": "ModelChanged", "model": {"id": "p-nope"}, "attr": "value", "new": 1}]}),
    ({"msgid": "m2", "msgtype": "PATCH-DOC"}, {}, {"events": [{"kind": "NoSuchEvent"}]}),
    ({"msgid": "m3", "msgtype": "PATCH-DOC"}, {}, {"events": "not a list"}),
]


def test_error_replies_carry_no_traceback(app_server):
    logged_before = app_server.log_problems()["tracebacks"]
    with BlockingSession(app_server.url) as s:
        for number, message in enumerate(MALFORMED, 1):
            s.send_raw(*message)
            s.wait_for(lambda: len(s.session.errors) >= number, what="the ERROR reply")
        slider = s.read(lambda doc: doc.slider("μν"))
        s.change(slider, "value", "a string")  # a wrong type for the property
        s.wait_for(lambda: len(s.session.errors) > len(MALFORMED), what="the last ERROR")
        assert not s.closed
    for error in s.errors:
        assert error["traceback"] is None
        assert error["text"] == server_guard.ERROR_REPLY_TEXT
        for leak in ("Traceback", "File \"", ".py", "site-packages", str(ROOT)):
            assert leak not in error["text"]
    logged = app_server.log_problems()["tracebacks"] - logged_before
    assert logged >= len(s.errors), "the tracebacks belong in the server log"


def test_host_ipv6_literal_gets_the_page(app_url):
    status, _, body = http_get(_port(app_url), "/app?recoil.mu_nu=3e-11?x=1",
                               f"[::1]:{_port(app_url)}")
    assert status == 200 and b'"token"' in body


@pytest.mark.parametrize("query", [GARBAGE_QUERIES[i] for i in (0, 1, 3, 5, 8)])
def test_garbage_links_open_a_working_session_with_the_notice(app_url, query):
    with BlockingSession(app_url, query=query) as s:
        s.wait_for(lambda: any("were not used" in t for t in s.doc.texts()), what="notice")
        s.wait_for(lambda: len(s.doc.find("ColumnDataSource")) > 0, what="a plot")
        assert s.errors == []
        for text in s.read(lambda doc: doc.texts()):
            assert_inert(text) if "were not used" in text else None
        search = s.read(lambda doc: doc.location_search()) or ""
        assert len(search) < 200  # the clean link, not the garbage


# --- subprocess servers: both entries -------------------------------------------------------------
# Each entry's own way to name a further host: panel serve takes the app's options after --args.
ENTRIES = {"panel": ["--args", "--allow-host", "Class.Example"],
           "module": ["--allow-host", "Class.Example"]}


@pytest.fixture(scope="module", params=list(ENTRIES))
def entry(request):
    """``panel serve dashboard/app.py`` and ``python -m dashboard``, one server each, with a
    name from the command line and one from NUEM_ALLOWED_HOSTS; the first request each gets
    is from a foreign Host (a fresh server must refuse it too)."""
    server = start_server(request.param, ENTRIES[request.param],
                          env={"NUEM_ALLOWED_HOSTS": "nuem.example.org"})
    try:
        server.first_foreign_websocket = run(_foreign_websocket(server.port))
        yield server
    finally:
        server.stop()


async def _foreign_websocket(port: int) -> list:
    """What a websocket from a foreign Host (and its Origin) with a session token it made up
    receives: ["refused: HTTP 403"], or the messages until the server closes it."""
    from bokeh.util.token import generate_jwt_token, generate_session_id
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import WebSocketClosedError, websocket_connect

    host = f"attacker.example:{port}"
    token = generate_jwt_token(generate_session_id(signed=False), signed=False)
    request = HTTPRequest(f"ws://127.0.0.1:{port}/app/ws",
                          headers={"Host": host, "Origin": f"http://{host}"})
    try:
        socket_ = await websocket_connect(request, subprotocols=["bokeh", token])
    except HTTPClientError as error:
        return [f"refused: HTTP {error.code}"]
    from bokeh.client.websocket import WebSocketClientConnectionWrapper
    from bokeh.protocol import Protocol

    received = [await asyncio.wait_for(socket_.read_message(), 30)]  # ACK first, as a browser
    if received[0] is None:
        return []
    try:
        await Protocol().create("PULL-DOC-REQ").send(WebSocketClientConnectionWrapper(socket_))
    except WebSocketClosedError:  # closed by the server after its ACK
        return received
    while (message := await asyncio.wait_for(socket_.read_message(), 30)) is not None:
        received.append(message)
    return received


def test_the_first_request_from_a_foreign_host_is_refused(entry):
    """A fresh server (panel serve has run no app code yet): the first request is a websocket
    from a foreign Host; it is refused, or closed before any document is sent."""
    received = entry.first_foreign_websocket
    assert received == ["refused: HTTP 403"] or not any("PULL-DOC-REPLY" in str(m) or
                                                         "νEM" in str(m) for m in received)
    status, _, body = http_get(entry.port, "/app", f"attacker.example:{entry.port}")
    assert status == 403 and b"refused: unknown host" in body


@pytest.mark.parametrize("host", ["attacker.example", "127.0.0.1.attacker.example",
                                  "localhost.", "evil@127.0.0.1", "[::2]", "0x7f.1"])
@pytest.mark.parametrize("path, extra", [("/app", {}), ("/app/ws", WEBSOCKET_UPGRADE),
                                         ("/static/js/bokeh.min.js", {})])
def test_foreign_hosts_are_refused(entry, host, path, extra):
    port = entry.port
    headers = dict(extra, Origin=f"http://{host}:{port}")
    status, _, body = http_get(port, path, f"{host}:{port}", headers)
    if status == 400:  # Tornado refuses a malformed Host header itself (user@host)
        assert b"Bokeh" not in body and b"token" not in body
    else:
        assert status == 403 and b"refused: unknown host" in body


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "nuem.example.org",
                                  "class.example"])
def test_allowed_hosts_get_the_page(entry, host):
    status, _, body = http_get(entry.port, "/app", f"{host}:{entry.port}")
    assert status == 200 and b'"token"' in body


@pytest.mark.parametrize("query", GARBAGE_QUERIES)
def test_garbage_links_give_200_under_both_entries(entry, query):
    status, _, body = http_get(entry.port, "/app?" + query, f"127.0.0.1:{entry.port}")
    assert status == 200 and b'"token"' in body


def test_no_traceback_in_the_server_log(entry):
    """After the refusals and garbage links above (run before this test)."""
    http_get(entry.port, "/app?" + GARBAGE_QUERIES[0], f"[::1]:{entry.port}")
    assert_clean_log(entry)


@pytest.mark.parametrize("command", [["-m", "dashboard"],
                                     ["-m", "panel", "serve", "dashboard/app.py"]])
def test_both_entries_serve_on_ipv6(command):
    """``python -m dashboard --address ::1`` starts (it crashed: "Invalid host value: ::1:P"),
    and both entries serve the page to Host [::1]:P and admit its websocket Origin [::1]:P
    (which Bokeh's --allow-websocket-origin cannot express)."""
    for _ in range(3):
        port = free_port()
        process = subprocess.Popen([sys.executable, *command, "--address", "::1",
                                    "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    socket.create_connection(("::1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.1)
            if process.poll() is not None:
                continue  # the port was taken meanwhile, or it crashed: the output tells below
            status, _, body = http_get(port, "/app", f"[::1]:{port}", address="::1")
            assert status == 200 and b'"token"' in body
            assert http_get(port, "/app", f"evil.example:{port}", address="::1")[0] == 403
            from tests.ws_client import Session

            async def connect():
                async with Session(f"http://[::1]:{port}") as s:
                    await s.wait_for(lambda: len(s.doc.find("ColumnDataSource")) > 0, what="plot")
                    return s.errors
            assert run(connect()) == []
            return
        finally:
            process.terminate()
            output = process.communicate(timeout=20)[0]
    pytest.fail(f"{' '.join(command)} --address ::1 did not start:\n{output[-3000:]}")


# --- 7. the session cap and the lifetime of unconnected sessions ----------------------------------
@pytest.mark.parametrize("kind, extra", [
    ("panel", ["--args", "--max-sessions", "3", "--unconnected-lifetime", "4"]),
    ("module", ["--max-sessions", "3", "--unconnected-lifetime", "4"]),
])
def test_sessions_beyond_the_cap_get_busy_and_unconnected_ones_expire(kind, extra):
    server = start_server(kind, extra)
    try:
        port, host = server.port, f"127.0.0.1:{server.port}"
        # A fresh server's first request is a page for a foreign Host: 403, no session.
        status, _, body = http_get(port, "/app", f"attacker.example:{port}")
        assert status == 403 and b"refused: unknown host" in body and b"token" not in body
        with BlockingSession(server.url) as user:  # a user who stays
            user.wait_for(lambda: len(user.doc.find("ColumnDataSource")) > 0, what="plot")
            # Page loads that never open their websocket: each builds a whole session.
            assert http_get(port, "/app", host)[0] == 200
            assert http_get(port, "/app", host)[0] == 200
            status, headers, body = http_get(port, "/app", host)
            assert status == 503 and headers.get("Retry-After") == str(server_guard.RETRY_AFTER_S)
            assert b"busy" in body and b"retry" in body.lower() and b"Bokeh" not in body
            # A websocket for a session that does not exist would build one too.
            status = http_get(port, "/app/ws", host, {
                **WEBSOCKET_UPGRADE, "Origin": f"http://{host}",
                "Sec-WebSocket-Protocol": "bokeh, x.y.z"})[0]
            assert status == 503
            # The unconnected sessions go after 4 s (checked every second): pages again.
            deadline = time.monotonic() + 20
            while http_get(port, "/app", host)[0] != 200:
                assert time.monotonic() < deadline, "unconnected sessions were not discarded"
                time.sleep(0.5)
            # The user's session, connected all along, was kept and still works.
            slider = user.read(lambda doc: doc.slider("μν"))
            user.change(slider, "value", -10.0)
            user.wait_for(lambda: "mu_nu=1e-10" in (user.doc.location_search() or ""),
                          what="the link")
            assert not user.closed and user.errors == []
        assert_clean_log(server)
    finally:
        server.stop()


def test_settings_from_options_and_environment():
    settings = server_guard.settings_from(
        ["--allow-host", "A.Example", "--max-sessions", "7"],
        environ={"NUEM_ALLOWED_HOSTS": "b.example, C.example:8080", "NUEM_MAX_SESSIONS": "9",
                 "NUEM_UNCONNECTED_LIFETIME_S": "4"},
        names=server_guard.origin_names(["d.example:80", "*.wild:5006", "[::1]:5006"]))
    assert {"a.example", "b.example", "c.example", "d.example", "[::1]", "localhost",
            "127.0.0.1"} <= settings.allowed_names
    assert not any("*" in name for name in settings.allowed_names)
    assert settings.max_sessions == 7 and settings.unconnected_lifetime_s == 4.0
    assert server_guard.settings_from([], environ={}).max_sessions == 200
    with pytest.raises(ValueError):
        server_guard.settings_from(["--max-sessions", "0"], environ={})


class _FakeSessionContext:
    """Just what server_guard reads of a Bokeh session context (no server around it)."""

    id = "fake-session"
    server_context = None

    def __init__(self, host: str):
        self.request = _request("/app?recoil.mu_nu=3e-11?x=1", host)


def _in_fake_session(host: str, build):
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    doc, context = Document(), _FakeSessionContext(host)
    doc._session_context = weakref.ref(context)  # what Bokeh's server sets
    with set_curdoc(doc):
        return server_guard.protected(build)(), doc


def test_an_app_that_fails_to_build_shows_no_traceback(caplog):
    """Panel shows the traceback of a failing app function in the page; the app shows a
    short text and logs the traceback."""
    def broken():
        raise RuntimeError("secret detail /srv/app/path.py")

    with caplog.at_level(logging.ERROR, logger="dashboard.server_guard"):
        shown, _ = _in_fake_session("127.0.0.1:5006", broken)
    assert shown.object == server_guard.INTERNAL_ERROR_TEXT
    assert any(r.exc_info and "secret detail" in str(r.exc_info[1]) for r in caplog.records)


def test_a_foreign_host_gets_no_app_built():
    built = []
    shown, doc = _in_fake_session("attacker.example:5006", lambda: built.append(1))
    assert built == [] and "refused: unknown host" in shown.object
    assert isinstance(pn.state._locations[doc], server_guard.SafeLocation)  # tolerant parsing
