"""Physics of nu-e elastic scattering against published and independently derived numbers.

Sources of the reference values:
* docs/physics.md, Sec. 2: sigma_SM at T << E, 1.038e-47 (s^2 = 0.23867) and 1.014e-47
  (s^2 = 0.23122) cm^2/keV for nu_e / anti_nu_e; 2.159e-48 / 2.166e-48 for nu_mu.
  Kouzakov, Studenikin & Voloshin, J. Phys. Conf. Ser. 375, 042045 (2012) ("KSV (2012)"
  below), eq. (sm), and Studenikin, Nucl. Part. Phys. Proc. 273-275, 1711 (2016)
  ("Studenikin (2016)" below), eq. (22): "approximately 1e-47 cm^2/keV".
* docs/physics.md, Sec. 2: pi alpha^2/m_e^2 = 2.4947e-25 cm^2; crossover at mu = 1e-11 mu_B:
  2.40 keV (s^2 = 0.2387), 2.46 keV (0.23122); Studenikin (2016), eq. (27).
* docs/physics.md, Secs. 1 and 2, and Studenikin (2016), eqs. (25), (26), (32): millicharge
  term and the ratio R = 2 m_e q^2 / (T mu^2); delta g_V = +0.0238 per <r^2> = 1e-32 cm^2.
"""

import math

import numpy as np
import pytest

from model import electron_cross_section, magnetic_sm_crossover_keV, max_recoil_keV
from model.electron_scattering import (
    MAGNETIC_PREFACTOR_CM2, couplings, em_vector_coupling_shift,
    millicharge_only_cross_section, min_neutrino_energy_MeV)
from tests.model.codata import c  # CODATA via scipy.constants: expected values never use model.constants

WEAK_PREFACTOR_CM2_PER_KEV = (c.FERMI_CONSTANT_MEV2**2 * c.ELECTRON_MASS_MEV / (2 * math.pi)
                              * c.HBAR_C_SQUARED_MEV2_CM2 * 1e-3)  # G_F^2 m_e/(2 pi), cm^2/keV

M_E = c.ELECTRON_MASS_MEV
T_SMALL_KEV = 1e-3   # T << E
E_LARGE_MEV = 1e3


@pytest.mark.parametrize("flavour, sin2, expected", [
    ("anti_nu_e", 0.23867, 1.038e-47), ("nu_e", 0.23867, 1.038e-47),
    ("anti_nu_e", 0.23122, 1.014e-47), ("nu_e", 0.23122, 1.014e-47),
    ("nu_mu", 0.23867, 2.159e-48), ("anti_nu_mu", 0.23867, 2.159e-48),
    ("nu_mu", 0.23122, 2.166e-48), ("anti_nu_mu", 0.23122, 2.166e-48),
])
def test_standard_model_at_small_recoil_matches_reference(flavour, sin2, expected):
    xs = electron_cross_section(T_SMALL_KEV, E_LARGE_MEV, flavour, sin2_theta_w=sin2)
    assert xs.sm == pytest.approx(expected, rel=1e-3, abs=0)


def test_standard_model_equals_seed_eq22_for_electron_antineutrinos():
    # Studenikin (2016), eq. (22): G_F^2 m_e/(2 pi) (1 + 4 s^2 + 8 s^4) at E >> T.
    s2 = c.SIN2_THETA_W_LOW_ENERGY
    expected = WEAK_PREFACTOR_CM2_PER_KEV * (1 + 4 * s2 + 8 * s2**2)
    assert electron_cross_section(1e-6, 1e4).sm == pytest.approx(expected, rel=1e-8, abs=0)
    assert WEAK_PREFACTOR_CM2_PER_KEV == pytest.approx(4.308e-48, rel=1e-3, abs=0)  # docs/physics.md, Sec. 2


def test_prefactors():
    assert MAGNETIC_PREFACTOR_CM2 == pytest.approx(2.4947e-25, rel=1e-4, abs=0)  # docs/physics.md, Sec. 2
    # 2 pi alpha^2/m_e = 2.5495e-25 cm^2 MeV (computed [C]) = 2 m_e * pi alpha^2/m_e^2
    assert 2 * M_E * MAGNETIC_PREFACTOR_CM2 == pytest.approx(2.5495e-25, rel=1e-4, abs=0)


def test_antineutrino_flips_axial_coupling():
    for flavour in ("nu_e", "nu_mu"):
        g_V, g_A = couplings(flavour)
        assert couplings("anti_" + flavour) == (g_V, -g_A)
    assert couplings("nu_e", 0.25) == (1.0, 0.5)
    assert couplings("nu_mu", 0.25) == (0.0, -0.5)


def test_standard_model_full_energy_dependence_against_independent_gL_gR_form():
    # Equivalent form of the cross section of docs/physics.md, Sec. 2:
    # (2 G_F^2 m_e/pi)[g_L^2 + g_R^2 (1-y)^2 - g_L g_R m_e T/E^2]
    # for neutrinos, g_L <-> g_R for antineutrinos; g_L = 1/2 + s^2 (nu_e), g_R = s^2.
    s2 = 0.23867
    T_keV = np.array([1.0, 50.0, 300.0, 900.0])
    E_MeV = 1.2
    y = T_keV * 1e-3 / E_MeV
    g_L, g_R = 0.5 + s2, s2
    prefactor = 4 * WEAK_PREFACTOR_CM2_PER_KEV  # 2 G_F^2 m_e/pi = 4 * G_F^2 m_e/(2 pi)
    nu = prefactor * (g_L**2 + g_R**2 * (1 - y) ** 2 - g_L * g_R * M_E * T_keV * 1e-3 / E_MeV**2)
    anti = prefactor * (g_R**2 + g_L**2 * (1 - y) ** 2 - g_L * g_R * M_E * T_keV * 1e-3 / E_MeV**2)
    np.testing.assert_allclose(electron_cross_section(T_keV, E_MeV, "nu_e").sm, nu, rtol=1e-12)
    np.testing.assert_allclose(electron_cross_section(T_keV, E_MeV, "anti_nu_e").sm, anti, rtol=1e-12)


def test_kinematic_end_point():
    # T_max = 2E^2/(m_e + 2E); E_min(T) is its inverse.
    E = np.array([0.01, 0.3843, 0.8613, 1.0, 8.0])
    T_max = max_recoil_keV(E)
    np.testing.assert_allclose(T_max, 1e3 * 2 * E**2 / (M_E + 2 * E), rtol=1e-14)
    np.testing.assert_allclose(min_neutrino_energy_MeV(T_max), E, rtol=1e-12)
    # Be-7 862 keV line: the "Compton-like edge" at ~665 keV seen by Borexino (PRL 101, 091302 (2008))
    assert max_recoil_keV(0.862) == pytest.approx(665.0, abs=1.0)
    xs_in = electron_cross_section(T_max * (1 - 1e-9), E, mu_nu=1e-11, q_nu=1e-12)
    xs_out = electron_cross_section(T_max * (1 + 1e-9), E, mu_nu=1e-11, q_nu=1e-12)
    assert np.all(xs_in.sm > 0) and np.all(xs_in.magnetic > 0)
    for component in (xs_out.sm, xs_out.magnetic, xs_out.charge, xs_out.total):
        assert np.all(component == 0.0)


def test_magnetic_term_exact_form_and_mu_squared_scaling():
    T_keV, E_MeV = np.array([0.5, 2.8, 100.0]), 2.0
    xs = electron_cross_section(T_keV, E_MeV, mu_nu=1e-11)
    expected = 2.4947e-25 * 1e-22 * (1 / (T_keV * 1e-3) - 1 / E_MeV) * 1e-3
    np.testing.assert_allclose(xs.magnetic, expected, rtol=1e-4)
    xs2 = electron_cross_section(T_keV, E_MeV, mu_nu=2e-11)
    np.testing.assert_allclose(xs2.magnetic, 4 * xs.magnetic, rtol=1e-12)
    np.testing.assert_allclose(xs2.sm, xs.sm, rtol=0)  # no interference (helicity flip)


def test_crossover_reproduces_seed_eq27():
    # Studenikin (2016), eq. (27) at mu = 1e-11 mu_B: docs/physics.md, Sec. 2 gives 2.40 keV
    # (s^2 = 0.2387) and 2.46
    assert magnetic_sm_crossover_keV(1e-11) == pytest.approx(2.40, abs=0.01)
    assert magnetic_sm_crossover_keV(1e-11, sin2_theta_w=0.23122) == pytest.approx(2.46, abs=0.01)
    T = magnetic_sm_crossover_keV(3e-11)
    xs = electron_cross_section(T, 1e4, mu_nu=3e-11)
    assert xs.magnetic == pytest.approx(xs.sm, rel=1e-4, abs=0)
    assert magnetic_sm_crossover_keV(3e-11) == pytest.approx(9 * magnetic_sm_crossover_keV(1e-11), rel=1e-6, abs=0)


def test_millicharge_exact_form_and_rutherford_limit():
    q, T_keV, E_MeV = 1e-12, np.array([1.0, 10.0, 200.0]), 1.0
    T, E = T_keV * 1e-3, E_MeV
    leading = 2 * math.pi * c.ALPHA**2 * q**2 / (M_E * T**2) * c.HBAR_C_SQUARED_MEV2_CM2 * 1e-3
    exact = leading * (1 - T / E + T**2 / (2 * E**2) - M_E * T / (2 * E**2))
    np.testing.assert_allclose(millicharge_only_cross_section(T_keV, E_MeV, q), exact, rtol=1e-10)
    # From the exact bracket of docs/physics.md, Sec. 2: exact/leading = 0.9988 at T = 1 keV, E = 1 MeV
    assert millicharge_only_cross_section(1.0, 1.0, q) / leading[0] == pytest.approx(0.9988, abs=1e-4)


def test_seed_ratio_millicharge_to_magnetic():
    # Studenikin (2016), from eqs. (25) and (26): R = 2 m_e q^2 / (T mu^2) at E >> T.
    mu, q = 2.9e-11, 1.5e-12
    for T_keV in (0.3, 2.8, 10.0):
        ratio = (millicharge_only_cross_section(T_keV, 1e4, q)
                 / electron_cross_section(T_keV, 1e4, mu_nu=mu).magnetic)
        assert ratio == pytest.approx(2 * M_E * q**2 / (T_keV * 1e-3 * mu**2), rel=1e-3, abs=0)


def test_studenikin_millicharge_estimate_from_gemma():
    # Studenikin (2016), eqs. (32)-(33): q^2 <= T mu^2/(2 m_e) with GEMMA mu < 2.9e-11, T = 2.8 keV
    # gives |q| ~ 1.5e-12 e0 (docs/physics.md, Sec. 2 computes 1.52e-12): the two terms are equal there.
    q = math.sqrt(2.8e-3 * (2.9e-11) ** 2 / (2 * M_E))
    assert q == pytest.approx(1.52e-12, rel=5e-3, abs=0)
    assert (millicharge_only_cross_section(2.8, 1e4, q)
            == pytest.approx(electron_cross_section(2.8, 1e4, mu_nu=2.9e-11).magnetic, rel=1e-3, abs=0))


def test_charge_radius_shift_convention():
    # docs/physics.md, Sec. 2: delta g_V = +0.0238 per <r^2> = 1e-32 cm^2 (sqrt2 pi alpha/(3 G_F) = 926.6 GeV^2)
    assert em_vector_coupling_shift(1.0, charge_radius_cm2=1e-32) == pytest.approx(0.0238, abs=1e-4)
    # The SM cross section with g_V shifted by hand equals sm + charge.
    T_keV, E_MeV, r2 = np.array([1.0, 100.0, 1000.0]), 3.0, 2e-32
    xs = electron_cross_section(T_keV, E_MeV, "anti_nu_e", charge_radius_cm2=r2)
    shifted_sin2 = c.SIN2_THETA_W_LOW_ENERGY + em_vector_coupling_shift(1.0, charge_radius_cm2=r2) / 2
    # g_V = 1/2 + 2 s^2 with g_A fixed: a g_V shift d equals a sin^2 shift of d/2.
    hand = electron_cross_section(T_keV, E_MeV, "anti_nu_e", sin2_theta_w=shifted_sin2).sm
    np.testing.assert_allclose(xs.sm + xs.charge, hand, rtol=1e-12)
    np.testing.assert_allclose(xs.total, hand, rtol=1e-12)


def test_millicharge_interferes_with_the_weak_amplitude():
    # The charge component contains the interference: it changes sign with q_nu, and
    # (charge(q) + charge(-q))/2 is the pure q^2 term.
    T_keV, E_MeV, q = np.array([0.5, 5.0, 50.0]), 2.0, 3e-13
    plus = electron_cross_section(T_keV, E_MeV, q_nu=q).charge
    minus = electron_cross_section(T_keV, E_MeV, q_nu=-q).charge
    pure = millicharge_only_cross_section(T_keV, E_MeV, q)
    np.testing.assert_allclose((plus + minus) / 2, pure, rtol=1e-9)
    assert np.all(plus < minus)  # g_V > 0 for nu_e-bar: positive q_nu interferes destructively


def test_limits_mu_and_q_to_zero():
    T_keV, E_MeV = np.geomspace(0.1, 500, 20), 1.5
    base = electron_cross_section(T_keV, E_MeV)
    assert np.all(base.magnetic == 0) and np.all(base.charge == 0)
    np.testing.assert_array_equal(base.total, base.sm)
    for mu in (1e-13, 1e-16, 1e-20):
        small = electron_cross_section(T_keV, E_MeV, mu_nu=mu)
        np.testing.assert_allclose(small.total, base.sm, rtol=mu**2 * 1e24)
    # For small q the change is linear in q (interference dominates) and vanishes with it.
    # The charge component is computed without cancellation, so its ratio to the SM term
    # can be followed down to tiny q.
    deviation = {q: np.abs(electron_cross_section(T_keV, E_MeV, q_nu=q).charge) / base.sm
                 for q in (1e-18, 1e-21, 1e-24)}
    np.testing.assert_allclose(deviation[1e-21] * 1e3, deviation[1e-18], rtol=1e-3)
    np.testing.assert_allclose(deviation[1e-24] * 1e3, deviation[1e-21], rtol=1e-3)
    assert deviation[1e-24].max() < 1e-9


def test_stepping_target_is_active_electrons_times_free():
    from model import active_electrons
    T_keV = np.array([0.01, 0.05, 0.5, 1.3, 5.0, 20.0])
    free = electron_cross_section(T_keV, 2.0, mu_nu=1e-11)
    bound = electron_cross_section(T_keV, 2.0, mu_nu=1e-11, target="Ge")
    np.testing.assert_allclose(bound.total, active_electrons(T_keV, "Ge") * free.total)
    # SM / mu ratio is unchanged by binding (KSV (2012))
    np.testing.assert_allclose(bound.sm / bound.magnetic, free.sm / free.magnetic, rtol=1e-14)


@pytest.mark.parametrize("kwargs, name", [
    ({"T_keV": -1.0}, "T_keV"), ({"T_keV": 0.0}, "T_keV"), ({"E_MeV": -2.0}, "E_MeV"),
    ({"T_keV": float("nan")}, "T_keV"), ({"T_keV": "abc"}, "T_keV"),
    ({"mu_nu": -1e-11}, "mu_nu"), ({"mu_nu": 1.0}, "mu_nu"), ({"q_nu": 2e-6}, "q_nu"),
    ({"charge_radius_cm2": 1e-20}, "charge_radius_cm2"), ({"flavour": "nu_tau_bar"}, "flavour"),
    ({"target": "Pb"}, "target"), ({"sin2_theta_w": 1.5}, "sin2_theta_w"),
])
def test_bad_input_raises_value_error_naming_the_parameter(kwargs, name):
    arguments = {"T_keV": 1.0, "E_MeV": 1.0, **kwargs}
    with pytest.raises(ValueError, match=name):
        electron_cross_section(**arguments)


def test_tau_neutrinos_scatter_like_muon_neutrinos():
    """At tree level nu_tau e and nu_mu e both go by neutral current only: g_V = -1/2 + 2 s^2,
    g_A = -1/2 (antineutrinos: -g_A), so the cross sections coincide."""
    from model.electron_scattering import FLAVOURS, couplings
    assert {"nu_tau", "anti_nu_tau"} <= set(FLAVOURS)
    s2 = 0.23
    assert couplings("nu_tau", s2) == pytest.approx((-0.5 + 2 * s2, -0.5), abs=1e-15)
    assert couplings("anti_nu_tau", s2) == pytest.approx((-0.5 + 2 * s2, 0.5), abs=1e-15)
    T, E = np.geomspace(0.1, 100.0, 7), 3.0
    for tau, mu in (("nu_tau", "nu_mu"), ("anti_nu_tau", "anti_nu_mu")):
        a = electron_cross_section(T, E, flavour=tau, mu_nu=1e-11, q_nu=1e-13, target="free")
        b = electron_cross_section(T, E, flavour=mu, mu_nu=1e-11, q_nu=1e-13, target="free")
        np.testing.assert_array_equal(a.total, b.total)
