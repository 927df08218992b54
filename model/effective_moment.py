"""The effective magnetic moment a scattering experiment measures, for three flavours.

A neutrino born as nu_l (or antineutrino, see ``mixing_matrix``) reaches the detector at
distance L as a superposition of mass states; electron scattering adds the rates of every
final mass state j incoherently (Beacom & Vogel, PRL 83, 5222 (1999) [beacom_vogel_1999];
Giunti & Studenikin, RMP 87, 531 (2015), arXiv:1403.6344 [giunti_studenikin_2015], Sec. IV.D;
Studenikin, Nucl. Part. Phys. Proc. 273-275, 1711 (2016) [studenikin_2016_ichep], the
unnumbered equation after eq. (31); Studenikin, arXiv:1603.00337 [studenikin_2016_taup],
Sec. 4)::

    mu_eff^2(nu_l, L, E) = sum_j | sum_i U_li exp(-i E_i L) (mu_ji - i eps_ji) |^2

with mu_ij (eps_ij) the magnetic (electric) dipole moments in the mass basis, in Bohr
magnetons, and E_i L = m_i^2 L / 2E up to a common phase.  Dirac neutrinos: mu and eps
Hermitian; Majorana neutrinos: antisymmetric (transition moments only).  The mixing matrix is
written as in those papers (U_li); pass ``np.conj(U)`` for the other sign convention (neutrino
versus antineutrino states); with delta_CP = 0 they coincide.

Default mixing: PDG 2022 values in ``model.constants`` (normal ordering).
"""

from __future__ import annotations

import math

import numpy as np

import param

from . import constants as c
from .validation import Choice, RealNumber, as_checked_array, checked_choice

FLAVOUR_INDEX = {"e": 0, "mu": 1, "tau": 2}
NATURES = ("dirac", "majorana")
DEFAULT_DM2_21_EV2 = c.PDG_DM2_21_EV2
DEFAULT_DM2_31_EV2 = c.PDG_DM2_32_NORMAL_EV2 + c.PDG_DM2_21_EV2
"""Delta m^2_31 = Delta m^2_32 + Delta m^2_21 (normal ordering)."""
_SYMMETRY_TOLERANCE = 1e-12
# Domain of effective_magnetic_moment: the phases Delta m^2 L / 2E stay finite (a subnormal
# E_MeV made them inf, and inf * 0 nan; found by fuzzing).  1e12 km is ~7 au, 1e-9 MeV 1 meV.
MAX_L_KM = 1e12
from .electron_scattering import MAX_MU_NU as MAX_MOMENT_MU_B  # noqa: E402 (one bound for moments)
MIN_E_MEV = 1e-9
MAX_ABS_DM2_EV2 = 100.0


def pmns_matrix(sin2_theta12: float = c.PDG_SIN2_THETA12, sin2_theta13: float = c.PDG_SIN2_THETA13,
                sin2_theta23: float = c.PDG_SIN2_THETA23,
                delta_cp_rad: float = c.PDG_DELTA_CP_RAD) -> np.ndarray:
    """The 3x3 lepton mixing matrix in the PDG standard parametrisation, U = R23 U13(delta) R12
    (Majorana phases omitted; absorb them into the moment matrix or pass your own U)."""
    for name, value in (("sin2_theta12", sin2_theta12), ("sin2_theta13", sin2_theta13),
                        ("sin2_theta23", sin2_theta23)):
        as_checked_array(name, value, low=0.0, high=1.0)
    as_checked_array("delta_cp_rad", delta_cp_rad)  # any finite phase
    s12, s13, s23 = (math.sqrt(v) for v in (sin2_theta12, sin2_theta13, sin2_theta23))
    c12, c13, c23 = (math.sqrt(1.0 - v) for v in (sin2_theta12, sin2_theta13, sin2_theta23))
    phase = complex(math.cos(delta_cp_rad), math.sin(delta_cp_rad))  # e^{i delta}
    return np.array([
        [c12 * c13, s12 * c13, s13 / phase],
        [-s12 * c23 - c12 * s23 * s13 * phase, c12 * c23 - s12 * s23 * s13 * phase, s23 * c13],
        [s12 * s23 - c12 * c23 * s13 * phase, -c12 * s23 - s12 * c23 * s13 * phase, c23 * c13],
    ])


def _checked_moments(name: str, matrix, nature: str) -> np.ndarray:
    """A 3x3 complex moment matrix, Hermitian (Dirac) or antisymmetric (Majorana)."""
    try:
        array = np.asarray(matrix, dtype=complex)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 3x3 matrix of numbers") from None
    if array.shape != (3, 3):
        raise ValueError(f"{name} must be a 3x3 matrix in the mass basis, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite")
    scale = np.max(np.abs(array))
    if nature == "dirac" and np.max(np.abs(array - array.conj().T)) > _SYMMETRY_TOLERANCE * scale:
        raise ValueError(f"{name} must be Hermitian for Dirac neutrinos (mu_ij = mu_ji^*)")
    if nature == "majorana" and np.max(np.abs(array + array.T)) > _SYMMETRY_TOLERANCE * scale:
        raise ValueError(f"{name} must be antisymmetric for Majorana neutrinos "
                         "(mu_ij = -mu_ji, no diagonal moments)")
    return array


def effective_magnetic_moment(flavour: str, L_km, E_MeV, mu_matrix, eps_matrix=None, *,
                              nature: str = "dirac", mixing_matrix=None,
                              dm2_21_eV2: float = DEFAULT_DM2_21_EV2,
                              dm2_31_eV2: float = DEFAULT_DM2_31_EV2) -> np.ndarray:
    """mu_eff(nu_l, L, E) in Bohr magnetons ([giunti_studenikin_2015] Sec. IV.D).

    ``flavour``: "e", "mu" or "tau"; ``L_km`` source-detector distance and ``E_MeV`` neutrino
    energy (broadcast together); ``mu_matrix`` / ``eps_matrix``: 3x3 magnetic / electric
    dipole moments in the mass basis (mu_B); ``mixing_matrix``: U_li (default
    ``pmns_matrix()``); the mass splittings set the phases E_i L = Delta m^2_i1 L / 2E.

    With diagonal Dirac moments mu_eff does not depend on L: sum_i |U_li|^2 mu_i^2.
    Domain: 0 <= L_km <= 1e12, E_MeV >= 1e-9 (1 meV), |Delta m^2| <= 100 eV^2.
    """
    checked_choice("flavour", flavour, FLAVOUR_INDEX)
    checked_choice("nature", nature, NATURES)
    L = as_checked_array("L_km", L_km, low=0.0, high=MAX_L_KM)
    E = as_checked_array("E_MeV", E_MeV, low=MIN_E_MEV)
    for name, value in (("dm2_21_eV2", dm2_21_eV2), ("dm2_31_eV2", dm2_31_eV2)):
        as_checked_array(name, value, low=-MAX_ABS_DM2_EV2, high=MAX_ABS_DM2_EV2)
    moments = _checked_moments("mu_matrix", mu_matrix, nature)
    if eps_matrix is not None:
        moments = moments - 1j * _checked_moments("eps_matrix", eps_matrix, nature)
    try:
        U = pmns_matrix() if mixing_matrix is None else np.asarray(mixing_matrix, dtype=complex)
    except (TypeError, ValueError):
        U = np.empty(0)  # not numbers: refused below with the parameter's name
    if U.shape != (3, 3) or not np.max(np.abs(U @ U.conj().T - np.eye(3))) <= 1e-9:  # NaN too
        raise ValueError("mixing_matrix must be a unitary 3x3 matrix")
    L, E = np.broadcast_arrays(L, E)
    dm2 = np.array([0.0, dm2_21_eV2, dm2_31_eV2])
    # E_i L = Delta m^2_i1 L / (2E) with E in eV and L in km: divide by hbar c [eV km].
    phases = np.multiply.outer(L / (2.0 * E * c.EV_PER_MEV * c.HBAR_C_EV_KM), dm2)
    arriving = U[FLAVOUR_INDEX[flavour]] * np.exp(-1j * phases)  # U_li e^{-i E_i L}, shape (..., 3)
    amplitudes = arriving @ moments.T  # sum_i (mu_ji - i eps_ji) U_li e^{-i E_i L}, index j
    return np.sqrt(np.sum(np.abs(amplitudes) ** 2, axis=-1))


# --- a calculator for notebooks and the dashboard -------------------------------------------
BASELINES = {
    # name: (flavour, L_km, E_MeV, what it stands for)
    "reactor": ("e", 0.0139, 3.0, "reactor ν̄e at 13.9 m, 3 MeV (GEMMA at the Kalinin reactor)"),
    "accelerator": ("mu", 0.03, 30.0, "ν_μ from π⁺ decay at rest, 30 m, 30 MeV (LSND-like)"),
    "long baseline": ("mu", 1300.0, 2.5, "ν_μ over 1300 km at 2.5 GeV (DUNE-like)"),
    "solar": ("e", 1.496e8, 0.3, "νe over 1 AU at 0.3 MeV (pp): phases averaged out"),
}
"""Baselines with the flavour born at the source, distance and energy they stand for."""


class EffectiveMomentCalculator(param.Parameterized):
    """mu_eff(nu_l, L, E) of :func:`effective_magnetic_moment` from a moment matrix in the mass
    basis, for one flavour, baseline and energy, with the three flavours' values tested
    against the Majorana triangle inequalities (:func:`model.theory.majorana_triangle_inequalities`).

    Moments in mu_B: ``mu_11``, ``mu_22``, ``mu_33`` (diagonal, Dirac only) and the transition
    moments ``mu_12``, ``mu_13``, ``mu_23``.  Dirac neutrinos: a real symmetric (Hermitian)
    matrix; Majorana: antisymmetric, the diagonal is zero whatever is set
    ([giunti_studenikin_2015] Sec. III).

        EffectiveMomentCalculator(mu_11=1e-11, L_km=0.0139, E_MeV=3.0).effective_moment()
    """

    flavour = Choice(default="e", objects=list(FLAVOUR_INDEX), doc="Flavour born at the source.")
    nature = Choice(default="dirac", objects=list(NATURES))
    L_km = RealNumber(0.0139, bounds=(0.0, MAX_L_KM), doc="Source-detector distance, km.")
    E_MeV = RealNumber(3.0, bounds=(MIN_E_MEV, 1e6), doc="Neutrino energy, MeV.")
    mu_11 = RealNumber(1e-11, bounds=(-MAX_MOMENT_MU_B, MAX_MOMENT_MU_B), doc="mu_B.")
    mu_22 = RealNumber(1e-11, bounds=(-MAX_MOMENT_MU_B, MAX_MOMENT_MU_B), doc="mu_B.")
    mu_33 = RealNumber(1e-11, bounds=(-MAX_MOMENT_MU_B, MAX_MOMENT_MU_B), doc="mu_B.")
    mu_12 = RealNumber(0.0, bounds=(-MAX_MOMENT_MU_B, MAX_MOMENT_MU_B), doc="mu_B.")
    mu_13 = RealNumber(0.0, bounds=(-MAX_MOMENT_MU_B, MAX_MOMENT_MU_B), doc="mu_B.")
    mu_23 = RealNumber(0.0, bounds=(-MAX_MOMENT_MU_B, MAX_MOMENT_MU_B), doc="mu_B.")

    def moment_matrix(self) -> np.ndarray:
        """The 3x3 moment matrix (mu_B) of the nature chosen."""
        transition = np.array([[0.0, self.mu_12, self.mu_13],
                               [self.mu_12, 0.0, self.mu_23],
                               [self.mu_13, self.mu_23, 0.0]])
        if self.nature == "majorana":
            return np.triu(transition) - np.triu(transition).T  # antisymmetric
        return transition + np.diag([self.mu_11, self.mu_22, self.mu_33])

    def effective_moment(self, flavour: str | None = None) -> float:
        """mu_eff(nu_l, L, E) in mu_B for ``flavour`` (default: the calculator's)."""
        return float(effective_magnetic_moment(flavour or self.flavour, self.L_km, self.E_MeV,
                                               self.moment_matrix(), nature=self.nature))

    def effective_moments(self) -> dict[str, float]:
        """mu_eff of the three flavours at this baseline and energy."""
        return {flavour: self.effective_moment(flavour) for flavour in FLAVOUR_INDEX}

    def versus_distance(self, L_km) -> dict[str, np.ndarray]:
        """mu_eff of each flavour along the distances ``L_km`` at this energy."""
        return {flavour: effective_magnetic_moment(flavour, L_km, self.E_MeV, self.moment_matrix(),
                                                   nature=self.nature)
                for flavour in FLAVOUR_INDEX}

    def triangle(self):
        """The Majorana triangle test of the three flavours' mu_eff here."""
        from .theory import majorana_triangle_inequalities

        moments = self.effective_moments()
        return majorana_triangle_inequalities(moments["e"], moments["mu"], moments["tau"])
