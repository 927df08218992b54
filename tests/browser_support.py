"""Shared by the browser tests and bench/: Debian Chromium settings and a local server's port.

Recipe: ../shared/recipes/browser-tests.md (no Playwright browser download on these machines;
without the background-networking flags Chromium floods the closed network).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 20_000  # generous: a 2-core machine running other jobs
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# The live slider model for mu_nu: its value (log10 mu_nu) as the browser currently holds it.
JS_MU_SLIDER_VALUE = """() => {
  const sliders = [...Bokeh.documents[0].all_models].filter(
    (m) => m.type === "Slider" && typeof m.title === "string" && m.title.includes("μν"));
  return sliders.length === 1 ? sliders[0].value : null;
}"""


REPOSITORY = Path(__file__).resolve().parents[1]


def log_slider_value(position: float) -> float:
    """The value a log slider at ``position`` gives the model: 10**position to the significant
    digits the slider resolves (dashboard.view_base.SLIDER_DIGITS), as its entry shows it."""
    from dashboard.view_base import SLIDER_DIGITS

    return float(f"{10.0**position:.{SLIDER_DIGITS}g}")


def free_port() -> int:
    """A port that was free a moment ago.  Racy: the socket is closed before the caller's
    server binds the port, and another process (another test run on the machine) may take it
    in between.  Servers of the test suite therefore bind port 0 themselves (:func:`served`)
    or retry on a fresh port and check they own it (:func:`start_dashboard`)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening_inodes(port: int) -> set[str] | None:
    """Socket inodes listening on TCP ``port`` (Linux /proc/net/tcp*); None without /proc."""
    inodes, found_table = set(), False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        found_table = True
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(inode)
    return inodes if found_table else None


def process_listens_on(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` holds a socket listening on ``port`` (None: cannot tell here)."""
    inodes = _listening_inodes(port)
    if inodes is None:
        return None
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(link == f"socket:[{inode}]" for link in links for inode in inodes)


def start_dashboard(*arguments: str, timeout: float = 60.0, attempts: int = 5):
    """Start ``python -m dashboard --port P *arguments`` on a free port P and wait until that
    process (not some other one) listens on it; on a port taken in the meantime the server
    exits, and a fresh port is tried.  Returns (process, port); stop it with
    :func:`stop_process`.  The process leads its own session (for forked workers)."""
    errors = []
    for _ in range(attempts):
        port = free_port()
        log = tempfile.TemporaryFile()
        process = subprocess.Popen([sys.executable, "-m", "dashboard", "--port", str(port), *arguments],
                                   cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=log,
                                   start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:  # e.g. EADDRINUSE: the port went to someone else
                log.seek(0)
                errors.append(f"port {port}: exit {process.returncode}: {log.read()[-500:]!r}")
                break
            owned = process_listens_on(process.pid, port)
            if owned is None:  # no /proc: fall back to "something accepts connections"
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        owned = process.poll() is None
                except OSError:
                    owned = False
            if owned:
                log.close()
                return process, port
            time.sleep(0.05)
        else:
            stop_process(process)
            raise RuntimeError(f"python -m dashboard did not listen on port {port} within {timeout} s")
        log.close()
    raise RuntimeError("python -m dashboard could not bind a port: " + "; ".join(errors))


def stop_process(process: subprocess.Popen, timeout: float = 20.0) -> None:
    """SIGTERM to the process group started by :func:`start_dashboard` (the server and its
    forked workers), SIGKILL if it does not end."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the Panel server did not start listening on port {port}")


@contextmanager
def served(apps, port: int | None = None, timeout: float = 30.0, **options):
    """Serve ``{"path": create_fn}`` in-process on 127.0.0.1; yield the base URL.
    ``options`` go to ``pn.serve`` (e.g. ``unused_session_lifetime``).

    Without ``port`` the server binds port 0 itself and the port the kernel gave it is read
    back (no window in which another process could take it); the websocket then admits that
    origin only."""
    import panel as pn

    server_id = uuid.uuid4().hex
    thread = pn.serve(apps, address="127.0.0.1", port=port or 0, threaded=True, show=False,
                      websocket_origin=[f"127.0.0.1:{port or 0}"], server_id=server_id,
                      **options)
    try:
        deadline = time.monotonic() + timeout
        while server_id not in pn.state._servers:  # filled by the thread once it has bound
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Panel server thread did not start")
            time.sleep(0.01)
        server = pn.state._servers[server_id][0]
        port = server.port
        origins = server._tornado.websocket_origins  # the live set the websocket handler checks
        origins.clear()
        origins.add(f"127.0.0.1:{port}")
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        pn.state.kill_all_servers()  # stops the server thread and its IOLoop
        pn.state.reset()


class PageProblems:
    """Console errors, page errors, failed requests and off-origin requests of one page."""

    def __init__(self, page: Page, origin: str):
        self.origin = origin
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.websockets: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("requestfailed",
                lambda request: self.errors.append(f"requestfailed: {request.url} {request.failure}"))
        page.on("response", self._on_response)
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", lambda ws: self.websockets.append(ws.url))

    def _on_console(self, message):
        if message.type == "error":
            self.errors.append(f"console.error: {message.text} at {message.location}")

    def _on_response(self, response):
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def off_origin(self) -> list[str]:
        ws_origin = "ws" + self.origin.removeprefix("http") + "/"
        return ([url for url in self.requests
                 if not (url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")))]
                + [url for url in self.websockets if not url.startswith(ws_origin)])

    def assert_clean(self):
        assert self.errors == [], "errors in the page:\n" + "\n".join(self.errors)
        assert self.off_origin() == [], f"requests left {self.origin}: {self.off_origin()}"


# The plotted sources of the curve with legend label `label`: [{id, x, y}], columns named by
# the HoloViews dimensions; non-finite values as null. Bokeh 3 stores data as a Map.
JS_CURVE_DATA = """([label, xName, yName]) => {
  const column = (source, name) => {
    const data = source.data;
    const col = data instanceof Map ? data.get(name) : data[name];
    return col == null ? null : Array.from(col);
  };
  const models = [...Bokeh.documents[0].all_models];
  const renderers = models.filter((m) => m.type === "GlyphRenderer" && m.name === label)
    .concat(models.filter((m) => m.type === "LegendItem" && m.label != null && m.label.value === label)
                  .flatMap((item) => item.renderers));
  return [...new Set(renderers.map((r) => r.data_source))]
    .filter((s) => column(s, xName) !== null && column(s, yName) !== null)
    .map((s) => ({id: s.id, x: column(s, xName),
                  y: column(s, yName).map((v) => Number.isFinite(v) ? v : null)}));
}"""


def slider_handle(page, title: str):
    """The visible noUiSlider handle of the slider whose title contains ``title``."""
    from playwright.sync_api import expect

    group = page.locator(".bk-input-group:visible").filter(
        has=page.locator(".bk-slider-title", has_text=title))
    expect(group).to_have_count(1, timeout=TIMEOUT_MS)
    return group.locator(".noUi-handle")


def open_tab(page, app_url: str, title: str, curve: list[str]) -> PageProblems:
    """Open the app, switch to tab ``title`` and wait until ``curve`` [label, x, y] is drawn."""
    problems = PageProblems(page, app_url)
    page.goto(f"{app_url}/app")
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    page.get_by_text(title, exact=True).first.click()
    page.wait_for_function(
        f"(args) => ({JS_CURVE_DATA})(args).some((c) => c.y.some((v) => v !== null))",
        arg=curve, timeout=TIMEOUT_MS)
    return problems


def latest(page, curve: list[str]) -> dict:
    found = page.evaluate(JS_CURVE_DATA, curve)
    assert found, f"no plotted source for {curve[0]!r}"
    return found[-1]  # a replaced source may linger: the newest is the plotted one


def wait_for_change(page, curve: list[str], old_y: list) -> dict:
    page.wait_for_function(
        f"([args, old]) => {{ const c = ({JS_CURVE_DATA})(args); "
        "return c.length > 0 && JSON.stringify(c[c.length - 1].y) !== JSON.stringify(old); }",
        arg=[curve, old_y], timeout=TIMEOUT_MS)
    return latest(page, curve)


def wait_for_plots(page) -> None:
    """Wait until the page's Bokeh document holds a curve, every root view is drawn and the
    network is quiet."""
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    page.wait_for_function(
        """() => [...Bokeh.documents[0].all_models].some((m) => m.type === "GlyphRenderer")""",
        timeout=60_000)
    # The document's models arrive before its views are built; "idle" means every root drawn.
    page.wait_for_function("() => Bokeh.documents[0].is_idle", timeout=60_000)
    page.wait_for_load_state("networkidle")


def chromium_page(playwright, errors: list[str]):
    """A page in headless Debian Chromium that appends console errors, page errors and failed
    requests to ``errors`` (used by bench/)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"requestfailed: {r.url} {r.failure}"))
    return page
