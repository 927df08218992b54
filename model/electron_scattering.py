"""Elastic neutrino-electron scattering: Standard Model and electromagnetic terms.

Conventions
-----------
* ``T_keV``: electron recoil (kinetic) energy in keV; ``E_MeV``: neutrino energy in MeV.
* ``mu_nu``: (effective) magnetic moment in Bohr magnetons mu_B = e0/(2 m_e).
* ``q_nu``: millicharge in units of the elementary charge e0 (e0 > 0), Heaviside-Lorentz
  natural units, e0^2 = 4 pi alpha.  Giunti & Studenikin (RMP 87, 531 (2015),
  arXiv:1403.6344 [giunti_studenikin_2015], Sec. VII.A) and Studenikin
  (Nucl. Part. Phys. Proc. 273-275, 1711 (2016) [studenikin_2016_ichep], eq. (26)) write
  2 pi alpha q^2/(m_e T^2) in Gaussian units, where q^2 = alpha eps^2: with q in units of e0
  the term carries alpha^2 (docs/physics.md, "Units").
* ``charge_radius_cm2``: <r^2> in cm^2, normalised through the charge form factor
  f_Q(q^2) = q_nu + q^2 <r^2>/6, i.e. delta g_V = (sqrt(2) pi alpha / 3 G_F) <r^2>
  (Giunti-Studenikin / Kouzakov-Studenikin, PRD 95, 055013 (2017), arXiv:1703.00401).
  Older experimental papers (Vogel & Engel convention) shift sin^2 theta_W by that amount,
  which is twice the effect per unit <r^2> (Vogel & Engel, PRD 39, 3378 (1989)
  [vogel_engel_1989]; :mod:`model.limits` stores every <r^2> in this module's convention).
* Cross sections are in cm^2/keV per free electron.

Every term is a quadratic polynomial in 1/E at fixed T (Standard Model,
[studenikin_2016_ichep] eq. (21); magnetic moment, eq. (25)), which is how they are stored: ``coefficients[k]`` multiplies
E^-k.  :func:`electron_cross_section` evaluates the polynomial; the recoil-spectrum folding
integrates it against flux moments, so each formula is written once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import constants as c
from .atomic_binding import ATOMS, active_electrons
from .validation import as_checked_array, checked_choice

FLAVOURS = ("anti_nu_e", "nu_e", "nu_mu", "anti_nu_mu", "nu_tau", "anti_nu_tau")
"""Beams; nu_tau has the tree-level couplings of nu_mu (neutral current only)."""

WEAK_PREFACTOR_CM2_PER_KEV = c.cm2_per_MeV_to_cm2_per_keV(
    c.FERMI_CONSTANT_MEV2**2 * c.ELECTRON_MASS_MEV / (2.0 * math.pi) * c.HBAR_C_SQUARED_MEV2_CM2)
"""G_F^2 m_e / (2 pi) in cm^2/keV (4.31e-48; [studenikin_2016_ichep] eq. (21))."""

MAGNETIC_PREFACTOR_CM2 = math.pi * c.ALPHA**2 / c.ELECTRON_MASS_MEV**2 * c.HBAR_C_SQUARED_MEV2_CM2
"""pi alpha^2 / m_e^2 in cm^2 (2.4947e-25; [studenikin_2016_ichep] eq. (25))."""

EM_GV_SHIFT_MEV2 = math.sqrt(2.0) * math.pi * c.ALPHA / c.FERMI_CONSTANT_MEV2
"""sqrt(2) pi alpha / G_F in MeV^2, the scale of the photon-exchange shift of g_V."""

# Bounds of the physical inputs accepted by the API.
MAX_MU_NU = 1e-6
MAX_ABS_Q_NU = 1e-6
MAX_ABS_CHARGE_RADIUS_CM2 = 1e-28
MAX_E_MEV = 1e4
MAX_T_KEV = 1e7
SMALLEST_T_KEV = 1e-30
"""Lower end of the accepted recoil energies (1e-27 eV, far below any detector): the 1/T and
1/T^2 terms overflow double precision below ~1e-148 keV."""


def max_recoil_keV(E_MeV):
    """Kinematic end point T_max = 2 E^2 / (m_e + 2 E) of the electron recoil, in keV."""
    E = np.asarray(E_MeV, dtype=float)
    return c.MeV_to_keV(2.0 * E**2 / (c.ELECTRON_MASS_MEV + 2.0 * E))


def min_neutrino_energy_MeV(T_keV):
    """Smallest neutrino energy that can give recoil T: E_min = [T + sqrt(T^2 + 2 m_e T)]/2."""
    T = c.keV_to_MeV(np.asarray(T_keV, dtype=float))
    return 0.5 * (T + np.sqrt(T**2 + 2.0 * c.ELECTRON_MASS_MEV * T))


def couplings(flavour: str, sin2_theta_w: float = c.SIN2_THETA_W_LOW_ENERGY) -> tuple[float, float]:
    """Tree-level (g_V, g_A) for nu-e scattering, charged current included for electron flavour.

    nu_e: g_V = 1/2 + 2 s^2, g_A = +1/2; nu_mu and nu_tau: g_V = -1/2 + 2 s^2, g_A = -1/2;
    antineutrinos flip the sign of g_A ([giunti_studenikin_2015] Sec. IV.C;
    [studenikin_2016_ichep] eq. (21)).
    """
    checked_choice("flavour", flavour, FLAVOURS)
    electron_flavour = flavour.endswith("nu_e")
    g_V = (0.5 if electron_flavour else -0.5) + 2.0 * sin2_theta_w
    g_A = 0.5 if electron_flavour else -0.5
    if flavour.startswith("anti"):
        g_A = -g_A
    return g_V, g_A


def em_vector_coupling_shift(T_keV, q_nu=0.0, charge_radius_cm2=0.0):
    """Shift of g_V from photon exchange: (sqrt2 pi alpha/G_F) [<r^2>/3 - q_nu/(m_e T)].

    The same for neutrinos and antineutrinos at the level of g_V (Kouzakov & Studenikin,
    PRD 95, 055013 (2017) [kouzakov_studenikin_2017]; [giunti_studenikin_2015] Sec. VII.B).  Dimensionless; broadcasts over T_keV.
    """
    T_MeV = c.keV_to_MeV(np.asarray(T_keV, dtype=float))
    radius_MeV2 = charge_radius_cm2 / c.HBAR_C_SQUARED_MEV2_CM2
    return EM_GV_SHIFT_MEV2 * (radius_MeV2 / 3.0 - q_nu / (c.ELECTRON_MASS_MEV * T_MeV))


def _weak_coefficients(sum_sq, diff_sq, cross, T_keV):
    """Coefficients of E^0, E^-1, E^-2 of the weak bracket of [studenikin_2016_ichep] eq. (21),
    in cm^2/keV MeV^k.

    G_F^2 m_e/(2 pi) [ (g_V+g_A)^2 + (g_V-g_A)^2 (1 - T/E)^2 + (g_A^2 - g_V^2) m_e T/E^2 ]
    with sum_sq = (g_V+g_A)^2, diff_sq = (g_V-g_A)^2, cross = g_A^2 - g_V^2.  The bracket is
    linear in these three, so a change of g_V can be passed as the change of each.
    """
    T = c.keV_to_MeV(np.asarray(T_keV, dtype=float))
    shape = np.broadcast(sum_sq, diff_sq, cross, T).shape
    coefficients = np.empty((3,) + shape)
    coefficients[0] = sum_sq + diff_sq
    coefficients[1] = -2.0 * diff_sq * T
    coefficients[2] = diff_sq * T**2 + cross * c.ELECTRON_MASS_MEV * T
    return WEAK_PREFACTOR_CM2_PER_KEV * coefficients


def _magnetic_coefficients(T_keV, mu_nu):
    """Coefficients of pi alpha^2/m_e^2 mu^2 (1/T - 1/E), [studenikin_2016_ichep] eq. (25), in
    cm^2/keV MeV^k."""
    T = c.keV_to_MeV(np.asarray(T_keV, dtype=float))
    scale = c.cm2_per_MeV_to_cm2_per_keV(MAGNETIC_PREFACTOR_CM2 * mu_nu**2)
    coefficients = np.zeros((3,) + T.shape)
    coefficients[0] = scale / T
    coefficients[1] = -scale
    return coefficients


@dataclass(frozen=True)
class CrossSectionCoefficients:
    """Each component as coefficients of E^0, E^-1, E^-2 (leading axis of length 3).

    ``sm``: Standard Model; ``magnetic``: magnetic moment (no interference: helicity flip);
    ``charge``: change of the weak term from q_nu and <r^2>, interference included;
    ``weak_total``: Standard Model with the shifted g_V (= sm + charge).  cm^2/keV MeV^k per
    free electron.
    """

    sm: np.ndarray
    magnetic: np.ndarray
    charge: np.ndarray
    weak_total: np.ndarray

    def scaled(self, factor) -> "CrossSectionCoefficients":
        return CrossSectionCoefficients(*(getattr(self, f) * factor for f in _COMPONENT_FIELDS))


_COMPONENT_FIELDS = ("sm", "magnetic", "charge", "weak_total")


def electron_cross_section_coefficients(T_keV, flavour="anti_nu_e", mu_nu=0.0, q_nu=0.0,
                                        charge_radius_cm2=0.0,
                                        sin2_theta_w=c.SIN2_THETA_W_LOW_ENERGY):
    """Free-electron cross-section components as polynomials in 1/E (see module docstring)."""
    g_V, g_A = couplings(flavour, sin2_theta_w)
    shift = em_vector_coupling_shift(T_keV, q_nu, charge_radius_cm2)
    sm = _weak_coefficients((g_V + g_A) ** 2, (g_V - g_A) ** 2, g_A**2 - g_V**2, T_keV)
    # Exact change of each square under g_V -> g_V + shift, written without cancellation.
    charge = _weak_coefficients(shift * (2.0 * (g_V + g_A) + shift),
                                shift * (2.0 * (g_V - g_A) + shift),
                                -shift * (2.0 * g_V + shift), T_keV)
    g_shifted = g_V + shift
    weak_total = _weak_coefficients((g_shifted + g_A) ** 2, (g_shifted - g_A) ** 2,
                                    g_A**2 - g_shifted**2, T_keV)
    return CrossSectionCoefficients(sm=sm, magnetic=_magnetic_coefficients(T_keV, mu_nu),
                                    charge=charge, weak_total=weak_total)


def evaluate_in_energy(coefficients, E_MeV, T_keV):
    """sum_k coefficients[k] E^-k, set to zero where T exceeds the end point T_max(E)."""
    E = np.asarray(E_MeV, dtype=float)
    inverse_E = 1.0 / E
    value = coefficients[0] + inverse_E * (coefficients[1] + inverse_E * coefficients[2])
    return np.where(np.asarray(T_keV) <= max_recoil_keV(E), value, 0.0)


@dataclass(frozen=True)
class ElectronCrossSection:
    """dsigma/dT components in cm^2/keV (per electron, or per atom for a bound target).

    ``charge`` is the change due to q_nu and <r^2>, interference included (may be negative);
    ``total = sm + magnetic + charge``.
    """

    sm: np.ndarray
    magnetic: np.ndarray
    charge: np.ndarray
    total: np.ndarray


def check_kinematic_inputs(T_keV, E_MeV):
    """T_keV in [SMALLEST_T_KEV, MAX_T_KEV] and E_MeV in (0, MAX_E_MEV] as float arrays, or a
    ValueError naming the argument and its range (nu-e and nu-N scattering alike)."""
    T = as_checked_array("T_keV", T_keV, low=SMALLEST_T_KEV, high=MAX_T_KEV)
    E = as_checked_array("E_MeV", E_MeV, low=0.0, high=MAX_E_MEV, low_inclusive=False)
    return T, E


def check_em_parameters(mu_nu, q_nu, charge_radius_cm2):
    """Raise ValueError unless the electromagnetic parameters lie in their allowed ranges."""
    as_checked_array("mu_nu", mu_nu, low=0.0, high=MAX_MU_NU)
    as_checked_array("q_nu", q_nu, low=-MAX_ABS_Q_NU, high=MAX_ABS_Q_NU)
    as_checked_array("charge_radius_cm2", charge_radius_cm2, low=-MAX_ABS_CHARGE_RADIUS_CM2,
                     high=MAX_ABS_CHARGE_RADIUS_CM2)


def electron_cross_section(T_keV, E_MeV, flavour="anti_nu_e", mu_nu=0.0, q_nu=0.0,
                           charge_radius_cm2=0.0, target="free",
                           sin2_theta_w=c.SIN2_THETA_W_LOW_ENERGY) -> ElectronCrossSection:
    """Differential cross section dsigma/dT for nu-e elastic scattering, by component.

    Parameters
    ----------
    T_keV, E_MeV : array_like
        Recoil energy (keV, in [1e-30, 1e7]: SMALLEST_T_KEV, MAX_T_KEV) and neutrino energy
        (MeV, in (0, 1e4]); broadcast together.
    flavour : {"anti_nu_e", "nu_e", "nu_mu", "anti_nu_mu", "nu_tau", "anti_nu_tau"}
    mu_nu : float
        Magnetic moment in mu_B (>= 0).  Exact form pi alpha^2/m_e^2 mu^2 (1/T - 1/E).
    q_nu : float
        Millicharge in units of e0 (sign matters through interference).
    charge_radius_cm2 : float
        <r^2> in cm^2 (module docstring for the normalisation).
    target : {"free", "Ge", "Si", "Xe"}
        "free": per free electron at rest.  An element: per atom, stepping approximation.
    sin2_theta_w : float
        Weak mixing angle; default the low-energy value 0.23867.

    Returns
    -------
    ElectronCrossSection with ``sm``, ``magnetic``, ``charge``, ``total`` in cm^2/keV; zero
    above the kinematic end point T_max(E).
    """
    T, E = check_kinematic_inputs(T_keV, E_MeV)
    check_em_parameters(mu_nu, q_nu, charge_radius_cm2)
    as_checked_array("sin2_theta_w", sin2_theta_w, low=0.0, high=1.0)
    checked_choice("target", target, ("free",) + tuple(ATOMS))
    T, E = np.broadcast_arrays(T, E)
    coefficients = electron_cross_section_coefficients(T, flavour, mu_nu, q_nu,
                                                       charge_radius_cm2, sin2_theta_w)
    per_electron = 1.0 if target == "free" else active_electrons(T, target)
    sm, magnetic, charge, weak_total = (
        per_electron * evaluate_in_energy(getattr(coefficients, name), E, T)
        for name in _COMPONENT_FIELDS)
    return ElectronCrossSection(sm=sm, magnetic=magnetic, charge=charge, total=weak_total + magnetic)


def millicharge_only_cross_section(T_keV, E_MeV, q_nu):
    """The pure |q_nu|^2 photon-exchange term on a free electron, cm^2/keV (no weak amplitude).

    Equals 2 pi alpha^2 q^2/(m_e T^2) [1 - T/E + T^2/(2E^2) - m_e T/(2E^2)] (docs/physics.md,
    "Millicharge"): the weak bracket with g_V replaced by the photon shift and g_A = 0; its
    E >> T limit is [studenikin_2016_ichep] eq. (26) in these units.  Its ratio to the
    magnetic term at E >> T is R = 2 m_e q^2 / (T mu^2) ([studenikin_2016_ichep] eqs. (25),
    (26), (32)).
    """
    T, E = check_kinematic_inputs(T_keV, E_MeV)
    as_checked_array("q_nu", q_nu, low=-MAX_ABS_Q_NU, high=MAX_ABS_Q_NU)
    shift = em_vector_coupling_shift(T, q_nu=q_nu)
    coefficients = _weak_coefficients(shift**2, shift**2, -(shift**2), T)
    return evaluate_in_energy(coefficients, E, T)


def magnetic_sm_crossover_keV(mu_nu, flavour="anti_nu_e", sin2_theta_w=c.SIN2_THETA_W_LOW_ENERGY):
    """Recoil energy where the magnetic term equals the SM term, free electron, E >> T.

    [studenikin_2016_ichep] eq. (27): mu^2 = G_F^2 m_e^3 T [(g_V+g_A)^2 + (g_V-g_A)^2] /
    (2 pi^2 alpha^2) mu_B^2,
    solved for T; (1 + 4 s^2 + 8 s^4) for electron flavour.
    """
    as_checked_array("mu_nu", mu_nu, low=0.0, high=MAX_MU_NU)
    g_V, g_A = couplings(flavour, sin2_theta_w)
    weak_at_E_infinity = WEAK_PREFACTOR_CM2_PER_KEV * ((g_V + g_A) ** 2 + (g_V - g_A) ** 2)
    magnetic_times_T = c.cm2_per_MeV_to_cm2_per_keV(MAGNETIC_PREFACTOR_CM2) * mu_nu**2
    return c.MeV_to_keV(magnetic_times_T / weak_at_E_infinity)
