"""The session guard of tests/conftest.py: ``pytest.approx`` without ``abs=`` is refused for
expected magnitudes below 1e-6, where its hidden abs=1e-12 makes the comparison hollow."""

import math

import numpy as np
import pytest

from tests.conftest import HOLLOW_BELOW, HollowApproxError, guarded_approx


def test_the_guard_is_installed_for_the_session():
    assert pytest.approx is guarded_approx


@pytest.mark.parametrize("expected", [
    1e-11,                       # a magnetic moment in mu_B
    1.038e-47,                   # a cross section in cm^2/keV
    -2.7e-12,                    # a signed millicharge
    0.0,                         # zero: abs=1e-12 would accept 1e-20 as equal to it
    [3.0, 2e-11],                # one small element is enough
    [0.0, 0.0],                  # zero throughout
    np.array([[1.0], [5e-7]]),
    {"dirac": 1e-15, "majorana": 4e-9},
])
def test_small_expected_values_without_abs_are_refused(expected):
    with pytest.raises(HollowApproxError, match="without abs="):
        pytest.approx(expected, rel=1e-3)
    with pytest.raises(HollowApproxError):
        pytest.approx(expected)


def test_the_refused_comparison_was_indeed_hollow():
    """What the guard prevents: pytest's own approx accepts a cross section twice too large
    and a moment 5% off at rel=1e-3."""
    from tests import conftest

    assert 2.076e-47 == conftest._PYTEST_APPROX(1.038e-47, rel=1e-3)  # hollow: passes
    assert 1.05e-11 == conftest._PYTEST_APPROX(1e-11, rel=1e-3)       # hollow: passes
    assert 2.076e-47 != pytest.approx(1.038e-47, rel=1e-3, abs=0)     # with abs=0 it fails
    assert 1.05e-11 != pytest.approx(1e-11, rel=1e-3, abs=0)


@pytest.mark.parametrize("expected", [1e-11, 0.0, [2e-11, 1.0], {"a": 1e-15}])
def test_explicit_abs_is_accepted_and_honoured(expected):
    comparison = pytest.approx(expected, rel=1e-3, abs=0)
    assert expected == comparison
    assert 0.0 == pytest.approx(0.0, abs=1e-300)
    assert 1e-20 != pytest.approx(0.0, abs=1e-30)


def test_large_values_and_non_numbers_keep_pytest_behaviour():
    assert 2.0000001 == pytest.approx(2.0)
    assert [0.0, 50.0, 100.0] == pytest.approx([0.0, 50.0, 100.0])  # zeros beside a scale
    assert [1.0, 2.0] == pytest.approx([1.0, 2.0 + 1e-9])
    assert HOLLOW_BELOW == pytest.approx(1e-6)  # the bound itself is not below the bound
    assert math.inf == pytest.approx(math.inf)
    assert (3.0, 4.0) == pytest.approx((3.0, 4.0))


def test_browser_tests_get_a_warning_for_now(tmp_path):
    """A call from a file under tests/browser warns (HollowApproxWarning) instead of failing."""
    from tests import conftest

    code = compile("import pytest\ncomparison = pytest.approx(3e-11)\n",
                   str(conftest.WARN_ONLY_UNDER / "test_example.py"), "exec")
    with pytest.warns(conftest.HollowApproxWarning, match="without abs="):
        exec(code, {})
