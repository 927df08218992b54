"""Spin light of neutrino (SLnu): nu_L -> nu_R + gamma in dense matter, above a threshold.

A neutrino with a magnetic moment moving in matter has different energies in its two
helicity states (the weak potential acts on the left-handed one only), so it can emit a
photon and flip its helicity.  In a plasma the photon has a mass, which opens the process
only above a threshold momentum (Grigoriev, Lokhov, Studenikin & Ternov, PLB 718, 512
(2012), arXiv:1207.6396; JCAP 11 (2017) 024, arXiv:1705.07481; summarised in seed 004 and
REFERENCE.md section 5).

Matter model
------------
``density_cm3`` is the nucleon (baryon) number density n with electron fraction Y_e:
electrons n_e = Y_e n (and as many protons), neutrons n_n = (1 - Y_e) n.  The electrons are
a **degenerate (T = 0) electron gas**, relativistic at neutron-star densities: Fermi momentum
p_F = (3 pi^2 n_e)^(1/3), chemical potential mu_e = sqrt(p_F^2 + m_e^2), both computed
exactly.  The neutrino potential is that of the neutrons, ñ = G_F n_n / (2 sqrt2) (seed 004;
the potential is V = 2ñ): the neutral-current potentials of the electrons and protons cancel,
which makes this exact for nu_mu, nu_tau; for nu_e the electron charged-current term and its
W-propagator correction (the seed's "dash-dotted" threshold) are not included.  The process
concerns antineutrinos in neutron matter, for which the potential has the sign that lets
the left-handed state decay.

Formulas (natural units, energies in MeV internally; every public quantity has its unit in
its name):

* plasmon mass (asymptotic transverse photon mass of the degenerate gas)
  m_gamma^2 = 4 pi alpha n_e <1/E> = (2 alpha/pi) [p_F mu_e - m_e^2 arsinh(p_F/m_e)],
  which is the seed's m_gamma = sqrt(2 alpha/pi) mu_e for p_F >> m_e (to 1e-4 at
  n_e = 1e37 cm^-3) and the plasma frequency 4 pi alpha n_e/m_e for p_F << m_e;
* threshold (m_gamma^2 + 2 m_gamma m_nu) / (4 ñ p) < 1 (seed 004), so
  p_th = (m_gamma^2 + 2 m_gamma m_nu) / (4 ñ);
* W-boson threshold: a nu_bar_e meeting an electron at the Fermi surface head on reaches
  s = m_W^2 at eps_W = (m_W^2 - m_e^2) / (2 (mu_e + p_F)), the seed's m_W^2/(4 mu_e) for
  relativistic electrons and the Glashow resonance m_W^2/(2 m_e) for electrons at rest.
  Above it nu_bar_e make W bosons and the four-fermion potential fails: the SLnu window of
  nu_bar_e is p_th < E < eps_W; nu_bar_mu, nu_bar_tau have no s-channel, no upper edge;
* rate and power (massless photon), valid for m_nu/p << ñ/m_nu << p/m_nu (REFERENCE.md
  section 5, [R]): Gamma = 4 mu^2 ñ^2 p, I = (4/3) mu^2 ñ^2 p^2; the lifetime is 1/Gamma and
  the energy-loss time E/I.  **The seed's tau_SLnu is the energy-loss time E/I**, three times
  1/Gamma (REFERENCE.md section 5).  Mean photon energy I/Gamma = p/3 in this regime; near
  the threshold the photon takes nearly all the energy and the rate washes out as
  a = m_gamma^2/(4 ñ p) -> 1 (Grigoriev et al. 2012), which these formulas do not describe:
  :meth:`SpinLight.regime_warnings` says so.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import param

from . import constants as c
from .electron_scattering import MAX_MU_NU
from .validation import Choice, RealNumber, as_checked_array

MAX_DENSITY_CM3 = 1e44
MIN_DENSITY_CM3 = 1e-10
"""Below the Universe's mean baryon density (~2.5e-7 cm^-3); much lower densities underflow
ñ (3e-38 eV per cm^-3) to zero, which left the threshold 0/0 (found by fuzzing)."""
MIN_E_TEV = 1e-6  # 1 MeV
MAX_E_TEV = 1e9   # 1e21 eV
MAX_M_NU_EV = 1e3
FLAVOURS = ("anti_nu_e", "anti_nu_mu_tau")
MUCH_SMALLER = 0.1
"""What "<<" means in the regime checks: a ratio below 0.1."""

MEV3_PER_CM3 = c.HBAR_C_MEV_CM**3
"""A number density of 1 cm^-3 in natural units, MeV^3."""
W_MASS_MEV = c.W_MASS_GEV * c.MEV_PER_GEV
_SMALL_FERMI_RATIO = 1e-2  # below p_F/m_e = 0.01 the plasmon integral uses its series


# --- the matter -----------------------------------------------------------------------------
def fermi_momentum_MeV(n_e_cm3):
    """Fermi momentum p_F = (3 pi^2 n_e)^(1/3) of a degenerate electron gas, MeV."""
    n_e = as_checked_array("n_e_cm3", n_e_cm3, low=0.0, high=MAX_DENSITY_CM3)
    return np.cbrt(3.0 * math.pi**2 * n_e * MEV3_PER_CM3)


def electron_chemical_potential_MeV(n_e_cm3):
    """Chemical potential mu_e = sqrt(p_F^2 + m_e^2) of the degenerate gas (rest mass included), MeV."""
    return np.hypot(fermi_momentum_MeV(n_e_cm3), c.ELECTRON_MASS_MEV)


def degenerate_plasmon_mass_MeV(n_e_cm3):
    """Plasmon (asymptotic transverse photon) mass of a T = 0 electron gas, MeV.

    m_gamma^2 = e^2 n_e <1/E> = (2 alpha/pi) [p_F mu_e - m_e^2 arsinh(p_F/m_e)]; for p_F >> m_e
    this is sqrt(2 alpha/pi) mu_e ~ 8.87 (n_e/1e37 cm^-3)^(1/3) MeV of seed 004 (the exact
    value there is 8.96 MeV, REFERENCE.md section 5).  Vectorised.
    """
    p_F = fermi_momentum_MeV(n_e_cm3)
    x = p_F / c.ELECTRON_MASS_MEV
    # x sqrt(1+x^2) - arsinh(x) cancels to (2/3) x^3 at small x: use the series there.
    x_small = np.minimum(x, _SMALL_FERMI_RATIO)
    series = x_small**3 * (2.0 / 3.0 - x_small**2 / 5.0 + 3.0 * x_small**4 / 28.0)
    closed = x * np.sqrt(1.0 + x * x) - np.arcsinh(x)
    bracket = np.where(x < _SMALL_FERMI_RATIO, series, closed)
    return c.ELECTRON_MASS_MEV * np.sqrt(2.0 * c.ALPHA / math.pi * bracket)


def neutron_potential_n_tilde_eV(n_n_cm3):
    """ñ = G_F n_n / (2 sqrt2) in eV: half the antineutrino potential in neutron matter
    (seed 004: ~3.2 (n_n / 1e38 cm^-3) eV).  Vectorised."""
    n_n = as_checked_array("n_n_cm3", n_n_cm3, low=0.0, high=MAX_DENSITY_CM3)
    return c.FERMI_CONSTANT_MEV2 * n_n * MEV3_PER_CM3 / (2.0 * math.sqrt(2.0)) * c.EV_PER_MEV


def w_production_threshold_MeV(n_e_cm3):
    """eps_W = (m_W^2 - m_e^2) / (2 (mu_e + p_F)), MeV: above it a nu_bar_e can make a W on
    the electrons (seed 004: m_W^2 / (4 mu_e) for relativistic electrons)."""
    p_F, mu_e = fermi_momentum_MeV(n_e_cm3), electron_chemical_potential_MeV(n_e_cm3)
    return (W_MASS_MEV**2 - c.ELECTRON_MASS_MEV**2) / (2.0 * (mu_e + p_F))


# --- the process ----------------------------------------------------------------------------
def slnu_threshold_momentum_MeV(m_gamma_MeV, n_tilde_eV, m_nu_eV=0.0):
    """p_th = (m_gamma^2 + 2 m_gamma m_nu) / (4 ñ), MeV (seed 004 threshold condition)."""
    m_gamma = as_checked_array("m_gamma_MeV", m_gamma_MeV, low=0.0)
    n_tilde = as_checked_array("n_tilde_eV", n_tilde_eV, low=0.0, low_inclusive=False)
    m_nu = as_checked_array("m_nu_eV", m_nu_eV, low=0.0, high=MAX_M_NU_EV) / c.EV_PER_MEV
    return (m_gamma**2 + 2.0 * m_gamma * m_nu) / (4.0 * n_tilde / c.EV_PER_MEV)


def _moment_MeV(mu_nu):
    """mu_nu (in mu_B) in natural units, MeV^-1."""
    return as_checked_array("mu_nu", mu_nu, low=0.0, high=MAX_MU_NU) * c.BOHR_MAGNETON_PER_MEV


def slnu_rate_per_s(mu_nu, n_tilde_eV, p_MeV, p_threshold_MeV=0.0):
    """Gamma = 4 mu^2 ñ^2 p (per second) above the threshold momentum, 0 below it.

    Massless-photon rate, valid for m_nu/p << ñ/m_nu << p/m_nu (REFERENCE.md section 5).
    """
    n_tilde = as_checked_array("n_tilde_eV", n_tilde_eV, low=0.0) / c.EV_PER_MEV
    p = as_checked_array("p_MeV", p_MeV, low=0.0)
    rate_MeV = 4.0 * _moment_MeV(mu_nu) ** 2 * n_tilde**2 * p
    return np.where(p > p_threshold_MeV, rate_MeV / c.HBAR_MEV_S, 0.0)


def slnu_power_MeV_per_s(mu_nu, n_tilde_eV, p_MeV, p_threshold_MeV=0.0):
    """I = (4/3) mu^2 ñ^2 p^2 (MeV per second) above the threshold momentum, 0 below it."""
    n_tilde = as_checked_array("n_tilde_eV", n_tilde_eV, low=0.0) / c.EV_PER_MEV
    p = as_checked_array("p_MeV", p_MeV, low=0.0)
    power_MeV2 = 4.0 / 3.0 * _moment_MeV(mu_nu) ** 2 * n_tilde**2 * p**2
    return np.where(p > p_threshold_MeV, power_MeV2 / c.HBAR_MEV_S, 0.0)


def _inverse(values):
    """1/x with 1/0 = inf, without a warning."""
    values = np.asarray(values, dtype=float)
    return np.divide(1.0, values, out=np.full_like(values, np.inf), where=values > 0)


class SpinLight(param.Parameterized):
    """Spin light of an (anti)neutrino in neutron-rich matter: thresholds, rate, power.

    Matter: nucleon density ``density_cm3`` with electron fraction ``Y_e`` (electrons
    Y_e n, neutrons (1 - Y_e) n, a degenerate relativistic electron gas); the neutrino:
    energy ``E_TeV``, magnetic moment ``mu_nu`` (mu_B), mass ``m_nu_eV``.  See the module
    docstring for the formulas and their sources.  Example::

        sl = SpinLight(density_cm3=1e38, Y_e=0.1, E_TeV=10.0, mu_nu=1e-11, m_nu_eV=0.0)
        sl.plasmon_mass_MeV(); sl.n_tilde_eV(); sl.threshold_TeV(); sl.w_threshold_TeV()
        sl.rate_per_s(); sl.lifetime_s(); sl.energy_loss_time_s(); sl.regime_warnings()
    """

    density_cm3 = RealNumber(1e38, bounds=(MIN_DENSITY_CM3, MAX_DENSITY_CM3),
                             doc="Nucleon number density n, cm^-3.")
    Y_e = RealNumber(0.1, bounds=(0.0, 1.0), inclusive_bounds=(True, False),
                     doc="Electron fraction: n_e = Y_e n, n_n = (1 - Y_e) n.")
    E_TeV = RealNumber(10.0, bounds=(MIN_E_TEV, MAX_E_TEV), doc="Neutrino energy, TeV.")
    mu_nu = RealNumber(1e-11, bounds=(0.0, MAX_MU_NU), doc="Magnetic moment, mu_B.")
    m_nu_eV = RealNumber(0.0, bounds=(0.0, MAX_M_NU_EV), doc="Neutrino mass, eV.")
    flavour = Choice(default="anti_nu_e", objects=list(FLAVOURS),
                     doc="anti_nu_e: the window closes at the W threshold; "
                         "anti_nu_mu_tau: no s-channel W, no upper edge.")

    # --- matter ---------------------------------------------------------------------------
    def electron_density_cm3(self) -> float:
        return self.Y_e * self.density_cm3

    def neutron_density_cm3(self) -> float:
        return (1.0 - self.Y_e) * self.density_cm3

    def fermi_momentum_MeV(self) -> float:
        return float(fermi_momentum_MeV(self.electron_density_cm3()))

    def electron_chemical_potential_MeV(self) -> float:
        return float(electron_chemical_potential_MeV(self.electron_density_cm3()))

    def plasmon_mass_MeV(self) -> float:
        """m_gamma of the electron gas, MeV (module docstring)."""
        return float(degenerate_plasmon_mass_MeV(self.electron_density_cm3()))

    def n_tilde_eV(self) -> float:
        """ñ = G_F n_n / (2 sqrt2), eV."""
        return float(neutron_potential_n_tilde_eV(self.neutron_density_cm3()))

    # --- kinematics -----------------------------------------------------------------------
    def momentum_TeV(self) -> float:
        """Neutrino momentum p = sqrt(E^2 - m^2)."""
        return float(self._momentum_MeV(self.E_TeV) / c.MEV_PER_TEV)

    def _momentum_MeV(self, E_TeV):
        E = np.asarray(E_TeV, dtype=float) * c.MEV_PER_TEV
        m = self.m_nu_eV / c.EV_PER_MEV
        return np.sqrt((E - m) * (E + m))

    def _threshold_momentum_MeV(self, density_cm3):
        n = np.asarray(density_cm3, dtype=float)
        m_gamma = degenerate_plasmon_mass_MeV(self.Y_e * n)
        return slnu_threshold_momentum_MeV(m_gamma, neutron_potential_n_tilde_eV((1.0 - self.Y_e) * n),
                                           self.m_nu_eV)

    def threshold_momentum_TeV(self) -> float:
        """p_th = (m_gamma^2 + 2 m_gamma m_nu) / (4 ñ), TeV."""
        return float(self._threshold_momentum_MeV(self.density_cm3) / c.MEV_PER_TEV)

    def threshold_TeV(self) -> float:
        """Threshold energy E_th = sqrt(p_th^2 + m_nu^2), TeV."""
        return float(np.hypot(self.threshold_momentum_TeV(), self.m_nu_eV / c.EV_PER_MEV / c.MEV_PER_TEV))

    def threshold_parameter(self) -> float:
        """a = (m_gamma^2 + 2 m_gamma m_nu) / (4 ñ p): the process needs a < 1."""
        return self.threshold_momentum_TeV() / self.momentum_TeV()

    def w_threshold_TeV(self) -> float:
        """eps_W, TeV (module docstring)."""
        return float(w_production_threshold_MeV(self.electron_density_cm3()) / c.MEV_PER_TEV)

    def allowed_window_TeV(self) -> tuple[float, float]:
        """(E_th, upper edge): eps_W for anti_nu_e, inf for anti_nu_mu_tau.  Empty (upper <=
        lower) when the W threshold lies below the SLnu threshold."""
        upper = self.w_threshold_TeV() if self.flavour == "anti_nu_e" else math.inf
        return self.threshold_TeV(), upper

    def is_allowed(self) -> bool:
        """True when E lies inside the allowed window."""
        low, high = self.allowed_window_TeV()
        return low < self.E_TeV < high

    # --- rate and power -------------------------------------------------------------------
    def _rates(self, E_TeV) -> dict[str, np.ndarray]:
        E_TeV = np.asarray(E_TeV, dtype=float)
        p = self._momentum_MeV(E_TeV)
        p_th = self._threshold_momentum_MeV(self.density_cm3)
        n_tilde = self.n_tilde_eV()
        rate = slnu_rate_per_s(self.mu_nu, n_tilde, p, p_th)
        power = slnu_power_MeV_per_s(self.mu_nu, n_tilde, p, p_th)
        lifetime = _inverse(rate)
        energy_loss_time = E_TeV * c.MEV_PER_TEV * _inverse(power)
        mean_photon = np.divide(power, rate, out=np.full_like(rate, np.nan), where=rate > 0)
        return {"rate_per_s": rate, "power_MeV_per_s": power, "lifetime_s": lifetime,
                "energy_loss_time_s": energy_loss_time,
                "mean_photon_energy_TeV": mean_photon / c.MEV_PER_TEV}

    def rate_per_s(self) -> float:
        """Gamma = 4 mu^2 ñ^2 p in s^-1 (0 below the threshold)."""
        return float(self._rates(self.E_TeV)["rate_per_s"])

    def power_MeV_per_s(self) -> float:
        """I = (4/3) mu^2 ñ^2 p^2 in MeV/s (0 below the threshold)."""
        return float(self._rates(self.E_TeV)["power_MeV_per_s"])

    def lifetime_s(self) -> float:
        """1/Gamma, s (inf where the process is closed)."""
        return float(self._rates(self.E_TeV)["lifetime_s"])

    def energy_loss_time_s(self) -> float:
        """E/I, s: the seed's tau_SLnu (REFERENCE.md section 5); inf where the process is closed."""
        return float(self._rates(self.E_TeV)["energy_loss_time_s"])

    def mean_photon_energy_TeV(self) -> float:
        """<omega> = I/Gamma, TeV (p/3 in the formulas' regime; NaN where the process is closed)."""
        return float(self._rates(self.E_TeV)["mean_photon_energy_TeV"])

    def rates_vs_energy(self, E_TeV) -> pd.DataFrame:
        """Rate, power, lifetime, energy-loss time and mean photon energy at energies E_TeV."""
        E = np.atleast_1d(as_checked_array("E_TeV", E_TeV, low=MIN_E_TEV, high=MAX_E_TEV))
        return pd.DataFrame({"E_TeV": E, **self._rates(E)})

    def thresholds_vs_density(self, density_cm3) -> pd.DataFrame:
        """SLnu threshold energy and W threshold (TeV) at nucleon densities ``density_cm3``
        for the current Y_e and m_nu."""
        n = np.atleast_1d(as_checked_array("density_cm3", density_cm3, low=MIN_DENSITY_CM3,
                                           high=MAX_DENSITY_CM3))
        p_th = self._threshold_momentum_MeV(n)
        m_nu = self.m_nu_eV / c.EV_PER_MEV
        return pd.DataFrame({"density_cm3": n,
                             "threshold_TeV": np.hypot(p_th, m_nu) / c.MEV_PER_TEV,
                             "w_threshold_TeV": w_production_threshold_MeV(self.Y_e * n) / c.MEV_PER_TEV})

    # --- validity -------------------------------------------------------------------------
    def regime_holds(self) -> bool:
        """True when m_nu/p << ñ/m_nu << p/m_nu, the regime of the rate formulas
        (i.e. m_nu^2 << ñ p and ñ << p; "<<" is a ratio below MUCH_SMALLER)."""
        n_tilde = self.n_tilde_eV() / c.EV_PER_MEV
        p = self.momentum_TeV() * c.MEV_PER_TEV
        m = self.m_nu_eV / c.EV_PER_MEV
        return m * m < MUCH_SMALLER * n_tilde * p and n_tilde < MUCH_SMALLER * p

    def regime_warnings(self) -> list[str]:
        """Why the rate and power shown may not hold here (empty when they do)."""
        warnings = []
        if not self.regime_holds():
            warnings.append(
                "The rate formulas need m_ν/p ≪ ñ/m_ν ≪ p/m_ν "
                f"(here m_ν/p = {self.m_nu_eV / (self.momentum_TeV() * 1e12):.2g}, "
                f"ñ/m_ν = {self._ratio(self.n_tilde_eV(), self.m_nu_eV)}, "
                f"p/m_ν = {self._ratio(self.momentum_TeV() * 1e12, self.m_nu_eV)}).")
        a = self.threshold_parameter()
        if MUCH_SMALLER < a < 1.0:
            warnings.append(
                f"Near threshold (a = m_γ²/4ñp = {a:.2f}, not ≪ 1): the plasmon mass suppresses "
                "the rate below these massless-photon formulas.")
        if self.flavour == "anti_nu_e" and self.E_TeV >= self.w_threshold_TeV():
            warnings.append("Above the W-boson threshold ε_W: ν̄ₑ make W bosons on the electrons "
                            "and the four-fermion potential fails.")
        return warnings

    @staticmethod
    def _ratio(numerator: float, denominator: float) -> str:
        return "∞" if denominator == 0 else f"{numerator / denominator:.2g}"
