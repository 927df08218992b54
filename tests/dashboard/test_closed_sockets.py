"""Panel's writing of messages to browsers, as dashboard.server_guard replaces it.

A message to a browser that leaves while its frames are written
(``install_writes_to_closed_sockets``): dropped with a warning, not two "Task exception was
never retrieved" ERROR records from Panel's write task (seen in the 30-user load bench).
Messages that wait for an earlier one (``install_pending_message_writes``): all are written,
none left behind until the session's next change (a tab whose content never came, in the load
bench).  A websocket closed after Bokeh's keep-alive ping released its connection
(``install_close_after_keep_alive``): forgotten, without Bokeh's assertion error."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from types import SimpleNamespace

import panel.io.document as panel_document
import pytest
from bokeh.document import Document
from bokeh.protocol import Protocol
from tornado import locks
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from dashboard import server_guard


class _LeavingConnection:
    """A websocket connection whose browser leaves during the first frame written."""

    def __init__(self):
        self.closing, self.frames = False, []

    def is_closing(self) -> bool:
        return self.closing

    def write_message(self, message, binary=False):
        self.frames.append(message)
        self.closing = True
        future = asyncio.get_running_loop().create_future()
        future.set_exception(WebSocketClosedError())
        return future


class _Socket(WebSocketHandler):
    def __init__(self):  # no request: only what write_message reads
        self.ws_connection = _LeavingConnection()


def _connection():
    return SimpleNamespace(_socket=_Socket(), protocol=Protocol())


def _run(coroutine_function):
    """``asyncio.run`` in a thread of its own: other tests of the session leave an event loop
    running in this one (as the server does, dispatch runs in a loop)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine_function())
        except BaseException as error:  # noqa: BLE001  (re-raised in the test's thread)
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _panel_dispatch():
    server_guard.install_writes_to_closed_sockets()
    return server_guard._PANEL_DISPATCH_TORNADO


def _panel_dispatch_msgs():
    server_guard.install_pending_message_writes()
    return server_guard._PANEL_DISPATCH_MSGS


def test_the_panel_functions_replaced_and_used_are_the_ones_it_was_written_for():
    originals = {"dispatch_tornado": _panel_dispatch(), "_dispatch_msgs": _panel_dispatch_msgs()}
    assert panel_document.dispatch_tornado is server_guard._dispatch_tornado
    assert panel_document._dispatch_msgs is server_guard._dispatch_msgs
    for name, parameters in server_guard.PANEL_DISPATCH_API.items():
        function = originals.get(name) or getattr(panel_document, name)
        assert tuple(inspect.signature(function).parameters) == parameters, name
    for caller in (originals["_dispatch_msgs"], panel_document.write_events):
        assert "dispatch_tornado(" in inspect.getsource(caller)  # looked up in the module
    # Panel schedules the task by looking the function up in the module, as it reschedules it
    assert "_dispatch_write_task(doc, _dispatch_msgs, doc)" in inspect.getsource(
        panel_document.schedule_write_events)


def test_panel_raises_out_of_its_write_task_when_the_browser_leaves():
    """What the replacement is for: Panel's own lets the error out, and the first frame's
    future is lost (never awaited)."""
    original = _panel_dispatch()

    async def write():
        connection = _connection()
        with pytest.raises(WebSocketClosedError):
            original(connection, msg=Protocol().create("ACK"))
        return connection._socket.ws_connection.frames

    assert len(_run(write)) == 1


def test_the_message_ends_at_the_closed_connection_and_its_frames_are_awaited(caplog):
    _panel_dispatch()

    async def write():
        connection = _connection()
        futures = panel_document.dispatch_tornado(connection, msg=Protocol().create("ACK"))
        assert len(futures) == 1 and len(connection._socket.ws_connection.frames) == 1
        document = Document()
        panel_document._WRITE_FUTURES[document] = futures
        await panel_document._run_write_futures(document)  # Panel's: retrieves the error
        assert all(future.done() for future in futures)

    with caplog.at_level(logging.WARNING):
        _run(write)
    assert "a message to a browser that left was dropped" in caplog.text
    assert "Failed sending message as connection was closed" in caplog.text


def test_an_open_connection_gets_every_frame():
    _panel_dispatch()

    class _Open(_LeavingConnection):
        def write_message(self, message, binary=False):
            self.frames.append(message)
            future = asyncio.get_running_loop().create_future()
            future.set_result(None)
            return future

    async def write():
        connection = _connection()
        connection._socket.ws_connection = _Open()
        message = Protocol().create("ACK")
        futures = panel_document.dispatch_tornado(connection, msg=message)
        await asyncio.gather(*futures)
        return connection._socket.ws_connection.frames, message

    frames, message = _run(write)
    assert frames == [message.header_json, message.metadata_json, message.content_json]


class _QueuedSocket:
    """A browser connection whose writes complete when the test says so."""


class _Queued:
    def __init__(self):
        self._socket, self.protocol = _QueuedSocket(), self
        self.written, self.pending = [], []

    def create(self, kind, events):  # the protocol: one message per batch of events
        return (kind, tuple(events))

    def write(self, conn, events=None, msg=None):
        self.written.append(msg)
        future = asyncio.get_running_loop().create_future()
        self.pending.append(future)
        return [future]


def _write_as_one_ends(dispatch_msgs) -> tuple[list, bool, bool]:
    """Two messages for one browser, the second scheduled in the turn of the event loop in
    which the first one's write completes (a redraw on its way when the user switches tabs).
    Returns what was written, whether a message still waits, whether the write block is on."""
    async def run():
        connection, document = _Queued(), Document()
        panel_document.extra_socket_handlers[_QueuedSocket] = connection.write
        saved = panel_document._dispatch_msgs
        panel_document._dispatch_msgs = dispatch_msgs
        try:
            panel_document.schedule_write_events(document, [connection], ["redraw"])
            for _ in range(5):
                await asyncio.sleep(0)
            assert len(connection.written) == 1  # and awaited
            connection.pending[0].set_result(None)
            panel_document.schedule_write_events(document, [connection], ["tab content"])
            for _ in range(20):
                await asyncio.sleep(0.001)
                for future in connection.pending:
                    if not future.done():
                        future.set_result(None)
            return (connection.written, bool(panel_document._WRITE_MSGS.get(document)),
                    document in panel_document._WRITE_BLOCK)
        finally:
            panel_document._dispatch_msgs = saved
            del panel_document.extra_socket_handlers[_QueuedSocket]

    return _run(run)


def test_panel_leaves_a_message_behind_when_it_is_scheduled_as_a_write_ends():
    """What the replacement is for: Panel's own writes the first message only; the second
    waits, with the write block lifted, until the session's next change schedules another."""
    written, waiting, blocked = _write_as_one_ends(_panel_dispatch_msgs())
    assert written == [("PATCH-DOC", ("redraw",))]
    assert waiting and not blocked


def test_no_message_is_left_behind():
    _panel_dispatch_msgs()
    written, waiting, blocked = _write_as_one_ends(server_guard._dispatch_msgs)
    assert written == [("PATCH-DOC", ("redraw",)), ("PATCH-DOC", ("tab content",))]
    assert not waiting and not blocked


def test_messages_wait_while_bokeh_writes_to_the_browser_then_go_in_order():
    _panel_dispatch_msgs()

    async def run():
        connection, document = _Queued(), Document()
        lock = locks.Lock()  # Bokeh's WSHandler.write_lock
        connection._socket.write_lock = lock
        panel_document.extra_socket_handlers[_QueuedSocket] = connection.write
        try:
            await lock.acquire()  # Bokeh is sending a message of its own
            panel_document.schedule_write_events(document, [connection], ["a"])
            panel_document.schedule_write_events(document, [connection], ["b"])
            await asyncio.sleep(0.05)
            before = list(connection.written)
            lock.release()
            for _ in range(50):
                await asyncio.sleep(0.005)
                for future in connection.pending:
                    if not future.done():
                        future.set_result(None)
            return before, connection.written, document in panel_document._WRITE_BLOCK
        finally:
            del panel_document.extra_socket_handlers[_QueuedSocket]

    before, after, blocked = _run(run)
    assert before == []
    assert after == [("PATCH-DOC", ("a",)), ("PATCH-DOC", ("b",))] and not blocked


class _Session:
    """The part of a Bokeh ServerSession a connection talks to."""

    def __init__(self):
        self.connections, self.lost = set(), 0

    def subscribe(self, connection):
        self.connections.add(connection)

    def unsubscribe(self, connection):
        self.connections.discard(connection)

    def notify_connection_lost(self):
        self.lost += 1


class _ClosingSocket:
    """A websocket whose browser has sent its close frame: a ping fails, as Tornado's does."""

    def ping(self, data):
        raise WebSocketClosedError()


def _server_with_one_closing_connection():
    from bokeh.server.connection import ServerConnection
    from bokeh.server.tornado import BokehTornado

    session = _Session()
    connection = ServerConnection(Protocol(), _ClosingSocket(), None, session)
    app = SimpleNamespace(_clients={connection})
    app.client_lost = lambda lost: BokehTornado.client_lost(app, lost)
    handler = SimpleNamespace(connection=connection, application=app, close_code=1000,
                              close_reason="done")
    return BokehTornado, app, handler, session


def test_a_close_after_the_keep_alive_released_the_connection_raises_nothing():
    """Bokeh's keep-alive ping finds the socket closing and releases the connection; Tornado
    then calls on_close, where Bokeh asserted (an ERROR in the 30-user load bench)."""
    from bokeh.server.views.ws import WSHandler

    server_guard.install_close_after_keep_alive()
    bokeh_tornado, app, handler, session = _server_with_one_closing_connection()
    bokeh_tornado._keep_alive(app)  # Bokeh's own keep-alive job
    assert handler.connection._session is None and not app._clients
    with pytest.raises(AssertionError):
        server_guard._BOKEH_ON_CLOSE(handler)  # Bokeh's on_close: the error of the log
    WSHandler.on_close(handler)  # the installed one
    assert not app._clients and session.connections == set()


def test_an_ordinary_close_still_tells_the_session_and_releases_the_connection():
    from bokeh.server.views.ws import WSHandler

    server_guard.install_close_after_keep_alive()
    _, app, handler, session = _server_with_one_closing_connection()
    assert session.connections == {handler.connection}
    WSHandler.on_close(handler)
    assert session.lost == 1 and session.connections == set() and not app._clients
    assert handler.connection._session is None


def test_protecting_a_server_installs_the_close_after_keep_alive():
    from bokeh.application import Application
    from bokeh.server.tornado import BokehTornado
    from bokeh.server.views.ws import WSHandler

    async def protect():
        app = BokehTornado({"/app": Application()})
        server_guard.protect_server(app, server_guard.settings_from([], environ={}))
        server_guard._protected[app].reaper.stop()

    original = WSHandler.on_close
    try:
        WSHandler.on_close = server_guard._BOKEH_ON_CLOSE or original
        _run(protect)
        assert WSHandler.on_close is server_guard._on_close_after_keep_alive
    finally:
        WSHandler.on_close = original
