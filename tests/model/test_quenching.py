"""Lindhard quenching: published values, limits, invertibility of keVnr <-> keVee."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.quenching import (
    keVee_per_keVnr, keVee_to_keVnr, keVnr_to_keVee, lindhard_k, lindhard_quenching)

GE_Z, GE_A = 32, 72.63


def test_lindhard_k_for_germanium():
    # k = 0.133 Z^(2/3) A^(-1/2) (Lindhard et al. 1963) is the often quoted 0.157 for Ge.
    assert lindhard_k(GE_Z, GE_A) == pytest.approx(0.157, abs=5e-4)


def test_quenching_matches_published_germanium_values():
    # Scholz et al., PRD 94, 122003 (2016), arXiv:1608.03588: Lindhard with k = 0.179 gives a
    # quenching factor of 25.3% at 8.5 keVnr (their adiabatic correction acts only sub-keV).
    assert lindhard_quenching(8.5, GE_Z, 0.179) == pytest.approx(0.253, abs=1e-3)
    # Bonhomme et al., EPJC 82, 815 (2022): k = 0.162 +- 0.004 fits measured quenching factors
    # "between 0.16 and 0.23" over 0.4-6.3 keVnr (two-digit values: +-0.01 allowed).
    Q = lindhard_quenching([0.4, 6.3], GE_Z, 0.162)
    assert Q[0] == pytest.approx(0.16, abs=0.01) and Q[1] == pytest.approx(0.23, abs=0.01)


def test_limits():
    E = np.geomspace(1e-6, 1e6, 200)
    Q = lindhard_quenching(E, GE_Z, 0.157)
    assert np.all(np.diff(Q) > 0) and np.all((Q > 0) & (Q < 1))
    assert Q[0] < 0.03 and Q[-1] > 0.99  # no ionization at rest; electron-like at high energy
    ee = keVnr_to_keVee(E, GE_Z, 0.157)
    assert np.all(np.diff(ee) > 0)  # strictly increasing: invertible


def test_jacobian_is_the_derivative():
    E = np.geomspace(0.01, 100.0, 25)
    h = 1e-6
    numeric = (keVnr_to_keVee(E * (1 + h), GE_Z, 0.16) - keVnr_to_keVee(E * (1 - h), GE_Z, 0.16)) / (2 * h * E)
    np.testing.assert_allclose(keVee_per_keVnr(E, GE_Z, 0.16), numeric, rtol=1e-8)


@settings(max_examples=150, deadline=None)
@given(E=st.floats(1e-6, 1e5), Z=st.integers(1, 100), k=st.floats(1e-3, 1.0))
def test_round_trip_is_exact(E, Z, k):
    back = keVee_to_keVnr(keVnr_to_keVee(E, Z, k), Z, k)
    assert back == pytest.approx(E, rel=1e-12, abs=0)
    ee = keVnr_to_keVee(E, Z, k)
    assert keVnr_to_keVee(keVee_to_keVnr(ee, Z, k), Z, k) == pytest.approx(ee, rel=1e-12, abs=0)


def test_arrays_broadcast_against_element_columns():
    E = np.array([0.1, 1.0, 10.0])
    Z = np.array([[32.0], [54.0]])
    k = np.array([[0.157], [0.166]])
    result = keVee_to_keVnr(E, Z, k)
    assert result.shape == (2, 3)
    np.testing.assert_allclose(result[1], keVee_to_keVnr(E, 54, 0.166), rtol=1e-14)


@pytest.mark.parametrize("function, args, name", [
    (keVnr_to_keVee, (-1.0, 32, 0.16), "E_keVnr"), (keVnr_to_keVee, (0.0, 32, 0.16), "E_keVnr"),
    (keVee_to_keVnr, (float("nan"), 32, 0.16), "E_keVee"), (keVee_to_keVnr, (1.0, 32, 5.0), "k"),
    (lindhard_quenching, (1.0, 0, 0.16), "Z"), (lindhard_quenching, ("x", 32, 0.16), "E_keVnr")])
def test_bad_input_raises_value_error_naming_it(function, args, name):
    with pytest.raises(ValueError, match=name):
        function(*args)
