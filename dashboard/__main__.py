"""``python -m dashboard [--port N] [--address A] [--allow-host NAME ...] [--num-procs N]``.

Serves the app at ``/app``, bound to 127.0.0.1:5006 by default.  Requests whose Host header is
not localhost, 127.0.0.1, [::1], the bind address or an ``--allow-host`` name are refused with
403 (:mod:`dashboard.host_check`: DNS-rebinding protection).  ``--num-procs N`` forks N server
processes sharing the port (Tornado's multi-process mode; each process builds its own sessions).
"""

from __future__ import annotations

import argparse

import panel as pn
from tornado.process import task_id

from dashboard.app import create_app
from dashboard.host_check import LOCAL_NAMES, restrict_hosts, websocket_origins


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve the nuEM Explorer dashboard.")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a further host name the page may be reached by (e.g. the name a "
                             "reverse proxy serves it under)")
    parser.add_argument("--num-procs", type=int, default=1, metavar="N",
                        help="server processes (at most the number of cores; 0: one per core)")
    parser.add_argument("--show", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    if args.num_procs < 0:
        parser.error("--num-procs must be 0 (one per core) or more")
    names = sorted({*LOCAL_NAMES, args.address, *args.allow_host})
    server = pn.serve({"app": create_app}, address=args.address, port=args.port, show=False,
                      start=False, num_procs=args.num_procs,
                      websocket_origin=websocket_origins(names, args.port, args.allow_host),
                      title="νEM Explorer")
    restrict_hosts(server, names)  # in each forked process: the fork happened in pn.serve
    if args.show and not task_id():  # the first process only (None without forking)
        server.io_loop.add_callback(server.show, "/app")
    server.start()
    server.io_loop.start()


if __name__ == "__main__":
    main()
