"""Coherent elastic neutrino-nucleus scattering (CEvNS) with mu_nu, q_nu and <r^2>.

Per nucleus, nuclear recoil (kinetic) energy ``T_keV`` in keVnr, neutrino energy ``E_MeV``
(Kouzakov & Studenikin, J. Phys. Conf. Ser. 718 (2016), arXiv:1603.02462
[kouzakov_studenikin_2016], Sec. 3; docs/physics.md, "CEvNS"):

* Standard Model (Freedman, PRD 9, 1389 (1974); e.g. Barranco, Miranda & Rashba,
  JHEP 12 (2005) 021):
      dsigma/dT = (G_F^2 M / 4 pi) Q_W^2 [1 - T/E - M T/(2 E^2)] F^2(q),
      Q_W = N - (1 - 4 sin^2 theta_W) Z,   q^2 = 2 M T.
* Magnetic moment (helicity flip, no interference; nuclear charge only, the nuclear magnetic
  moment neglected; Vogel & Engel, PRD 39, 3378 (1989)):
      dsigma/dT = (pi alpha^2 mu^2 Z^2 / m_e^2) (1/T - 1/E) F^2(q),  mu in mu_B.
* Millicharge and charge radius: photon exchange with the Z protons interferes with the weak
  amplitude, i.e. shifts the weak charge ([kouzakov_studenikin_2016] Sec. 3; Cadeddu et al.,
  PRD 98, 113010 (2018), arXiv:1810.05606 [cadeddu_2018]):
      Q_W -> Q_W + 2 Z (sqrt2 pi alpha / G_F) [<r^2>/3 - q_nu / (M T)].
  This is the electron channel's convention (``electron_scattering``:
  g_V -> g_V + (sqrt2 pi alpha/G_F)[<r^2>/3 - q_nu/(m_e T)]) applied to the proton, whose
  charge is opposite to the electron's: delta g_V^p = -(sqrt2 pi alpha/G_F)[<r^2>/3 - q_nu/(M T)]
  and Q_W = -2 (Z g_V^p + N g_V^n).  So <r^2> = 1e-32 cm^2 adds +1.52 to Q_W(Ge) (2 Z x 0.0238),
  the same delta g_V per unit <r^2> as for nu-e (not the Vogel-Engel "sin^2 theta_W shift",
  which is twice as large [vogel_engel_1989]).  As in the electron channel the shift is the
  same for neutrinos and antineutrinos, and CEvNS itself does not depend on the flavour.
* Form factor: Helm (Lewin & Smith, Astropart. Phys. 6, 87 (1996), section 4),
  F(q) = 3 j_1(q R0)/(q R0) exp(-q^2 s^2/2), R0^2 = c^2 + (7/3) pi^2 a^2 - 5 s^2,
  c = 1.23 A^(1/3) - 0.60 fm, a = 0.52 fm, s = 0.9 fm; the same F for the weak, charge and
  magnetic terms (proton and neutron distributions taken equal).
* Kinematics with the nuclear mass M of each isotope: T_max = 2E^2/(M + 2E).

Targets are natural isotopic mixtures; cross sections are per nucleus, averaged over the
nuclei of the target (for CsI over Cs and I nuclei alike).  Isotopic compositions: IUPAC
representative compositions (M. Berglund & M. E. Wieser, Pure Appl. Chem. 83, 397 (2011));
atomic masses: AME2016 (M. Wang et al., Chin. Phys. C 41, 030003 (2017)), as tabulated by
NIST ("Atomic Weights and Isotopic Compositions", Coursey et al.); checked against the
``periodictable`` package to 1e-5 u.

At fixed T every term is a polynomial of degree two in 1/E (coefficients[k] multiplies
E^-k), like the nu-e terms, so the recoil-spectrum folding reuses the flux moments
M_0..M_2 of ``sources.NeutrinoSource``, isotope by isotope (E_min depends on M).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.special import spherical_jn

from . import constants as c
from .electron_scattering import (
    EM_GV_SHIFT_MEV2, MAGNETIC_PREFACTOR_CM2, MAX_MU_NU,
    CrossSectionCoefficients, check_em_parameters, check_kinematic_inputs)
from .validation import as_checked_array, checked_choice

# --- Helm form factor (Lewin & Smith 1996, section 4) --------------------------------------
HELM_SKIN_FM = 0.9
HELM_SURFACE_FM = 0.52
HELM_C_SLOPE_FM = 1.23
HELM_C_OFFSET_FM = 0.60


@dataclass(frozen=True)
class Isotope:
    A: int
    atomic_mass_u: float
    abundance: float


@dataclass(frozen=True)
class Element:
    """A chemical element with its natural isotopes (abundances sum to 1)."""

    symbol: str
    Z: int
    isotopes: tuple[Isotope, ...]

    def __post_init__(self):
        total = sum(i.abundance for i in self.isotopes)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"{self.symbol}: abundances sum to {total}, not 1")

    @property
    def molar_mass_g_mol(self) -> float:
        return sum(i.abundance * i.atomic_mass_u for i in self.isotopes)

    @property
    def mean_mass_number(self) -> float:
        return sum(i.abundance * i.A for i in self.isotopes)

    @property
    def mean_nuclear_mass_MeV(self) -> float:
        return self.molar_mass_g_mol * c.ATOMIC_MASS_UNIT_MEV - self.Z * c.ELECTRON_MASS_MEV


def _isotopes(*rows):
    return tuple(Isotope(A, mass, abundance) for A, mass, abundance in rows)


# (A, atomic mass in u [AME2016], abundance [IUPAC 2009, Berglund & Wieser 2011])
ELEMENTS: dict[str, Element] = {
    "Ge": Element("Ge", 32, _isotopes(
        (70, 69.92424875, 0.2057), (72, 71.922075826, 0.2745), (73, 72.923458956, 0.0775),
        (74, 73.921177761, 0.3650), (76, 75.921402726, 0.0773))),
    "Si": Element("Si", 14, _isotopes(
        (28, 27.97692653465, 0.92223), (29, 28.9764946649, 0.04685),
        (30, 29.973770136, 0.03092))),
    "Ar": Element("Ar", 18, _isotopes(
        (36, 35.967545105, 0.003336), (38, 37.96273211, 0.000629),
        (40, 39.9623831237, 0.996035))),
    "Xe": Element("Xe", 54, _isotopes(
        (124, 123.905892, 0.000952), (126, 125.9042983, 0.000890),
        (128, 127.903531, 0.019102), (129, 128.9047808611, 0.264006),
        (130, 129.903509349, 0.040710), (131, 130.90508406, 0.212324),
        (132, 131.9041550856, 0.269086), (134, 133.90539466, 0.104357),
        (136, 135.907214484, 0.088573))),
    "Cs": Element("Cs", 55, _isotopes((133, 132.905451961, 1.0))),
    "I": Element("I", 53, _isotopes((127, 126.9044719, 1.0))),
}


@dataclass(frozen=True)
class Nuclides:
    """The nuclei of a target as columns: fraction of all nuclei, Z, A, N, nuclear mass."""

    element: tuple[str, ...]
    weight: np.ndarray
    Z: np.ndarray
    A: np.ndarray
    mass_MeV: np.ndarray

    @property
    def N(self) -> np.ndarray:
        return self.A - self.Z

    def __len__(self) -> int:
        return len(self.element)


@dataclass(frozen=True)
class NuclearTarget:
    """A detector material: elements with their numbers of atoms per formula unit."""

    name: str
    composition: tuple[tuple[str, int], ...]

    @cached_property
    def nuclides(self) -> Nuclides:
        atoms = sum(count for _, count in self.composition)
        rows = [(symbol, count / atoms * iso.abundance, ELEMENTS[symbol].Z, iso.A,
                 iso.atomic_mass_u * c.ATOMIC_MASS_UNIT_MEV - ELEMENTS[symbol].Z * c.ELECTRON_MASS_MEV)
                for symbol, count in self.composition for iso in ELEMENTS[symbol].isotopes]
        symbols, weight, Z, A, mass = zip(*rows)
        return Nuclides(symbols, *(np.array(v, dtype=float) for v in (weight, Z, A, mass)))

    @property
    def elements(self) -> tuple[str, ...]:
        return tuple(symbol for symbol, _ in self.composition)

    @property
    def nuclei_per_kg(self) -> float:
        formula_mass_g_mol = sum(n * ELEMENTS[s].molar_mass_g_mol for s, n in self.composition)
        atoms = sum(count for _, count in self.composition)
        return atoms * c.AVOGADRO_PER_MOL * c.GRAMS_PER_KG / formula_mass_g_mol


NUCLEAR_TARGETS: dict[str, NuclearTarget] = {
    "Ge": NuclearTarget("Ge", (("Ge", 1),)),
    "Si": NuclearTarget("Si", (("Si", 1),)),
    "Xe": NuclearTarget("Xe", (("Xe", 1),)),
    "Ar": NuclearTarget("Ar", (("Ar", 1),)),
    "CsI": NuclearTarget("CsI", (("Cs", 1), ("I", 1))),
}


def nuclear_target(name: str) -> NuclearTarget:
    """The :class:`NuclearTarget` "Ge", "Si", "Xe", "Ar" or "CsI"."""
    return NUCLEAR_TARGETS[checked_choice("target", name, NUCLEAR_TARGETS)]


# --- kinematics and form factor --------------------------------------------------------------
def max_nuclear_recoil_keV(E_MeV, nuclear_mass_MeV):
    """Kinematic end point T_max = 2 E^2 / (M + 2 E) of a nucleus of mass M, in keV."""
    E = np.asarray(E_MeV, dtype=float)
    return c.MeV_to_keV(2.0 * E**2 / (nuclear_mass_MeV + 2.0 * E))


def min_neutrino_energy_for_nuclear_recoil_MeV(T_keV, nuclear_mass_MeV):
    """Smallest E giving a nuclear recoil T: E_min = [T + sqrt(T^2 + 2 M T)]/2 (inverse of T_max)."""
    T = c.keV_to_MeV(np.asarray(T_keV, dtype=float))
    return 0.5 * (T + np.sqrt(T**2 + 2.0 * nuclear_mass_MeV * T))


def momentum_transfer_per_fm(T_keV, nuclear_mass_MeV):
    """|q| = sqrt(2 M T) in fm^-1 for a nuclear recoil T (elastic kinematics, nucleus at rest)."""
    return np.sqrt(2.0 * nuclear_mass_MeV * c.keV_to_MeV(np.asarray(T_keV, dtype=float))) / c.HBAR_C_MEV_FM


def helm_form_factor(q_per_fm, A):
    """Helm form factor F(q) of a nucleus of mass number A (Lewin & Smith 1996, section 4).

    F = 3 j_1(q R0)/(q R0) exp(-(q s)^2/2), R0^2 = c^2 + (7/3) pi^2 a^2 - 5 s^2,
    c = 1.23 A^(1/3) - 0.60 fm, a = 0.52 fm, s = 0.9 fm.  F(0) = 1.
    """
    q = np.asarray(q_per_fm, dtype=float)
    c_fm = HELM_C_SLOPE_FM * np.cbrt(np.asarray(A, dtype=float)) - HELM_C_OFFSET_FM
    R0 = np.sqrt(c_fm**2 + (7.0 / 3.0) * math.pi**2 * HELM_SURFACE_FM**2 - 5.0 * HELM_SKIN_FM**2)
    x = q * R0
    safe_x = np.where(x > 0, x, 1.0)
    bessel = np.where(x > 0, 3.0 * spherical_jn(1, safe_x) / safe_x, 1.0)
    return bessel * np.exp(-0.5 * (q * HELM_SKIN_FM) ** 2)


def weak_charge(Z, N, sin2_theta_w=c.SIN2_THETA_W_LOW_ENERGY):
    """Tree-level weak charge Q_W = N - (1 - 4 sin^2 theta_W) Z ([freedman_1974];
    [kouzakov_studenikin_2016] Sec. 3)."""
    return np.asarray(N, dtype=float) - (1.0 - 4.0 * sin2_theta_w) * np.asarray(Z, dtype=float)


def weak_charge_shift(T_keV, Z, nuclear_mass_MeV, q_nu=0.0, charge_radius_cm2=0.0):
    """Photon-exchange shift of Q_W: 2 Z (sqrt2 pi alpha/G_F) [<r^2>/3 - q_nu/(M T)] (module doc)."""
    T_MeV = c.keV_to_MeV(np.asarray(T_keV, dtype=float))
    radius_MeV2 = charge_radius_cm2 / c.HBAR_C_SQUARED_MEV2_CM2
    return 2.0 * Z * EM_GV_SHIFT_MEV2 * (radius_MeV2 / 3.0 - q_nu / (nuclear_mass_MeV * T_MeV))


# --- cross sections --------------------------------------------------------------------------
def _columns(values, trailing_ndim: int) -> np.ndarray:
    """A per-nuclide array shaped to broadcast against a nuclide axis plus `trailing_ndim` axes."""
    return np.asarray(values, dtype=float).reshape((-1,) + (1,) * trailing_ndim)


def nucleus_cross_section_coefficients(T_keV, target="Ge", mu_nu=0.0, q_nu=0.0,
                                       charge_radius_cm2=0.0,
                                       sin2_theta_w=c.SIN2_THETA_W_LOW_ENERGY,
                                       per_nuclide_T=False) -> CrossSectionCoefficients:
    """Per-nucleus components as polynomials in 1/E, one row per isotope of the target.

    Arrays of shape (3, n_nuclides) + T.shape in cm^2/keV MeV^k; not yet weighted by the
    isotopic fractions.  With ``per_nuclide_T`` the leading axis of ``T_keV`` already runs
    over the nuclides (e.g. recoil energies converted from keVee with each element's
    quenching).  No kinematic end point is applied here (it depends on E).
    """
    nuclides = nuclear_target(target).nuclides
    T = np.asarray(T_keV, dtype=float)
    ndim = T.ndim - 1 if per_nuclide_T else T.ndim
    Z, A, M = (_columns(v, ndim) for v in (nuclides.Z, nuclides.A, nuclides.mass_MeV))
    T_MeV = c.keV_to_MeV(T)
    shape = np.broadcast_shapes(T.shape, M.shape)
    form_factor_sq = helm_form_factor(momentum_transfer_per_fm(T, M), A) ** 2

    weak_prefactor = c.cm2_per_MeV_to_cm2_per_keV(
        c.FERMI_CONSTANT_MEV2**2 * M / (4.0 * math.pi) * c.HBAR_C_SQUARED_MEV2_CM2) * form_factor_sq
    # [1 - T/E - M T/(2 E^2)] as coefficients of E^0, E^-1, E^-2
    bracket = (np.ones(shape), np.broadcast_to(-T_MeV, shape), -0.5 * M * T_MeV)

    def weak(charge_squared):
        return np.stack([weak_prefactor * charge_squared * term for term in bracket])

    Q_W = weak_charge(Z, A - Z, sin2_theta_w)
    shift = weak_charge_shift(T, Z, M, q_nu, charge_radius_cm2)
    magnetic_scale = (c.cm2_per_MeV_to_cm2_per_keV(MAGNETIC_PREFACTOR_CM2) * mu_nu**2 * Z**2
                      * form_factor_sq)
    # (1/T - 1/E) as coefficients of E^0, E^-1, E^-2
    magnetic = np.stack([magnetic_scale / T_MeV, -magnetic_scale, np.zeros_like(magnetic_scale)])
    return CrossSectionCoefficients(sm=weak(Q_W**2), magnetic=magnetic,
                                    charge=weak(shift * (2.0 * Q_W + shift)),
                                    weak_total=weak((Q_W + shift) ** 2))


@dataclass(frozen=True)
class NucleusCrossSection:
    """dsigma/dT per nucleus in cm^2/keV(nr), by component, averaged over the target's nuclei.

    ``charge``: change due to q_nu and <r^2>, interference included (may be negative);
    ``total = sm + magnetic + charge``.
    """

    sm: np.ndarray
    magnetic: np.ndarray
    charge: np.ndarray
    total: np.ndarray


def nucleus_cross_section(T_keV, E_MeV, target="Ge", mu_nu=0.0, q_nu=0.0, charge_radius_cm2=0.0,
                          sin2_theta_w=c.SIN2_THETA_W_LOW_ENERGY) -> NucleusCrossSection:
    """Differential CEvNS cross section dsigma/dT per nucleus, by component (module docstring).

    Parameters
    ----------
    T_keV, E_MeV : array_like
        Nuclear recoil energy (keVnr) and neutrino energy (MeV), in the ranges of
        :func:`model.electron_scattering.electron_cross_section`; broadcast together.
    target : {"Ge", "Si", "Xe", "Ar", "CsI"}
        Natural isotopic mixture; the result is the average over the target's nuclei.
    mu_nu, q_nu, charge_radius_cm2 : float
        Magnetic moment (mu_B), millicharge (e0), charge radius <r^2> (cm^2), with the same
        conventions and bounds as :func:`model.electron_scattering.electron_cross_section`.
    sin2_theta_w : float
        Weak mixing angle (default 0.23867, the low-energy value).

    Returns
    -------
    NucleusCrossSection with ``sm``, ``magnetic``, ``charge``, ``total`` in cm^2/keV; each
    isotope contributes only below its kinematic end point T_max(E, M).
    """
    T, E = check_kinematic_inputs(T_keV, E_MeV)
    check_em_parameters(mu_nu, q_nu, charge_radius_cm2)
    as_checked_array("sin2_theta_w", sin2_theta_w, low=0.0, high=1.0)
    nuclides = nuclear_target(target).nuclides
    T, E = np.broadcast_arrays(T, E)
    coefficients = nucleus_cross_section_coefficients(T, target, mu_nu, q_nu, charge_radius_cm2,
                                                      sin2_theta_w)
    weight = _columns(nuclides.weight, T.ndim)
    allowed = T <= max_nuclear_recoil_keV(E, _columns(nuclides.mass_MeV, T.ndim))
    inverse_E = 1.0 / E

    def average(component):
        value = component[0] + inverse_E * (component[1] + inverse_E * component[2])
        return np.sum(weight * np.where(allowed, value, 0.0), axis=0)

    sm, magnetic, weak_total = (average(getattr(coefficients, name))
                                for name in ("sm", "magnetic", "weak_total"))
    return NucleusCrossSection(sm=sm, magnetic=magnetic, charge=weak_total - sm,
                               total=weak_total + magnetic)


def nucleus_magnetic_sm_crossover_keV(mu_nu, target="Ge", sin2_theta_w=c.SIN2_THETA_W_LOW_ENERGY):
    """Nuclear recoil energy (keVnr) below which the magnetic term exceeds the SM term, E >> T.

    With E -> infinity and F -> 1 (F^2 multiplies both terms, and at these recoils it is 1):
    pi alpha^2 mu^2 <Z^2> / (m_e^2 T) = <G_F^2 M Q_W^2> / (4 pi), averages over the target's
    nuclei.  [kouzakov_studenikin_2016] Sec. 3: orders of magnitude below the nu-e crossover,
    which is T = pi alpha^2 mu^2 / (m_e^2 x weak term) ~ 2.4 keV at 1e-11 mu_B.
    """
    as_checked_array("mu_nu", mu_nu, low=0.0, high=MAX_MU_NU)
    nuclides = nuclear_target(target).nuclides
    Q_W = weak_charge(nuclides.Z, nuclides.N, sin2_theta_w)
    weak = np.sum(nuclides.weight * c.FERMI_CONSTANT_MEV2**2 * nuclides.mass_MeV * Q_W**2
                  / (4.0 * math.pi)) * c.HBAR_C_SQUARED_MEV2_CM2
    magnetic_times_T = MAGNETIC_PREFACTOR_CM2 * mu_nu**2 * np.sum(nuclides.weight * nuclides.Z**2)
    return float(c.MeV_to_keV(magnetic_times_T / weak))


def atomic_recoil_scale_eV(element="Ge") -> float:
    """Energy transfer below which atomic recoil matters in neutrino-impact ionization, eV.

    Kouzakov & Studenikin ([kouzakov_studenikin_2016] Sec. 2, from the Thomas-Fermi analysis
    of arXiv:1412.7061 [kouzakov_studenikin_2014]) give an estimate in terms of the Hartree
    energy E_h = 27.2 eV and the nuclear mass M.  Written here as the recoil energy of the
    atom when it takes up the typical Thomas-Fermi electron momentum p ~ Z^(2/3) hbar/a_0:
    T_AR ~ Z^(4/3) (m_e/M) E_h (an order of magnitude, 0.02 eV for Ge; not checked against
    the paper's printed formula).  It is far below any detector threshold, as they conclude.
    """
    symbol = checked_choice("element", element, ELEMENTS)
    entry = ELEMENTS[symbol]
    return float(entry.Z ** (4.0 / 3.0) * c.ELECTRON_MASS_MEV / entry.mean_nuclear_mass_MeV
                 * c.HARTREE_ENERGY_EV)
