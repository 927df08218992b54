"""Spin, flavour and spin-flavour oscillations of two neutrino flavours in a transverse
magnetic field and in (moving) matter: exact 4x4 evolution and the analytic formulas of the
literature.  References in brackets are keys of :mod:`model.references`.

Basis and conventions
---------------------
* States (nu_e^L, nu_mu^L, nu_e^R, nu_mu^R); flavour states are nu_e = cos(theta) nu_1 +
  sin(theta) nu_2, nu_mu = -sin(theta) nu_1 + cos(theta) nu_2 for both helicities, the angle
  being ``theta_rad`` (Popov & Studenikin, EPJC 79, 144 (2019), arXiv:1902.08195
  [popov_studenikin_2019]; Pustoshny & Studenikin, PRD 98, 113009 (2018),
  arXiv:1801.08911 [pustoshny_studenikin_2018]).  Ultra-relativistic neutrinos: p = E, t = x.
* Vacuum: the mass states have energies -/+ Delta m^2 / 4E about their mean.
* Magnetic moments in Bohr magnetons, in the mass basis.  Dirac (default): the element
  between nu_i^L and nu_j^R is mu_ij B_perp with mu = [[mu1, mu12], [mu12, mu2]], so a pure
  field flips the spin with P = sin^2(mu B x).  Majorana: the R states are antineutrinos and
  only the transition moment exists, mu = [[0, mu12], [-mu12, 0]] (antisymmetric).
* Matter: left-handed neutrinos feel V_e = sqrt2 G_F (n_e - n_n/2), V_mu = -sqrt2 G_F n_n/2
  (Wolfenstein, PRD 17, 2369 (1978) [wolfenstein_1978]).  Dirac R states are sterile;
  Majorana R states (antineutrinos) feel -V_e, -V_mu.  Neutral matter of density rho
  (g/cm^3, lab frame) and electron fraction Y_e: n_e = Y_e rho N_A, n_n = (1 - Y_e) rho N_A
  (nucleon mass 1 u), unless ``electron_density_cm3`` is given.
* Matter moving with speed v at angle phi to the neutrino momentum (Studenikin, Phys. At.
  Nucl. 67, 993 (2004) [studenikin_2004]; Studenikin, arXiv:1603.00337
  [studenikin_2016_taup], eqs. (21)-(28); [pustoshny_studenikin_2018]): the potentials become
  V (1 - v cos phi) and the transverse current couples nu_f^L and nu_f^R with
  -V_f v sin(phi) / (2 gamma), gamma = E/m_nu, the transverse velocity taken along B_perp.
  One Lorentz factor for both mass states ([pustoshny_studenikin_2018] has gamma_alpha per
  mass state; the difference is of order Delta m^2/m^2 of a small term).  Implemented for
  Dirac neutrinos only ([studenikin_2016_taup] eq. (26)).
* A field twisting at a constant rate, B = |B_perp| exp(i phi(x)), phi' = ``twist_rad_per_km``,
  enters H_LR as mu B exp(-i phi) (Studenikin's Quarks-2018 talk [studenikin_2018_quarks],
  after Akhmedov and Lim & Marciano).  In the frame rotating with the field the Hamiltonian
  is constant, with -phi'/2 on the L and +phi'/2 on the R states; probabilities are the
  same in both frames.
* Units: mu B in eV = mu * mu_B[eV/T] * B[G] * 1e-4 T/G; an energy E in eV is the wave number
  E / (hbar c) in km^-1 (``constants.HBAR_C_EV_KM``).

Formulas
--------
* Exact: H is constant, so psi(x) = V exp(-i Lambda x) V^dagger psi(0) from one ``eigh`` per
  parameter set, vectorised over the distances.
* Popov & Studenikin [popov_studenikin_2019]: vacuum, constant B_perp, Dirac, diagonal
  moments (mu1 != mu2 allowed).
* Two-level conversion P = sin^2(2 theta_eff) sin^2(pi x / L_eff), sin^2(2 theta_eff) =
  E_eff^2/(E_eff^2 + Delta_eff^2), L_eff = pi / sqrt(E_eff^2 + Delta_eff^2)
  ([studenikin_2016_taup] eqs. (27)-(28)); the resonant spin-flavour precession
  sin^2(beta) sin^2(Omega x) of Akhmedov [akhmedov_1988] and Lim & Marciano
  [lim_marciano_1988] is the same formula.  The Quarks-2018 slide writes
  L_eff = 2 pi / sqrt(...); pi is what makes P = sin^2(pi x / L_eff) true, as in
  [studenikin_2016_taup].  ``probabilities(method="analytic")`` uses whichever of these is
  exact for the parameters, or raises ValueError saying why none is.

Resonances
----------
``resonance_density_g_cm3`` and ``resonance_energy_MeV`` are exact for any mixing:
``level_crossing`` finds where a level of the L block crosses one of the R block (the
avoided crossing that mu B opens); for N = Z matter it coincides with Lim & Marciano's
V_e = Delta m^2 cos 2theta / 2E.  The two-level condition Delta_LR = 0 (Dirac, where nu_mu^R
is sterile and propagates as the mass state nu_2: V_e = Delta m^2 (1 + cos 2theta)/4E;
Majorana [akhmedov_1988]: sqrt2 G_F (n_e - n_n) = Delta m^2 cos 2theta / 2E) holds for small
mixing only and is ``resonance_density_two_level_g_cm3`` / ``resonance_energy_two_level_MeV``
(at theta = 0.5836, Y_e = 0.5, E = 1 MeV: 1277 g/cm^3 against the exact 720).  The tests
check both against the exact conversion peak.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
import param

from . import constants as c
from .electron_scattering import MAX_MU_NU
from .validation import RealNumber, as_checked_array, checked_choice

BASIS = ("eL", "muL", "eR", "muR")
PROBABILITY_COLUMNS = ("P_eL_eL", "P_eL_muL", "P_eL_eR", "P_eL_muR")
METHODS = ("exact", "analytic")
SCAN_VARIABLES = ("density_g_cm3", "E_MeV")
ANALYTIC_FORMULAS = {
    "popov_studenikin": "Popov–Studenikin (vacuum, constant B⊥; EPJC 79, 144 (2019))",
    "spin_oscillation": "spin oscillation in B and moving matter (Studenikin, arXiv:1603.00337, "
                        "eq. 27)",
    "spin_flavour": "resonant spin-flavour precession, two levels (Akhmedov 1988; "
                    "Lim–Marciano 1988)",
}

MAX_B_GAUSS = 1e20
MAX_DENSITY_G_CM3 = 1e18
MAX_ELECTRON_DENSITY_CM3 = 1e42
MAX_X_KM = 1e12
SQRT2_GF_EV_CM3 = math.sqrt(2.0) * c.FERMI_CONSTANT_EV_CM3
"""sqrt(2) G_F in eV cm^3: the nu_e-electron charged-current potential per unit density."""

_FRAME_COLUMNS = pd.Index(("x_km",) + PROBABILITY_COLUMNS)  # built once: pandas parses tuples slowly
_NO_MIXING_THETA = 1e-12  # below this theta counts as "no mixing" for the two-level formulas


def _warn_theta_deprecated() -> None:
    warnings.warn("SpinFlavourOscillation.theta is deprecated: use theta_rad (the same angle, "
                  "in radians)", DeprecationWarning, stacklevel=3)


def magnetic_energy_eV(mu, B_gauss):
    """mu B in eV for a moment ``mu`` in Bohr magnetons and a field in gauss."""
    return np.asarray(mu, dtype=float) * c.BOHR_MAGNETON_EV_PER_T * (
        np.asarray(B_gauss, dtype=float) * c.TESLA_PER_GAUSS)


def per_km(E_eV):
    """An energy in eV as a wave number in km^-1 (divided by hbar c)."""
    return np.asarray(E_eV, dtype=float) / c.HBAR_C_EV_KM


def matter_potentials_eV(n_e_cm3, n_n_cm3):
    """(V_e, V_mu) of left-handed neutrinos: sqrt2 G_F (n_e - n_n/2) and -sqrt2 G_F n_n/2
    (charged current on electrons; neutral currents of protons and electrons cancel)."""
    n_e = np.asarray(n_e_cm3, dtype=float)
    n_n = np.asarray(n_n_cm3, dtype=float)
    return SQRT2_GF_EV_CM3 * (n_e - 0.5 * n_n), -SQRT2_GF_EV_CM3 * 0.5 * n_n


def vacuum_oscillation_length_km(E_MeV, dm2_eV2):
    """L_vac = 4 pi E / Delta m^2 (times hbar c): P = sin^2 2theta sin^2(pi x / L_vac)."""
    half_splitting = np.asarray(dm2_eV2, dtype=float) / (4.0 * np.asarray(E_MeV, dtype=float)
                                                         * c.EV_PER_MEV)
    with np.errstate(divide="ignore"):
        return math.pi / per_km(half_splitting)


def magnetic_oscillation_length_km(mu, B_gauss):
    """L_B = pi / (mu B) (Kurashvili, Kouzakov, Chotorlishvili & Studenikin, PRD 96, 103017
    (2017) [kurashvili_2017]): P(nu^L -> nu^R) =
    sin^2(pi x / L_B) in a pure transverse field; inf if mu B = 0."""
    with np.errstate(divide="ignore"):
        return math.pi / np.abs(per_km(magnetic_energy_eV(mu, B_gauss)))


def popov_studenikin_probabilities(x_km, mu1, mu2, B_perp_gauss, E_MeV, dm2_eV2, theta):
    """Flavour, spin and spin-flavour probabilities of nu_e^L in vacuum and a constant B_perp.

    Popov & Studenikin, EPJC 79, 144 (2019), arXiv:1902.08195 [popov_studenikin_2019], with
    mu_+- = (mu1 +- mu2)/2, t = x and p = E::

        P(eL->muL) = sin^2 2th {cos(mu1 B t) cos(mu2 B t) sin^2(dm2 t/4p) + sin^2(mu+ B t) sin^2(mu- B t)}
        P(eL->eR)  = {sin(mu+ B t) cos(mu- B t) + cos 2th sin(mu- B t) cos(mu+ B t)}^2
                     - sin^2 2th sin(mu1 B t) sin(mu2 B t) sin^2(dm2 t/4p)
        P(eL->muR) = sin^2 2th {sin^2(mu- B t) cos^2(mu+ B t) + sin(mu1 B t) sin(mu2 B t) sin^2(dm2 t/4p)}

    Returns a dict of arrays keyed by ``PROBABILITY_COLUMNS`` (survival = 1 - the others).
    For mu1 = mu2 = mu: P(eL->muL) = (1 - sin^2(mu B x)) sin^2 2th sin^2(dm2 x / 4E).
    """
    x = np.asarray(x_km, dtype=float)
    a = per_km(magnetic_energy_eV(mu1, B_perp_gauss)) * x
    b = per_km(magnetic_energy_eV(mu2, B_perp_gauss)) * x
    plus, minus = 0.5 * (a + b), 0.5 * (a - b)
    vacuum_phase = per_km(dm2_eV2 / (4.0 * E_MeV * c.EV_PER_MEV)) * x
    sin2_vac = np.sin(vacuum_phase) ** 2
    s2, c2 = math.sin(2.0 * theta) ** 2, math.cos(2.0 * theta)
    flavour = s2 * (np.cos(a) * np.cos(b) * sin2_vac + np.sin(plus) ** 2 * np.sin(minus) ** 2)
    spin = ((np.sin(plus) * np.cos(minus) + c2 * np.sin(minus) * np.cos(plus)) ** 2
            - s2 * np.sin(a) * np.sin(b) * sin2_vac)
    spin_flavour = s2 * (np.sin(minus) ** 2 * np.cos(plus) ** 2 + np.sin(a) * np.sin(b) * sin2_vac)
    return {"P_eL_eL": 1.0 - flavour - spin - spin_flavour, "P_eL_muL": flavour,
            "P_eL_eR": spin, "P_eL_muR": spin_flavour}


def _eigh_2x2(blocks) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and unit eigenvectors (columns) of a stack of Hermitian 2x2
    matrices [[a, b], [b*, d]], in closed form (``np.linalg.eigh`` is ~10x slower on stacks)."""
    a, d, b = blocks[:, 0, 0].real, blocks[:, 1, 1].real, blocks[:, 0, 1]
    mean, half = 0.5 * (a + d), 0.5 * (a - d)
    radius = np.hypot(half, np.abs(b))
    values = np.stack([mean - radius, mean + radius], axis=-1)
    vectors = np.empty(blocks.shape, dtype=complex)
    for k, sign in enumerate((-1.0, 1.0)):
        # (b, lambda - a) and (lambda - d, b*) both solve (H - lambda) v = 0; take the longer.
        first = np.stack([b, sign * radius - half + 0j], axis=-1)
        second = np.stack([sign * radius + half + 0j, np.conj(b)], axis=-1)
        use_first = np.linalg.norm(first, axis=-1) >= np.linalg.norm(second, axis=-1)
        v = np.where(use_first[:, None], first, second)
        norm = np.linalg.norm(v, axis=-1, keepdims=True)
        # a multiple of the identity: any basis; keep the standard one
        v = np.where(norm > 0, v / np.where(norm > 0, norm, 1.0), np.eye(2)[k])
        vectors[:, :, k] = v
    return values, vectors


@dataclass(frozen=True)
class TwoLevel:
    """A two-level conversion nu^L -> nu^R: ``coupling_per_km`` (E_eff, mu B) and
    ``detuning_per_km`` (Delta_eff, Delta_LR/4E: half the difference of the diagonal
    energies), in km^-1; ``target`` is the column of the final state."""

    coupling_per_km: float
    detuning_per_km: float
    target: str

    @property
    def amplitude(self) -> float:
        """sin^2(2 theta_eff) = sin^2(beta) = E^2 / (E^2 + Delta^2) ([studenikin_2016_taup] eq. (27))."""
        frequency2 = self.coupling_per_km**2 + self.detuning_per_km**2
        return self.coupling_per_km**2 / frequency2 if frequency2 > 0 else 0.0

    @property
    def length_km(self) -> float:
        """L_eff = pi / sqrt(E^2 + Delta^2): P = amplitude * sin^2(pi x / L_eff)."""
        frequency = math.hypot(self.coupling_per_km, self.detuning_per_km)
        return math.pi / frequency if frequency > 0 else math.inf

    def probability(self, x_km):
        """P(x) = sin^2(2 theta_eff) sin^2(pi x / L_eff) ([studenikin_2016_taup] eq. (27); the
        sin^2 beta sin^2 Omega z of [lim_marciano_1988])."""
        frequency = math.hypot(self.coupling_per_km, self.detuning_per_km)
        return self.amplitude * np.sin(frequency * np.asarray(x_km, dtype=float)) ** 2


class SpinFlavourOscillation(param.Parameterized):
    """Two flavours x two helicities of a neutrino born as nu_e^L, in B_perp and matter.

    Example (the parameters of [popov_studenikin_2019]'s figure)::

        osc = SpinFlavourOscillation(mu1=1e-12, mu2=1e-12, B_perp_gauss=1e8, E_MeV=1.0,
                                     dm2_eV2=7e-5, theta_rad=0.5836)
        osc.probabilities(np.linspace(0, 3000, 1000))           # exact
        osc.probabilities(x_km, method="analytic")              # Popov-Studenikin here
        osc.oscillation_lengths_km(); osc.resonance_density_g_cm3()

    See the module docstring for the basis, conventions and units.
    """

    mu1 = RealNumber(1e-12, bounds=(-MAX_MU_NU, MAX_MU_NU),
                     doc="Diagonal moment of nu_1 in Bohr magnetons (Dirac only).")
    mu2 = RealNumber(1e-12, bounds=(-MAX_MU_NU, MAX_MU_NU),
                     doc="Diagonal moment of nu_2 in Bohr magnetons (Dirac only).")
    mu12 = RealNumber(0.0, bounds=(-MAX_MU_NU, MAX_MU_NU),
                      doc="Transition moment nu_1 <-> nu_2 in Bohr magnetons.")
    B_perp_gauss = RealNumber(1e8, bounds=(0.0, MAX_B_GAUSS),
                              doc="Magnetic field transverse to the neutrino momentum, gauss.")
    twist_rad_per_km = RealNumber(0.0, bounds=(-1e6, 1e6),
                                  doc="Rate phi' of the field's rotation about the momentum.")
    E_MeV = RealNumber(1.0, bounds=(1e-6, 1e9), inclusive_bounds=(True, True),
                       doc="Neutrino energy (= momentum), MeV.")
    dm2_eV2 = RealNumber(7e-5, bounds=(0.0, 10.0), doc="Delta m^2 = m_2^2 - m_1^2, eV^2.")
    theta_rad = RealNumber(0.5836, bounds=(0.0, math.pi / 2), doc="Vacuum mixing angle, radians.")
    theta = RealNumber(0.5836, bounds=(0.0, math.pi / 2), precedence=-1,
                       doc="Deprecated alias of theta_rad: setting it warns and sets theta_rad "
                           "(when both are given, theta_rad is used).")
    density_g_cm3 = RealNumber(0.0, bounds=(0.0, MAX_DENSITY_G_CM3),
                               doc="Matter density in the lab frame, g/cm^3 (0: vacuum).")
    Y_e = RealNumber(0.5, bounds=(0.0, 1.0), doc="Electrons per nucleon.")
    electron_density_cm3 = RealNumber(None, bounds=(0.0, MAX_ELECTRON_DENSITY_CM3),
                                      allow_None=True,
                                      doc="Electron density, cm^-3; if set it replaces "
                                          "density_g_cm3 and n_n = n_e (1 - Y_e)/Y_e.")
    matter_speed = RealNumber(0.0, bounds=(0.0, 1.0), inclusive_bounds=(True, False),
                              doc="Speed of the matter in units of c (Dirac only).")
    matter_angle_rad = RealNumber(math.pi / 2, bounds=(0.0, math.pi),
                                  doc="Angle between the matter velocity and the neutrino momentum.")
    m_nu_eV = RealNumber(0.1, bounds=(1e-6, 100.0),
                         doc="Neutrino mass for gamma = E/m of the transverse-current term, eV.")
    majorana = param.Boolean(False, doc="Majorana neutrinos: R states are antineutrinos, "
                                        "only the transition moment mu12.")

    def __init__(self, **params):
        super().__init__(**params)  # validates both angles, errors naming the one given
        if "theta" in params:
            _warn_theta_deprecated()
            if "theta_rad" not in params:
                self.theta_rad = self.theta
        self.theta = self.theta_rad  # the alias reads the angle in use
        # A plain copy of the parameters for the arithmetic (a param attribute read costs
        # microseconds), and results kept per parameter set (one eigendecomposition, the level
        # crossings): both follow every change.
        names = [name for name in self.param if name != "name"]
        self._values = SimpleNamespace(**{name: getattr(self, name) for name in names})
        self._cache = {}
        self._syncing_theta = False
        self.param.watch(self._sync_theta, ["theta", "theta_rad"])
        self.param.watch(self._on_parameter_change, names)

    def _sync_theta(self, *events) -> None:
        """Keep the deprecated ``theta`` and ``theta_rad`` equal; ``theta_rad`` wins when both
        change at once (``param.update`` with both)."""
        if self._syncing_theta:
            return
        changed = {event.name: event.new for event in events}
        self._syncing_theta = True
        try:
            if "theta_rad" in changed:
                self.theta = changed["theta_rad"]
            else:
                _warn_theta_deprecated()
                self.theta_rad = changed["theta"]
        finally:
            self._syncing_theta = False

    def _on_parameter_change(self, *events) -> None:
        for event in events:
            setattr(self._values, event.name, event.new)
        self._cache.clear()

    # --- matter -----------------------------------------------------------------------------
    def _number_densities_per_g_cm3(self) -> tuple[float, float]:
        """(n_e, n_n) in cm^-3 per g/cm^3 of matter: Y_e N_A and (1 - Y_e) N_A."""
        p = self._values
        return p.Y_e * c.AVOGADRO_PER_MOL, (1.0 - p.Y_e) * c.AVOGADRO_PER_MOL

    def effective_density_g_cm3(self) -> float:
        """The matter density used: ``density_g_cm3``, or n_e / (Y_e N_A) when
        ``electron_density_cm3`` is set."""
        p = self._values
        if p.electron_density_cm3 is None:
            return float(p.density_g_cm3)
        if p.Y_e == 0.0:
            raise ValueError("Y_e must be > 0 when electron_density_cm3 is given "
                             "(n_n = n_e (1 - Y_e) / Y_e)")
        density = float(p.electron_density_cm3 / (p.Y_e * c.AVOGADRO_PER_MOL))
        # A small Y_e can turn an allowed n_e into a density beyond the model's range (or inf).
        if density > MAX_DENSITY_G_CM3:
            raise ValueError(f"electron_density_cm3 = {p.electron_density_cm3:g} with Y_e = "
                             f"{p.Y_e:g} means a matter density of {density:.3g} g/cm^3, above "
                             f"the {MAX_DENSITY_G_CM3:g} allowed: lower electron_density_cm3 or "
                             "raise Y_e")
        return density

    def number_densities_cm3(self) -> tuple[float, float]:
        """(n_e, n_n) in cm^-3."""
        per_density = self._number_densities_per_g_cm3()
        rho = self.effective_density_g_cm3()
        return per_density[0] * rho, per_density[1] * rho

    def matter_potentials_eV(self) -> tuple[float, float]:
        """(V_e, V_mu) of nu^L in matter at rest, eV (moving matter: times 1 - v cos phi)."""
        V_e, V_mu = matter_potentials_eV(*self.number_densities_cm3())
        return float(V_e), float(V_mu)

    def _check_consistency(self) -> None:
        p = self._values
        if p.majorana and (p.mu1 != 0.0 or p.mu2 != 0.0):
            raise ValueError("Majorana neutrinos have no diagonal magnetic moments: set mu1 = "
                             f"mu2 = 0 (got mu1 = {p.mu1:g}, mu2 = {p.mu2:g})")
        if p.majorana and p.matter_speed > 0.0:
            raise ValueError("moving matter (matter_speed > 0) is implemented for Dirac "
                             "neutrinos only (Studenikin, arXiv:1603.00337, eq. 26)")
        self.effective_density_g_cm3()

    # --- Hamiltonian --------------------------------------------------------------------------
    def moment_matrix(self) -> np.ndarray:
        """Magnetic moments in the mass basis, mu_B: Dirac [[mu1, mu12], [mu12, mu2]]
        (Hermitian), Majorana [[0, mu12], [-mu12, 0]] (antisymmetric)."""
        p = self._values
        if p.majorana:
            return np.array([[0.0, p.mu12], [-p.mu12, 0.0]])
        return np.array([[p.mu1, p.mu12], [p.mu12, p.mu2]])

    def mixing_matrix(self) -> np.ndarray:
        """U with nu_f = sum_i U_fi nu_i: [[cos, sin], [-sin, cos]] ([popov_studenikin_2019])."""
        p = self._values
        cos, sin = math.cos(p.theta_rad), math.sin(p.theta_rad)
        return np.array([[cos, sin], [-sin, cos]])

    def flavour_moment_matrix(self) -> np.ndarray:
        """Moments between nu_f^L and nu_f'^R in the flavour basis, U mu U^T, in mu_B; written
        out so that mu_emu is exactly 0 for mu1 = mu2 and mu12 = 0.  Majorana: unchanged."""
        p = self._values
        if p.majorana:
            return self.moment_matrix()
        cos, sin = math.cos(p.theta_rad), math.sin(p.theta_rad)
        mu_ee = cos**2 * p.mu1 + sin**2 * p.mu2 + 2.0 * sin * cos * p.mu12
        mu_mumu = sin**2 * p.mu1 + cos**2 * p.mu2 - 2.0 * sin * cos * p.mu12
        mu_emu = sin * cos * (p.mu2 - p.mu1) + (cos**2 - sin**2) * p.mu12
        return np.array([[mu_ee, mu_emu], [mu_emu, mu_mumu]])

    def _hamiltonian_stack(self, E_MeV, density_g_cm3) -> np.ndarray:
        """H in km^-1 on the basis ``BASIS``, shape (N, 4, 4), for arrays of energies and
        densities broadcast together (the other parameters from the model)."""
        p = self._values
        E_eV = np.atleast_1d(np.asarray(E_MeV, dtype=float)) * c.EV_PER_MEV
        rho = np.atleast_1d(np.asarray(density_g_cm3, dtype=float))
        E_eV, rho = np.broadcast_arrays(E_eV, rho)
        n_e_per, n_n_per = self._number_densities_per_g_cm3()
        V_e, V_mu = matter_potentials_eV(n_e_per * rho, n_n_per * rho)
        longitudinal = 1.0 - p.matter_speed * math.cos(p.matter_angle_rad)
        transverse = p.matter_speed * math.sin(p.matter_angle_rad)

        H = np.zeros(E_eV.shape + (4, 4), dtype=complex)
        half_splitting = per_km(p.dm2_eV2 / (4.0 * E_eV))
        cos2, sin2 = math.cos(2.0 * p.theta_rad), math.sin(2.0 * p.theta_rad)
        vacuum = half_splitting[:, None, None] * np.array([[-cos2, sin2], [sin2, cos2]])
        at_rest = np.stack([per_km(V_e), per_km(V_mu)], axis=-1)
        potentials = at_rest * longitudinal
        twist = 0.5 * p.twist_rad_per_km
        H[:, :2, :2] = vacuum
        H[:, 2:, 2:] = vacuum
        H[:, [0, 1], [0, 1]] += potentials - twist
        H[:, [2, 3], [2, 3]] += (-potentials if p.majorana else 0.0) + twist

        magnetic = per_km(magnetic_energy_eV(self.flavour_moment_matrix(), p.B_perp_gauss))
        H[:, :2, 2:] = magnetic
        if transverse > 0.0:  # -V_f v_perp / (2 gamma), gamma = E / m ([studenikin_2016_taup] eqs. (25)-(28))
            current = -at_rest * transverse * 0.5 * p.m_nu_eV / E_eV[:, None]
            H[:, [0, 1], [2, 3]] += current
        H[:, 2:, :2] = np.conj(np.swapaxes(H[:, :2, 2:], -1, -2))
        return H

    def hamiltonian_per_km(self) -> np.ndarray:
        """The constant 4x4 Hamiltonian in km^-1 (field-rotating frame if twisted)."""
        p = self._values
        self._check_consistency()
        return self._hamiltonian_stack(p.E_MeV, self.effective_density_g_cm3())[0]

    def eigensystem(self) -> tuple[np.ndarray, np.ndarray]:
        """(eigenvalues in km^-1, eigenvectors as columns) of ``hamiltonian_per_km``; computed
        once per parameter set."""
        if "eigensystem" not in self._cache:
            eigenvalues, vectors = np.linalg.eigh(self.hamiltonian_per_km())
            # A common phase: subtracting the mean keeps the phases lambda x small.
            self._cache["eigensystem"] = (eigenvalues - eigenvalues.mean(), vectors)
        return self._cache["eigensystem"]

    def amplitudes(self, x_km) -> np.ndarray:
        """Amplitudes <b|psi(x)> of nu_e^L for b in ``BASIS``: shape (len(x), 4), exact.

        psi(x) = V exp(-i lambda x) V^dagger e_0 for all x at once, from ``eigensystem``.
        """
        x = np.atleast_1d(as_checked_array("x_km", x_km, low=0.0, high=MAX_X_KM))
        return self._amplitudes(x)

    def _amplitudes(self, x) -> np.ndarray:
        eigenvalues, vectors = self.eigensystem()
        return (np.exp(-1j * np.outer(x, eigenvalues)) * np.conj(vectors[0])) @ vectors.T

    def probability_array(self, x_km, method: str = "exact") -> np.ndarray:
        """Probabilities nu_e^L -> ``PROBABILITY_COLUMNS`` as an array of shape (len(x), 4)."""
        checked_choice("method", method, METHODS)
        x = np.atleast_1d(as_checked_array("x_km", x_km, low=0.0, high=MAX_X_KM))
        return self._probability_array(x, method)

    def _probability_array(self, x, method) -> np.ndarray:
        if method == "analytic":
            return np.column_stack(self._analytic(x))
        amplitudes = self._amplitudes(x)
        # |amplitude|^2 is >= 0 and the rows sum to 1 to round-off; clip the last ulp above 1.
        return np.minimum(amplitudes.real**2 + amplitudes.imag**2, 1.0)

    def probabilities(self, x_km, method: str = "exact") -> pd.DataFrame:
        """DataFrame x_km, P_eL_eL, P_eL_muL, P_eL_eR, P_eL_muR.

        ``method="exact"``: the 4x4 evolution.  ``method="analytic"``: the formula that is exact
        for these parameters (``analytic_formula()``), else ValueError saying why none is.
        """
        checked_choice("method", method, METHODS)
        x = np.atleast_1d(as_checked_array("x_km", x_km, low=0.0, high=MAX_X_KM))
        values = self._probability_array(x, method)
        return pd.DataFrame(np.column_stack([x, values]), columns=_FRAME_COLUMNS, copy=False)

    # --- analytic formulas --------------------------------------------------------------------
    def analytic_formula(self) -> str:
        """The key in ``ANALYTIC_FORMULAS`` of the formula exact for these parameters, or a
        ValueError saying why none applies.

        Popov-Studenikin: vacuum, constant field, Dirac, mu12 = 0.  Without mixing (theta = 0)
        the two-level formulas are exact when nu_e^L and one R state form a closed pair:
        nu_e^R (spin oscillation in B and moving matter; [studenikin_2016_taup]) or nu_mu^R
        (spin-flavour precession; [lim_marciano_1988], [akhmedov_1988]).
        """
        self._check_consistency()
        p = self._values
        if (not p.majorana and p.mu12 == 0.0 and self.effective_density_g_cm3() == 0.0
                and p.twist_rad_per_km == 0.0):
            return "popov_studenikin"
        if p.theta_rad <= _NO_MIXING_THETA:
            H = self.hamiltonian_per_km()
            coupled = np.abs(H) > 1e-12 * np.max(np.abs(H))
            np.fill_diagonal(coupled, False)
            partners = np.nonzero(coupled[0])[0]
            if len(partners) == 0:
                return "spin_oscillation"  # nothing couples: P = 0 for every conversion
            if len(partners) == 1 and set(np.nonzero(coupled[partners[0]])[0]) == {0}:
                return "spin_oscillation" if BASIS[partners[0]] == "eR" else "spin_flavour"
            raise ValueError("no analytic formula: without mixing nu_e^L and its partner are not "
                             "a closed pair here (three or more coupled states: "
                             f"{', '.join(BASIS[k] for k in sorted(set(partners) | {0}))} and "
                             "their partners); set the other moments or the matter current to 0")
        reasons = []
        if p.majorana:
            reasons.append("Majorana neutrinos")
        if p.mu12 != 0.0:
            reasons.append(f"mu12 = {p.mu12:g}")
        if self.effective_density_g_cm3() > 0.0:
            reasons.append(f"matter (density {self.effective_density_g_cm3():g} g/cm^3)")
        if p.twist_rad_per_km != 0.0:
            reasons.append("a twisting field")
        raise ValueError("no analytic formula applies: Popov–Studenikin needs vacuum, a constant "
                         "field, Dirac neutrinos and mu12 = 0, and the two-level formulas need "
                         f"theta = 0; here: {', '.join(reasons)} with theta = {p.theta_rad:g}")

    def _analytic(self, x_km) -> list[np.ndarray]:
        formula = self.analytic_formula()
        if formula == "popov_studenikin":
            p = popov_studenikin_probabilities(x_km, self.mu1, self.mu2, self.B_perp_gauss,
                                               self.E_MeV, self.dm2_eV2, self.theta_rad)
            return [p[name] for name in PROBABILITY_COLUMNS]
        level = self.spin_oscillation() if formula == "spin_oscillation" else self.spin_flavour_two_level()
        converted = level.probability(x_km)
        columns = {name: np.zeros_like(converted) for name in PROBABILITY_COLUMNS}
        columns["P_eL_eL"] = 1.0 - converted
        columns[level.target] = converted
        return [columns[name] for name in PROBABILITY_COLUMNS]

    def spin_oscillation(self) -> TwoLevel:
        """nu_e^L <-> nu_e^R as a two-level system ([studenikin_2004]; [studenikin_2016_taup]
        eqs. (27)-(28)):

        E_eff = mu_ee B_perp - V_e v sin(phi) / (2 gamma)   (mu |B_perp + M_0perp / gamma|),
        Delta_eff = [V_e (1 - v cos phi) - phi'] / 2        ((mu/gamma) |M_0par|; twist added),

        with mu_ee the flavour-basis moment and V_e the potential of the matter at rest.
        Exact when nu_e^L couples to no other state (theta = 0, mu12 = 0).
        """
        self._check_consistency()
        V_e, _ = self.matter_potentials_eV()
        coupling = (magnetic_energy_eV(self.flavour_moment_matrix()[0, 0], self.B_perp_gauss)
                    - V_e * self.matter_speed * math.sin(self.matter_angle_rad)
                    * 0.5 * self.m_nu_eV / (self.E_MeV * c.EV_PER_MEV))
        detuning = 0.5 * (per_km(V_e * (1.0 - self.matter_speed * math.cos(self.matter_angle_rad)))
                          - self.twist_rad_per_km)
        return TwoLevel(float(per_km(coupling)), float(detuning), "P_eL_eR")

    def spin_flavour_two_level(self) -> TwoLevel:
        """Resonant spin-flavour precession nu_e^L <-> nu_mu^R in two levels:
        P = sin^2(beta) sin^2(Omega x), sin^2(beta) = (mu B)^2 / ((mu B)^2 + (Delta_LR/4E)^2).

        Dirac (Lim & Marciano, PRD 37, 1368 (1988) [lim_marciano_1988]; the Quarks-2018 talk
        [studenikin_2018_quarks]): coupling mu_emu B_perp with
        mu_emu the flavour-basis transition moment, and
        Delta_LR = (Delta m^2/2)(cos 2theta + 1) - 2E V_e + 2E phi'  (nu_mu^R sterile, of mass m_2).
        Majorana (Akhmedov, PLB 213, 64 (1988)): nu_e^L <-> anti-nu_mu^R, coupling mu12 B_perp,
        Delta_LR/2E = Delta m^2 cos 2theta / 2E - sqrt2 G_F (n_e - n_n) + phi'.
        Moving matter multiplies the potentials by 1 - v cos phi.  An approximation for
        small mixing, exact at theta = 0; ``level_crossing`` locates the resonance exactly.
        """
        self._check_consistency()
        coupling = per_km(magnetic_energy_eV(self.flavour_moment_matrix()[0, 1], self.B_perp_gauss))
        detuning = self._spin_flavour_detuning_per_km(self.E_MeV, self.effective_density_g_cm3())
        return TwoLevel(float(coupling), float(detuning[0]), "P_eL_muR")

    def _spin_flavour_detuning_per_km(self, E_MeV, density_g_cm3) -> np.ndarray:
        """Delta_LR / 4E of ``spin_flavour_two_level`` in km^-1 for arrays of E and density."""
        p = self._values
        E_eV = np.atleast_1d(np.asarray(E_MeV, dtype=float)) * c.EV_PER_MEV
        rho = np.atleast_1d(np.asarray(density_g_cm3, dtype=float))
        n_e_per, n_n_per = self._number_densities_per_g_cm3()
        V_e, V_mu = matter_potentials_eV(n_e_per * rho, n_n_per * rho)
        longitudinal = 1.0 - p.matter_speed * math.cos(p.matter_angle_rad)
        half_splitting = p.dm2_eV2 / (4.0 * E_eV)
        cos2 = math.cos(2.0 * p.theta_rad)
        if p.majorana:
            energy_gap = 2.0 * half_splitting * cos2 - (V_e + V_mu) * longitudinal
        else:
            energy_gap = half_splitting * (1.0 + cos2) - V_e * longitudinal
        return 0.5 * (per_km(energy_gap) + p.twist_rad_per_km)

    def two_level_probability(self, x_km) -> np.ndarray:
        """P(nu_e^L -> nu_mu^R) of the two-level spin-flavour precession (an approximation
        unless theta = 0; see ``spin_flavour_two_level``)."""
        x = np.atleast_1d(as_checked_array("x_km", x_km, low=0.0, high=MAX_X_KM))
        return self.spin_flavour_two_level().probability(x)

    # --- lengths and resonances ---------------------------------------------------------------
    def oscillation_lengths_km(self) -> dict[str, float]:
        """Vacuum L_vac = 4 pi E/Delta m^2; magnetic L_B = pi/(mu B) for mu1, mu2 and mu12;
        the spin-oscillation L_eff ([studenikin_2016_taup]) and the two-level spin-flavour length.
        inf where the frequency is zero."""
        return {
            "vacuum": float(vacuum_oscillation_length_km(self.E_MeV, self.dm2_eV2)),
            "magnetic_mu1": float(magnetic_oscillation_length_km(self.mu1, self.B_perp_gauss)),
            "magnetic_mu2": float(magnetic_oscillation_length_km(self.mu2, self.B_perp_gauss)),
            "magnetic_mu12": float(magnetic_oscillation_length_km(self.mu12, self.B_perp_gauss)),
            "spin_oscillation": self.spin_oscillation().length_km,
            "spin_flavour": self.spin_flavour_two_level().length_km,
        }

    def _detuning_line(self, variable: str) -> tuple[float, float]:
        """(p, q) with Delta_LR/4E = p + q rho (density, fixed Y_e) or p / E + q (energy)."""
        if variable == "density_g_cm3":
            at_zero, at_one = self._spin_flavour_detuning_per_km(self.E_MeV, [0.0, 1.0])
            return float(at_zero), float(at_one - at_zero)
        at_one, at_two = self._spin_flavour_detuning_per_km([1.0, 2.0], self.effective_density_g_cm3())
        return float(2.0 * (at_one - at_two)), float(2.0 * at_two - at_one)

    def _two_level_resonance(self, variable: str) -> float:
        self._check_consistency()
        p, q = self._detuning_line(variable)
        value = -p / q if q != 0.0 else math.nan
        return value if value > 0.0 else math.nan

    def resonance_density_g_cm3(self) -> float:
        """The resonance density at the current energy and Y_e, exact for any mixing: where a
        level of the L block crosses one of the R block (:meth:`level_crossing`), g/cm^3;
        nan if there is none.  For the small-mixing two-level condition see
        :meth:`resonance_density_two_level_g_cm3`."""
        return self.level_crossing("density_g_cm3")["density_g_cm3"]

    def resonance_energy_MeV(self) -> float:
        """The resonance energy at the current matter, exact for any mixing (the level
        crossing in energy), MeV; nan if there is none.  Two-level:
        :meth:`resonance_energy_two_level_MeV`."""
        return self.level_crossing("E_MeV")["E_MeV"]

    def resonance_density_two_level_g_cm3(self) -> float:
        """Density where the small-mixing two-level condition Delta_LR = 0 holds, at the
        current energy and Y_e (nan if none > 0).  Dirac: V_e = Delta m^2 (1 + cos 2theta)/4E
        + phi'; Majorana: sqrt2 G_F (n_e - n_n) = Delta m^2 cos 2theta / 2E + phi' (times
        1/(1 - v cos phi)).  Exact at theta = 0 only: at theta = 0.5836, Y_e = 0.5 it gives
        1277 g/cm^3 where the levels cross at 720."""
        return self._two_level_resonance("density_g_cm3")

    def resonance_energy_two_level_MeV(self) -> float:
        """Energy where the two-level condition Delta_LR = 0 holds at the current matter
        (nan if none > 0); a small-mixing approximation like
        :meth:`resonance_density_two_level_g_cm3`."""
        return self._two_level_resonance("E_MeV")

    def resonance_width_g_cm3(self) -> float:
        """Half width at half maximum of sin^2(beta) in density: |mu_emu B| / |d(Delta_LR/4E)/d rho|."""
        _, slope = self._detuning_line("density_g_cm3")
        coupling = self.spin_flavour_two_level().coupling_per_km
        return abs(coupling / slope) if slope != 0.0 else math.nan

    def _two_level_scan(self, variable: str, grid) -> np.ndarray:
        """The two-level distance average sin^2(beta)/2 on a grid of densities or energies."""
        p, q = self._detuning_line(variable)
        detuning = p + q * grid if variable == "density_g_cm3" else p / grid + q
        coupling2 = self.spin_flavour_two_level().coupling_per_km ** 2
        total = coupling2 + detuning**2
        return 0.5 * np.divide(coupling2, total, out=np.zeros_like(total), where=total > 0)

    def _relative_width(self, variable: str, centre: float) -> float:
        """Two-level half width of the resonance relative to ``centre``: |mu B| over the slope
        of the detuning there (for refining scan grids)."""
        p, q = self._detuning_line(variable)
        slope = q if variable == "density_g_cm3" else -p / centre**2
        coupling = abs(self.spin_flavour_two_level().coupling_per_km)
        return coupling / abs(slope * centre) if slope != 0.0 and coupling > 0 else math.nan

    def level_crossing(self, variable: str = "density_g_cm3", *, low=None, high=None,
                       n_points: int = 1000) -> dict[str, float]:
        """The exact resonance: where a level of the L block crosses a level of the R block.

        Without the field the L and R sectors decouple; mu B mixes them most where one of
        their eigenvalues cross (an avoided crossing of the full 4x4).  Of all crossings in
        [low, high] (log grid, then linear interpolation) the one that matters most for
        nu_e^L is returned: the largest |<nu_e^L|L_i>| |<L_i|H_LR|R_j>|.  Exact in location
        for any mixing angle; the two-level formula is its small-mixing limit.
        Returns {variable: value or nan, "coupling_per_km": |<L_i|H_LR|R_j>|}.
        """
        checked_choice("variable", variable, SCAN_VARIABLES)
        self._check_consistency()
        if variable == "density_g_cm3":
            low, high = low or 1e-6, high or MAX_DENSITY_G_CM3
        else:
            low, high = low or 1e-6, high or 1e9
        key = ("level_crossing", variable, low, high, n_points)
        if key not in self._cache:
            self._cache[key] = self._level_crossing(variable, np.geomspace(low, high, n_points))
        return dict(self._cache[key])

    def _level_crossing(self, variable, grid) -> dict[str, float]:
        H = self._stack_for(variable, grid)
        left_values, left_vectors = _eigh_2x2(H[:, :2, :2])
        right_values, right_vectors = _eigh_2x2(H[:, 2:, 2:])
        # <L_i| H_LR |R_j>, shape (N, 2, 2)
        couplings = np.abs(np.conj(np.swapaxes(left_vectors, -1, -2)) @ H[:, :2, 2:] @ right_vectors)
        electron_content = np.abs(left_vectors[:, 0, :])  # |<nu_e^L | L_i>|
        best, best_weight = None, 0.0
        for i in range(2):
            for j in range(2):
                gap = left_values[:, i] - right_values[:, j]
                for k in np.nonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) < 0)[0]:
                    weight = max(electron_content[k, i] * couplings[k, i, j],
                                 electron_content[k + 1, i] * couplings[k + 1, i, j])
                    if weight > best_weight:
                        best, best_weight = (k, i, j), weight
        if best is None:
            return {variable: math.nan, "coupling_per_km": math.nan}
        k, i, j = best
        return {variable: self._refine_crossing(variable, grid[k], grid[k + 1], i, j),
                "coupling_per_km": float(0.5 * (couplings[k, i, j] + couplings[k + 1, i, j]))}

    def _refine_crossing(self, variable, low, high, i, j) -> float:
        """Shrink the bracket [low, high] of a sign change of level i (L) minus level j (R)
        with two vectorised passes, then interpolate linearly in log value."""
        for _ in range(2):
            grid = np.geomspace(low, high, 33)
            H = self._stack_for(variable, grid)
            gap = _eigh_2x2(H[:, :2, :2])[0][:, i] - _eigh_2x2(H[:, 2:, 2:])[0][:, j]
            changes = np.nonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) <= 0)[0]
            k = changes[0] if len(changes) else int(np.argmin(np.abs(gap[:-1])))
            low, high, gap_low, gap_high = grid[k], grid[k + 1], gap[k], gap[k + 1]
        if gap_low == gap_high:
            return float(low)
        fraction = gap_low / (gap_low - gap_high)
        return float(math.exp(math.log(low) + fraction * math.log(high / low)))

    def _stack_for(self, variable: str, values) -> np.ndarray:
        if variable == "density_g_cm3":
            return self._hamiltonian_stack(self.E_MeV, values)
        return self._hamiltonian_stack(values, self.effective_density_g_cm3())

    # --- distance averages and resonance scans ------------------------------------------------
    def averaged_probabilities(self, *, density_g_cm3=None, E_MeV=None) -> pd.DataFrame:
        """Probabilities of nu_e^L averaged over distance (x -> infinity), exact, for an array
        of densities or of energies (the other parameters from the model).

        <P(a -> b)> = sum over eigenvalue clusters C of |sum_{k in C} V_bk V_ak^*|^2; equal
        eigenvalues (to 1e-10 relative) are kept together so degenerate levels stay coherent.
        """
        self._check_consistency()
        if (density_g_cm3 is None) == (E_MeV is None):
            raise ValueError("give exactly one of density_g_cm3 or E_MeV")
        if density_g_cm3 is not None:
            name, values = "density_g_cm3", np.atleast_1d(as_checked_array(
                "density_g_cm3", density_g_cm3, low=0.0, high=MAX_DENSITY_G_CM3))
        else:
            name, values = "E_MeV", np.atleast_1d(as_checked_array("E_MeV", E_MeV, low=1e-6,
                                                                   high=1e9))
        eigenvalues, vectors = np.linalg.eigh(self._stack_for(name, values))
        # Clusters of consecutive (sorted) eigenvalues closer than 1e-10 of the largest: an
        # equivalence relation, so that every average is a sum of squares (a pairwise test
        # could join a~b and b~c but not a~c, and gave -0.12 at extreme inputs; found by fuzzing).
        scale = np.max(np.abs(eigenvalues), axis=-1, keepdims=True) + 1e-300
        cluster = np.concatenate([np.zeros((len(eigenvalues), 1)), np.cumsum(
            np.diff(eigenvalues, axis=-1) > 1e-10 * scale, axis=-1)], axis=-1)
        together = cluster[:, :, None] == cluster[:, None, :]
        products = vectors * np.conj(vectors[:, 0:1, :])  # V_bk V_ak^*, a = nu_e^L: (N, b, k)
        averaged = np.einsum("nbk,nkl,nbl->nb", products, together, np.conj(products)).real
        return pd.DataFrame({name: values, **dict(zip(PROBABILITY_COLUMNS, averaged.T))})

    def resonance_scan(self, variable: str = "density_g_cm3", n_points: int = 400) -> pd.DataFrame:
        """Distance-averaged conversion versus density or energy around the resonance.

        Columns: the variable, the exact averaged ``PROBABILITY_COLUMNS`` and ``two_level``,
        the two-level average sin^2(beta)/2.  The grid spans a factor 100 each side of the
        exact level crossing (else of the current value) and is refined across the resonance.
        """
        checked_choice("variable", variable, SCAN_VARIABLES)
        low, high = (1e-6, MAX_DENSITY_G_CM3) if variable == "density_g_cm3" else (1e-6, 1e9)
        centre = self.level_crossing(variable)[variable]
        if not math.isfinite(centre):
            current = self.effective_density_g_cm3() if variable == "density_g_cm3" else self.E_MeV
            # kept inside the scan's range: a density of 1e-20 g/cm^3 left an empty scan
            centre = min(max(current if current > 0 else 1.0, low), high)
        grid = np.geomspace(centre / 100.0, centre * 100.0, n_points)
        width = self._relative_width(variable, centre)
        if math.isfinite(width):
            fine = centre * (1.0 + np.linspace(-20.0, 20.0, n_points // 2) * min(width, 0.02))
            grid = np.unique(np.concatenate([grid, fine[fine > 0]]))
        grid = grid[(grid >= low) & (grid <= high)]  # the scan stays within the model's bounds
        scan = self.averaged_probabilities(**{variable: grid})
        scan["two_level"] = self._two_level_scan(variable, grid)
        return scan
