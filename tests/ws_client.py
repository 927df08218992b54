"""A minimal Bokeh-protocol client: what a browser does on the wire, without rendering.

``GET`` the page (the server builds the session; the page carries its token), open the
websocket with that token, ``PULL-DOC`` the document, send ``document_ready`` (Panel builds
lazy content then), and send ``PATCH-DOC`` changes as a page would, including values no
browser widget would send.  The server's patches are applied to a JSON copy of the document
(:class:`ShadowDocument`), so that tests can read widget values, notices and the address.

Any Host and Origin headers can be sent, and raw websocket frames, to test the server as an
attacker would.  Async (one asyncio loop in the test's thread; the server runs elsewhere);
:func:`run` runs a coroutine to completion from a synchronous test.
(The same protocol steps as ``bench/load_driver.py``, which also times the replies.)
"""

from __future__ import annotations

import asyncio
import http.client
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable

TIMEOUT_S = 30.0  # generous: a 2-core machine running other jobs


def run(coroutine, timeout_s: float = 120.0):
    """Run ``coroutine`` to completion in a new event loop with a timeout, in a thread of its
    own: the calling thread may have a running loop (Playwright's sync API leaves one)."""
    import threading

    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(asyncio.wait_for(coroutine, timeout_s))
        except BaseException as error:  # noqa: BLE001  (re-raised in the caller)
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout_s + 10)
    if "error" in outcome:
        raise outcome["error"]
    if "value" not in outcome:
        raise TimeoutError(f"the client did not finish in {timeout_s} s")
    return outcome["value"]


def wire_value(value):
    """``value`` as Bokeh's JSON encodes it (NaN and infinities as number objects)."""
    if isinstance(value, float) and not math.isfinite(value):
        return {"type": "number", "value": "nan" if math.isnan(value)
                else ("-inf" if value < 0 else "+inf")}
    return value


# Runs the server command with a data-segment limit (exec: the same process id).
_LIMITED = ("import os, resource, sys; resource.setrlimit(resource.RLIMIT_DATA, ({0}, {0})); "
            "os.execv(sys.executable, [sys.executable] + sys.argv[1:])")


def http_get(port: int, path: str, host: str, headers: dict | None = None, address="127.0.0.1"):
    """(status, headers, body) of a GET with any Host header."""
    connection = http.client.HTTPConnection(address, port, timeout=60)
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host)
    for key, value in (headers or {}).items():
        connection.putheader(key, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def start_server(kind: str, extra: list[str] = (), env: dict | None = None,
                 attempts: int = 3, data_limit_bytes: int | None = None):
    """``panel serve dashboard/app.py`` (``kind="panel"``) or ``python -m dashboard``
    (``"module"``) in a subprocess on a free port (``bench.load_driver.ServerProcess``: log
    captured, CPU and memory readable); a port taken between choosing and binding it (other
    jobs run on this machine) means another try on another port.  ``env``: variables for the
    server; ``data_limit_bytes``: RLIMIT_DATA of the server, so that a runaway allocation
    fails with MemoryError instead of taking the machine's memory."""
    from bench.load_driver import ServerProcess

    for attempt in range(attempts):
        server = ServerProcess(kind=kind)
        server.command += list(extra)
        if data_limit_bytes is not None:
            server.command[:1] = [sys.executable, "-c", _LIMITED.format(data_limit_bytes)]
        saved = {key: os.environ.get(key) for key in (env or {})}
        os.environ.update(env or {})
        try:
            server.start(timeout=90)
            return server
        except RuntimeError:
            if attempt == attempts - 1:
                raise
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    raise AssertionError("unreachable")



def _references(value) -> list[str]:
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    if isinstance(value, dict):
        if "id" in value and value.get("type", "object") == "object":
            return [value["id"]]
        return [ref for item in value.values() for ref in _references(item)]
    return []


async def read_message(socket, receiver):
    """The next whole Bokeh protocol message from a Tornado websocket (None once it closed)."""
    while True:
        fragment = await socket.read_message()
        if fragment is None:
            return None
        message = await receiver.consume(fragment)
        if message is not None:
            return message


class ShadowDocument:
    """The session's models as the server serialised them: type name and attributes by id.

    Enough to find widgets and to tell what a patch touched, without building Bokeh models in
    the client (deserialising a tab's few hundred models costs 0.2-0.5 s of client CPU, which
    would compete with the server for the same cores).  Attributes left at their defaults are
    absent, as in Bokeh's own serialisation.  Shared by these tests and the load bench.
    """

    def __init__(self, doc_json: dict):
        self.models: dict[str, dict] = {}
        self.add(doc_json.get("roots", []))

    def add(self, value) -> None:
        """Register every serialised model object found in ``value``."""
        if isinstance(value, list):
            for item in value:
                self.add(item)
        elif isinstance(value, dict):
            if value.get("type") == "object" and "id" in value and "name" in value:
                entry = self.models.setdefault(value["id"], {
                    "name": value["name"], "type": value["name"].rsplit(".", 1)[-1],
                    "attributes": {}})
                entry["attributes"].update(value.get("attributes", {}))
            for item in value.values():
                self.add(item)

    def apply(self, events: list[dict]) -> None:
        for event in events:
            kind = event.get("kind")
            if kind == "ModelChanged":
                self.add(event["new"])
                model = self.models.get(event["model"]["id"])
                if model is not None:
                    model["attributes"][event["attr"]] = event["new"]
            elif kind == "RootAdded":
                self.add(event["model"])

    def type(self, model_id: str, qualified: bool = False) -> str | None:
        """The model's class name (``qualified``: with its module, as Bokeh registers it)."""
        model = self.models.get(model_id)
        return model and model["name" if qualified else "type"]

    def descendants(self, model_id: str) -> list[str]:
        """Ids of the models ``model_id`` refers to, directly or not (itself included)."""
        seen, stack = set(), [model_id]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.models:
                continue
            seen.add(current)
            stack.extend(_references(self.models[current]["attributes"]))
        return list(seen)

    def get(self, model_id: str, attr: str, default=None):
        return self.models[model_id]["attributes"].get(attr, default)

    def find(self, type_name: str, **attributes) -> list[str]:
        """Ids of the models of ``type_name`` whose attributes equal ``attributes``."""
        return [i for i, m in self.models.items() if m["type"] == type_name
                and all(m["attributes"].get(k) == v for k, v in attributes.items())]

    def slider(self, title_start: str) -> str:
        """The id of the one visible slider whose title starts with ``title_start``."""
        found = [i for i in self.find("Slider") + self.find("CustomSlider")
                 if str(self.get(i, "title", "")).startswith(title_start)]
        if len(found) != 1:
            raise LookupError(f"{len(found)} sliders titled {title_start!r}")
        return found[0]

    def texts(self) -> list[str]:
        """The text of every Markdown/HTML pane (Panel sends it HTML-escaped)."""
        import html

        return [html.unescape(str(m["attributes"].get("text", ""))) for m in self.models.values()
                if "text" in m["attributes"] and isinstance(m["attributes"]["text"], str)]

    def location_search(self) -> str | None:
        found = self.find("Location")
        return self.get(found[0], "search", "") if found else None


class Session:
    """One browser-like session (use ``async with Session(...) as s``)."""

    def __init__(self, base_url: str, path: str = "/app", query: str = "", host: str | None = None,
                 origin: str | None = None, timeout_s: float = TIMEOUT_S):
        self.base_url, self.path, self.query = base_url, path, query
        self.host, self.origin, self.timeout_s = host, origin, timeout_s
        self.doc: ShadowDocument | None = None
        self.messages: list = []  # every message received after the document
        self.errors: list[dict] = []  # contents of ERROR messages
        self.page_status: int | None = None
        self.page_body = b""
        self.closed = False
        self._changed = asyncio.Event()

    async def __aenter__(self):
        await self.open()
        return self

    async def __aexit__(self, *exc):
        await self.close()

    def _headers(self) -> dict:
        headers = {}
        if self.host:
            headers["Host"] = self.host
        if self.origin:
            headers["Origin"] = self.origin
        return headers

    async def get_page(self):
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError

        url = f"{self.base_url}{self.path}{'?' + self.query if self.query else ''}"
        try:
            page = await AsyncHTTPClient().fetch(url, headers=self._headers(),
                                                 request_timeout=self.timeout_s)
            self.page_status, self.page_body = page.code, page.body
        except HTTPClientError as error:
            self.page_status = error.code
            self.page_body = error.response.body if error.response is not None else b""
        return self.page_status

    async def open(self):
        from bokeh.protocol import Protocol
        from bokeh.protocol.receiver import Receiver
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        if await self.get_page() != 200:
            raise ConnectionRefusedError(f"page: HTTP {self.page_status}")
        match = re.search(r'"token":"([^"]+)"', self.page_body.decode("utf-8", "replace"))
        if match is None:
            raise ConnectionRefusedError("no session token in the page")
        ws_url = self.base_url.replace("http", "ws", 1) + self.path.rstrip("/") + "/ws"
        headers = self._headers()
        headers.setdefault("Origin", self.base_url)
        request = HTTPRequest(ws_url, headers=headers, request_timeout=self.timeout_s,
                              connect_timeout=self.timeout_s)
        self.socket = await websocket_connect(request, subprotocols=["bokeh", match.group(1)])
        self.protocol, self.receiver = Protocol(), Receiver(Protocol())
        ack = await asyncio.wait_for(self._read(), self.timeout_s)
        if ack is None or ack.msgtype != "ACK":
            raise ConnectionError(f"expected ACK, got {ack and ack.msgtype}")
        await self._send(self.protocol.create("PULL-DOC-REQ"))
        while (reply := await asyncio.wait_for(self._read(), self.timeout_s)) is not None:
            if reply.msgtype == "PULL-DOC-REPLY":
                break
        if reply is None:
            raise ConnectionError("the server closed the websocket before sending the document")
        self.doc = ShadowDocument(reply.content["doc"])
        self.reader = asyncio.create_task(self._read_forever())
        await self.document_ready()

    async def _send(self, message):
        from bokeh.client.websocket import WebSocketClientConnectionWrapper

        await message.send(WebSocketClientConnectionWrapper(self.socket))

    async def _read(self):
        return await read_message(self.socket, self.receiver)

    async def _read_forever(self):
        try:
            while (message := await self._read()) is not None:
                self.messages.append(message)
                if message.msgtype == "ERROR":
                    self.errors.append(message.content)
                elif message.msgtype == "PATCH-DOC":
                    self.doc.apply(message.content.get("events", []))
                self._changed.set()
        finally:
            self.closed = True
            self._changed.set()

    async def document_ready(self):
        """What BokehJS sends once the page is rendered (Panel then runs its onload callbacks
        and builds lazy content)."""
        from bokeh.document import Document
        from bokeh.document.events import MessageSentEvent
        from bokeh.events import DocumentReady

        await self._send(self.protocol.create("PATCH-DOC", [
            MessageSentEvent(Document(), "bokeh_event", DocumentReady())]))

    async def change(self, model_id: str, attr: str, value) -> None:
        """Set ``attr`` of a model as the page would (any value: it is not checked here)."""
        from bokeh.protocol.messages.patch_doc import patch_doc

        self.doc.models[model_id]["attributes"][attr] = value
        await self._send(patch_doc(patch_doc.create_header(), {}, {"events": [
            {"kind": "ModelChanged", "model": {"id": model_id}, "attr": attr,
             "new": wire_value(value)}]}))

    async def send_raw(self, header: dict | str, metadata: dict | str, content: dict | str):
        """Three raw text frames (a Bokeh message), JSON-encoded unless given as strings."""
        for part in (header, metadata, content):
            await self.socket.write_message(part if isinstance(part, str) else json.dumps(part))

    async def wait_for(self, predicate: Callable[[], bool], timeout_s: float | None = None,
                       what: str = "condition") -> None:
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while not predicate():
            if self.closed:
                raise ConnectionError(f"the server closed the websocket waiting for {what}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"timed out waiting for {what}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))
            except asyncio.TimeoutError:
                pass

    async def quiet(self, seconds: float = 0.5) -> None:
        """Wait until no message arrived for ``seconds``."""
        while True:
            seen = len(self.messages)
            await asyncio.sleep(seconds)
            if len(self.messages) == seen or self.closed:
                return

    async def close(self):
        if getattr(self, "socket", None) is not None and not self.closed:
            self.socket.close(1000, "done")
            try:
                await asyncio.wait_for(self.reader, 10)
            except Exception:  # noqa: BLE001
                pass


class BlockingSession:
    """A :class:`Session` driven from synchronous code (a test, a hypothesis example): its
    event loop runs in a thread of its own; methods block until done.

    ``with BlockingSession(url, query="tab=theory") as s: s.change(id, "value", 1.0)``
    """

    def __init__(self, *args, **kwargs):
        import threading

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.session = Session(*args, **kwargs)

    def _call(self, coroutine, timeout_s: float = 120.0):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout_s)

    def __enter__(self):
        try:
            self._call(self.session.open())
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc):
        try:
            self._call(self.session.close())
        finally:
            self._stop()

    def _stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    @property
    def doc(self) -> ShadowDocument:
        return self.session.doc

    @property
    def errors(self) -> list[dict]:
        return self.session.errors

    @property
    def closed(self) -> bool:
        return self.session.closed

    def change(self, model_id: str, attr: str, value) -> None:
        self._call(self.session.change(model_id, attr, value))

    def send_raw(self, header, metadata, content) -> None:
        self._call(self.session.send_raw(header, metadata, content))

    def wait_for(self, predicate, timeout_s: float | None = None, what: str = "condition"):
        self._call(self.session.wait_for(predicate, timeout_s, what))

    def quiet(self, seconds: float = 0.5) -> None:
        self._call(self.session.quiet(seconds))

    def read(self, function):
        """``function(doc)`` evaluated in the session's thread (patches arrive there)."""
        async def evaluate():
            return function(self.session.doc)
        return self._call(evaluate())
