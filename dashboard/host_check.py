"""Refuse HTTP and websocket requests whose Host header is not an allowed name.

Tornado 6.6 accepts a websocket whose Host and Origin are both a foreign name (the
``websocket_origin`` allow-list is not consulted for same-origin requests), and Bokeh does
not check the Host of page requests: a web page on another site can reach a server bound to
127.0.0.1 through DNS rebinding.  This filter sits in front of the Tornado application of
``python -m dashboard`` and answers 403 before any handler runs; under ``panel serve`` the app
installs the same check itself (:mod:`dashboard.server_guard`).
"""

from __future__ import annotations

from tornado import httputil

LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")
REFUSED_BODY = b"refused: unknown host (Host not allowed)\n"  # the same under panel serve


def split_host(host_header: str) -> tuple[str, str]:
    """(name, port) of a Host header or ``name:port``, the name lower case, an IPv6 literal in
    brackets ("[::1]:5006" and a bare "::1" both give "[::1]"), the port "" if none."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        name, _, rest = host.partition("]")
        return name + "]", rest[1:] if rest.startswith(":") else ""
    if host.count(":") > 1:  # an IPv6 literal without brackets (an --address, not a header)
        return f"[{host}]", ""
    name, _, port = host.partition(":")
    return name, port


def host_name(host_header: str) -> str:
    """The name part of a Host header, lower case, without the port ("[::1]" kept whole)."""
    return split_host(host_header)[0]


def address_name(address: str) -> str:
    """The Host name a browser sends for a server bound to ``address`` ("::1" -> "[::1]")."""
    return host_name(address)


class _Refuse(httputil.HTTPMessageDelegate):
    """Pass a request on to the application, or answer 403 if its Host is not allowed."""

    def __init__(self, delegate, connection, allowed: frozenset[str]):
        self.delegate, self.connection, self.allowed = delegate, connection, allowed
        self.refused = False

    def headers_received(self, start_line, headers):
        if host_name(headers.get("Host", "")) in self.allowed:
            return self.delegate.headers_received(start_line, headers)
        self.refused = True
        body = REFUSED_BODY
        self.connection.write_headers(
            httputil.ResponseStartLine("HTTP/1.1", 403, "Forbidden"),
            httputil.HTTPHeaders({"Content-Type": "text/plain", "Content-Length": str(len(body)),
                                  "Connection": "close"}),
            body)
        self.connection.finish()
        return None

    def data_received(self, chunk):
        return None if self.refused else self.delegate.data_received(chunk)

    def finish(self):
        if not self.refused:
            self.delegate.finish()

    def on_connection_close(self):
        if not self.refused:
            self.delegate.on_connection_close()


class HostFilter(httputil.HTTPServerConnectionDelegate):
    """Wraps a Tornado application (an HTTPServerConnectionDelegate)."""

    def __init__(self, application, allowed_names):
        self.application = application
        self.allowed = frozenset(name.lower() for name in allowed_names)

    def start_request(self, server_conn, request_conn):
        return _Refuse(self.application.start_request(server_conn, request_conn), request_conn,
                       self.allowed)

    def on_close(self, server_conn):
        self.application.on_close(server_conn)


def restrict_hosts(server, allowed_names) -> None:
    """Install the filter on a Bokeh/Panel ``Server`` (before or after it starts)."""
    http_server = server._http  # bokeh.server.server.Server keeps its tornado HTTPServer here
    http_server.request_callback = HostFilter(http_server.request_callback, allowed_names)


def websocket_origins(names, port: int, proxied=()) -> list[str]:
    """Bokeh's websocket ``Origin`` allow-list: ``names`` at the server's ``port``, and the
    ``proxied`` names (served by a reverse proxy) also without a port, which Bokeh reads as
    port 80 (``https://name`` as much as ``http://name``).  "[::1]" is left out: Bokeh cannot
    parse it (the Host filter still admits it)."""
    origins = [f"{name}:{port}" for name in (*names, *proxied)]
    origins += [f"{name}:80" for name in proxied]
    return [origin for origin in dict.fromkeys(origins) if not origin.startswith("[")]
