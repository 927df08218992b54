"""Physics tests of SpinFlavourOscillation: units, the published analytic formulas against the
exact 4x4 evolution, resonances, properties, and input checks.

Reference values are computed here from first principles ([C]) or quoted from:
Popov & Studenikin, EPJC 79, 144 (2019), arXiv:1902.08195; Studenikin, "Overview on
electromagnetic properties of neutrino", talk at Quarks-2018, Valday (2018) ("the Quarks-2018
talk" below), which shows their results; Studenikin, "Status and perspectives of neutrino
magnetic moments", J. Phys. Conf. Ser. 718 (2016), arXiv:1603.00337, eq. (27) ("Studenikin,
arXiv:1603.00337" below).
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from model import SpinFlavourOscillation
from model import constants as model_constants
from tests.model.codata import c  # CODATA via scipy.constants: expected values never use model.constants
from model.spin_flavour import (
    PROBABILITY_COLUMNS, magnetic_energy_eV, magnetic_oscillation_length_km,
    popov_studenikin_probabilities, vacuum_oscillation_length_km)

# Quarks-2018 talk, Fig. 1 (after Popov & Studenikin (2019)): B_perp = 1e8 G, p = 1 MeV,
# Delta m^2 = 7e-5 eV^2, mu1 = mu2 = 1e-12 mu_B.
SEED_FIGURE = dict(mu1=1e-12, mu2=1e-12, mu12=0.0, B_perp_gauss=1e8, E_MeV=1.0, dm2_eV2=7e-5,
                   theta_rad=0.5836)
DISTANCES_KM = np.linspace(0.0, 6000.0, 6001)  # ~170 vacuum and ~5.6 magnetic lengths


# --- units ------------------------------------------------------------------------------------
def test_magnetic_energy_in_eV():
    # mu_B = 5.788e-5 eV/T (CODATA), 1 T = 1e4 G: 1e-12 mu_B in 1e8 G is 5.788e-13 eV [C].
    assert model_constants.BOHR_MAGNETON_EV_PER_T == pytest.approx(5.7883818e-5, rel=1e-7, abs=0)
    assert magnetic_energy_eV(1e-12, 1e8) == pytest.approx(5.7883818e-13, rel=1e-7, abs=0)


def test_hbar_c_converts_eV_to_inverse_km():
    # hbar c = 197.3269804 MeV fm = 1.973269804e-10 eV km (CODATA).
    assert model_constants.HBAR_C_EV_KM == pytest.approx(1.973269804e-10, rel=1e-9, abs=0)


def test_oscillation_lengths_of_the_seed_figure():
    # [C] L_B = pi hbar c / (mu mu_B B) = 1071.0 km; L_vac = 4 pi E hbar c / Delta m^2 = 35.42 km.
    lengths = SpinFlavourOscillation(**SEED_FIGURE).oscillation_lengths_km()
    assert lengths["magnetic_mu1"] == pytest.approx(math.pi * 1.973269804e-10 / 5.7883818e-13, rel=1e-6, abs=0)
    assert lengths["magnetic_mu1"] == pytest.approx(1071.0, abs=0.1)
    assert lengths["vacuum"] == pytest.approx(4 * math.pi * 1e6 * 1.973269804e-10 / 7e-5, rel=1e-9, abs=0)
    assert lengths["vacuum"] == pytest.approx(35.42, abs=0.01)
    assert lengths["magnetic_mu12"] == math.inf
    assert magnetic_oscillation_length_km(-1e-12, 1e8) == lengths["magnetic_mu1"]  # sign-blind


def test_vacuum_phase_matches_the_textbook_1267_rule():
    # P = sin^2 2theta sin^2(1.26693 Delta m^2[eV^2] L[km] / E[GeV]) (standard two-flavour form).
    # The 6-digit constant is good to 3e-6: over ten periods (phase 30 rad) P agrees to 1e-4.
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, B_perp_gauss=0.0, E_MeV=3.0, dm2_eV2=2.5e-3,
                                 theta_rad=0.4)
    x = np.linspace(0.0, 30.0, 301)
    expected = math.sin(0.8) ** 2 * np.sin(1.26693 * 2.5e-3 * x / 3e-3) ** 2
    np.testing.assert_allclose(osc.probabilities(x)["P_eL_muL"], expected, atol=1e-4)


def test_pure_field_spin_flip_is_sin2_mu_B_x():
    # The convention: H(nu_i^L, nu_i^R) = mu_i B, so P(L -> R) = sin^2(mu B x).
    osc = SpinFlavourOscillation(mu1=3e-12, mu2=3e-12, B_perp_gauss=1e9, dm2_eV2=0.0, theta_rad=0.0)
    x = np.linspace(0.0, 2000.0, 501)
    mu_B_x = magnetic_energy_eV(3e-12, 1e9) / c.HBAR_C_EV_KM * x
    np.testing.assert_allclose(osc.probabilities(x)["P_eL_eR"], np.sin(mu_B_x) ** 2, atol=1e-12)


# --- Popov-Studenikin (EPJC 79, 144 (2019); Quarks-2018 talk) ---------------------------------
@pytest.mark.parametrize("mu1, mu2, theta", [
    (1e-12, 1e-12, 0.5836),      # the Quarks-2018 figure, mu1 = mu2
    (1e-12, 3e-12, 0.5836),      # mu1 != mu2
    (2e-12, -1e-12, 0.3),        # opposite signs
    (5e-12, 0.0, 1.2),
    (1e-11, 4e-12, math.pi / 4),
])
def test_exact_agrees_with_popov_studenikin(mu1, mu2, theta):
    osc = SpinFlavourOscillation(**{**SEED_FIGURE, "mu1": mu1, "mu2": mu2, "theta_rad": theta})
    assert osc.analytic_formula() == "popov_studenikin"
    exact = osc.probabilities(DISTANCES_KM)
    analytic = osc.probabilities(DISTANCES_KM, method="analytic")
    lengths = osc.oscillation_lengths_km()
    assert DISTANCES_KM[-1] > 100 * lengths["vacuum"]
    assert DISTANCES_KM[-1] > 2 * min(lengths["magnetic_mu1"], lengths["magnetic_mu2"])
    np.testing.assert_array_equal(exact["x_km"], analytic["x_km"])
    for column in PROBABILITY_COLUMNS:
        np.testing.assert_allclose(exact[column], analytic[column], rtol=0, atol=1e-9)


def test_seed_figure_flavour_oscillation_is_modulated_by_the_spin_flip():
    # Quarks-2018 talk (Popov & Studenikin (2019)): for mu1 = mu2,
    # P(eL -> muL) = (1 - sin^2(mu B x)) sin^2 2theta sin^2(dm2 x / 4p).
    osc = SpinFlavourOscillation(**SEED_FIGURE)
    p = osc.probabilities(DISTANCES_KM)
    mu_B_x = magnetic_energy_eV(1e-12, 1e8) / c.HBAR_C_EV_KM * DISTANCES_KM
    vacuum = np.sin(7e-5 / 4e6 / c.HBAR_C_EV_KM * DISTANCES_KM) ** 2
    expected = (1.0 - np.sin(mu_B_x) ** 2) * math.sin(2 * 0.5836) ** 2 * vacuum
    np.testing.assert_allclose(p["P_eL_muL"], expected, atol=1e-9)
    # The spin flips whatever the flavour: P(eL -> any R) = sin^2(pi x / L_B); at x = L_B/2 the
    # flavour oscillation is switched off and the neutrino is right-handed, at L_B left-handed.
    np.testing.assert_allclose(p["P_eL_eR"] + p["P_eL_muR"], np.sin(mu_B_x) ** 2, atol=1e-9)
    L_B = osc.oscillation_lengths_km()["magnetic_mu1"]
    at = osc.probabilities([L_B / 4, L_B / 2, L_B])
    right_handed = (at["P_eL_eR"] + at["P_eL_muR"]).to_numpy()
    np.testing.assert_allclose(right_handed, [0.5, 1.0, 0.0], atol=1e-12)
    assert at["P_eL_muL"].iloc[1] < 1e-12


def test_popov_studenikin_function_reduces_to_vacuum_oscillations_without_field():
    x = np.linspace(0, 100, 11)
    p = popov_studenikin_probabilities(x, 1e-12, 2e-12, 0.0, 1.0, 7e-5, 0.5)
    np.testing.assert_allclose(p["P_eL_eR"], 0.0, atol=1e-15)
    np.testing.assert_allclose(p["P_eL_muL"], math.sin(1.0) ** 2
                               * np.sin(math.pi * x / float(vacuum_oscillation_length_km(1.0, 7e-5))) ** 2)


# --- matter ------------------------------------------------------------------------------------
def test_matter_potentials():
    # V = sqrt2 G_F N_A = 7.63e-14 eV per g/cm^3 and unit electron fraction (standard value [C]).
    osc = SpinFlavourOscillation(density_g_cm3=100.0, Y_e=0.5)
    V_e, V_mu = osc.matter_potentials_eV()
    unit = math.sqrt(2) * c.FERMI_CONSTANT_EV_CM3 * c.AVOGADRO_PER_MOL
    assert unit == pytest.approx(7.63e-14, rel=1e-3, abs=0)
    assert V_e == pytest.approx(unit * 100 * (0.5 - 0.25), rel=1e-12, abs=0)
    assert V_mu == pytest.approx(-unit * 100 * 0.25, rel=1e-12, abs=0)


def test_msw_flavour_oscillation_in_matter_without_field():
    # Wolfenstein/MSW: sin^2 2theta_m = sin^2 2theta / (sin^2 2theta + (cos 2theta - A)^2),
    # A = 2 E (V_e - V_mu) / Delta m^2 with V_e - V_mu = sqrt2 G_F n_e;
    # Delta m^2_m = Delta m^2 sqrt(sin^2 2theta + (cos 2theta - A)^2).
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, B_perp_gauss=0.0, E_MeV=5.0, dm2_eV2=7.5e-5,
                                 theta_rad=0.58, density_g_cm3=150.0, Y_e=0.6)
    n_e = 150.0 * 0.6 * c.AVOGADRO_PER_MOL
    A = 2 * 5e6 * math.sqrt(2) * c.FERMI_CONSTANT_EV_CM3 * n_e / 7.5e-5
    s2, c2 = math.sin(1.16) ** 2, math.cos(1.16)
    root = math.sqrt(s2 + (c2 - A) ** 2)
    x = np.linspace(0, 1000, 2001)
    expected = s2 / root**2 * np.sin(7.5e-5 * root / (4 * 5e6) / c.HBAR_C_EV_KM * x) ** 2
    np.testing.assert_allclose(osc.probabilities(x)["P_eL_muL"], expected, atol=1e-12)


def test_electron_density_input_is_equivalent_to_density_and_Y_e():
    by_density = SpinFlavourOscillation(mu12=2e-12, density_g_cm3=300.0, Y_e=0.7)
    by_electrons = SpinFlavourOscillation(mu12=2e-12, density_g_cm3=0.0, Y_e=0.7,
                                          electron_density_cm3=300.0 * 0.7 * c.AVOGADRO_PER_MOL)
    x = np.linspace(0, 3000, 301)
    np.testing.assert_allclose(by_density.probability_array(x), by_electrons.probability_array(x),
                               atol=1e-12)
    assert by_electrons.effective_density_g_cm3() == pytest.approx(300.0, rel=1e-12, abs=0)


# --- two-level formulas: exact where the pair is closed ------------------------------------
def test_seed003_spin_oscillation_in_field_and_matter():
    osc = SpinFlavourOscillation(mu1=2e-12, mu2=5e-12, B_perp_gauss=3e8, theta_rad=0.0,
                                 density_g_cm3=40.0, Y_e=0.5, twist_rad_per_km=0.002)
    assert osc.analytic_formula() == "spin_oscillation"
    x = np.linspace(0, 5000, 2001)
    np.testing.assert_allclose(osc.probability_array(x), osc.probability_array(x, "analytic"),
                               atol=1e-9)
    # E_eff = mu B, Delta_eff = (V_e - phi')/2 (Studenikin, arXiv:1603.00337, eq. (28), twist added)
    level = osc.spin_oscillation()
    V_e, _ = osc.matter_potentials_eV()
    assert level.coupling_per_km == pytest.approx(magnetic_energy_eV(2e-12, 3e8) / c.HBAR_C_EV_KM, rel=1e-6, abs=0)
    assert level.detuning_per_km == pytest.approx(0.5 * (V_e / c.HBAR_C_EV_KM - 0.002), rel=1e-6, abs=0)


@pytest.mark.parametrize("angle, expect_flip", [(math.pi / 2, True), (2.0, True), (0.0, False)])
def test_transversal_matter_current_flips_helicity_without_field(angle, expect_flip):
    # Studenikin, arXiv:1603.00337, and the Quarks-2018 talk: even without a field (and with
    # mu = 0) the transverse current of moving matter rotates the spin, E_eff = V v sin(phi) / (2 gamma), Delta_eff = V (1 - v cos phi)/2;
    # a longitudinal current does not change the helicity.
    m_nu, E_MeV, v = 1.0, 1e-5, 0.9  # gamma = 10 makes the effect visible
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, B_perp_gauss=0.0, theta_rad=0.0, E_MeV=E_MeV,
                                 density_g_cm3=1e3, Y_e=0.5, matter_speed=v, matter_angle_rad=angle,
                                 m_nu_eV=m_nu)
    gamma = E_MeV * 1e6 / m_nu
    ratio = v * math.sin(angle) / gamma / (1 - v * math.cos(angle))  # E_eff / Delta_eff
    level = osc.spin_oscillation()
    assert level.amplitude == pytest.approx(ratio**2 / (1 + ratio**2), rel=1e-9, abs=1e-300)
    x = np.linspace(0.0, 3.0 * level.length_km if math.isfinite(level.length_km) else 1.0, 1001)
    exact = osc.probabilities(x)
    np.testing.assert_allclose(exact["P_eL_eR"], osc.probabilities(x, "analytic")["P_eL_eR"],
                               atol=1e-9)
    assert (exact["P_eL_eR"].max() > 1e-3) == expect_flip


@pytest.mark.parametrize("majorana, Y_e, twist", [(False, 0.5, 0.0), (False, 0.5, 0.004),
                                                  (True, 0.8, 0.0), (True, 0.7, -0.002)])
def test_spin_flavour_two_level_is_exact_without_mixing(majorana, Y_e, twist):
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, theta_rad=0.0, density_g_cm3=500.0,
                                 Y_e=Y_e, twist_rad_per_km=twist, majorana=majorana)
    assert osc.analytic_formula() == "spin_flavour"
    x = np.linspace(0, 8000, 2001)
    exact = osc.probabilities(x)
    np.testing.assert_allclose(exact["P_eL_muR"], osc.two_level_probability(x), atol=1e-9)
    np.testing.assert_allclose(exact.drop(columns="x_km").to_numpy(),
                               osc.probabilities(x, "analytic").drop(columns="x_km").to_numpy(),
                               atol=1e-9)


def test_field_twist_matches_direct_integration_in_the_lab_frame():
    # The model solves the constant rotating-frame Hamiltonian; integrate the lab-frame
    # equation with H_LR = mu B exp(-i phi' x) directly and compare.
    osc = SpinFlavourOscillation(mu1=1e-12, mu2=-2e-12, mu12=3e-12, B_perp_gauss=2e8, theta_rad=0.4,
                                 density_g_cm3=200.0, Y_e=0.55, twist_rad_per_km=0.01)
    twist = osc.twist_rad_per_km
    H_rot = osc.hamiltonian_per_km()
    lab_diagonal = np.diag([twist / 2, twist / 2, -twist / 2, -twist / 2])  # undo the frame shift
    H0 = H_rot + lab_diagonal

    def rhs(x, psi):
        phase = np.exp(-1j * twist * x)
        H = H0.copy()
        H[:2, 2:] *= phase
        H[2:, :2] *= np.conj(phase)
        return -1j * (H @ psi)

    x = np.linspace(0.0, 400.0, 81)
    solution = solve_ivp(rhs, (0.0, 400.0), np.array([1, 0, 0, 0], complex), t_eval=x,
                         method="DOP853", rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(np.abs(solution.y.T) ** 2, osc.probability_array(x), atol=1e-8)


# --- resonances --------------------------------------------------------------------------------
def _peak_and_half_width(values, curve):
    """Location of the maximum and the half width at half maximum of a sampled peak."""
    i = int(np.argmax(curve))
    half = curve[i] / 2
    left = np.nonzero(curve[:i] < half)[0]
    right = np.nonzero(curve[i:] < half)[0]
    assert len(left) and len(right), "the scan must contain the whole peak"
    return values[i], 0.5 * (values[i + right[0]] - values[left[-1]])


@pytest.mark.parametrize("majorana, Y_e", [(False, 0.5), (False, 0.4), (True, 0.8)])
def test_spin_flavour_conversion_peaks_at_the_two_level_resonance_density(majorana, Y_e):
    # Small mixing, where the two-level reduction holds (Akhmedov; Lim-Marciano; Quarks-2018 talk).
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                 dm2_eV2=7e-5, theta_rad=0.05, Y_e=Y_e, majorana=majorana)
    rho_res, width = osc.resonance_density_two_level_g_cm3(), osc.resonance_width_g_cm3()
    assert width < 0.2 * rho_res
    densities = np.linspace(rho_res - 8 * width, rho_res + 8 * width, 801)
    scan = osc.averaged_probabilities(density_g_cm3=densities)
    peak, half_width = _peak_and_half_width(densities, scan["P_eL_muR"].to_numpy())
    assert abs(peak - rho_res) < half_width
    assert half_width == pytest.approx(width, rel=0.2, abs=0)
    assert scan["P_eL_muR"].max() > 0.4  # resonance: the time-averaged conversion reaches ~1/2


def test_dirac_resonance_density_value():
    # Two-level condition at small mixing (Quarks-2018 talk): sqrt2 G_F N_A rho (3 Y_e - 1)/2 =
    # Delta m^2 (1 + cos 2theta) / 4E -> 1830 g/cm^3 for the parameters below [C].
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, E_MeV=1.0, dm2_eV2=7e-5,
                                 theta_rad=0.05, Y_e=0.5)
    unit = math.sqrt(2) * c.FERMI_CONSTANT_EV_CM3 * c.AVOGADRO_PER_MOL
    expected = 7e-5 * (1 + math.cos(0.1)) / 4e6 / (unit * 0.25)
    assert osc.resonance_density_two_level_g_cm3() == pytest.approx(expected, rel=1e-12, abs=0)
    assert expected == pytest.approx(1830, rel=1e-3, abs=0)
    # Matter streaming along the neutrino at v: potentials times (1 - v), resonance at rho/(1 - v).
    osc.param.update(matter_speed=0.5, matter_angle_rad=0.0)
    assert osc.resonance_density_two_level_g_cm3() == pytest.approx(2 * expected, rel=1e-12, abs=0)
    # No resonance for neutrinos where V_e < 0 (Y_e < 1/3).
    osc.param.update(matter_speed=0.0, Y_e=0.3)
    assert math.isnan(osc.resonance_density_two_level_g_cm3())


def test_spin_flavour_conversion_peaks_at_the_resonance_energy():
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                 dm2_eV2=7e-5, theta_rad=0.05, density_g_cm3=1000.0, Y_e=0.5)
    E_res = osc.resonance_energy_two_level_MeV()
    # Two-level condition solved for E: E = Delta m^2 (1 + cos 2theta) / (4 V_e) [C].
    V_e, _ = osc.matter_potentials_eV()
    assert E_res == pytest.approx(7e-5 * (1 + math.cos(0.1)) / (4 * V_e) / 1e6, rel=1e-12, abs=0)
    energies = np.linspace(0.7 * E_res, 1.3 * E_res, 1201)
    scan = osc.averaged_probabilities(E_MeV=energies)
    peak, half_width = _peak_and_half_width(energies, scan["P_eL_muR"].to_numpy())
    assert abs(peak - E_res) < half_width


@pytest.mark.parametrize("Y_e", [0.5, 0.34])
def test_level_crossing_locates_the_resonance_at_large_mixing(Y_e):
    # The example (theta = 0.5836): the two-level formula is a small-mixing
    # approximation; the crossing of the L- and R-block levels is exact in location.
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                 dm2_eV2=7e-5, theta_rad=0.5836, density_g_cm3=700.0, Y_e=Y_e)
    crossing = osc.level_crossing()["density_g_cm3"]
    densities = crossing * np.linspace(0.8, 1.2, 1601)
    scan = osc.averaged_probabilities(density_g_cm3=densities)
    peak, half_width = _peak_and_half_width(densities, scan["P_eL_muR"].to_numpy())
    assert abs(peak - crossing) < half_width
    if Y_e == 0.5:
        # For N = Z matter the crossing is exactly V_e = Delta m^2 cos 2theta / 2E (Lim-Marciano);
        # the 700 g/cm^3 lies one width below it.
        unit = math.sqrt(2) * c.FERMI_CONSTANT_EV_CM3 * c.AVOGADRO_PER_MOL
        assert crossing == pytest.approx(7e-5 * math.cos(2 * 0.5836) / 2e6 / (unit * 0.25), rel=1e-6, abs=0)
        assert abs(700.0 - crossing) < 2 * half_width


def test_resonance_scan_for_the_view():
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, theta_rad=0.05, density_g_cm3=10.0)
    scan = osc.resonance_scan("density_g_cm3")
    assert list(scan.columns) == ["density_g_cm3", *PROBABILITY_COLUMNS, "two_level"]
    assert np.all(np.diff(scan["density_g_cm3"]) > 0)
    i = scan["P_eL_muR"].argmax()
    assert scan["density_g_cm3"].iloc[i] == pytest.approx(osc.resonance_density_g_cm3(), rel=0.03, abs=0)
    assert scan["two_level"].max() == pytest.approx(0.5, abs=0.01)


def test_averaged_probabilities_are_the_long_distance_mean():
    osc = SpinFlavourOscillation(mu1=2e-12, mu2=-1e-12, mu12=3e-12, B_perp_gauss=3e8, theta_rad=0.5,
                                 density_g_cm3=300.0, Y_e=0.45)
    x = np.linspace(0, 2e6, 400001)
    mean = osc.probability_array(x).mean(axis=0)
    averaged = osc.averaged_probabilities(density_g_cm3=[300.0])
    np.testing.assert_allclose(averaged[list(PROBABILITY_COLUMNS)].to_numpy()[0], mean, atol=3e-3)
    assert averaged[list(PROBABILITY_COLUMNS)].to_numpy().sum() == pytest.approx(1.0, abs=1e-12)


def test_averaging_keeps_degenerate_levels_coherent():
    # Vacuum without field: L and R levels coincide pairwise; the average must still be the
    # two-flavour 1 - sin^2(2theta)/2 survival, with no weight on the R states.
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, B_perp_gauss=0.0, theta_rad=0.5)
    averaged = osc.averaged_probabilities(E_MeV=[1.0, 10.0])
    np.testing.assert_allclose(averaged["P_eL_eL"], 1 - math.sin(1.0) ** 2 / 2, atol=1e-12)
    np.testing.assert_allclose(averaged["P_eL_eR"] + averaged["P_eL_muR"], 0.0, atol=1e-12)


# --- Majorana --------------------------------------------------------------------------------
def test_majorana_right_handed_states_are_antineutrinos():
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, density_g_cm3=100.0, Y_e=0.6,
                                 majorana=True)
    H = osc.hamiltonian_per_km()
    V_e, V_mu = (v / c.HBAR_C_EV_KM for v in osc.matter_potentials_eV())
    vacuum = H[2:, 2:] + np.diag([V_e, V_mu])  # R states feel -V
    np.testing.assert_allclose(vacuum, H[:2, :2] - np.diag([V_e, V_mu]), atol=1e-15)
    assert abs(H[0, 2]) < 1e-15 * abs(H[0, 3])  # no nu_e^L <-> anti-nu_e^R moment
    assert abs(H[0, 3]) == pytest.approx(magnetic_energy_eV(1e-12, 1e8) / c.HBAR_C_EV_KM, rel=1e-6, abs=0)
    np.testing.assert_allclose(osc.moment_matrix(), -osc.moment_matrix().T)


def test_majorana_rejects_diagonal_moments_and_moving_matter():
    with pytest.raises(ValueError, match="diagonal magnetic moments"):
        SpinFlavourOscillation(mu1=1e-12, majorana=True).probabilities([1.0])
    with pytest.raises(ValueError, match="Dirac neutrinos only"):
        SpinFlavourOscillation(mu1=0, mu2=0, matter_speed=0.3, majorana=True).probabilities([1.0])


# --- properties ------------------------------------------------------------------------------
moments = st.floats(-1e-10, 1e-10, allow_nan=False)


@st.composite
def oscillation_parameters(draw):
    majorana = draw(st.booleans())
    return dict(
        mu1=0.0 if majorana else draw(moments), mu2=0.0 if majorana else draw(moments),
        mu12=draw(moments), B_perp_gauss=10.0 ** draw(st.floats(0.0, 12.0)),
        twist_rad_per_km=draw(st.floats(-1.0, 1.0)), E_MeV=10.0 ** draw(st.floats(-2.0, 3.0)),
        dm2_eV2=10.0 ** draw(st.floats(-6.0, -1.0)), theta_rad=draw(st.floats(0.0, math.pi / 2)),
        density_g_cm3=draw(st.sampled_from([0.0, 1.0, 1e2, 1e4, 1e6])), Y_e=draw(st.floats(0.0, 1.0)),
        matter_speed=0.0 if majorana else draw(st.floats(0.0, 0.99)),
        matter_angle_rad=draw(st.floats(0.0, math.pi)), m_nu_eV=10.0 ** draw(st.floats(-3.0, 0.0)),
        majorana=majorana)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=oscillation_parameters(),
       x_km=st.lists(st.floats(0.0, 1e5), min_size=1, max_size=50))
def test_probabilities_are_bounded_and_sum_to_one(params, x_km):
    p = SpinFlavourOscillation(**params).probability_array(np.array(x_km))
    assert np.all(p >= 0.0) and np.all(p <= 1.0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(params=oscillation_parameters())
def test_evolution_is_unitary_and_starts_as_nu_e_L(params):
    osc = SpinFlavourOscillation(**params)
    H = osc.hamiltonian_per_km()
    np.testing.assert_allclose(H, H.conj().T, atol=0)
    np.testing.assert_allclose(osc.probability_array([0.0])[0], [1, 0, 0, 0], atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(mu1=moments, mu2=moments, theta=st.floats(0.0, math.pi / 2),
       B_exponent=st.floats(4.0, 10.0), E_exponent=st.floats(-1.0, 2.0))
def test_popov_studenikin_holds_for_any_vacuum_parameters(mu1, mu2, theta, B_exponent, E_exponent):
    osc = SpinFlavourOscillation(mu1=mu1, mu2=mu2, B_perp_gauss=10.0**B_exponent,
                                 E_MeV=10.0**E_exponent, theta_rad=theta)
    x = np.linspace(0.0, 5000.0, 101)
    np.testing.assert_allclose(osc.probability_array(x), osc.probability_array(x, "analytic"),
                               atol=1e-9)


# --- input checks ----------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, parameter", [
    ({"B_perp_gauss": -1.0}, "B_perp_gauss"),
    ({"theta": -0.1}, "theta"),
    ({"theta": 2.0}, "theta"),
    ({"Y_e": 1.5}, "Y_e"),
    ({"Y_e": -0.2}, "Y_e"),
    ({"density_g_cm3": -5.0}, "density_g_cm3"),
    ({"E_MeV": 0.0}, "E_MeV"),
    ({"matter_speed": 1.0}, "matter_speed"),
])
def test_bad_parameters_raise_a_clear_ValueError(kwargs, parameter):
    with pytest.raises(ValueError, match=parameter):
        SpinFlavourOscillation(**kwargs)
    osc = SpinFlavourOscillation()
    with pytest.raises(ValueError, match=parameter):
        osc.param.update(kwargs)


def test_bad_call_arguments():
    osc = SpinFlavourOscillation()
    with pytest.raises(ValueError, match="x_km"):
        osc.probabilities([-1.0, 2.0])
    with pytest.raises(ValueError, match="method"):
        osc.probabilities([1.0], method="approximate")
    with pytest.raises(ValueError, match="Y_e must be > 0"):
        SpinFlavourOscillation(electron_density_cm3=1e26, Y_e=0.0).probabilities([1.0])


def test_analytic_outside_its_domain_says_why():
    osc = SpinFlavourOscillation(mu1=0, mu2=0, mu12=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                 dm2_eV2=7e-5, theta_rad=0.5836, density_g_cm3=700.0, Y_e=0.5)
    with pytest.raises(ValueError, match=r"no analytic formula.*mu12 = 1e-12.*matter"):
        osc.probabilities([1.0], method="analytic")
    three_level = SpinFlavourOscillation(mu1=1e-12, mu2=0, mu12=1e-12, theta_rad=0.0)
    with pytest.raises(ValueError, match="closed pair"):
        three_level.probabilities([1.0], method="analytic")


# --- the resonance: exact level crossing and the two-level formula --------------------------
def _lim_marciano_density(theta, E_MeV=1.0, dm2=7e-5):
    """N = Z matter: V_e = sqrt2 G_F (n_e - n_n/2) = Delta m^2 cos 2theta / 2E (the neutrons'
    neutral current is the only one left for the sterile R state; Lim & Marciano), with
    n_e = n_n = rho N_A / 2, i.e. n_e - n_n/2 = rho N_A / 4 [C]."""
    from scipy import constants as codata
    G_F_eV_cm3 = (codata.physical_constants["Fermi coupling constant"][0] * 1e-18
                  * (codata.hbar * codata.c / codata.e * 100.0) ** 3)  # eV^-2 (eV cm)^3 = eV cm^3
    return dm2 * math.cos(2 * theta) / (2 * E_MeV * 1e6) / (
        math.sqrt(2) * G_F_eV_cm3 * codata.Avogadro * 0.25)


def test_resonance_density_is_the_exact_level_crossing():
    # The example: theta = 0.5836, Y_e = 0.5, E = 1 MeV, Delta m^2 = 7e-5 eV^2.
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                 dm2_eV2=7e-5, theta_rad=0.5836, Y_e=0.5)
    exact = osc.resonance_density_g_cm3()
    assert exact == osc.level_crossing("density_g_cm3")["density_g_cm3"]
    assert exact == pytest.approx(_lim_marciano_density(0.5836), rel=1e-6, abs=0)
    assert exact == pytest.approx(720.4, rel=1e-3, abs=0)
    # The small-mixing two-level condition keeps its own name, and is far off here.
    two_level = osc.resonance_density_two_level_g_cm3()
    assert two_level == pytest.approx(1277.3, rel=1e-3, abs=0)
    # The exact conversion peaks at the crossing, many widths away from the two-level value.
    densities = np.linspace(0.8 * exact, 1.2 * exact, 1601)
    scan = osc.averaged_probabilities(density_g_cm3=densities)
    peak, half_width = _peak_and_half_width(densities, scan["P_eL_muR"].to_numpy())
    assert abs(peak - exact) < half_width
    assert abs(two_level - exact) > 5 * half_width


def test_resonance_energy_is_the_exact_level_crossing():
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                 dm2_eV2=7e-5, theta_rad=0.5836, density_g_cm3=500.0, Y_e=0.5)
    E_res = osc.resonance_energy_MeV()
    assert E_res == osc.level_crossing("E_MeV")["E_MeV"]
    # N = Z: E = Delta m^2 cos 2theta / (2 V_e), the density formula solved for E [C].
    expected = _lim_marciano_density(0.5836, E_MeV=1.0) / 500.0
    assert E_res == pytest.approx(expected, rel=1e-6, abs=0)
    energies = np.linspace(0.8 * E_res, 1.2 * E_res, 1601)
    scan = osc.averaged_probabilities(E_MeV=energies)
    peak, half_width = _peak_and_half_width(energies, scan["P_eL_muR"].to_numpy())
    assert abs(peak - E_res) < half_width
    assert osc.resonance_energy_two_level_MeV() > 1.5 * E_res


def test_exact_and_two_level_resonances_agree_at_small_mixing():
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=1e-12, E_MeV=1.0, dm2_eV2=7e-5,
                                 theta_rad=1e-3, Y_e=0.5)
    assert osc.resonance_density_g_cm3() == pytest.approx(
        osc.resonance_density_two_level_g_cm3(), rel=1e-5, abs=0)


def test_theta_is_a_deprecated_alias_of_theta_rad():
    with pytest.warns(DeprecationWarning, match="theta_rad"):
        osc = SpinFlavourOscillation(theta=0.3)
    assert osc.theta_rad == 0.3 and osc.theta == 0.3
    assert osc.mixing_matrix()[0, 0] == pytest.approx(math.cos(0.3), rel=1e-15, abs=0)
    with pytest.warns(DeprecationWarning):
        osc.theta = 0.2
    assert osc.theta_rad == 0.2
    with pytest.warns(DeprecationWarning):
        osc.param.update(theta=0.1)  # as the dashboard sets it
    assert osc.theta_rad == 0.1 and osc.mixing_matrix()[0, 1] == pytest.approx(math.sin(0.1), rel=1e-6, abs=0)
    osc.theta_rad = 0.4  # no warning; the alias follows
    assert osc.theta == 0.4
    osc.param.update(theta=0.4, theta_rad=0.5)  # both at once: theta_rad wins
    assert osc.theta_rad == 0.5 == osc.theta
    with pytest.raises(ValueError, match="theta"):
        SpinFlavourOscillation(theta=2.0)
