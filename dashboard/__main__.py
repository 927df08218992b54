"""``python -m dashboard [--port N] [--address A] [--allow-host NAME ...]``: serve the app.

Binds to 127.0.0.1:5006 by default.  Requests whose Host header is not localhost, 127.0.0.1,
[::1], the bind address or an ``--allow-host`` name are refused with 403
(:mod:`dashboard.host_check`: DNS-rebinding protection).
"""

from __future__ import annotations

import argparse

import panel as pn

from dashboard.app import create_app
from dashboard.host_check import LOCAL_NAMES, restrict_hosts


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve the nuEM Explorer dashboard.")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a further host name the page may be reached by (e.g. behind a proxy)")
    parser.add_argument("--show", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    names = sorted({*LOCAL_NAMES, args.address, *args.allow_host})
    # Bokeh's origin list cannot parse "[::1]"; the Host filter still admits it.
    origin = [f"{name}:{args.port}" for name in names if not name.startswith("[")]
    server = pn.serve({"app": create_app}, address=args.address, port=args.port, show=False,
                      start=False, websocket_origin=origin, title="νEM Explorer")
    restrict_hosts(server, names)
    if args.show:
        server.io_loop.add_callback(server.show, "/app")
    server.start()
    server.io_loop.start()


if __name__ == "__main__":
    main()
