"""Argument checks for the plain-function API.

The param-based classes validate through param's bounds; these helpers give the same kind
of message (parameter name and allowed range) for functions that take plain arguments.
"""

from __future__ import annotations

import reprlib

import numpy as np


def as_checked_array(name: str, value, *, low=None, high=None, low_inclusive=True,
                     high_inclusive=True) -> np.ndarray:
    """Return ``value`` as a float array, or raise ValueError naming ``name`` and its range."""
    try:
        # numpy would cast a complex array to float with only a warning, dropping its imaginary part
        if np.iscomplexobj(value):
            raise TypeError
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number or an array of numbers, not {_short(value)}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {_short(value)}")
    too_low = (array < low if low_inclusive else array <= low) if low is not None else False
    too_high = (array > high if high_inclusive else array >= high) if high is not None else False
    if np.any(too_low) or np.any(too_high):
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(f"{name} must lie in {left}{lo}, {hi}{right}; got {_short(value)}")
    return array


def _short(value) -> str:
    """A bounded-length repr, so that a message about a long array stays readable."""
    return reprlib.repr(value.tolist() if isinstance(value, np.ndarray) else value)


def checked_choice(name: str, value, allowed) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise ValueError listing them."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}, not {value!r}")
    return value
