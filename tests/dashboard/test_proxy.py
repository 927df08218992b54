"""The multi-process set-up of deploy/: nginx in front of two app processes.

``deploy/serve_cluster.py`` starts the app processes and nginx (Debian's package, installed
by scripts/test.sh) with ``deploy/nginx.conf.template``.  Users of the load driver open the
app through the proxy as a browser would (the page, then its websocket, with the page's
cookies).  Without sticky routes about half the sessions would be built twice (the page and
its websocket reaching different processes); with them none is.  The proxy refuses a Host
it does not serve, and upgrades websockets (else no session would connect at all).
"""

from __future__ import annotations

import http.client
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.load_driver import run_load

pytestmark = pytest.mark.load

USERS, UPDATES = 6, 6
# Users arrive one after the other, each page followed by its websocket before the next
# page: a proxy that alternated between the processes would send every websocket to the
# other process (the round-robin variant of the configuration fails this test).
RAMP_S = 2.5


@pytest.fixture(scope="module")
def cluster_load():
    with ThreadPoolExecutor(max_workers=1) as pool:  # the driver runs its own event loop
        return pool.submit(run_load, [(USERS, UPDATES, 1)], kind="cluster", num_procs=2,
                           warmup=False, timeout_s=60.0, ramp_s=RAMP_S,
                           unused_lifetime_ms=5000, check_unused_ms=500).result()


def test_sessions_through_the_proxy_work_and_none_is_built_twice(cluster_load):
    assert cluster_load["errors"] == 0, cluster_load["client_errors"] + cluster_load["server"]["errors"]
    assert cluster_load["updates_answered"] == USERS * UPDATES
    assert cluster_load["rounds"][0]["sessions_rebuilt"] == 0
    assert cluster_load["sessions_launched_total"] == USERS
    assert cluster_load["all_sessions_destroyed"]


def test_no_document_or_plot_outlives_its_session_in_either_process(cluster_load):
    live = cluster_load["live_objects"]
    after = live["after_each_round"][0]
    assert after["holoviews_plots"] == 0, live
    # per process: Bokeh's default document, and at most the one Panel's busy-counter timer
    # keeps (see test_load.py)
    assert after["documents"] <= 2 * 2, live


def test_the_proxy_refuses_unknown_hosts_and_routes_by_a_cookie():
    from bench.load_driver import ServerProcess

    with ServerProcess(kind="cluster", num_procs=2) as server:
        def get(host: str, cookie: str | None = None):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            connection.request("GET", "/app", headers={"Host": host,
                                                       **({"Cookie": cookie} if cookie else {})})
            response = connection.getresponse()
            response.read()
            connection.close()
            return response

        refused = get("evil.example")
        assert refused.status == 403
        first = get(f"localhost:{server.port}")
        assert first.status == 200
        route = first.getheader("Set-Cookie")
        assert route and route.startswith("nuem_route=") and "HttpOnly" in route
        again = get(f"localhost:{server.port}", route.split(";")[0])
        assert again.status == 200 and again.getheader("Set-Cookie") is None
