"""The app protects itself, whichever command serves it: ``panel serve`` or ``python -m dashboard``.

:func:`protected` wraps the function that builds a session (``create_app``).  Before anything
is built it

* refuses a session whose request Host is not an allowed name (DNS rebinding: ``panel serve``
  has no Host check of its own): a short "refused: unknown host" page, no app built;
* refuses a session beyond the cap on concurrent sessions: "busy, retry";
* gives the session a :class:`SafeLocation`, which parses the request's address tolerantly
  (Panel's own ``Location`` raises on a second ``?``, on ``Host: [::1]:P`` and on a number of
  more than 4300 digits, and the page then fails with HTTP 500 or a broken app).

and once per server (Tornado application) it installs, with :func:`protect_server`,

* routing rules in front of Bokeh's handlers: any request (page, websocket, resources) with a
  foreign Host gets 403, and a new page beyond the cap gets 503 with ``Retry-After``;
* a short lifetime for sessions whose page never opened its websocket (a page load that never
  connects builds a whole session; Bokeh would keep it 15-32 s);
* ERROR replies to malformed websocket messages without the server's traceback (Bokeh sends
  it to the client; it is logged on the server instead);
* writes of Panel's messages that survive a browser leaving mid-message or another message on
  its way, and a websocket close after Bokeh's keep-alive ping released the connection
  without Bokeh's assertion error.

After building, every widget of the app's own layout is guarded against out-of-range values
from the browser (:mod:`dashboard.widget_guard`; the tabs built later guard themselves).

Settings (same names for both commands): allowed Host names are localhost, 127.0.0.1, [::1],
the names of Bokeh's websocket-origin allow-list (``--allow-websocket-origin``), the names in
``NUEM_ALLOWED_HOSTS`` (comma-separated) and ``--allow-host NAME`` (``panel serve
dashboard/app.py --args --allow-host NAME``); the cap is ``--max-sessions N`` or
``NUEM_MAX_SESSIONS`` (default 200); the lifetime of a session that never connects is
``--unconnected-lifetime S`` or ``NUEM_UNCONNECTED_LIFETIME_S`` (default 10 s).
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import json
import logging
import os
import sys
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

import panel as pn
import param
from panel.io.location import Location
from tornado import routing, web, websocket
from tornado.ioloop import IOLoop, PeriodicCallback

from .host_check import LOCAL_NAMES, REFUSED_BODY, host_name, split_host
from .url_state import MAX_QUERY_CHARS, parse_query

log = logging.getLogger(__name__)

ENV_ALLOWED_HOSTS = "NUEM_ALLOWED_HOSTS"
ENV_MAX_SESSIONS = "NUEM_MAX_SESSIONS"
ENV_UNCONNECTED_LIFETIME_S = "NUEM_UNCONNECTED_LIFETIME_S"
DEFAULT_MAX_SESSIONS = 200  # well above a class; a session holds ~15 MB
# A page's websocket opens within a second or two; under a burst of page loads (one process
# builds them one after the other) it can wait several seconds more.  A session discarded too
# early is built again when its websocket comes, which works but costs a second build.
DEFAULT_UNCONNECTED_LIFETIME_S = 10.0
RETRY_AFTER_S = 30
CHECK_PERIOD_MS = 1000  # how often sessions that never connected are looked for

REFUSED_HOST_TEXT = REFUSED_BODY.decode()  # as python -m dashboard's filter answers
BUSY_TEXT = "busy: too many open sessions, please retry in a minute\n"
BUSY_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>busy, retry</title>"
             "</head><body><p>The server is busy: too many open sessions. "
             "Please retry in a minute.</p></body></html>\n")
ERROR_REPLY_TEXT = "the server could not handle this message (details in the server log)"
INTERNAL_ERROR_TEXT = "internal error: the app could not be built (details in the server log)"


# --- settings -------------------------------------------------------------------------------

@dataclass(frozen=True)
class GuardSettings:
    allowed_names: frozenset[str]
    max_sessions: int = DEFAULT_MAX_SESSIONS
    unconnected_lifetime_s: float = DEFAULT_UNCONNECTED_LIFETIME_S


def argument_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The options shared by ``python -m dashboard`` and ``panel serve ... --args``."""
    parser = parser or argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a further host name the page may be reached by (e.g. the name a "
                             "reverse proxy serves it under); also NUEM_ALLOWED_HOSTS=a,b")
    parser.add_argument("--max-sessions", type=int, default=None, metavar="N",
                        help=f"concurrent sessions per process before new pages get 503 "
                             f"(default {DEFAULT_MAX_SESSIONS}; also NUEM_MAX_SESSIONS)")
    parser.add_argument("--unconnected-lifetime", type=float, default=None, metavar="S",
                        help="seconds a session whose page never opened its websocket is kept "
                             f"(default {DEFAULT_UNCONNECTED_LIFETIME_S:g}; also "
                             "NUEM_UNCONNECTED_LIFETIME_S)")
    return parser


def _names(text: str) -> list[str]:
    return [name.strip().lower() for name in text.replace(",", " ").split() if name.strip()]


def origin_names(websocket_origins: Iterable[str]) -> list[str]:
    """The host names of Bokeh's websocket-origin allow-list (``name:port``), wildcards left out."""
    return [split_host(origin)[0] for origin in websocket_origins
            if origin and "*" not in origin]


def settings_from(argv: list[str] | None = None, environ=None, names: Iterable[str] = (),
                  max_sessions: int | None = None,
                  unconnected_lifetime_s: float | None = None) -> GuardSettings:
    """Settings from command-line options (``argv``), the environment and further ``names``;
    explicit arguments win over options, options over the environment."""
    environ = os.environ if environ is None else environ
    options, _ = argument_parser().parse_known_args(argv or [])
    if max_sessions is None:
        max_sessions = options.max_sessions
    if max_sessions is None:
        max_sessions = int(environ.get(ENV_MAX_SESSIONS) or DEFAULT_MAX_SESSIONS)
    if unconnected_lifetime_s is None:
        unconnected_lifetime_s = options.unconnected_lifetime
    if unconnected_lifetime_s is None:
        unconnected_lifetime_s = float(environ.get(ENV_UNCONNECTED_LIFETIME_S)
                                       or DEFAULT_UNCONNECTED_LIFETIME_S)
    if max_sessions < 1 or not unconnected_lifetime_s > 0:
        raise ValueError("--max-sessions must be >= 1 and --unconnected-lifetime > 0")
    extra = (*names, *options.allow_host, *_names(environ.get(ENV_ALLOWED_HOSTS, "")))
    allowed = {*LOCAL_NAMES, *(host_name(name) for name in extra)}
    return GuardSettings(frozenset(allowed), max_sessions, float(unconnected_lifetime_s))


# --- the server: routing rules, session lifetime, error replies -----------------------------

class _ProtectedApp:
    """What :func:`protect_server` installed on one Tornado application."""

    def __init__(self, app, settings: GuardSettings):
        self.app = weakref.ref(app)
        self.settings = settings
        self.first_seen: dict[str, float] = {}  # session id -> when first seen unconnected
        self.connected: set[str] = set()  # ids of sessions that had a websocket
        self.refused: dict[str, float] = {}  # ids of sessions refused while being built -> when
        self.reaper: PeriodicCallback | None = None

    def live_sessions(self) -> int:
        """Sessions counted against the cap (a refused session's stub is not one)."""
        app = self.app()
        if app is None:
            return 0
        return sum(session.id not in self.refused
                   for path in app.app_paths for session in app.get_sessions(path))

    def over_capacity(self) -> bool:
        return self.live_sessions() >= self.settings.max_sessions

    def expire_unconnected(self) -> None:
        """Mark for discarding the sessions whose page never opened a websocket in time
        (Bokeh's cleanup job, run every ``CHECK_PERIOD_MS``, then discards them)."""
        app = self.app()
        if app is None:
            return
        now, seen = time.monotonic(), set()
        for path in app.app_paths:
            for session in app.get_sessions(path):
                seen.add(session.id)
                if session.id in self.refused:
                    if session.connection_count == 0 and not session.expiration_requested:
                        session.request_expiration()  # a refused session's stub: at once
                elif session.connection_count > 0:
                    self.connected.add(session.id)
                elif session.id not in self.connected:
                    first = self.first_seen.setdefault(session.id, now)
                    if (now - first > self.settings.unconnected_lifetime_s
                            and not session.expiration_requested):
                        log.info("session %s never connected in %.0f s: discarded", session.id,
                                 self.settings.unconnected_lifetime_s)
                        session.request_expiration()
        self.connected &= seen
        # (a refused id is known before Bokeh registers its session: kept a minute unseen)
        self.refused = {sid: t for sid, t in self.refused.items() if sid in seen or now - t < 60}
        self.first_seen = {sid: t for sid, t in self.first_seen.items() if sid in seen}


_protected: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # tornado app -> _ProtectedApp


class _ForeignHost(routing.Matcher):
    def __init__(self, allowed: frozenset[str]):
        self.allowed = allowed

    def match(self, request):
        return None if host_name(request.host or "") in self.allowed else {}


class _NewSessionBeyondCap(routing.Matcher):
    """A request that would build a new session (a page, its autoload script, a websocket
    for a session that does not exist) while the cap is reached."""

    def __init__(self, guard: _ProtectedApp):
        self.guard = guard

    def match(self, request):
        app = self.guard.app()
        if app is None or request.method != "GET":
            return None
        path = request.path.rstrip("/") or "/"
        for app_path in app.app_paths:
            base = app_path.rstrip("/") or "/"
            if path in (base, base + "/autoload.js"):
                return {} if self.guard.over_capacity() else None
            if path == base.rstrip("/") + "/ws":
                if self._session_exists(app, app_path, request):
                    return None
                return {} if self.guard.over_capacity() else None
        return None

    @staticmethod
    def _session_exists(app, app_path: str, request) -> bool:
        from bokeh.util.token import get_session_id

        header = request.headers.get("Sec-WebSocket-Protocol", "")  # "bokeh, <token>"
        protocols = [p.strip() for p in header.split(",")]
        for token in protocols[1:]:
            try:
                app.get_session(app_path, get_session_id(token))
                return True
            except Exception:  # noqa: BLE001  (a malformed token or no such session)
                continue
        return False


class _ShortReply(web.RequestHandler):
    """Answers every request with one status and a short body (no Bokeh, no session)."""

    def initialize(self, status: int, body: str, summary: str, content_type: str = "text/plain",
                   headers: dict | None = None):
        self.status, self.body, self.summary = status, body, summary
        self.content_type, self.extra_headers = content_type, headers or {}

    def prepare(self):
        self.set_status(self.status)
        self.set_header("Content-Type", f"{self.content_type}; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        for key, value in self.extra_headers.items():
            self.set_header(key, value)
        self.finish(self.body)

    def check_xsrf_cookie(self):  # a refusal needs no cookie
        return None

    def _log(self):
        # Tornado logs every 5xx at ERROR; a busy refusal is expected: a warning.
        logging.getLogger("tornado.access").warning(
            "%d %s (%s): %s", self.get_status(), self._request_summary(),
            self.request.remote_ip, self.summary)


def protect_server(app, settings: GuardSettings) -> bool:
    """Install the routing rules, the unconnected-session lifetime and the short ERROR replies
    on a Bokeh Tornado application (``bokeh.server.tornado.BokehTornado``); False if it was
    protected already (the first settings stay)."""
    if app in _protected:
        return False
    guard = _protected[app] = _ProtectedApp(app, settings)
    router = app.default_router  # Tornado consults its rules in order, Bokeh's last
    router.rules[:0] = [
        router.process_rule(routing.Rule(_ForeignHost(settings.allowed_names), _ShortReply,
                                         {"status": 403, "body": REFUSED_HOST_TEXT,
                                          "summary": "refused: unknown host"})),
        router.process_rule(routing.Rule(_NewSessionBeyondCap(guard), _ShortReply,
                                         {"status": 503, "body": BUSY_PAGE,
                                          "summary": "busy: session cap reached",
                                          "content_type": "text/html",
                                          "headers": {"Retry-After": str(RETRY_AFTER_S)}})),
    ]
    # Bokeh discards unused sessions in a job that runs every 17 s by default: run it every
    # second, so that a session marked by the reaper goes at once (one cleanup job only, so
    # that no session is discarded twice).
    cleanup = getattr(app, "_cleanup_job", None)
    if cleanup is not None:
        cleanup.callback_time = min(cleanup.callback_time, CHECK_PERIOD_MS)
    guard.reaper = PeriodicCallback(guard.expire_unconnected, CHECK_PERIOD_MS)
    # Started in an empty context: the timer would otherwise keep a copy of this session's
    # context variables (Panel's current document) and with it the session's whole document,
    # for the life of the server.  On the current IOLoop: the server's.
    contextvars.Context().run(guard.reaper.start)
    install_short_error_replies()
    install_writes_to_closed_sockets()
    install_pending_message_writes()
    install_close_after_keep_alive()
    install_restoring_patch_curdoc()
    log.info("server protected: hosts %s, at most %d sessions, unconnected sessions kept %g s",
             sorted(settings.allowed_names), settings.max_sessions,
             settings.unconnected_lifetime_s)
    return True


def allow_bracketed_origins(app, names: Iterable[str], port: int) -> None:
    """Admit websocket Origins of IPv6 literal names (``[::1]:port``).  Bokeh refuses to parse
    them in ``--allow-websocket-origin``, but compares an Origin with its allow-list as a
    plain string, so they can be added to the list it built."""
    for name in names:
        if name.startswith("["):
            app.websocket_origins.add(f"{name}:{port}")


def install_short_error_replies() -> None:
    """Bokeh answers a websocket message it cannot handle with an ERROR message that carries
    the server's traceback (paths, versions, code).  Replace it by a short text; the
    traceback is still logged on the server (``bokeh.server.protocol_handler`` logs it at
    ERROR before replying).  Process-wide, installed once."""
    from bokeh.server.connection import ServerConnection

    if getattr(ServerConnection.error, "_short_reply", False):
        return

    def error(self, message, text):
        reply = self.protocol.create("ERROR", message.header["msgid"], ERROR_REPLY_TEXT)
        reply.content["traceback"] = None
        return reply

    error._short_reply = True
    ServerConnection.error = error


def _dispatch_tornado(conn, events=None, msg=None) -> list:
    """Panel's ``panel.io.document.dispatch_tornado`` (Panel 1.9), except that a browser that
    has gone between two frames of a message ends the message instead of raising."""
    from tornado.websocket import WebSocketClosedError, WebSocketHandler

    socket = conn._socket
    ws_connection = getattr(socket, "ws_connection", False)
    if not ws_connection or ws_connection.is_closing():
        return []
    if msg is None:
        if not events:
            return []
        msg = conn.protocol.create("PATCH-DOC", events)
    frames = [(msg.header_json, False), (msg.metadata_json, False), (msg.content_json, False)]
    for buffer in msg._buffers:
        frames += [(json.dumps(buffer.ref), False), (buffer.to_bytes(), True)]
    futures = []
    for frame, binary in frames:
        try:
            futures.append(WebSocketHandler.write_message(socket, frame, binary=binary))
        except WebSocketClosedError:  # the frames written fail too: Panel awaits and logs them
            log.warning("a message to a browser that left was dropped")
            break
    return futures


def install_writes_to_closed_sockets() -> None:
    """Panel writes each message to a browser as several websocket frames.  When the browser
    leaves while they are written (the first write finds the connection closed), the next
    write raises out of Panel's write task and the frames already written are never awaited:
    two "Task exception was never retrieved" ERROR records, a few per 30-user load run
    (bench/bench_load.py) as users close their pages while a redraw is on its way.  Here the
    message ends at the closed connection and the frames written are awaited by Panel
    (``_run_write_futures``, which logs a closed connection as a warning, as Bokeh does).
    Process-wide, installed once; ``PANEL_DISPATCH_API`` is checked by the tests."""
    import panel.io.document as panel_document

    if panel_document.dispatch_tornado is not _dispatch_tornado:
        global _PANEL_DISPATCH_TORNADO
        _PANEL_DISPATCH_TORNADO = panel_document.dispatch_tornado
        panel_document.dispatch_tornado = _dispatch_tornado


_PANEL_DISPATCH_TORNADO = None  # Panel's own, once replaced


async def _dispatch_msgs(doc) -> None:
    """Panel's ``panel.io.document._dispatch_msgs`` (Panel 1.9), except that no message is
    left waiting: it also runs when messages wait but the document's write block was lifted,
    and it lifts the block only when no message was scheduled while it wrote."""
    import asyncio

    import panel.io.document as panel_document
    from tornado.websocket import WebSocketHandler

    waiting = panel_document._WRITE_MSGS
    if doc not in panel_document._WRITE_BLOCK and not waiting.get(doc):
        return
    remaining, futures = {}, []
    for conn, msgs in waiting.pop(doc, {}).items():
        socket = conn._socket
        if hasattr(socket, "write_lock") and socket.write_lock._block._value == 0:
            remaining[conn] = msgs  # Bokeh is writing to this browser: later
            continue
        for msg in msgs:
            if isinstance(socket, WebSocketHandler):
                futures += panel_document.dispatch_tornado(conn, msg=msg)
            elif (socket_type := type(socket)) in panel_document.extra_socket_handlers:
                futures += panel_document.extra_socket_handlers[socket_type](conn, msg=msg)
            else:
                futures += panel_document.dispatch_django(conn, msg=msg)
    if futures:
        written = panel_document._WRITE_FUTURES
        written[doc] = written.get(doc, []) + futures
        await panel_document._run_write_futures(doc)
    if not remaining and not waiting.get(doc):
        panel_document._WRITE_BLOCK.pop(doc, None)
        return
    for conn, msgs in remaining.items():
        waiting.setdefault(doc, {})
        waiting[doc][conn] = msgs + waiting[doc].get(conn, [])
    await asyncio.sleep(0.01)
    panel_document._dispatch_write_task(doc, _dispatch_msgs, doc)


def install_pending_message_writes() -> None:
    """Messages Panel could not write at once (another message was on its way to the browser)
    wait in ``_WRITE_MSGS`` for its ``_dispatch_msgs`` task.  Panel's task returns at once when
    the document's write block is off, and lifts the block once the messages it took are
    written, also when others were scheduled meanwhile; when a write completed in the same
    turn of the event loop as a new message was scheduled, that message stayed unsent until
    the session's next change (reproduced in tests/dashboard/test_closed_sockets.py).  Found
    while chasing a tab switch in the 30-user load bench whose tab never came (once in a few
    runs; the browser would show "Building this tab…" until the user did something else): a
    possible cause of some of those, not a proven one.  Process-wide, installed once;
    ``PANEL_DISPATCH_API`` is checked by the tests."""
    import panel.io.document as panel_document

    if panel_document._dispatch_msgs is not _dispatch_msgs:
        global _PANEL_DISPATCH_MSGS
        _PANEL_DISPATCH_MSGS = panel_document._dispatch_msgs
        panel_document._dispatch_msgs = _dispatch_msgs


_PANEL_DISPATCH_MSGS = None  # Panel's own, once replaced


# What _dispatch_tornado and _dispatch_msgs replace and rely on (Panel 1.9):
# tests/dashboard/test_closed_sockets.py.
PANEL_DISPATCH_API = {
    "dispatch_tornado": ("conn", "events", "msg"),
    "_run_write_futures": ("doc",),
    "_dispatch_msgs": ("doc",),
    "_dispatch_write_task": ("doc", "func", "args", "kwargs"),
    "dispatch_django": ("conn", "events", "msg"),
    "schedule_write_events": ("doc", "connections", "events"),
}


def _on_close_after_keep_alive(self) -> None:
    """Bokeh's ``WSHandler.on_close``, except for a connection whose session Bokeh's keep-alive
    already let go: that one is only forgotten (again), without Bokeh's assertion error."""
    connection = self.connection
    if connection is not None and connection._session is None:
        log.info("WebSocket connection closed: code=%s, reason=%r (already released by Bokeh's "
                 "keep-alive ping)", self.close_code, self.close_reason)
        self.application.client_lost(connection)
        return
    _BOKEH_ON_CLOSE(self)


def install_close_after_keep_alive() -> None:
    """Bokeh pings every browser every 37 s (``BokehTornado._keep_alive``).  A ping to a socket
    whose browser has just sent its close frame fails, and Bokeh then releases the connection
    (``client_lost``: its session is detached) before Tornado calls ``WSHandler.on_close``,
    whose ``connection.session`` asserts that the session is still there: an "Uncaught
    exception GET /app/ws" ERROR with an AssertionError traceback in the server log (once in a
    2-round 30-user load run, bench/README.md, "Load"; Bokeh 3.9).  The browser had left; only
    the log was wrong.  Here such a close only forgets the connection.  Process-wide, installed
    once (tests/dashboard/test_closed_sockets.py)."""
    from bokeh.server.views.ws import WSHandler

    if WSHandler.on_close is not _on_close_after_keep_alive:
        global _BOKEH_ON_CLOSE
        _BOKEH_ON_CLOSE = WSHandler.on_close
        WSHandler.on_close = _on_close_after_keep_alive


_BOKEH_ON_CLOSE = None  # Bokeh's own, once replaced

# The modules that call Bokeh's patch_curdoc (Bokeh 3.9, Panel 1.9): the callback runner of
# every session callback and browser message, and the app handlers (imported by name there).
PATCH_CURDOC_USERS = ("bokeh.io.doc", "bokeh.application.handlers.code", "panel.io.handlers")


@contextlib.contextmanager
def restoring_patch_curdoc(doc):
    """Bokeh's ``patch_curdoc`` (``curdoc()`` is ``doc`` inside the block), restoring the
    previous ``curdoc()`` also when the block raises."""
    from bokeh.io import doc as bokeh_doc

    stack = bokeh_doc._PATCHED_CURDOCS
    depth = len(stack)
    stack.append(weakref.ref(doc))
    del doc  # as Bokeh's: the stack holds the document weakly
    try:
        yield
    finally:
        del stack[depth:]


def install_restoring_patch_curdoc() -> None:
    """Bokeh's ``patch_curdoc`` pops the document it pushed only when its block ends without an
    exception (Bokeh 3.9: no ``finally``).  Every session callback and every browser message
    runs in such a block (``invoke_with_curdoc``), so one callback that raised left that
    session's document as ``curdoc()`` of the whole process: later code asking for the current
    document outside a session's own block (Panel's ``state.curdoc`` falls back to it) got
    another session's document, and once that one was collected, a RuntimeError ("Patched
    curdoc has been previously destroyed").  Process-wide, installed once
    (tests/dashboard/test_patched_curdoc.py)."""
    import importlib

    global _BOKEH_PATCH_CURDOC
    for name in PATCH_CURDOC_USERS:
        module = importlib.import_module(name)
        if module.patch_curdoc is not restoring_patch_curdoc:
            _BOKEH_PATCH_CURDOC = _BOKEH_PATCH_CURDOC or module.patch_curdoc
            module.patch_curdoc = restoring_patch_curdoc


_BOKEH_PATCH_CURDOC = None  # Bokeh's own, once replaced


def protection_of(app) -> GuardSettings | None:
    guard = _protected.get(app)
    return guard.settings if guard else None


# --- the session ----------------------------------------------------------------------------

class SafeLocation(Location):
    """Panel's ``Location`` that never raises on what a link or a browser sends.

    Built from the request by :meth:`from_request` (any Host, any request target); its
    ``query_params`` are strings parsed by :func:`dashboard.url_state.parse_query` (Panel
    converts digits with ``int()``, which raises beyond 4300 digits, and evaluates values
    that start with ``[`` or ``{``); changes from the browser that are not an address part
    (``search`` must start with ``?``, ``hash`` with ``#``) are ignored.
    """

    @classmethod
    def from_request(cls, request):
        params = {}
        try:
            raw = request._request
        except AttributeError:
            raw = None
        if raw is not None:
            protocol, host, uri = (getattr(request, name, None) or "" for name in
                                   ("protocol", "host", "uri"))
            name, port = split_host(host)
            path, _, rest = uri.partition("?")
            query, _, fragment = rest.partition("#")
            if "#" in path:
                path, _, fragment = path.partition("#")
            params = {"protocol": f"{protocol}:" if protocol else "", "hostname": name,
                      "port": port, "href": f"{protocol}://{host}{uri}"[:2 * MAX_QUERY_CHARS],
                      "pathname": path if path.startswith("/") else "/" + path,
                      "search": f"?{query}" if query else "",
                      "hash": f"#{fragment}" if fragment else ""}
        location = cls()
        with pn.util.edit_readonly(location):
            location.param.update(**{k: v[:2 * MAX_QUERY_CHARS] for k, v in params.items()})
        return location

    @property
    def query_params(self) -> dict:
        return parse_query(self.search)

    @param.depends("pathname", watch=True)
    def _sync_pathname(self):
        if pn.state.curdoc is not None:  # Panel's version needs a document (not so in tests)
            super()._sync_pathname()

    def _process_property_change(self, msg):
        params = super()._process_property_change(msg)
        checks = {"search": "?", "hash": "#", "pathname": "/"}
        kept, dropped = {}, []
        for name, value in params.items():
            prefix = checks.get(name)
            if prefix is not None and not (isinstance(value, str) and len(value) <= MAX_QUERY_CHARS
                                           and (value == "" or value.startswith(prefix))):
                log.info("ignored %s = %.80r from the browser", name, value)
                dropped.append(name)
                continue
            kept[name] = value
        if dropped:  # the browser shows the address the session keeps
            from .widget_guard import _restore_soon

            _restore_soon(self, dropped)
        return kept


def session_location(doc=None) -> SafeLocation | None:
    """The session's :class:`SafeLocation`, registered as Panel's location of the document
    (what ``pn.state.location`` returns; None outside a server session)."""
    doc = doc or pn.state.curdoc
    if doc is None or doc.session_context is None:
        return None
    locations = pn.state._locations  # Panel's per-document locations (no public setter)
    if not isinstance(locations.get(doc), SafeLocation):
        locations[doc] = SafeLocation.from_request(doc.session_context.request)
    return locations[doc]


def _request_handler_on_stack():
    """The Tornado request handler whose request is building this session (the page's
    ``GET``, or the websocket that creates a session), found on the call stack: Bokeh builds
    sessions inside the handler's coroutine and gives the app no other way to reach the
    server it runs in."""
    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self") if "self" in frame.f_code.co_varnames else None
        if isinstance(candidate, web.RequestHandler):
            return candidate
        frame = frame.f_back
    return None


# Bokeh application context -> (a weak reference to) the Tornado application serving it
_apps_of_contexts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _tornado_app(session_context):
    """The Tornado application serving ``session_context`` (None if it cannot be found)."""
    try:
        app_context = session_context.server_context.application_context
    except Exception:  # noqa: BLE001
        app_context = None
    ref = _apps_of_contexts.get(app_context) if app_context is not None else None
    if ref is not None and ref() is not None:
        return ref()
    handler = _request_handler_on_stack()
    if handler is None:
        return None
    if app_context is not None:
        _apps_of_contexts[app_context] = weakref.ref(handler.application)
    return handler.application


def _refusal_page(text: str, status: int, headers: dict | None = None):
    """What a refused session shows: the text only.  When the session is being built for a
    page request, that request is answered at once with ``status`` and the text (the page
    Bokeh renders afterwards is dropped); a websocket that creates it is closed."""
    handler = _request_handler_on_stack()
    if isinstance(handler, websocket.WebSocketHandler):  # a websocket creating the session
        IOLoop.current().add_callback(handler.close, 4003, text.strip()[:100])
    elif handler is not None and not handler._finished:
        handler.set_status(status)
        handler.set_header("Content-Type", "text/plain; charset=utf-8")
        for key, value in (headers or {}).items():
            handler.set_header(key, value)
        handler.finish(text)
        handler.write = handler.finish = lambda *args, **kwargs: None  # Bokeh's page: dropped
    return pn.pane.Str(text.strip())


def session_refusal(settings: GuardSettings, app=None) -> tuple[str, int, dict] | None:
    """(text, status, headers) if the session being built must be refused, else None."""
    context = pn.state.curdoc.session_context
    request = getattr(context, "request", None)
    host = getattr(request, "host", None) if request is not None else None
    if host is not None and host_name(host) not in settings.allowed_names:
        log.warning("session refused: Host %.80r is not an allowed name", host)
        return REFUSED_HOST_TEXT, 403, {}
    guard = _protected.get(app) if app is not None else None
    if guard is not None and guard.over_capacity():
        log.warning("session refused: %d sessions open (cap %d)", guard.live_sessions(),
                    settings.max_sessions)
        return BUSY_TEXT, 503, {"Retry-After": str(RETRY_AFTER_S)}
    return None


def protected(create: Callable[[], object]) -> Callable[[], object]:
    """``create`` (the function that builds one session's app) protected as the module
    docstring describes.  Outside a server (a notebook, a test) it is ``create`` itself."""
    from .widget_guard import guard_layout

    @wraps(create)
    def create_protected(*args, **kwargs):
        doc = pn.state.curdoc
        context = doc.session_context if doc is not None else None
        if context is None:
            return create(*args, **kwargs)
        session_location(doc)  # before anything asks Panel for pn.state.location
        app = _tornado_app(context)
        settings = protection_of(app) if app is not None else None
        if settings is None:
            origins = app.websocket_origins if app is not None else ()
            settings = settings_from(sys.argv[1:], names=origin_names(origins))
            if app is not None:
                protect_server(app, settings)
                # The page at http://[::1]:PORT: Bokeh cannot take that origin on its command line
                ports = {split_host(origin)[1] for origin in origins} - {""}
                for port in ports:
                    allow_bracketed_origins(app, settings.allowed_names, int(port))
        refusal = session_refusal(settings, app)
        if refusal is not None:
            if app in _protected:
                _protected[app].refused[context.id] = time.monotonic()
            return _refusal_page(*refusal)
        try:
            built = create(*args, **kwargs)
        except Exception:  # noqa: BLE001  (Panel would show the traceback in the page)
            log.exception("the app could not be built for this session")
            return pn.pane.Str(INTERNAL_ERROR_TEXT)
        for part in _parts(built):  # the template's own widgets: the tab set, ...
            guard_layout(part)
        return built

    return create_protected


def _parts(built) -> list:
    # A template holds its layouts in lists (main, sidebar, header, modal).
    if isinstance(built, pn.template.base.BaseTemplate):
        return [obj for area in (built.main, built.sidebar, built.header, built.modal)
                for obj in area.objects]
    return [built]
