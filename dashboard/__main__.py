"""``python -m dashboard [--port N] [--address A]``: serve the app (default 127.0.0.1:5006)."""

from __future__ import annotations

import argparse

import panel as pn

from dashboard.app import create_app


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve the nuEM Explorer dashboard.")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--show", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    origin = [f"{host}:{args.port}" for host in ("localhost", "127.0.0.1", args.address)]
    pn.serve({"app": create_app}, address=args.address, port=args.port, show=args.show,
             websocket_origin=sorted(set(origin)), title="νEM Explorer")


if __name__ == "__main__":
    main()
