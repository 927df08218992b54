"""A message to a browser that leaves while its frames are written (dashboard.server_guard
.install_writes_to_closed_sockets): dropped with a warning, not two "Task exception was never
retrieved" ERROR records from Panel's write task (seen in the 30-user load bench)."""

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


def test_the_panel_functions_replaced_and_used_are_the_ones_it_was_written_for():
    original = _panel_dispatch()
    assert original is not None and panel_document.dispatch_tornado is server_guard._dispatch_tornado
    for name, parameters in server_guard.PANEL_DISPATCH_API.items():
        function = original if name == "dispatch_tornado" else getattr(panel_document, name)
        assert tuple(inspect.signature(function).parameters) == parameters, name
    for caller in (panel_document._dispatch_msgs, panel_document.write_events):
        assert "dispatch_tornado(" in inspect.getsource(caller)  # looked up in the module


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
