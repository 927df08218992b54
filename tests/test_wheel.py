"""The package as a user gets it: ``pip install nuem-explorer`` (the wheel, not an editable
install) in a fresh virtual environment, used from another directory.

Builds the wheel (the build must print no deprecation warning), installs it, and from a
directory outside the checkout imports the model, loads the limits catalogue (package data),
builds the app, runs ``nuem-explorer --help`` and serves the page.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.wheel

SMOKE = """
import model, dashboard
from model import limits, RecoilSpectrum
frame = limits.load("mu_nu")
assert len(frame) > 10, len(frame)
assert RecoilSpectrum().events_above_threshold()["sm"] > 0
from dashboard.app import create_app
create_app()
assert "site-packages" in model.__file__ and "site-packages" in dashboard.__file__, model.__file__
print("smoke ok")
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python, console script) of a fresh venv with the built wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(work), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    output = build.stdout + build.stderr
    assert "Deprecat" not in output, f"the build warns:\n{output}"
    (wheel,) = work.glob("nuem_explorer-*.whl")
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr
    return python, env_dir / "bin" / "nuem-explorer", work


def test_the_installed_package_imports_loads_its_data_and_builds_the_app(installed):
    python, _, work = installed
    run = subprocess.run([str(python), "-c", SMOKE], cwd=work, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0 and "smoke ok" in run.stdout, run.stdout + run.stderr


def test_the_console_script_has_help_and_serves_the_app(installed):
    _, script, work = installed
    help_text = subprocess.run([str(script), "--help"], cwd=work, capture_output=True, text=True,
                               timeout=120)
    assert help_text.returncode == 0 and "--port" in help_text.stdout and "--num-procs" in help_text.stdout
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(script), "--port", str(port)], cwd=work,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/app", timeout=30) as reply:
                    assert reply.status == 200 and "νEM Explorer" in reply.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
