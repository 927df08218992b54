"""Tests of the theory calculators (model/theory.py) against published numbers.

Studenikin, "Electromagnetic neutrino: a short review", Nucl. Part. Phys. Proc. 273-275, 1711
(2016) (ICHEP 2014; "Studenikin (2016)" below), equation numbers as printed there; Studenikin,
"Status and perspectives of neutrino magnetic moments", J. Phys. Conf. Ser. 718 (2016),
arXiv:1603.00337 ("Studenikin (TAUP 2015)" below; triangle inequalities, section 5);
Studenikin, "Overview on electromagnetic properties of neutrino", talk at Quarks-2018, Valday
(2018) (Bell et al.).
Reference values are recomputed here from CODATA constants (scipy.constants).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import constants as codata

from model import electron_cross_section, millicharge_only_cross_section, theory
from model.effective_moment import effective_magnetic_moment, pmns_matrix
from model.theory import (
    TheoryCalculator, bell_dirac_bound, bell_majorana_bound, dirac_moment_by_regime,
    dirac_moment_heavy, dirac_moment_regime, dirac_moment_sm, dirac_moment_superheavy,
    dirac_transition_moments, majorana_pmns_matrix, majorana_transition_moments,
    majorana_triangle_inequalities, millicharge_bound_from_moment, naturalness_mass_shift_eV,
    naturalness_moment_limit, neutrino_masses_eV)

PC = codata.physical_constants
M_E = PC["electron mass energy equivalent in MeV"][0]
G_F = PC["Fermi coupling constant"][0] * 1e-6  # MeV^-2
M_TAU = PC["tau mass energy equivalent in MeV"][0]
M_W = 80.369e3  # MeV, PDG 2024
GEMMA_MU_LIMIT = 2.9e-11  # Studenikin (2016), eq. (29)
GEMMA_THRESHOLD_KEV = 2.8  # Studenikin (2016), eq. (28)


# --- the Standard-Model Dirac moment -------------------------------------------------------------
def test_sm_dirac_moment_at_1_eV():
    """Studenikin (2016), eq. (8): 3 e G_F m / (8 sqrt2 pi^2) ~ 3.2e-19 (m/1 eV) mu_B.  In units of
    mu_B = e/(2 m_e) the charge cancels: 3 G_F m_e m / (4 sqrt2 pi^2) = 3.203e-19 per eV."""
    exact = 3 * G_F * M_E * 1e-6 / (4 * math.sqrt(2) * math.pi**2)
    assert float(dirac_moment_sm(1.0)) == pytest.approx(exact, rel=1e-12, abs=0)
    assert float(dirac_moment_sm(1.0)) == pytest.approx(3.2e-19, rel=2e-3, abs=0)
    np.testing.assert_allclose(dirac_moment_sm([0.0, 0.1, 2.0]), [0.0, 0.1 * exact, 2 * exact], rtol=1e-12)


def test_heavy_neutrino_regimes():
    """Studenikin (2016), eq. (16): (1 + 5 b/18) times eq. (8), b = m^2/m_W^2, for 2 GeV << m << m_W;
    eq. (17): e G_F m / (8 pi^2 sqrt2), one third of eq. (8), for m >> m_W."""
    m = 20e9
    b = (20e3 / M_W) ** 2
    assert float(dirac_moment_heavy(m)) == pytest.approx(float(dirac_moment_sm(m)) * (1 + 5 * b / 18), rel=1e-12, abs=0)
    assert float(dirac_moment_superheavy(1e12)) == pytest.approx(float(dirac_moment_sm(1e12)) / 3, rel=1e-12, abs=0)
    assert [dirac_moment_regime(x) for x in (1.0, 1e7, 20e9, 80e9, 1e12)] == [
        "light", "light", "heavy", "none", "superheavy"]
    values = dirac_moment_by_regime([1.0, 20e9, 80e9, 1e12])
    assert values[0] == pytest.approx(3.2026e-19, rel=1e-4, abs=0)
    assert values[1] == pytest.approx(float(dirac_moment_heavy(20e9)), rel=1e-12, abs=0)
    assert math.isnan(values[2])  # no closed form at m ~ m_W
    assert values[3] == pytest.approx(float(dirac_moment_superheavy(1e12)), rel=1e-12, abs=0)


# --- transition moments ---------------------------------------------------------------------------
def test_transition_moment_scale_of_eq_12():
    """Studenikin (2016), eq. (12): transition moments are 4e-23 mu_B (m_i +- m_j)/eV sum (m_l/m_tau)^2 U U*.
    The exact coefficient 3 G_F m_e /(16 sqrt2 pi^2) (m_tau/m_W)^2 per eV is 3.91e-23."""
    exact = 3 * G_F * M_E * 1e-6 / (16 * math.sqrt(2) * math.pi**2) * (M_TAU / M_W) ** 2
    assert theory.DIRAC_TRANSITION_MU_B_PER_EV * theory.GIM_WEIGHTS[2] == pytest.approx(exact, rel=1e-4, abs=0)
    assert exact == pytest.approx(4e-23, rel=0.03, abs=0)
    # Maximal nu_2-nu_3 mixing in the mu-tau sector, m_2 = 1 eV, m_3 = 2 eV (rows e, mu, tau):
    # S_23 = (a_tau - a_mu) s c, mu_23 = coefficient x 3 eV x S_23, eps_23 one third of it.
    c, s = math.cos(math.pi / 4), math.sin(math.pi / 4)
    U = np.array([[1, 0, 0], [0, c, -s], [0, s, c]], dtype=complex)
    moments = dirac_transition_moments([0.5, 1.0, 2.0], U)
    expected = theory.DIRAC_TRANSITION_MU_B_PER_EV * 3.0 * (theory.GIM_WEIGHTS[2] - theory.GIM_WEIGHTS[1]) * s * c
    assert abs(moments.magnetic[1, 2]) == pytest.approx(abs(expected), rel=1e-10, abs=0)
    assert abs(moments.electric[1, 2]) == pytest.approx(abs(expected) / 3.0, rel=1e-10, abs=0)


def test_gim_suppression():
    """The transition moments are (m_l/m_W)^2-suppressed against the diagonal ones, and vanish
    without mixing or for degenerate charged leptons (unitarity: leptonic GIM mechanism)."""
    masses = neutrino_masses_eV(0.05)
    dirac = dirac_transition_moments(masses, pmns_matrix())
    off_diagonal = np.abs(dirac.magnetic[~np.eye(3, dtype=bool)])
    assert np.max(off_diagonal) < 1e-3 * np.min(np.abs(np.diag(dirac.magnetic)))
    np.testing.assert_allclose(np.diag(dirac.magnetic).real, dirac_moment_sm(masses), rtol=1e-12)
    no_mixing = dirac_transition_moments(masses, np.eye(3))
    assert np.all(no_mixing.magnetic[~np.eye(3, dtype=bool)] == 0)


def test_gim_cancels_for_degenerate_charged_leptons(monkeypatch):
    monkeypatch.setattr(theory, "GIM_WEIGHTS", np.full(3, 3e-4))
    masses = neutrino_masses_eV(0.05)
    dirac = dirac_transition_moments(masses, pmns_matrix())
    majorana = majorana_transition_moments(masses, majorana_pmns_matrix(alpha21_rad=1.0))
    off = ~np.eye(3, dtype=bool)
    assert np.max(np.abs(dirac.magnetic[off])) < 1e-12 * np.max(np.abs(dirac.magnetic))
    assert np.max(np.abs(majorana.magnetic)) < 1e-35 and np.max(np.abs(majorana.electric)) < 1e-35


def test_dirac_moments_are_hermitian_and_majorana_antisymmetric():
    """Hermiticity: mu^D Hermitian, eps^D anti-Hermitian as (m_i -+ m_j) S_ij with S
    Hermitian (eq. 11); Majorana moments real and antisymmetric (eqs. 13, 14)."""
    masses = neutrino_masses_eV(0.02, "inverted")
    U = majorana_pmns_matrix(0.7, 2.1)
    dirac = dirac_transition_moments(masses, U)
    np.testing.assert_allclose(dirac.magnetic, dirac.magnetic.conj().T, rtol=1e-12, atol=0)
    np.testing.assert_allclose(dirac.electric, -dirac.electric.conj().T, rtol=1e-12, atol=0)
    majorana = majorana_transition_moments(masses, U)
    for matrix in (majorana.magnetic, majorana.electric):
        assert np.isrealobj(matrix)
        np.testing.assert_array_equal(matrix, -matrix.T)
        assert np.all(np.diag(matrix) == 0)


def test_majorana_cp_options_of_eq_15():
    """Studenikin (2016), eq. (15): with CP conserved, either mu^M = 2 mu^D and eps^M = 0, or mu^M = 0 and
    eps^M = 2 eps^D, depending on the relative CP phase of nu_i and nu_j.  Real U (delta = 0,
    no Majorana phases): mu^M = 0 for every pair.  alpha21 = pi multiplies column 2 by i: the
    pairs (1,2) and (2,3) switch to mu^M = 2 mu^D, eps^M = 0; the pair (1,3) does not."""
    masses = neutrino_masses_eV(0.03)
    real_U = pmns_matrix(delta_cp_rad=0.0)
    dirac = dirac_transition_moments(masses, real_U)
    majorana = majorana_transition_moments(masses, real_U)
    off = ~np.eye(3, dtype=bool)
    assert np.max(np.abs(majorana.magnetic)) < 1e-20 * np.max(np.abs(dirac.magnetic[off]))
    np.testing.assert_allclose(np.abs(majorana.electric[off]), 2 * np.abs(dirac.electric[off]), rtol=1e-10)
    phased = majorana_transition_moments(masses, majorana_pmns_matrix(math.pi, delta_cp_rad=0.0))
    for i, j in ((0, 1), (1, 2)):
        assert abs(phased.magnetic[i, j]) == pytest.approx(2 * abs(dirac.magnetic[i, j]), rel=1e-10, abs=0)
        assert abs(phased.electric[i, j]) < 1e-12 * abs(dirac.electric[i, j])
    assert abs(phased.electric[0, 2]) == pytest.approx(2 * abs(dirac.electric[0, 2]), rel=1e-10, abs=0)


def test_masses_reproduce_the_splittings():
    for ordering in ("normal", "inverted"):
        m1, m2, m3 = neutrino_masses_eV(0.01, ordering)
        assert m2**2 - m1**2 == pytest.approx(7.53e-5, rel=1e-9, abs=0)
        assert abs(m3**2 - m2**2) == pytest.approx(2.453e-3 if ordering == "normal" else 2.536e-3, rel=1e-9, abs=0)
        assert min(m1, m2, m3) == pytest.approx(0.01, rel=1e-6, abs=0)
    assert neutrino_masses_eV(0.01, "inverted")[2] == pytest.approx(0.01, rel=1e-6, abs=0)


@settings(max_examples=100, deadline=None)
@given(s12=st.floats(0, 1), s13=st.floats(0, 1), s23=st.floats(0, 1), delta=st.floats(0, 2 * math.pi),
       a21=st.floats(0, 2 * math.pi), a31=st.floats(0, 2 * math.pi))
def test_majorana_pmns_is_unitary(s12, s13, s23, delta, a21, a31):
    U = majorana_pmns_matrix(a21, a31, sin2_theta12=s12, sin2_theta13=s13, sin2_theta23=s23,
                             delta_cp_rad=delta)
    np.testing.assert_allclose(U.conj().T @ U, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(np.abs(U), np.abs(pmns_matrix(s12, s13, s23, delta)), atol=1e-15)


# --- naturalness ---------------------------------------------------------------------------------
def test_naturalness_eq_19():
    """Studenikin (2016), eq. (19): delta m ~ Lambda^2/(2 m_e) mu/mu_B = (mu/1e-18 mu_B)(Lambda/1 TeV)^2 eV;
    exactly, 2 m_e/(1 TeV)^2 = 1.022e-18, so mu = 1e-18 at 1 TeV gives 0.978 eV."""
    assert float(naturalness_mass_shift_eV(1e-18, 1.0)) == pytest.approx(1e24 / (2 * M_E * 1e6) * 1e-18, rel=1e-12, abs=0)
    assert float(naturalness_mass_shift_eV(1e-18, 1.0)) == pytest.approx(0.978, abs=1e-3)
    assert float(naturalness_mass_shift_eV(1e-18, 1.0)) == pytest.approx(1.0, rel=0.025, abs=0)  # the review's round number
    assert float(naturalness_mass_shift_eV(2e-18, 10.0)) == pytest.approx(200 * 0.9785, rel=1e-3, abs=0)


@settings(max_examples=100, deadline=None)
@given(mu=st.floats(-20, -6).map(lambda x: 10.0**x), scale=st.floats(-3, 4).map(lambda x: 10.0**x))
def test_naturalness_limit_inverts_the_mass_shift(mu, scale):
    delta_m = naturalness_mass_shift_eV(mu, scale)
    assert float(naturalness_moment_limit(delta_m, scale)) == pytest.approx(mu, rel=1e-12, abs=0)


def test_bell_bounds():
    """Quarks-2018 talk (Bell et al. 2005): mu^D <~ 1e-15 mu_B for Lambda ~ 1 TeV, delta m <= 1 eV, several
    orders below the experimental limits.  Majorana (Bell et al. 2006 abstract): weaker than
    present limits at Lambda ~ 1 TeV, stronger only for Lambda > 10-100 TeV."""
    assert float(bell_dirac_bound()) == pytest.approx(1e-15, rel=1e-6, abs=0)
    assert float(bell_dirac_bound()) < 1e-3 * GEMMA_MU_LIMIT
    assert float(bell_dirac_bound(0.5, 2.0)) == pytest.approx(1e-15 * 0.5 / 4, rel=1e-6, abs=0)
    for pair in (("e", "tau"), ("mu", "tau")):
        bound = float(bell_majorana_bound(1.0, 1.0, pair))
        # flavour factor m_tau^2/(m_tau^2 - m_a^2): 1 + 3.5e-3 for the mu-tau pair
        assert bound == pytest.approx(4e-9, rel=4e-3, abs=0) and bound > GEMMA_MU_LIMIT
        crossing_TeV = math.sqrt(bound / GEMMA_MU_LIMIT)  # bound(Lambda) = GEMMA's limit
        assert 10.0 < crossing_TeV < 100.0
    # Yukawa suppression: the e-mu pair gains m_tau^2 / m_mu^2 ~ 283
    ratio = float(bell_majorana_bound(1.0, 1.0, ("e", "mu"))) / float(bell_majorana_bound(1.0, 1.0, ("e", "tau")))
    assert ratio == pytest.approx(283, rel=0.01, abs=0)
    with pytest.raises(ValueError, match="different flavours"):
        bell_majorana_bound(1.0, 1.0, ("e", "e"))


# --- millicharge from a moment limit --------------------------------------------------------------
def test_millicharge_from_gemma():
    """Studenikin (2016), eqs. (32)-(33): q^2 <~ (T/2 m_e)(mu/mu_B)^2 e0^2; GEMMA's 2.9e-11 mu_B at
    T = 2.8 keV gives |q| ~ 1.5e-12 e0 (1.52e-12 exactly, docs/physics.md, Sec. 2)."""
    q = float(millicharge_bound_from_moment(GEMMA_MU_LIMIT, GEMMA_THRESHOLD_KEV))
    assert q == pytest.approx(GEMMA_MU_LIMIT * math.sqrt(2.8e-3 / (2 * M_E)), rel=1e-12, abs=0)
    assert q == pytest.approx(1.52e-12, abs=0.005e-12)
    assert q == pytest.approx(1.5e-12, rel=0.02, abs=0)
    # vectorised, broadcast over both arguments
    table = millicharge_bound_from_moment(np.array([[1e-11], [2e-11]]), np.array([1.0, 4.0]))
    assert table.shape == (2, 2)
    assert table[1, 1] == pytest.approx(4 * table[0, 0], rel=1e-12, abs=0)


def test_millicharge_bound_equates_the_two_cross_sections():
    """At the bound the pure q_nu term equals the mu_nu term at T = T_th for E >> T (Studenikin
    (2016), eqs. (25), (26); the model's cross sections, electron_scattering.py)."""
    q = float(millicharge_bound_from_moment(GEMMA_MU_LIMIT, GEMMA_THRESHOLD_KEV))
    magnetic = electron_cross_section(GEMMA_THRESHOLD_KEV, 1e4, mu_nu=GEMMA_MU_LIMIT).magnetic
    charge = millicharge_only_cross_section(GEMMA_THRESHOLD_KEV, 1e4, q)
    assert float(charge) == pytest.approx(float(magnetic), rel=1e-5, abs=0)


@pytest.mark.parametrize("args, name", [((-1e-11, 2.8), "mu_nu"), ((1e-11, 0.0), "T_threshold_keV"),
                                        ((1e-11, float("nan")), "T_threshold_keV"),
                                        (("x", 2.8), "mu_nu")])
def test_millicharge_bound_rejects_bad_input(args, name):
    with pytest.raises(ValueError, match=name):
        millicharge_bound_from_moment(*args)


# --- Majorana triangle inequalities -----------------------------------------------------------------
def test_triangle_examples():
    """Studenikin (TAUP 2015), section 5: |mu_e|^2 <= |mu_mu|^2 + |mu_tau|^2 and cyclic for Majorana neutrinos."""
    assert majorana_triangle_inequalities(1e-12, 1.5e-12, 1.5e-12).satisfied
    assert majorana_triangle_inequalities(5e-12, 3e-12, 4e-12).satisfied  # equality: mu_e^2 = 25 = 9 + 16
    broken = majorana_triangle_inequalities(3e-12, 2e-12, 2e-12)
    assert not broken.satisfied and broken.violated == ("e",)
    assert broken.margins_muB2["e"] == pytest.approx(-1e-24, rel=1e-6, abs=0)
    # A Dirac neutrino with only a nu_e moment: mu_e > 0, mu_mu = mu_tau = 0
    assert majorana_triangle_inequalities(1e-11, 0.0, 0.0).violated == ("e",)
    with pytest.raises(ValueError, match="mu_tau"):
        majorana_triangle_inequalities(1e-12, 1e-12, -1e-12)


complex_moments = st.tuples(st.floats(-1, 1), st.floats(-1, 1)).map(lambda z: complex(*z) * 1e-11)


@settings(max_examples=150, deadline=None)
@given(st.lists(complex_moments, min_size=3, max_size=3), st.floats(0.0, 1e3), st.floats(0.5, 10.0))
def test_majorana_effective_moments_obey_the_triangle_at_any_baseline(entries, L_km, E_MeV):
    """Any antisymmetric (Majorana) moment matrix, propagated to any distance with the
    effective moment of Studenikin (2016) (model.effective_moment), satisfies the inequalities."""
    m12, m13, m23 = entries
    matrix = np.array([[0, m12, m13], [-m12, 0, m23], [-m13, -m23, 0]])
    moments = [float(effective_magnetic_moment(f, L_km, E_MeV, matrix, nature="majorana"))
               for f in ("e", "mu", "tau")]
    assert majorana_triangle_inequalities(*moments, rel_tolerance=1e-9).satisfied


def test_dirac_moments_can_break_the_triangle():
    """A diagonal Dirac moment of nu_1 only: mu_e^2 = |U_e1|^2 mu^2 exceeds mu_mu^2 + mu_tau^2."""
    matrix = np.diag([1e-11, 0.0, 0.0])
    moments = [float(effective_magnetic_moment(f, 0.0, 1.0, matrix)) for f in ("e", "mu", "tau")]
    assert majorana_triangle_inequalities(*moments).violated == ("e",)


# --- the calculator behind the tab --------------------------------------------------------------
def test_calculator_outputs():
    calc = TheoryCalculator(m_nu_eV=1.0, mu_nu=1e-11, Lambda_TeV=1.0)
    assert calc.sm_moment_muB() == pytest.approx(3.2026e-19, rel=1e-4, abs=0) and calc.sm_regime() == "light"
    assert calc.mass_shift_eV() == pytest.approx(9.785e6, rel=1e-3, abs=0)
    assert calc.millicharge_bound() == pytest.approx(1.52e-12, abs=0.005e-12)
    assert calc.bell_bounds_muB()["dirac"] == pytest.approx(1e-15, rel=1e-6, abs=0)
    masses = np.geomspace(1e-3, 1e13, 50)
    curves = calc.moment_curves(masses)
    np.testing.assert_allclose(curves["naturalness"], naturalness_moment_limit(masses, 1.0), rtol=1e-12)
    assert set(curves) == {"sm_dirac", "naturalness", "bell_dirac", "bell_majorana"}
    assert all(len(v) == 50 for v in curves.values())


@pytest.mark.parametrize("kwargs, name", [
    ({"m_nu_eV": -1.0}, "m_nu_eV"), ({"Lambda_TeV": 0.0}, "Lambda_TeV"), ({"mu_nu": -1e-11}, "mu_nu"),
    ({"ordering": "flat"}, "ordering"), ({"T_threshold_keV": 0.0}, "T_threshold_keV"),
    ({"mu_e_eff": -1.0}, "mu_e_eff")])
def test_calculator_rejects_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TheoryCalculator(**kwargs)


def test_functions_reject_bad_input():
    with pytest.raises(ValueError, match="m_nu_eV"):
        dirac_moment_sm(-1.0)
    with pytest.raises(ValueError, match="unitary"):
        dirac_transition_moments([0.1, 0.2, 0.3], np.ones((3, 3)))
    with pytest.raises(ValueError, match="ordering"):
        neutrino_masses_eV(0.1, "sideways")
    with pytest.raises(ValueError, match="Lambda_TeV"):
        naturalness_mass_shift_eV(1e-11, -1.0)
