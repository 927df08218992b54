"""Expected values computed here from CODATA (scipy.constants) and PDG inputs, or typed from
the cited paper, never taken from model.constants or the model's prefactors (issue 20).

Each test states the formula and its source; a factor of two, a wrong constant or a wrong
confidence-level quantile anywhere in the model makes one of them fail.
"""

import math

import numpy as np
import pytest
from scipy import constants as codata
from scipy.optimize import brentq
from scipy.stats import chi2, norm

from model import ReactorSensitivity, electron_cross_section, nucleus_cross_section
from model.sensitivity import DELTA_CHI2_TWO_SIDED_90, Z_ONE_SIDED_90
from model.theory import (
    bell_dirac_bound, dirac_moment_sm, dirac_transition_moments, majorana_transition_moments,
    millicharge_bound_from_moment)

# --- inputs, independent of model/constants.py ----------------------------------------------
PC = codata.physical_constants
ALPHA = PC["fine-structure constant"][0]                             # CODATA
M_E_MEV = PC["electron mass energy equivalent in MeV"][0]            # CODATA
HBAR_C_MEV_CM = PC["reduced Planck constant times c in MeV fm"][0] * 1e-13
R_E_CM = PC["classical electron radius"][0] * 100.0                  # r_e = alpha hbar c / m_e
M_MU_MEV = PC["muon mass energy equivalent in MeV"][0]
M_TAU_MEV = PC["tau mass energy equivalent in MeV"][0]
G_F_PDG_GEV2 = 1.1663788e-5   # G_F/(hbar c)^3, PDG 2024 (S. Navas et al., PRD 110, 030001), muon lifetime
M_W_PDG_MEV = 80.369e3        # PDG 2024 world average of the W mass
SIN2_LOW = 0.23867            # sin^2 theta_W at Q -> 0: Erler & Ramsey-Musolf, PRD 72, 073003 (2005)
G_F_MEV2 = G_F_PDG_GEV2 * 1e-6


# --- nu-e cross sections -------------------------------------------------------------------
def test_weak_prefactor_is_G_F_squared_m_e_over_two_pi():
    """d sigma/dT (nu_e-bar e, T << E) = G_F^2 m_e/(2 pi) [(g_V+g_A)^2 + (g_V-g_A)^2]
    (Vogel & Engel, PRD 39, 3378 (1989); Giunti & Studenikin, RMP 87, 531 (2015)),
    tree level, with g_V = 1/2 + 2 s^2, g_A = -1/2 for antineutrinos: 1 + 4 s^2 + 8 s^4."""
    prefactor_cm2_per_keV = G_F_MEV2**2 * M_E_MEV / (2 * math.pi) * HBAR_C_MEV_CM**2 * 1e-3
    assert prefactor_cm2_per_keV == pytest.approx(4.308e-48, rel=1e-3, abs=0)
    for flavour, bracket in [("anti_nu_e", 1 + 4 * SIN2_LOW + 8 * SIN2_LOW**2),
                             ("nu_e", 1 + 4 * SIN2_LOW + 8 * SIN2_LOW**2),
                             ("nu_mu", 1 - 4 * SIN2_LOW + 8 * SIN2_LOW**2),
                             ("anti_nu_mu", 1 - 4 * SIN2_LOW + 8 * SIN2_LOW**2)]:
        xs = electron_cross_section(1e-6, 1e4, flavour, sin2_theta_w=SIN2_LOW)
        # corrections of order T/E and m_e T/E^2 are 1e-13 here
        assert float(xs.sm) == pytest.approx(prefactor_cm2_per_keV * bracket, rel=1e-6, abs=0)
    # the default weak mixing angle is the low-energy one
    assert float(electron_cross_section(1e-6, 1e4).sm) == pytest.approx(
        prefactor_cm2_per_keV * (1 + 4 * SIN2_LOW + 8 * SIN2_LOW**2), rel=1e-6, abs=0)


def test_magnetic_term_is_pi_r_e_squared_mu_squared():
    """pi alpha^2/m_e^2 (mu/mu_B)^2 (1/T - 1/E) (Vogel & Engel 1989) with
    pi alpha^2/m_e^2 = pi r_e^2, r_e the CODATA classical electron radius (2.4946e-25 cm^2)."""
    assert math.pi * R_E_CM**2 == pytest.approx(2.4947e-25, rel=1e-4, abs=0)
    T_keV, E_MeV, mu = np.array([0.3, 2.8, 60.0]), 3.0, 2.9e-11
    expected = math.pi * R_E_CM**2 * mu**2 * (1 / (T_keV * 1e-3) - 1 / E_MeV) * 1e-3  # per keV
    np.testing.assert_allclose(electron_cross_section(T_keV, E_MeV, mu_nu=mu).magnetic, expected,
                               rtol=1e-8, atol=0)


def test_millicharge_term_normalisation():
    """The pure q^2 photon-exchange term on a free electron for T << E:
    2 pi alpha^2 q^2 / (m_e T^2), q in units of e0 (the Rutherford form; Giunti & Studenikin,
    RMP 87, 531 (2015), section on the millicharge); charge(q) + charge(-q) = 2 x that term."""
    q, T_keV = 1e-12, np.array([0.5, 2.0, 10.0])
    pure = 2 * math.pi * ALPHA**2 * q**2 / (M_E_MEV * (T_keV * 1e-3) ** 2) * HBAR_C_MEV_CM**2 * 1e-3
    plus = electron_cross_section(T_keV, 1e4, q_nu=q).charge
    minus = electron_cross_section(T_keV, 1e4, q_nu=-q).charge
    np.testing.assert_allclose(0.5 * (plus + minus), pure, rtol=1e-5, atol=0)  # T/E <= 1e-6


def test_charge_radius_shift_of_g_V():
    """delta g_V = (sqrt2 pi alpha / (3 G_F)) <r^2> (Kouzakov & Studenikin, PRD 95, 055013
    (2017)): +0.0238 at <r^2> = 1e-32 cm^2; the SM cross section with g_V shifted by hand
    (2 s^2 -> 2 s^2 + delta g_V) equals sm + charge."""
    r2 = 1e-32
    delta = math.sqrt(2) * math.pi * ALPHA / (3 * G_F_MEV2) * r2 / HBAR_C_MEV_CM**2
    assert delta == pytest.approx(0.0238, abs=1e-4)
    xs = electron_cross_section(1e-3, 1e4, "anti_nu_e", charge_radius_cm2=r2, sin2_theta_w=SIN2_LOW)
    g_V, g_A = 0.5 + 2 * SIN2_LOW + delta, -0.5
    prefactor = G_F_MEV2**2 * M_E_MEV / (2 * math.pi) * HBAR_C_MEV_CM**2 * 1e-3
    hand = prefactor * ((g_V + g_A) ** 2 + (g_V - g_A) ** 2)
    assert float(xs.sm + xs.charge) == pytest.approx(hand, rel=1e-6, abs=0)


# --- CEvNS -----------------------------------------------------------------------------------
def test_cevns_at_vanishing_recoil_is_G_F_squared_M_Q_W_squared_over_4_pi():
    """Freedman, PRD 9, 1389 (1974): d sigma/dT -> G_F^2 M Q_W^2 / (4 pi) for T -> 0, with
    Q_W = N - (1 - 4 s^2) Z; the average over natural Ge uses AME2016 masses and IUPAC
    abundances (Berglund & Wieser, Pure Appl. Chem. 83, 397 (2011)), typed here."""
    u_MeV = PC["atomic mass constant energy equivalent in MeV"][0]
    isotopes = [(70, 69.92424875, 0.2057), (72, 71.922075826, 0.2745), (73, 72.923458956, 0.0775),
                (74, 73.921177761, 0.3650), (76, 75.921402726, 0.0773)]
    total = 0.0
    for A, mass_u, abundance in isotopes:
        M = mass_u * u_MeV - 32 * M_E_MEV
        Q_W = (A - 32) - (1 - 4 * SIN2_LOW) * 32
        total += abundance * G_F_MEV2**2 * M * Q_W**2 / (4 * math.pi) * HBAR_C_MEV_CM**2 * 1e-3
    xs = nucleus_cross_section(1e-9, 50.0, "Ge", sin2_theta_w=SIN2_LOW)
    assert float(xs.sm) == pytest.approx(total, rel=1e-6, abs=0)
    # magnetic: pi r_e^2 Z^2 mu^2 / T at T << E, F = 1
    mu, T_keV = 1e-10, 1e-6
    magnetic = nucleus_cross_section(T_keV, 1e3, "Ge", mu_nu=mu).magnetic
    assert float(magnetic) == pytest.approx(math.pi * R_E_CM**2 * 32**2 * mu**2 / (T_keV * 1e-3) * 1e-3,
                                            rel=1e-6, abs=0)


# --- theory: Standard-Model moments ------------------------------------------------------------
def test_sm_dirac_moment_from_codata_and_pdg():
    """mu = 3 e G_F m_nu / (8 sqrt2 pi^2) (Fujikawa & Shrock, PRL 45, 963 (1980)); divided by
    mu_B = e/(2 m_e): 3 G_F m_e m_nu / (4 sqrt2 pi^2) = 3.20e-19 (m_nu / 1 eV)."""
    per_eV = 3 * G_F_MEV2 * M_E_MEV * 1e-6 / (4 * math.sqrt(2) * math.pi**2)
    assert per_eV == pytest.approx(3.2e-19, rel=0.1, abs=0)  # the published round number
    assert float(dirac_moment_sm(1.0)) == pytest.approx(per_eV, rel=1e-6, abs=0)
    assert float(dirac_moment_sm(0.05)) == pytest.approx(0.05 * per_eV, rel=1e-6, abs=0)


def test_dirac_transition_moment_from_eq_11():
    """mu_ij = 3 e G_F (m_i + m_j) / (32 sqrt2 pi^2) sum_l (m_l/m_W)^2 U_li^* U_lj (Shrock,
    NPB 206, 359 (1982); Pal & Wolfenstein, PRD 25, 766 (1982)); in mu_B = e/(2 m_e) the
    coefficient is 3 G_F m_e / (16 sqrt2 pi^2) per eV of (m_i + m_j), and the electric moment
    has (m_i - m_j).  Majorana (eqs. (13)-(14)): twice the Dirac coefficient."""
    coefficient = 3 * G_F_MEV2 * M_E_MEV * 1e-6 / (16 * math.sqrt(2) * math.pi**2)
    weights = (np.array([M_E_MEV, M_MU_MEV, M_TAU_MEV]) / M_W_PDG_MEV) ** 2
    theta, phase = 0.6, 0.9
    c, s = math.cos(theta), math.sin(theta)
    U = np.array([[1, 0, 0], [0, c, s * np.exp(-1j * phase)], [0, -s * np.exp(1j * phase), c]])
    masses = np.array([0.01, 0.02, 0.05])
    gim = np.einsum("l,li,lj->ij", weights, U.conj(), U)
    dirac = dirac_transition_moments(masses, U)
    for i, j in ((1, 2), (2, 1), (0, 1)):
        expected_mu = coefficient * (masses[i] + masses[j]) * gim[i, j]
        expected_eps = coefficient * (masses[i] - masses[j]) * gim[i, j]
        assert dirac.magnetic[i, j] == pytest.approx(expected_mu, rel=1e-6, abs=0)
        assert dirac.electric[i, j] == pytest.approx(expected_eps, rel=1e-6, abs=1e-40)
    assert abs(dirac.magnetic[1, 2]) > 1e-30  # the pair (2, 3) is mixed: a non-trivial check
    majorana = majorana_transition_moments(masses, U)
    expected = -2 * coefficient * (masses[1] + masses[2]) * gim[1, 2].imag
    assert majorana.magnetic[1, 2] == pytest.approx(expected, rel=1e-6, abs=0)


def test_bell_naturalness_bound():
    """mu_nu <~ 1e-15 mu_B for Lambda ~ 1 TeV and delta m <~ 1 eV (Bell, Cirigliano,
    Ramsey-Musolf, Vogel & Wise, PRL 95, 151802 (2005))."""
    assert float(bell_dirac_bound(1.0, 1.0)) == pytest.approx(1e-15, rel=1e-12, abs=0)
    assert float(bell_dirac_bound(1.0, 2.0)) == pytest.approx(0.25e-15, rel=1e-12, abs=0)


def test_studenikin_millicharge_estimate():
    """q^2 <~ (T / 2 m_e) (mu/mu_B)^2 (Studenikin, EPL 107, 21001 (2014)): GEMMA's
    2.9e-11 mu_B at T = 2.8 keV gives 1.5e-12 e0."""
    expected = 2.9e-11 * math.sqrt(2.8e-3 / (2 * M_E_MEV))
    assert float(millicharge_bound_from_moment(2.9e-11, 2.8)) == pytest.approx(expected, rel=1e-9, abs=0)
    assert expected == pytest.approx(1.5e-12, rel=0.02, abs=0)


# --- statistics: the 90% CL quantiles -----------------------------------------------------------
def test_confidence_level_constants_are_the_scipy_quantiles():
    """One-sided 90% CL for mu^2 >= 0: z = Phi^-1(0.90); two-sided 90% CL for q (either sign):
    Delta chi^2 = chi2_1^-1(0.90) (Cowan, Cranmer, Gross & Vitells, EPJC 71, 1554 (2011))."""
    assert Z_ONE_SIDED_90 == pytest.approx(norm.ppf(0.90), rel=1e-12, abs=0)
    assert DELTA_CHI2_TWO_SIDED_90 == pytest.approx(chi2.ppf(0.90, 1), rel=1e-12, abs=0)


@pytest.fixture(scope="module")
def gemma_gaussian():
    """GEMMA-2012 binned rates and the Gaussian variance of ON - OFF in each bin."""
    s = ReactorSensitivity.preset("GEMMA-2012")
    rates = {key: row[0] for key, row in s._binned_rates(s.threshold_keV).items()}
    X_on, X_off = s.mass_kg * s.days_on, s.mass_kg * s.days_off
    variance = (rates["background"] + rates["sm"]) / X_on + rates["background"] / X_off
    return s, rates, variance


def test_mu_limit_sits_at_the_one_sided_90_quantile(gemma_gaussian):
    """With thousands of counts per bin the Asimov statistic is sum s_i^2/var_i, so the
    one-sided limit is mu^4 sum m_i^2/var_i = Phi^-1(0.9)^2."""
    s, rates, variance = gemma_gaussian
    mu2 = norm.ppf(0.90) / math.sqrt(np.sum(rates["magnetic"] ** 2 / variance))
    assert s.mu_limit() == pytest.approx(math.sqrt(mu2), rel=2e-3, abs=0)


def test_q_interval_sits_at_the_two_sided_90_quantile(gemma_gaussian):
    """The same Gaussian statistic with the signal q A_i + q^2 Q_i reaches chi2_1^-1(0.9) at
    both ends of the 90% CL interval."""
    s, rates, variance = gemma_gaussian

    def excess(q):
        signal = q * rates["charge_linear"] + q**2 * rates["charge_quadratic"]
        return np.sum(signal**2 / variance) - chi2.ppf(0.90, 1)

    high = brentq(excess, 1e-16, 1e-9, xtol=1e-20, rtol=1e-12)
    low = brentq(excess, -1e-9, -1e-16, xtol=1e-20, rtol=1e-12)
    model_low, model_high = s.q_interval()
    assert model_high == pytest.approx(high, rel=5e-3, abs=0)
    assert model_low == pytest.approx(low, rel=5e-3, abs=0)
