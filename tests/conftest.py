"""Shared fixtures. Browser tests: Debian Chromium via pytest-playwright, app served in-process."""

from __future__ import annotations

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, served


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def app_url():
    """The whole app (every tab) served at ``{app_url}/app`` for the tests of one module."""
    from dashboard.app import create_app

    with served({"app": create_app}) as url:
        yield url
