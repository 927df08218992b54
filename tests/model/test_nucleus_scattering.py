"""CEvNS cross sections: an independent textbook computation, numbers computed from the
formulas of docs/physics.md, Sec. 4,
limits (F -> 1, Z^2, mu^2), the <r^2>/q_nu convention shared with the electron channel,
kinematics, and hypothesis properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.electron_scattering import em_vector_coupling_shift, magnetic_sm_crossover_keV
from model.nucleus_scattering import (
    ELEMENTS, NUCLEAR_TARGETS, atomic_recoil_scale_eV, helm_form_factor, max_nuclear_recoil_keV,
    momentum_transfer_per_fm, nuclear_target, nucleus_cross_section,
    nucleus_magnetic_sm_crossover_keV, weak_charge, weak_charge_shift)

# --- independent inputs, typed from their sources ---------------------------------------------
G_F_GEV2 = 1.1663788e-5        # PDG 2024
HBAR_C_MEV_FM = 197.3269804    # CODATA 2018
U_MEV = 931.49410242           # CODATA 2018 atomic mass unit
M_E_MEV = 0.51099895           # CODATA 2018
SIN2 = 0.23867                 # low-energy sin^2 theta_W, docs/physics.md, Sec. 1
# Natural Ge: (A, atomic mass / u [AME2016], abundance [IUPAC 2009, Berglund & Wieser,
# Pure Appl. Chem. 83, 397 (2011)])
GE_ISOTOPES = [(70, 69.92424875, 0.2057), (72, 71.922075826, 0.2745), (73, 72.923458956, 0.0775),
               (74, 73.921177761, 0.3650), (76, 75.921402726, 0.0773)]
# Helm: Lewin & Smith, Astropart. Phys. 6, 87 (1996): s = 0.9 fm, a = 0.52 fm,
# c = 1.23 A^(1/3) - 0.60 fm.
HELM_S, HELM_A = 0.9, 0.52


def textbook_ge_sm(T_keV: float, E_MeV: float) -> float:
    """(G_F^2 M/4 pi) Q_W^2 [1 - T/E - M T/(2E^2)] F^2, averaged over natural Ge, cm^2/keV."""
    total = 0.0
    T = T_keV * 1e-3
    G_F = G_F_GEV2 * 1e-6  # MeV^-2
    for A, mass_u, abundance in GE_ISOTOPES:
        M = mass_u * U_MEV - 32 * M_E_MEV
        if T > 2 * E_MeV**2 / (M + 2 * E_MeV):
            continue
        Q_W = (A - 32) - (1 - 4 * SIN2) * 32
        q = math.sqrt(2 * M * T) / HBAR_C_MEV_FM
        cc = 1.23 * A ** (1 / 3) - 0.60
        R0 = math.sqrt(cc**2 + 7 / 3 * math.pi**2 * HELM_A**2 - 5 * HELM_S**2)
        x = q * R0
        F = 3 * (math.sin(x) - x * math.cos(x)) / x**3 * math.exp(-(q * HELM_S) ** 2 / 2)
        per_MeV = G_F**2 * M / (4 * math.pi) * Q_W**2 * (1 - T / E_MeV - M * T / (2 * E_MeV**2)) * F**2
        total += abundance * per_MeV * (HBAR_C_MEV_FM * 1e-13) ** 2 * 1e-3
    return total


@pytest.mark.parametrize("T_keV", [0.01, 0.1, 0.5, 1.0, 2.0, 2.9])
@pytest.mark.parametrize("E_MeV", [3.0, 6.0, 9.5])
def test_standard_model_matches_independent_textbook_computation(T_keV, E_MeV):
    expected = textbook_ge_sm(T_keV, E_MeV)
    xs = nucleus_cross_section(T_keV, E_MeV, "Ge", sin2_theta_w=SIN2)
    assert xs.sm == pytest.approx(expected, rel=1e-6, abs=0.0)
    assert xs.total == xs.sm and xs.magnetic == 0.0 and xs.charge == 0.0


def test_reference_numbers_for_germanium():
    # Computed [C] from Q_W and the Helm F of docs/physics.md, Sec. 4 with the Ge isotopes above:
    # Q_W(<N>) = 39.26 (s^2 = 0.23867) and 38.30 (0.23122);
    # isotopes 70..76: 36.55, 38.55, 39.55, 40.55, 42.55; F^2 = 0.982 at 1 keVnr.
    nuclides = nuclear_target("Ge").nuclides
    mean_N = float(np.sum(nuclides.weight * nuclides.N))
    assert weak_charge(32, mean_N) == pytest.approx(39.26, abs=0.005)
    assert weak_charge(32, mean_N, 0.23122) == pytest.approx(38.30, abs=0.005)
    np.testing.assert_allclose(weak_charge(nuclides.Z, nuclides.N),
                               [36.55, 38.55, 39.55, 40.55, 42.55], atol=0.005)
    F2 = np.sum(nuclides.weight * helm_form_factor(
        momentum_transfer_per_fm(1.0, nuclides.mass_MeV), nuclides.A) ** 2)
    assert F2 == pytest.approx(0.982, abs=5e-4)
    # T_max = 0.118, 0.473, 1.892, 2.955 keVnr at E = 2, 4, 8, 10 MeV for <M> = 67.65 GeV.
    np.testing.assert_allclose(max_nuclear_recoil_keV([2.0, 4.0, 8.0, 10.0], 67650.0),
                               [0.118, 0.473, 1.892, 2.955], atol=6e-4)


def test_form_factor_tends_to_one_as_recoil_vanishes():
    for A in (28, 40, 73, 132):
        F = helm_form_factor(momentum_transfer_per_fm(np.geomspace(1e-9, 1e-3, 20), 931.5 * A), A)
        assert np.all(F <= 1.0) and np.all(np.diff(F) <= 0)
        assert F[0] == pytest.approx(1.0, abs=1e-10)
        assert F[-1] > 0.9999
        # F = 1 - q^2 (R0^2/10 + s^2/2) + O(q^4): the approach to 1 is quadratic in q
        cc = 1.23 * A ** (1 / 3) - 0.60
        R0_sq = cc**2 + 7 / 3 * math.pi**2 * HELM_A**2 - 5 * HELM_S**2
        q = 1e-3
        assert (1 - helm_form_factor(q, A)) / q**2 == pytest.approx(R0_sq / 10 + HELM_S**2 / 2, rel=1e-3, abs=0)
    assert helm_form_factor(0.0, 73) == 1.0
    xs_low = nucleus_cross_section(1e-7, 5.0)
    # At T -> 0 the cross section is (G_F^2 M / 4 pi) Q_W^2 with F = 1.
    assert xs_low.sm == pytest.approx(textbook_ge_sm(1e-7, 5.0), rel=1e-6, abs=0)


def test_magnetic_term_scales_as_z_squared_and_mu_squared():
    T, E, mu = 1e-4, 5.0, 1e-10  # F = 1 to 1e-8 at this recoil for every target
    per_z2 = {}
    for name in ("Ge", "Si", "Xe", "Ar"):
        Z = ELEMENTS[name].Z
        per_z2[name] = float(nucleus_cross_section(T, E, name, mu_nu=mu).magnetic) / Z**2
    # pi alpha^2/m_e^2 (1/T - 1/E) mu^2 per unit Z^2 (docs/physics.md, Sec. 2: prefactor 2.4947e-25 cm^2)
    expected = 2.4947e-25 * mu**2 * (1 / (T * 1e-3) - 1 / E) * 1e-3
    for value in per_z2.values():
        assert value == pytest.approx(expected, rel=2e-4, abs=0)
    xs1 = nucleus_cross_section(0.3, 5.0, "Xe", mu_nu=1e-10)
    xs2 = nucleus_cross_section(0.3, 5.0, "Xe", mu_nu=3e-10)
    assert xs2.magnetic == pytest.approx(9 * xs1.magnetic, rel=1e-12, abs=0)
    assert xs2.sm == xs1.sm  # no interference (helicity flip)
    # CsI: average of Cs (Z = 55) and I (Z = 53) per nucleus
    csi = float(nucleus_cross_section(T, E, "CsI", mu_nu=mu).magnetic)
    assert csi / expected == pytest.approx((55**2 + 53**2) / 2, rel=2e-4, abs=0)


def test_charge_radius_shift_follows_the_electron_channel_convention():
    # delta g_V(<r^2>) = sqrt2 pi alpha <r^2>/(3 G_F) (electron_scattering); for the proton it
    # enters with the opposite sign, so Q_W -> Q_W + 2 Z delta g_V.  docs/physics.md, Sec. 4:
    # +1.52 for Ge at 1e-32 cm^2; computed [C] from the same shift, 1e-31 cm^2 multiplies the
    # rate by ~1.93.
    r2 = 1e-32
    delta_g = float(em_vector_coupling_shift(1.0, 0.0, r2))
    shift = weak_charge_shift(1.0, 32, 67650.0, charge_radius_cm2=r2)
    assert shift == pytest.approx(2 * 32 * delta_g, rel=1e-12, abs=0)
    assert shift == pytest.approx(1.52, abs=0.01)
    T, E = 0.5, 6.0
    base = nucleus_cross_section(T, E)
    shifted = nucleus_cross_section(T, E, charge_radius_cm2=1e-31)
    nuclides = nuclear_target("Ge").nuclides
    Q_W = weak_charge(nuclides.Z, nuclides.N)
    # Each isotope's rate scales with its shifted weak charge squared (same kinematics).
    isotope_rate = (nuclides.weight * nuclides.mass_MeV
                    * helm_form_factor(momentum_transfer_per_fm(T, nuclides.mass_MeV), nuclides.A) ** 2
                    * (1 - T * 1e-3 / E - nuclides.mass_MeV * T * 1e-3 / (2 * E**2)))
    expected = np.sum(isotope_rate * (Q_W + 2 * 32 * 10 * delta_g) ** 2) / np.sum(isotope_rate * Q_W**2)
    ratio = float(shifted.total / base.total)
    assert ratio == pytest.approx(expected, rel=1e-10, abs=0)
    assert ratio == pytest.approx(1.93, abs=0.01)
    assert shifted.charge == pytest.approx(shifted.total - base.sm, rel=1e-12, abs=0)
    # negative <r^2> lowers the rate: interference with the weak amplitude
    assert nucleus_cross_section(T, E, charge_radius_cm2=-1e-32).total < base.sm


def test_millicharge_shift_and_interference():
    # Computed [C] from the weak-charge shift of docs/physics.md, Sec. 4: q = 1e-10 shifts
    # Q_W(Ge) by -0.26 at T = 1 keVnr; the photon
    # propagator 1/(2 M T) replaces the electron channel's 1/(2 m_e T).
    M = 67650.0
    shift = weak_charge_shift(1.0, 32, M, q_nu=1e-10)
    assert shift == pytest.approx(-0.26, abs=0.005)
    T_electron_equivalent = 1.0 * M / M_E_MEV
    assert shift == pytest.approx(2 * 32 * float(em_vector_coupling_shift(T_electron_equivalent, 1e-10)),
                                  rel=1e-8, abs=0)  # m_e typed (CODATA 2018): 1.4e-9 from 2022
    T, E, q = 0.2, 5.0, 1e-12
    plus = nucleus_cross_section(T, E, q_nu=q).charge
    minus = nucleus_cross_section(T, E, q_nu=-q).charge
    assert plus < 0 < minus  # linear interference term dominates for small q, sign follows q
    # charge(q) + charge(-q) = 2 x the pure q^2 term (quadratic in the shift)
    quadratic = 0.5 * (plus + minus)
    assert nucleus_cross_section(T, E, q_nu=2 * q).charge + nucleus_cross_section(T, E, q_nu=-2 * q).charge \
        == pytest.approx(8 * quadratic, rel=1e-6, abs=0)


def test_kinematic_end_point_uses_each_isotope_mass():
    E = 8.0
    nuclides = nuclear_target("Ge").nuclides
    ends = max_nuclear_recoil_keV(E, nuclides.mass_MeV)
    lightest, heaviest = ends.max(), ends.min()
    assert nucleus_cross_section(lightest * (1 + 1e-9), E).sm == 0.0
    assert nucleus_cross_section(lightest * (1 - 1e-6), E).sm > 0.0
    # between the 76Ge and 70Ge end points only the lighter isotopes contribute
    middle = 0.5 * (lightest + heaviest)
    only_light = textbook_ge_sm(middle, E)
    assert nucleus_cross_section(middle, E, sin2_theta_w=SIN2).sm == pytest.approx(only_light, rel=1e-6, abs=0)
    # the end point of the bracket is exactly where 1 - T/E - M T/2E^2 vanishes
    M = nuclides.mass_MeV[0]
    T_max = float(max_nuclear_recoil_keV(E, M)) * 1e-3
    assert 1 - T_max / E - M * T_max / (2 * E**2) == pytest.approx(0.0, abs=1e-12)


def test_crossover_is_orders_of_magnitude_below_nu_e():
    # Kouzakov & Studenikin, J. Phys. Conf. Ser. 718 (2016), arXiv:1603.02462: the scale where
    # the mu_nu term exceeds the SM term in CEvNS is orders of magnitude below the nu-e one
    # (2.40 keV at 1e-11 mu_B, docs/physics.md, Sec. 2).
    nucleus = nucleus_magnetic_sm_crossover_keV(1e-11)
    electron = magnetic_sm_crossover_keV(1e-11)
    assert nucleus < 1e-4 * electron
    assert nucleus == pytest.approx(textbook_ge_crossover_keV(1e-11), rel=1e-6, abs=0)  # 5.79e-5 keV
    xs = nucleus_cross_section(nucleus, 1e3, mu_nu=1e-11)  # E >> T, F = 1
    assert xs.magnetic == pytest.approx(xs.sm, rel=1e-4, abs=0)
    assert nucleus_magnetic_sm_crossover_keV(2e-11) == pytest.approx(4 * nucleus, rel=1e-12, abs=0)
    assert nucleus_magnetic_sm_crossover_keV(0.0) == 0.0


def test_atomic_recoil_scale_is_far_below_thresholds():
    # Kouzakov & Studenikin (2016), Sec. 2: the atomic-recoil energy scale for Ge is
    # insignificant for reactor experiments.
    # Reconstructed estimate Z^(4/3) (m_e/M) E_h (model docstring): 0.021 eV for Ge.
    M_ge = 72.6305 * U_MEV - 32 * M_E_MEV
    assert atomic_recoil_scale_eV("Ge") == pytest.approx(32 ** (4 / 3) * M_E_MEV / M_ge * 27.211386, rel=1e-4, abs=0)
    assert atomic_recoil_scale_eV("Ge") < 0.1
    with pytest.raises(ValueError, match="element"):
        atomic_recoil_scale_eV("Pb")


def test_targets_and_isotopic_data():
    # Molar masses from the isotope tables agree with the IUPAC standard atomic weights
    # (Prohaska et al., Pure Appl. Chem. 94, 573 (2022)): Ge 72.630, Si 28.085, Ar 39.95
    # (atmospheric 39.948), Xe 131.293, Cs 132.905, I 126.904.
    weights = {"Ge": 72.630, "Si": 28.085, "Ar": 39.948, "Xe": 131.293, "Cs": 132.905, "I": 126.904}
    for symbol, weight in weights.items():
        assert ELEMENTS[symbol].molar_mass_g_mol == pytest.approx(weight, abs=0.005)
    csi = nuclear_target("CsI")
    assert csi.nuclides.weight.sum() == pytest.approx(1.0, rel=1e-6, abs=0)
    assert csi.nuclei_per_kg == pytest.approx(2 * 6.02214076e23 * 1000 / (132.905 + 126.904), rel=1e-5, abs=0)
    assert set(NUCLEAR_TARGETS) == {"Ge", "Si", "Xe", "Ar", "CsI"}
    # CEvNS grows roughly as N^2: Xe and CsI far above Ar and Si at low recoil
    sm = {t: float(nucleus_cross_section(0.01, 5.0, t).sm) for t in NUCLEAR_TARGETS}
    assert sm["Si"] < sm["Ar"] < sm["Ge"] < sm["CsI"] < sm["Xe"]


@pytest.mark.parametrize("kwargs, name", [
    (dict(T_keV=0.0, E_MeV=1.0), "T_keV"), (dict(T_keV=1.0, E_MeV=-1.0), "E_MeV"),
    (dict(T_keV=1.0, E_MeV=1.0, target="Pb"), "target"), (dict(T_keV=1.0, E_MeV=1.0, mu_nu=-1.0), "mu_nu"),
    (dict(T_keV=1.0, E_MeV=1.0, q_nu=1.0), "q_nu"),
    (dict(T_keV=1.0, E_MeV=1.0, charge_radius_cm2=1e-20), "charge_radius_cm2"),
    (dict(T_keV=[1.0, float("nan")], E_MeV=1.0), "T_keV")])
def test_bad_input_raises_value_error_naming_it(kwargs, name):
    with pytest.raises(ValueError, match=name):
        nucleus_cross_section(**kwargs)


@settings(max_examples=200, deadline=None)
@given(T_keV=st.floats(1e-6, 1e7), E_MeV=st.floats(1e-6, 1e4), mu_nu=st.floats(0.0, 1e-6),
       q_nu=st.floats(-1e-6, 1e-6, allow_subnormal=False),
       radius=st.floats(-1e-28, 1e-28, allow_subnormal=False),
       target=st.sampled_from(tuple(NUCLEAR_TARGETS)))
def test_cross_section_is_finite_and_non_negative(T_keV, E_MeV, mu_nu, q_nu, radius, target):
    xs = nucleus_cross_section(T_keV, E_MeV, target, mu_nu, q_nu, radius)
    for component in (xs.sm, xs.magnetic, xs.charge, xs.total):
        assert np.all(np.isfinite(component))
    assert xs.sm >= 0 and xs.magnetic >= 0
    scale = max(float(xs.sm), float(xs.sm + xs.charge), 1e-300)
    assert xs.total >= -1e-12 * scale
    lightest = min(NUCLEAR_TARGETS[target].nuclides.mass_MeV)
    if T_keV > max_nuclear_recoil_keV(E_MeV, lightest):
        assert xs.total == 0.0 and xs.sm == 0.0


def textbook_ge_crossover_keV(mu_nu: float) -> float:
    """Where pi alpha^2 mu^2 <Z^2> / (m_e^2 T) (Vogel & Engel, PRD 39, 3378 (1989)) equals
    <G_F^2 M Q_W^2> / (4 pi) (Freedman 1974) for natural Ge, E -> infinity, F = 1; inputs
    typed above (PDG G_F, CODATA, AME2016/IUPAC isotopes), alpha CODATA 2022: 5.79e-5 keV."""
    alpha = 7.2973525643e-3
    weak = sum(abundance * (G_F_GEV2 * 1e-6) ** 2 * (mass_u * U_MEV - 32 * M_E_MEV)
               * ((A - 32) - (1 - 4 * SIN2) * 32) ** 2 / (4 * math.pi)
               for A, mass_u, abundance in GE_ISOTOPES)
    magnetic_times_T = math.pi * alpha**2 / M_E_MEV**2 * mu_nu**2 * 32**2
    return magnetic_times_T / weak * 1e3
