"""Shared by the browser tests and bench/: Debian Chromium settings and a local server's port.

Recipe: ../shared/recipes/browser-tests.md (no Playwright browser download on these machines;
without the background-networking flags Chromium floods the closed network).
"""

from __future__ import annotations

import socket
import time

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# The live slider model for mu_nu: its value (log10 mu_nu) as the browser currently holds it.
JS_MU_SLIDER_VALUE = """() => {
  const sliders = [...Bokeh.documents[0].all_models].filter(
    (m) => m.type === "Slider" && typeof m.title === "string" && m.title.includes("μν"));
  return sliders.length === 1 ? sliders[0].value : null;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the Panel server did not start listening on port {port}")
