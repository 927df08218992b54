"""Shared fixtures and session-wide guards.

* Browser tests: Debian Chromium via pytest-playwright, app served in-process.
* No hollow ``pytest.approx``: without ``abs=`` it silently adds an absolute tolerance of
  1e-12, larger than this project's cross sections (1e-47 cm^2/keV), moments (1e-11 mu_B) and
  charges (1e-12 e0), so a comparison with such an expected value cannot fail.  For the whole
  session ``pytest.approx`` is replaced by :func:`guarded_approx`, which refuses (raises
  :class:`HollowApproxError`) a call without ``abs=`` whose expected value, or any non-zero
  element of it, has a magnitude below ``HOLLOW_BELOW``, or that is zero throughout (zeros
  beside larger elements, e.g. a distance grid starting at 0, are measured by those).  Pass
  ``abs=0`` with ``rel=`` (a relative comparison; ``abs`` alone makes approx exact: pytest then
  ignores its default rel=1e-6) or the absolute tolerance you mean.  In tests/browser (not
  maintained with this file) a violation is a :class:`HollowApproxWarning` for now.  Tested in
  tests/test_approx_guard.py.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, served

HOLLOW_BELOW = 1e-6
"""Expected magnitudes below this need an explicit ``abs=`` in ``pytest.approx``."""

_PYTEST_APPROX = pytest.approx


WARN_ONLY_UNDER = Path(__file__).resolve().parent / "browser"
"""Calls from test files under this directory warn instead of failing (see module docstring)."""


class HollowApproxError(AssertionError):
    """``pytest.approx`` on a small expected value without an explicit ``abs=``."""


class HollowApproxWarning(UserWarning):
    """The same, in a file where the guard only warns."""


def _magnitudes(expected) -> np.ndarray:
    """|expected| as a flat float array (empty when it is not numeric: approx itself decides)."""
    values = list(expected.values()) if isinstance(expected, Mapping) else expected
    try:
        return np.abs(np.asarray(values, dtype=float)).ravel()
    except (TypeError, ValueError):
        return np.empty(0)


def guarded_approx(expected, rel=None, abs=None, nan_ok=False):  # noqa: A002 (pytest's name)
    """``pytest.approx`` that refuses a hidden absolute tolerance on small values."""
    if abs is None:
        magnitudes = _magnitudes(expected)
        finite = magnitudes[np.isfinite(magnitudes)]
        nonzero = finite[finite > 0]
        if (nonzero.size and nonzero.min() < HOLLOW_BELOW) or (finite.size and not nonzero.size):
            message = (
                f"pytest.approx({expected!r}, rel={rel!r}) without abs=: its default absolute "
                f"tolerance 1e-12 exceeds expected values below {HOLLOW_BELOW:g} (this project's "
                "cross sections, moments, charges), so the comparison cannot fail. Pass abs=0 "
                "with rel= for a relative comparison, or state the absolute tolerance you mean.")
            caller = Path(sys._getframe(1).f_code.co_filename).resolve()
            if caller.is_relative_to(WARN_ONLY_UNDER):
                warnings.warn(HollowApproxWarning(message), stacklevel=2)
            else:
                raise HollowApproxError(message)
    return _PYTEST_APPROX(expected, rel=rel, abs=abs, nan_ok=nan_ok)


def pytest_configure(config):
    pytest.approx = guarded_approx


def pytest_unconfigure(config):
    pytest.approx = _PYTEST_APPROX


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def app_url():
    """The whole app (every tab) served at ``{app_url}/app`` for the tests of one module."""
    from dashboard.app import create_app

    with served({"app": create_app}) as url:
        yield url
