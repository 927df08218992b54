"""The served app refuses requests with a foreign Host header (DNS-rebinding protection)."""

from __future__ import annotations

import http.client
import time
from pathlib import Path

import pytest

from dashboard.host_check import host_name, split_host, websocket_origins
from tests.browser_support import start_dashboard, stop_process


@pytest.mark.parametrize("header, name", [
    ("localhost:5006", "localhost"), ("127.0.0.1", "127.0.0.1"), ("[::1]:80", "[::1]"),
    ("Evil.Example:5006", "evil.example"), ("", ""), ("[::1]", "[::1]"),
    ("::1", "[::1]"),  # a bind address, as python -m dashboard --address ::1 gives it
    ("evil.example:5006:1", "[evil.example:5006:1]"),  # never an allowed name
])
def test_host_name(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize("header, parts", [
    ("[::1]:5006", ("[::1]", "5006")), ("localhost:80", ("localhost", "80")),
    ("example.org", ("example.org", "")), ("::1", ("[::1]", "")),
])
def test_split_host(header, parts):
    assert split_host(header) == parts


@pytest.fixture(scope="module")
def served_port():
    process, port = start_dashboard()  # retries if the port is taken before the server binds
    try:
        yield port
    finally:
        stop_process(process)


def _get(port, path, host, extra=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host)
    for key, value in (extra or {}).items():
        connection.putheader(key, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


WEBSOCKET_UPGRADE = {"Upgrade": "websocket", "Connection": "Upgrade",
                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"}


def test_page_served_to_local_host(served_port):
    status, body = _get(served_port, "/app", f"127.0.0.1:{served_port}")
    assert status == 200 and b"Bokeh" in body


@pytest.mark.parametrize("path, extra", [("/app", None), ("/app/ws", WEBSOCKET_UPGRADE)])
def test_foreign_host_refused(served_port, path, extra):
    headers = dict(extra or {}, Origin=f"http://evil.example:{served_port}")
    status, body = _get(served_port, path, f"evil.example:{served_port}", headers)
    assert status == 403 and b"Host not allowed" in body
    assert b"refused: unknown host" in body  # the same text as under panel serve


@pytest.mark.browser
def test_app_works_through_the_filter(page, served_port):
    """The page and its websocket pass the filter: the Bokeh document syncs."""
    pytest.importorskip("pytest_playwright")
    from tests.browser_support import JS_CURVE_DATA, TIMEOUT_MS, PageProblems

    origin = f"http://127.0.0.1:{served_port}"
    problems = PageProblems(page, origin)
    page.goto(f"{origin}/app")
    page.wait_for_function(
        f"() => window.Bokeh !== undefined && Bokeh.documents.length > 0 && "
        f"({JS_CURVE_DATA})(['SM', 'T_keV', 'rate']).some((c) => c.y.length > 0)",
        timeout=TIMEOUT_MS)
    problems.assert_clean()


def test_websocket_origins_admit_proxied_names_without_a_port():
    """A reverse proxy's page has Origin ``https://name`` (Bokeh reads it as name:80); local
    names are admitted at the server's own port only."""
    origins = websocket_origins(["127.0.0.1", "[::1]", "localhost"], 5006, ["nuem.example.org"])
    assert set(origins) == {"127.0.0.1:5006", "localhost:5006", "nuem.example.org:5006",
                            "nuem.example.org:80"}


def _children(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


def test_every_forked_process_refuses_foreign_hosts():
    """``--num-procs 2``: the filter is installed in each process after Tornado forks."""
    process, port = start_dashboard("--num-procs", "2")
    try:
        # The parent binds the port before it forks: poll until both workers exist.
        deadline = time.monotonic() + 60.0
        while len(workers := _children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 2, workers
        # Connections go to whichever process accepts first: enough requests reach both.
        for _ in range(10):
            assert _get(port, "/app", f"127.0.0.1:{port}")[0] == 200
            assert _get(port, "/app", f"evil.example:{port}")[0] == 403
    finally:
        stop_process(process)
