"""model.validation.as_checked_array: the fast path for plain numbers gives exactly what the
general (numpy) path gives, value and message."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import validation
from model.validation import as_checked_array

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                    st.integers(10**308, 10**320),  # near and beyond the largest float
                    st.floats(allow_nan=True, allow_infinity=True).map(np.float64))
bounds = st.one_of(st.none(), st.floats(-1e6, 1e6), st.integers(-100, 100))


def _outcome(value, **limits):
    try:
        array = as_checked_array("x_km", value, **limits)
    except ValueError as error:
        return "error", str(error)
    return type(array), array.shape, array.dtype, float(array)


@settings(max_examples=300, deadline=None)
@given(value=numbers, low=bounds, high=bounds, low_inclusive=st.booleans(),
       high_inclusive=st.booleans())
def test_a_plain_number_is_checked_as_the_general_path_checks_it(value, low, high, low_inclusive,
                                                                  high_inclusive):
    limits = dict(low=low, high=high, low_inclusive=low_inclusive, high_inclusive=high_inclusive)
    fast = _outcome(value, **limits)
    kept = validation._REAL_SCALARS
    validation._REAL_SCALARS = ()  # every value through numpy
    try:
        general = _outcome(value, **limits)
    finally:
        validation._REAL_SCALARS = kept
    assert fast == general


def test_messages_name_the_argument_and_its_range():
    with pytest.raises(ValueError, match=r"x_km must lie in \[0, 10\]; got -1.0"):
        as_checked_array("x_km", -1.0, low=0.0, high=10.0)
    with pytest.raises(ValueError, match=r"x_km must lie in \(0, inf\]; got 0"):
        as_checked_array("x_km", 0, low=0.0, low_inclusive=False)
    with pytest.raises(ValueError, match="x_km must be finite, got nan"):
        as_checked_array("x_km", float("nan"))
    for beyond_the_floats in (10**400, [1.0, -10**400]):  # a ValueError, not numpy's OverflowError
        with pytest.raises(ValueError, match="x_km must be finite"):
            as_checked_array("x_km", beyond_the_floats)
    assert as_checked_array("x_km", True).item() == 1.0  # a bool: numpy's reading, as before
    assert as_checked_array("x_km", 2.5, low=0.0).shape == ()
