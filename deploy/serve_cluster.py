"""Serve νEM Explorer from several processes behind nginx (a class of thirty on one machine).

    python deploy/serve_cluster.py --procs 2 --port 8080 --host lecture.example.org

starts ``--procs`` ``panel serve dashboard/app.py`` processes on free local ports and nginx
(Debian: ``apt-get install nginx``) on ``--port`` in front of them, with the
configuration of ``deploy/nginx.conf.template``: sticky routes (a browser's page and its
websocket reach the same process, so no session is built twice), websocket upgrade, and only
the names given with ``--host`` (besides localhost) answered.  The app is at
``http://HOST:PORT/app``.  Ctrl-C (or SIGTERM) stops everything.

Arguments after ``--`` go to every ``panel serve`` (e.g. ``-- --max-sessions 40``).  A
Bokeh server is single-threaded: one process per core is the rule (bench/README.md, "Many
users", has the load figures with one and two processes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
LOCAL_NAMES = ("localhost", "127.0.0.1")
NGINX_INSTALL_HINT = "nginx not found: install it (Debian/Ubuntu: apt-get install nginx)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout_s: float, process: subprocess.Popen | None = None) -> None:
    """Return once something accepts connections on ``port`` (RuntimeError after ``timeout_s``
    or if ``process`` exits first)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port} after {timeout_s:g} s")


def nginx_config(listen: str, app_ports: list[int], names: list[str], prefix: Path) -> str:
    """The nginx configuration: ``deploy/nginx.conf.template`` filled in."""
    upstream = "\n".join(f"        server 127.0.0.1:{port};" for port in app_ports)
    text = TEMPLATE.read_text()
    for key, value in {"PREFIX": str(prefix), "UPSTREAM_SERVERS": upstream, "LISTEN": listen,
                       "SERVER_NAMES": " ".join(names)}.items():
        text = text.replace("${" + key + "}", value)
    return text


def app_command(port: int, origins: list[str], extra: list[str]) -> list[str]:
    """One app process: ``panel serve`` on a local port, trusting the proxy's X-Forwarded
    headers, accepting websockets from the public names."""
    command = [sys.executable, "-m", "panel", "serve", str(ROOT / "dashboard" / "app.py"),
               "--address", "127.0.0.1", "--port", str(port), "--use-xheaders"]
    for origin in origins:
        command += ["--allow-websocket-origin", origin]
    return command + extra


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 1,
                        help="app processes (default: one per core)")
    parser.add_argument("--port", type=int, default=8080, help="the port nginx listens on")
    parser.add_argument("--address", default="127.0.0.1",
                        help="the address nginx listens on (0.0.0.0: every interface)")
    parser.add_argument("--host", action="append", default=[], metavar="NAME",
                        help="a name the app is reached under, besides localhost (repeatable)")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx",
                        help="the nginx executable")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds to wait for each process to answer")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    args = argument_parser().parse_args(argv)
    if args.procs < 1:
        raise SystemExit("--procs must be at least 1")
    if not Path(args.nginx).exists():
        raise SystemExit(NGINX_INSTALL_HINT)

    names = list(dict.fromkeys([*LOCAL_NAMES, *args.host]))
    origins = [f"{name}:{args.port}" for name in names]
    app_ports = [free_port() for _ in range(args.procs)]
    prefix = Path(tempfile.mkdtemp(prefix="nuem_nginx_"))
    for part in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / part).mkdir()
        (prefix / part).chmod(0o777)  # nginx's workers drop root for an unprivileged user
    (prefix / "nginx.conf").write_text(
        nginx_config(f"{args.address}:{args.port}", app_ports, names, prefix))

    children: list[subprocess.Popen] = []

    def stop(*_):
        for child in reversed(children):  # nginx first: no request reaches a stopping app
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
        shutil.rmtree(prefix, ignore_errors=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for port in app_ports:
            children.append(subprocess.Popen(app_command(port, origins, extra), cwd=ROOT))
        for port, child in zip(app_ports, children):
            wait_for_port(port, args.timeout, child)
        nginx = subprocess.Popen([args.nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                  "-e", "stderr"])
        children.append(nginx)
        wait_for_port(args.port, args.timeout, nginx)
        shown = "localhost" if args.address in ("127.0.0.1", "0.0.0.0") else args.address
        print(f"νEM Explorer: http://{shown}:{args.port}/app (nginx, {args.procs} app "
              f"processes on ports {', '.join(map(str, app_ports))})", flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        failed = [child.args[0] for child in children if child.poll() is not None]
        print(f"stopped: {', '.join(map(str, failed))} exited", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
