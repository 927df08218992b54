"""Argument checks for the plain-function API.

The param-based classes validate through param's bounds; these helpers give the same kind
of message (parameter name and allowed range) for functions that take plain arguments.
"""

from __future__ import annotations

import math
import numbers
import reprlib

import numpy as np
import param


_REAL_SCALARS = (float, int, np.float64)  # exact types: bool (an int) takes the general path
_BOUNDS = (float, int, type(None))


def as_checked_array(name: str, value, *, low=None, high=None, low_inclusive=True,
                     high_inclusive=True) -> np.ndarray:
    """Return ``value`` as a float array, or raise ValueError naming ``name`` and its range."""
    if type(value) in _REAL_SCALARS and type(low) in _BOUNDS and type(high) in _BOUNDS:
        # A plain number (most calls: a model's scalar parameters) checked without numpy's
        # array machinery, ~10x faster; the same result and the same messages.
        try:
            number = float(value)
        except OverflowError:  # an int beyond the floats
            number = math.inf
        if not math.isfinite(number):
            raise ValueError(f"{name} must be finite, got {_short(value)}")
        if ((low is not None and (number < low if low_inclusive else number <= low))
                or (high is not None and (number > high if high_inclusive else number >= high))):
            raise ValueError(_range_message(name, value, low, high, low_inclusive, high_inclusive))
        return np.array(number)
    try:
        # numpy would cast a complex array to float with only a warning, dropping its imaginary part
        if np.iscomplexobj(value):
            raise TypeError
        array = np.asarray(value, dtype=float)
    except OverflowError:  # ints beyond the floats: as the infinite values below
        raise ValueError(f"{name} must be finite, got {_short(value)}") from None
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, not {_short(value)}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {_short(value)}")
    too_low = (array < low if low_inclusive else array <= low) if low is not None else False
    too_high = (array > high if high_inclusive else array >= high) if high is not None else False
    if np.any(too_low) or np.any(too_high):
        raise ValueError(_range_message(name, value, low, high, low_inclusive, high_inclusive))
    return array


def _range_message(name, value, low, high, low_inclusive, high_inclusive) -> str:
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    return f"{name} must lie in {left}{lo}, {hi}{right}; got {_short(value)}"


def _short(value) -> str:
    """A bounded-length repr, so that a message about a long array stays readable."""
    return reprlib.repr(value.tolist() if isinstance(value, np.ndarray) else value)


def checked_choice(name: str, value, allowed) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise ValueError listing them."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}, not {value!r}")
    return value


class RealNumber(param.Number):
    """A ``param.Number`` that takes real numbers only.

    param.Number lets through what is not a real number: True (as 1), a numpy complex (its
    imaginary part then silently dropped in the arithmetic), a Decimal (failing later with a
    TypeError), and refuses a Python complex with a TypeError; an array fails in the bounds
    check with numpy's "truth value of an array is ambiguous".  All are refused here with a
    ValueError naming the parameter.
    """

    def _validate_value(self, value, allow_None):
        if not (allow_None and value is None) and (
                isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real)):
            raise ValueError(f"parameter {self.name!r} must be a real number, not {_short(value)}")
        super()._validate_value(value, allow_None)


class Choice(param.Selector):
    """A ``param.Selector`` that refuses an array with a ValueError naming the parameter
    (param compares it with each option and numpy raises about an ambiguous truth value)."""

    def _validate_value(self, value, allow_None=None):
        if isinstance(value, np.ndarray):
            raise ValueError(f"parameter {self.name!r} takes one of {list(self.objects)}, "
                             f"not an array")
        super()._validate_value(value, allow_None)
