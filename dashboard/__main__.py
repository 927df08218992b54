"""``python -m dashboard [--port N] [--address A] [--allow-host NAME ...] [--num-procs N]
[--max-sessions N] [--unconnected-lifetime S]``.

Serves the app at ``/app``, bound to 127.0.0.1:5006 by default (``--address ::1`` for IPv6).
Requests whose Host header is not localhost, 127.0.0.1, [::1], the bind address, an
``--allow-host`` name or a name in ``NUEM_ALLOWED_HOSTS`` are refused with 403
(:mod:`dashboard.host_check`: DNS-rebinding protection).  Beyond ``--max-sessions`` concurrent
sessions a new page gets 503 with ``Retry-After``; a session whose page never opens its
websocket is discarded after ``--unconnected-lifetime`` seconds (:mod:`dashboard.server_guard`).
``--num-procs N`` forks N server processes sharing the port (Tornado's multi-process mode;
each process builds its own sessions and has its own cap).
"""

from __future__ import annotations

import argparse

import panel as pn
from tornado.process import task_id

from dashboard import collector
from dashboard.app import create_app
from dashboard.host_check import LOCAL_NAMES, address_name, restrict_hosts, websocket_origins
from dashboard.server_guard import (allow_bracketed_origins, argument_parser, protect_server,
                                    settings_from)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve the nuEM Explorer dashboard.")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5006)
    argument_parser(parser)  # --allow-host, --max-sessions, --unconnected-lifetime
    parser.add_argument("--num-procs", type=int, default=1, metavar="N",
                        help="server processes (at most the number of cores; 0: one per core)")
    parser.add_argument("--show", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    if args.num_procs < 0:
        parser.error("--num-procs must be 0 (one per core) or more")
    try:
        settings = settings_from(names=[*LOCAL_NAMES, address_name(args.address), *args.allow_host],
                                 max_sessions=args.max_sessions,
                                 unconnected_lifetime_s=args.unconnected_lifetime)
    except ValueError as error:
        parser.error(str(error))
    names = sorted(settings.allowed_names)
    # --allow-host and NUEM_ALLOWED_HOSTS names: maybe reached through a proxy (Origin, no port)
    proxied = sorted(settings.allowed_names - {*LOCAL_NAMES, address_name(args.address)})
    server = pn.serve({"app": create_app}, address=args.address, port=args.port, show=False,
                      start=False, num_procs=args.num_procs,
                      websocket_origin=websocket_origins(names, args.port, proxied),
                      title="νEM Explorer")
    # In each forked process (the fork happened in pn.serve):
    restrict_hosts(server, names)
    allow_bracketed_origins(server._tornado, names, args.port)  # [::1]:port (Bokeh cannot parse)
    protect_server(server._tornado, settings)  # session cap and lifetime, short error replies
    collector.tune_for_sessions()
    collector.freeze_startup_objects()  # in each process, before its first session
    if args.show and not task_id():  # the first process only (None without forking)
        server.io_loop.add_callback(server.show, "/app")
    server.start()
    server.io_loop.start()


if __name__ == "__main__":
    main()
