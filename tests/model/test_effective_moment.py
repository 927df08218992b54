"""Tests of the effective magnetic moment mu_eff(nu_l, L, E) (Studenikin, Nucl. Part. Phys. Proc.
273-275, 1711 (2016); GS RMP 87, 531, IV.D) and of the PMNS matrix."""

import cmath
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import effective_magnetic_moment, pmns_matrix
from model.effective_moment import DEFAULT_DM2_21_EV2, DEFAULT_DM2_31_EV2, FLAVOUR_INDEX

FLAVOURS = list(FLAVOUR_INDEX)
# PDG 2022 three-neutrino summary, normal ordering (R. L. Workman et al., PTEP 2022, 083C01):
# the model's default mixing
PDG_SIN2_THETA12, PDG_SIN2_THETA13, PDG_SIN2_THETA23 = 0.307, 2.20e-2, 0.546
PDG_DELTA_CP_RAD = 1.36 * math.pi


def test_pmns_matrix_is_unitary_and_in_the_standard_parametrisation():
    U = pmns_matrix()
    np.testing.assert_allclose(U @ U.conj().T, np.eye(3), atol=1e-15)
    # PDG parametrisation: |U_e3|^2 = s13^2, |U_e2|^2 = s12^2 c13^2, |U_mu3|^2 = s23^2 c13^2.
    assert abs(U[0, 2]) ** 2 == pytest.approx(PDG_SIN2_THETA13, rel=1e-6, abs=0)
    assert abs(U[0, 1]) ** 2 == pytest.approx(PDG_SIN2_THETA12 * (1 - PDG_SIN2_THETA13), rel=1e-6, abs=0)
    assert abs(U[1, 2]) ** 2 == pytest.approx(PDG_SIN2_THETA23 * (1 - PDG_SIN2_THETA13), rel=1e-6, abs=0)
    assert cmath.phase(U[0, 2]) == pytest.approx(cmath.phase(cmath.exp(-1j * PDG_DELTA_CP_RAD)), rel=1e-6, abs=0)


def _reference_mu_eff(flavour, L_km, E_MeV, moments, U, dm2_21, dm2_31):
    """Studenikin (2016) written out term by term, with the textbook phase m^2 L / 2E = 2 x 1.266932679
    dm2[eV^2] L[km] / E[GeV] (1.2669327 = 1/(4 hbar c) of P = sin^2(1.267 dm2 L / E), with
    hbar c = 197.3269804 MeV fm)."""
    l = FLAVOUR_INDEX[flavour]
    phases = [0.0, 2 * 1.266932679 * dm2_21 * L_km / (E_MeV * 1e-3),
              2 * 1.266932679 * dm2_31 * L_km / (E_MeV * 1e-3)]
    total = 0.0
    for j in range(3):
        amplitude = sum(U[l, i] * cmath.exp(-1j * phases[i]) * moments[j, i] for i in range(3))
        total += abs(amplitude) ** 2
    return math.sqrt(total)


def test_matches_the_seed_formula_written_out():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    mu = (A + A.conj().T) * 1e-11  # Hermitian: Dirac
    U = pmns_matrix()
    L = np.array([0.0, 0.5, 13.9, 100.0])  # phases up to ~200 rad: the 8-digit constant suffices
    for flavour in FLAVOURS:
        result = effective_magnetic_moment(flavour, L, 3.0, mu)
        expected = [_reference_mu_eff(flavour, x, 3.0, mu, U, DEFAULT_DM2_21_EV2,
                                      DEFAULT_DM2_31_EV2) for x in L]
        np.testing.assert_allclose(result, expected, rtol=1e-6)


def test_universal_diagonal_moment_is_the_effective_moment_of_every_beam():
    mu = 2.9e-11 * np.eye(3)  # unitarity: sum_j |U_lj|^2 mu^2 = mu^2
    for flavour in FLAVOURS:
        np.testing.assert_allclose(effective_magnetic_moment(flavour, [0, 10, 1e4], 2.0, mu),
                                   2.9e-11, rtol=1e-12)


def test_diagonal_dirac_moments_do_not_depend_on_distance():
    # mu_eff^2 = sum_i |U_li|^2 mu_i^2 at any L (GS RMP 87, 531: no interference without
    # transition moments).
    moments = np.array([1e-11, 3e-11, 5e-11])
    U = pmns_matrix()
    L = np.geomspace(1e-3, 1e5, 30)
    for flavour, row in zip(FLAVOURS, U):
        expected = math.sqrt(np.sum(np.abs(row) ** 2 * moments**2))
        np.testing.assert_allclose(effective_magnetic_moment(flavour, L, 1.0, np.diag(moments)),
                                   expected, rtol=1e-12)


def test_transition_moments_make_mu_eff_oscillate_towards_the_incoherent_average():
    mu = np.array([[0, 2, 0], [2, 0, 1], [0, 1, 0]], dtype=float) * 1e-11  # Dirac transitions
    U = pmns_matrix()
    L = np.linspace(0.0, 2e5, 200001)  # many solar and atmospheric oscillation lengths at 3 MeV
    mu2 = effective_magnetic_moment("e", L, 3.0, mu) ** 2
    assert mu2.max() - mu2.min() > 0.1 * mu2.mean()
    # average over L: sum_i |U_ei|^2 sum_j |mu_ji|^2
    incoherent = np.sum(np.abs(U[0]) ** 2 * np.sum(np.abs(mu) ** 2, axis=0))
    assert mu2.mean() == pytest.approx(incoherent, rel=1e-3, abs=0)


def test_electric_moments_enter_as_mu_minus_i_eps():
    mu = np.diag([1e-11, 2e-11, 0.0])
    eps = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float) * 1e-11
    L = np.array([0.0, 30.0, 777.0])
    combined = _reference_mu_eff("mu", 30.0, 5.0, mu - 1j * eps, pmns_matrix(),
                                 DEFAULT_DM2_21_EV2, DEFAULT_DM2_31_EV2)
    assert effective_magnetic_moment("mu", L, 5.0, mu, eps)[1] == pytest.approx(combined, rel=1e-6, abs=0)


def test_energy_and_distance_broadcast():
    mu = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float) * 1e-11
    result = effective_magnetic_moment("e", np.array([[10.0], [20.0]]), np.array([1.0, 2.0, 4.0]), mu)
    assert result.shape == (2, 3)
    # only L/E matters
    assert result[0, 0] == pytest.approx(result[1, 1], rel=1e-12, abs=0)


# --- Dirac versus Majorana: triangle inequalities (Studenikin, J. Phys. Conf. Ser. 718 (2016),
# arXiv:1603.00337, Sec. 5; Frere, Heeck, Mollet,
# PRD 92, 053002 (2015)): for Majorana neutrinos |mu_tau|^2 <= |mu_e|^2 + |mu_mu|^2 and cyclic.
entries = st.floats(-1.0, 1.0, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(real=st.lists(entries, min_size=3, max_size=3), imag=st.lists(entries, min_size=3, max_size=3),
       s12=st.floats(0.0, 1.0), s13=st.floats(0.0, 0.1), s23=st.floats(0.0, 1.0),
       delta=st.floats(0.0, 2 * math.pi))
def test_majorana_moments_satisfy_the_triangle_inequalities(real, imag, s12, s13, s23, delta):
    a, b, d = (complex(r, i) * 1e-11 for r, i in zip(real, imag))
    lam = np.array([[0, a, b], [-a, 0, d], [-b, -d, 0]])  # antisymmetric
    U = pmns_matrix(s12, s13, s23, delta)
    squares = [effective_magnetic_moment(f, 0.0, 1.0, lam, nature="majorana", mixing_matrix=U) ** 2
               for f in FLAVOURS]
    for k in range(3):
        others = squares[(k + 1) % 3] + squares[(k + 2) % 3]
        assert squares[k] <= others * (1 + 1e-9) + 1e-40


def test_dirac_moments_can_violate_the_triangle_inequality():
    # A moment only for nu_tau in the flavour basis: lambda = U^T diag(0, 0, mu) U^* (Hermitian).
    U = pmns_matrix()
    lam = U.T @ np.diag([0.0, 0.0, 1e-11]) @ U.conj()
    mu_e, mu_mu, mu_tau = (effective_magnetic_moment(f, 0.0, 1.0, lam) for f in FLAVOURS)
    assert mu_tau == pytest.approx(1e-11, rel=1e-9, abs=0)
    assert mu_tau**2 > mu_e**2 + mu_mu**2


# --- input checks -------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    (dict(flavour="x"), "flavour"),
    (dict(L_km=-1.0), "L_km"),
    (dict(E_MeV=0.0), "E_MeV"),
    (dict(mu_matrix=np.eye(2)), "3x3"),
    (dict(mu_matrix=np.triu(np.ones((3, 3)))), "Hermitian"),
    (dict(mu_matrix=np.eye(3), nature="majorana"), "antisymmetric"),
    (dict(nature="weyl"), "nature"),
    (dict(mixing_matrix=2 * np.eye(3)), "unitary"),
])
def test_bad_input_raises_a_clear_ValueError(kwargs, message):
    arguments = {**dict(flavour="e", L_km=1.0, E_MeV=1.0, mu_matrix=np.eye(3) * 1e-11), **kwargs}
    with pytest.raises(ValueError, match=message):
        effective_magnetic_moment(**arguments)
