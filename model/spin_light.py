"""Spin light of neutrino (SLnu): nu_L -> nu_R + gamma in dense matter, above a threshold.

A neutrino with a magnetic moment moving in matter has different energies in its two
helicity states (the weak potential acts on the left-handed one only), so it can emit a
photon and flip its helicity (Lobanov & Studenikin, PLB 564, 27 (2003)
[lobanov_studenikin_2003]; Grigoriev, Studenikin & Ternov, PLB 622, 199 (2005)
[grigoriev_2005]).  In a plasma the photon has a mass, which opens the process only above a
threshold momentum (Grigoriev, Lokhov, Studenikin & Ternov, PLB 718, 512 (2012),
arXiv:1207.6396 [grigoriev_2012]; JCAP 11 (2017) 024, arXiv:1705.07481 [grigoriev_2017];
summarised in Studenikin's Quarks-2018 talk [studenikin_2018_quarks]).  References in
brackets are keys of :mod:`model.references`.

Matter model (:meth:`SpinLight.density_convention` says it in words for the UI)
--------------------------------------------------------------------------------
``density_cm3`` is the nucleon (baryon) number density n with electron fraction Y_e:
electrons n_e = Y_e n (and as many protons), neutrons n_n = (1 - Y_e) n.  The electrons are
an ideal gas at temperature ``T_MeV``: at T = 0 a degenerate gas (Fermi momentum
p_F = (3 pi^2 n_e)^(1/3), chemical potential mu_e = sqrt(p_F^2 + m_e^2), both exact); at
T > 0 a relativistic thermal e+e- plasma whose *net* electron density is n_e, thermal pairs
included.  The neutrino potential is that of the neutrons, ñ = G_F n_n / (2 sqrt2)
([grigoriev_2017]; the potential is V = 2ñ): the neutral-current potentials of the electrons
and protons cancel, which makes this exact for nu_mu, nu_tau; for nu_e the electron
charged-current term and its W-propagator correction ([grigoriev_2017], the talk's
"dash-dotted" threshold) are not included.  The process concerns antineutrinos in neutron
matter, for which the potential has the sign that lets the left-handed state decay.

Formulas (natural units, energies in MeV internally; every public quantity has its unit in
its name):

* plasmon mass: the asymptotic transverse photon mass of the e+e- plasma at one loop
  (Braaten & Segel, PRD 48, 1478 (1993), hep-ph/9302213 [braaten_segel_1993]; Raffelt,
  "Stars as Laboratories" (1996) [raffelt_1996], ch. 6),
  m_gamma^2 = (4 alpha/pi) int_0^inf dp (p^2/E) [f_-(E) + f_+(E)],
  f_-+ = 1/(exp((E -+ mu)/T) + 1), mu fixed by the net density
  n_e = (1/pi^2) int dp p^2 (f_- - f_+).  At T = 0 this is
  m_gamma^2 = 4 pi alpha n_e <1/E> = (2 alpha/pi) [p_F mu_e - m_e^2 arsinh(p_F/m_e)], the
  talk's m_gamma = sqrt(2 alpha/pi) mu_e for p_F >> m_e (to 1e-4 at n_e = 1e37 cm^-3) and the
  plasma frequency 4 pi alpha n_e/m_e for p_F << m_e; for T, mu >> m_e it is
  (2 alpha/pi)(mu^2 + pi^2 T^2/3) = (3/2) omega_p^2.  The plasma frequency
  omega_p^2 = (4 alpha/pi) int dp (p^2/E)(1 - p^2/(3E^2)) (f_- + f_+) [braaten_segel_1993],
  (4 alpha/3 pi)(mu^2 + pi^2 T^2/3) for T, mu >> m_e, is given for comparison;
* threshold (m_gamma^2 + 2 m_gamma m_nu) / (4 ñ p) < 1 ([grigoriev_2012]), so
  p_th = (m_gamma^2 + 2 m_gamma m_nu) / (4 ñ);
* W-boson threshold: a nu_bar_e meeting an electron at the Fermi surface head on reaches
  s = m_W^2 at eps_W = (m_W^2 - m_e^2) / (2 (mu_e + p_F)), the talk's m_W^2/(4 mu_e) for
  relativistic electrons and the Glashow resonance m_W^2/(2 m_e) for electrons at rest
  (T = 0 electrons; :meth:`SpinLight.regime_warnings` says when the plasma is too hot for
  it).  Above it nu_bar_e make W bosons and the four-fermion potential fails: the SLnu
  window of nu_bar_e is p_th < E < eps_W; nu_bar_mu, nu_bar_tau have no s-channel, no upper
  edge;
* rate and power (massless photon), valid for m_nu/p << ñ/m_nu << p/m_nu
  ([studenikin_ternov_2005]; [grigoriev_2005]): Gamma = 4 mu^2 ñ^2 p,
  I = (4/3) mu^2 ñ^2 p^2; the lifetime is 1/Gamma and the energy-loss time E/I.  **The
  talk's tau_SLnu is the energy-loss time E/I**, three times 1/Gamma (checked in the
  tests).  Mean photon energy I/Gamma = p/3 in this regime; near the threshold the photon
  takes nearly all the energy and the rate washes out as a = m_gamma^2/(4 ñ p) -> 1
  ([grigoriev_2012]), which these formulas do not describe: :meth:`SpinLight.regime_warnings`
  says so, as it does for a plasma outside the e+e- model.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import param
from scipy.special import expit

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
MAX_T_MEV = 1e3
"""Largest plasma temperature accepted (1 GeV); above ~10 MeV the plasma is no e+e- gas."""
E_PLUS_E_MINUS_MAX_T_MEV = 10.0
"""Above this temperature (~m_mu/10) muon pairs and pions join the plasma: a regime warning."""

MEV3_PER_CM3 = c.HBAR_C_MEV_CM**3
"""A number density of 1 cm^-3 in natural units, MeV^3."""
W_MASS_MEV = c.W_MASS_GEV * c.MEV_PER_GEV
_SMALL_FERMI_RATIO = 1e-2  # below p_F/m_e = 0.01 the plasmon integral uses its series


# --- the matter -----------------------------------------------------------------------------
def fermi_momentum_MeV(n_e_cm3):
    """Fermi momentum p_F = (3 pi^2 n_e)^(1/3) of a degenerate electron gas, MeV."""
    n_e = as_checked_array("n_e_cm3", n_e_cm3, low=0.0, high=MAX_DENSITY_CM3)
    return np.cbrt(3.0 * math.pi**2 * n_e * MEV3_PER_CM3)


def electron_chemical_potential_MeV(n_e_cm3, T_MeV=0.0):
    """Electron chemical potential (rest mass included), MeV, for a net electron density
    ``n_e_cm3``: mu_e = sqrt(p_F^2 + m_e^2) at T = 0, else the mu of the thermal e+e- gas
    with that net density (module docstring).  Vectorised."""
    T = _checked_temperature(T_MeV)
    cold = np.hypot(fermi_momentum_MeV(n_e_cm3), c.ELECTRON_MASS_MEV)
    if not np.any(T > 0):
        return cold
    return _cold_or_thermal(n_e_cm3, T, cold, 2)


def degenerate_plasmon_mass_MeV(n_e_cm3):
    """Plasmon (asymptotic transverse photon) mass of a T = 0 electron gas, MeV.

    m_gamma^2 = e^2 n_e <1/E> = (2 alpha/pi) [p_F mu_e - m_e^2 arsinh(p_F/m_e)]; for p_F >> m_e
    this is sqrt(2 alpha/pi) mu_e ~ 8.87 (n_e/1e37 cm^-3)^(1/3) MeV of [grigoriev_2017] as
    quoted in the Quarks-2018 talk (the exact value at 1e37 cm^-3 is 8.96 MeV: the quoted
    coefficient corresponds to mu_e = 130.1 MeV, 1.1% low).  Vectorised.
    """
    p_F = fermi_momentum_MeV(n_e_cm3)
    x = p_F / c.ELECTRON_MASS_MEV
    # x sqrt(1+x^2) - arsinh(x) cancels to (2/3) x^3 at small x: use the series there.
    x_small = np.minimum(x, _SMALL_FERMI_RATIO)
    series = x_small**3 * (2.0 / 3.0 - x_small**2 / 5.0 + 3.0 * x_small**4 / 28.0)
    closed = x * np.sqrt(1.0 + x * x) - np.arcsinh(x)
    bracket = np.where(x < _SMALL_FERMI_RATIO, series, closed)
    return c.ELECTRON_MASS_MEV * np.sqrt(2.0 * c.ALPHA / math.pi * bracket)


# --- the thermal e+e- plasma ------------------------------------------------------------------
_GAUSS_ORDER = 32
_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(_GAUSS_ORDER)
"""Gauss-Legendre nodes per segment: thermal integrals to ~1e-6 relative (64 nodes change
them by < 5e-7 from 0.1 to 3 MeV and 1e20 to 1e42 cm^-3)."""
_EDGE_HALF_WIDTH_T = 25.0   # Fermi edge resolved over +-25 T (the occupation 1/(e^25 + 1) beyond)
_TAIL_T = 40.0              # integrals stop 40 T above the edge: exp(-65) of the occupation


def _checked_temperature(T_MeV) -> np.ndarray:
    return as_checked_array("T_MeV", T_MeV, low=0.0, high=MAX_T_MEV)


def _segment(a, b, n_split=1):
    """Gauss-Legendre nodes and weights on [a, b] per row (shapes (N, order x n_split))."""
    edges = a[:, None] + (b - a)[:, None] * np.linspace(0.0, 1.0, n_split + 1)[None, :]
    left, right = edges[:, :-1, None], edges[:, 1:, None]
    half, middle = 0.5 * (right - left), 0.5 * (right + left)
    nodes = (middle + half * _GAUSS_NODES).reshape(len(a), -1)
    weights = np.broadcast_to(half * _GAUSS_WEIGHTS,
                              half.shape[:2] + (_GAUSS_ORDER,)).reshape(len(a), -1)
    return nodes, weights


def _momentum_quadrature(eta, T):
    """Nodes p (MeV) and weights for integrals over the e+e- distributions at kinetic chemical
    potential eta = mu - m_e and temperature T (arrays of shape (N,)).  The segments are set
    in kinetic energy K and mapped to p = sqrt(K (K + 2 m_e)): [0, eta - 25T] where the
    electron occupation is 1, the Fermi edge eta +- 25T finely, and a tail of 40T (which also
    holds the thermal positrons and, for a non-degenerate gas, everything)."""
    m = c.ELECTRON_MASS_MEV
    K_a = np.maximum(eta - _EDGE_HALF_WIDTH_T * T, 0.0)
    K_b = np.maximum(eta + _EDGE_HALF_WIDTH_T * T, 0.0)
    K_c = K_b + _TAIL_T * T
    a, b, end = (np.sqrt(K * (K + 2.0 * m)) for K in (K_a, K_b, K_c))
    parts = [_segment(a * 0.0, a), _segment(a, b, 2), _segment(b, end)]
    return np.concatenate([p for p, _ in parts], axis=1), np.concatenate([w for _, w in parts], axis=1)


def _occupations(p, eta, T):
    """(E, f_-, f_+) at momenta p: Fermi-Dirac occupations of electrons and positrons, with
    kinetic energies p^2/(E + m) so that a tiny eta and T keep their precision."""
    m = c.ELECTRON_MASS_MEV
    E = np.hypot(p, m)
    kinetic = p * p / (E + m)
    eta, T = eta[:, None], T[:, None]
    return E, expit((eta - kinetic) / T), expit(-(kinetic + 2.0 * m + eta) / T)


def _net_density_MeV3(eta, T, slope: bool = False):
    """Net electron density (MeV^3) at kinetic chemical potential eta and temperature T; with
    ``slope``, also its derivative in eta: the integral of p^2 [f_-(1 - f_-) + f_+(1 - f_+)]/T."""
    p, w = _momentum_quadrature(eta, T)
    _, electrons, positrons = _occupations(p, eta, T)
    density = np.sum(w * p * p * (electrons - positrons), axis=1) / math.pi**2
    if not slope:
        return density
    spread = (electrons * (1.0 - electrons) + positrons * (1.0 - positrons)) / T[:, None]
    return density, np.sum(w * p * p * spread, axis=1) / math.pi**2


def _thermal_kinetic_potential(n_MeV3, T_MeV):
    """eta = mu - m_e with net electron density n at temperature T (vectorised): Newton steps
    on n(eta), kept inside a bisection bracket.

    The net density grows with eta and vanishes at mu = 0 (eta = -m_e); at fixed eta it does
    not fall with T, so the T = 0 Fermi kinetic energy brackets the root from above (doubled
    if ever not).  Iterates until the step is below 1e-7 T (or 1e-13 relative where T is
    smaller); Newton converges in ~10 steps where bisection took ~60 (measured: a 241-point
    density scan at T = 0.1 MeV in 15 ms instead of 90 ms)."""
    n, T = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=float)).ravel()
                                 for x in (n_MeV3, T_MeV)))
    m = c.ELECTRON_MASS_MEV
    p_F = np.cbrt(3.0 * math.pi**2 * n)
    low = np.full(n.shape, -m)
    high = np.maximum(p_F * p_F / (np.hypot(p_F, m) + m), T)
    for _ in range(60):  # make sure high brackets the root
        short = _net_density_MeV3(high, T) < n
        if not np.any(short):
            break
        high = np.where(short, 2.0 * high, high)
    # No net electrons: a pure pair plasma, mu = 0 by symmetry (any eta <= 0 fits at tiny T).
    low = np.where(n > 0.0, low, -m)
    high = np.where(n > 0.0, high, -m)
    eta = np.where(n > 0.0, np.minimum(high, np.maximum(p_F * p_F / (np.hypot(p_F, m) + m), 0.0)), -m)
    for _ in range(200):
        tolerance = np.maximum(1e-7 * T, 1e-13 * (np.abs(eta) + m))
        open_ = (high - low > tolerance) & (n > 0.0)
        if not np.any(open_):
            break
        density, slope = _net_density_MeV3(eta, T, slope=True)
        above = density > n
        high = np.where(open_ & above, eta, high)
        low = np.where(open_ & ~above, eta, low)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = eta - (density - n) / slope
        converged = open_ & np.isfinite(newton) & (np.abs(newton - eta) < tolerance)
        inside = np.isfinite(newton) & (newton > low) & (newton < high)
        step = np.where(converged | inside, newton, 0.5 * (low + high))
        eta = np.where(open_, np.clip(step, low, high), eta)  # never past the bracket
        low = np.where(converged, eta, low)
        high = np.where(converged, eta, high)
    return eta


def _is_cold(n_e_cm3, T_MeV) -> np.ndarray:
    """Rows where T <= 1e-6 of the Fermi kinetic energy: degenerate to (T/E_F)^2 ~ 1e-12,
    evaluated with the T = 0 formulas."""
    p_F = fermi_momentum_MeV(n_e_cm3)
    fermi_kinetic = p_F * p_F / (np.hypot(p_F, c.ELECTRON_MASS_MEV) + c.ELECTRON_MASS_MEV)
    return np.asarray(T_MeV) <= 1e-6 * fermi_kinetic


def _thermal_photon_masses(n_e_cm3, T_MeV):
    """(m_gamma^2, omega_p^2, mu) in MeV^2, MeV^2, MeV of the thermal plasma (T > 0),
    arrays of the broadcast shape of the inputs."""
    n_cm3, T = np.broadcast_arrays(np.asarray(n_e_cm3, dtype=float), np.asarray(T_MeV, dtype=float))
    shape = n_cm3.shape
    n, T = n_cm3.ravel() * MEV3_PER_CM3, T.ravel()
    eta = _thermal_kinetic_potential(n, T)
    p, w = _momentum_quadrature(eta, T)
    E, electrons, positrons = _occupations(p, eta, T)
    weight = w * p * p / E * (electrons + positrons)
    scale = 4.0 * c.ALPHA / math.pi
    m2 = scale * np.sum(weight, axis=1)
    omega2 = scale * np.sum(weight * (1.0 - p * p / (3.0 * E * E)), axis=1)
    return m2.reshape(shape), omega2.reshape(shape), (eta + c.ELECTRON_MASS_MEV).reshape(shape)


@lru_cache(maxsize=512)
def _thermal_scalar(n_e_cm3: float, T_MeV: float) -> tuple[float, float, float]:
    """:func:`_thermal_photon_masses` of one (n_e, T): the readouts of one model ask for
    it several times per parameter set."""
    return tuple(float(x[0]) for x in _thermal_photon_masses([n_e_cm3], [T_MeV]))


def _cold_or_thermal(n_e_cm3, T_MeV, cold_value, which: int):
    """``cold_value`` where the gas is cold (T = 0 or degenerate to 1e-12), else item
    ``which`` of :func:`_thermal_photon_masses` (computed on the thermal rows only)."""
    n, T = np.broadcast_arrays(np.asarray(n_e_cm3, dtype=float), _checked_temperature(T_MeV))
    cold = np.broadcast_to(cold_value, n.shape).astype(float)
    thermal = (T > 0) & ~_is_cold(n, T)
    if not np.any(thermal):
        return cold
    result = cold.copy()
    if np.count_nonzero(thermal) == 1:
        result[thermal] = _thermal_scalar(float(n[thermal][0]), float(T[thermal][0]))[which]
    else:
        result[thermal] = _thermal_photon_masses(n[thermal], T[thermal])[which]
    return result


def plasmon_mass_MeV(n_e_cm3, T_MeV=0.0):
    """Plasmon (asymptotic transverse photon) mass of the e+e- plasma with net electron
    density ``n_e_cm3`` at temperature ``T_MeV``, MeV (module docstring; Braaten & Segel
    1993).  T = 0: exactly :func:`degenerate_plasmon_mass_MeV`.  Vectorised."""
    cold = degenerate_plasmon_mass_MeV(n_e_cm3)
    return np.sqrt(_cold_or_thermal(n_e_cm3, T_MeV, cold * cold, 0))


def plasma_frequency_MeV(n_e_cm3, T_MeV=0.0):
    """Plasma frequency omega_p (the k -> 0 limit of both photon branches) of the same
    plasma, MeV: (4 alpha/pi) int dp (p^2/E)(1 - v^2/3)(f_- + f_+) [braaten_segel_1993];
    4 pi alpha n_e/m_e for a cold dilute gas, (4 alpha/3 pi)(mu^2 + pi^2 T^2/3) for
    T, mu >> m_e.  Vectorised."""
    p_F = fermi_momentum_MeV(n_e_cm3)
    cold = _cold_plasma_frequency2_MeV2(p_F)
    return np.sqrt(_cold_or_thermal(n_e_cm3, T_MeV, cold, 1))


def _cold_plasma_frequency2_MeV2(p_F):
    """omega_p^2 of a T = 0 gas, MeV^2: (4 alpha/pi) int_0^p_F (p^2/E)(1 - p^2/(3E^2)) dp
    = (4 alpha/pi) m_e^2 x^3 / (3 sqrt(1 + x^2)), x = p_F/m_e (the integrand is the
    derivative of that closed form): 4 pi alpha n_e/m_e for x << 1, (4 alpha/3 pi) p_F^2
    for x >> 1."""
    x = np.asarray(p_F, dtype=float) / c.ELECTRON_MASS_MEV
    return 4.0 * c.ALPHA / math.pi * c.ELECTRON_MASS_MEV**2 * x**3 / (3.0 * np.sqrt(1.0 + x * x))


def neutron_potential_n_tilde_eV(n_n_cm3):
    """ñ = G_F n_n / (2 sqrt2) in eV: half the antineutrino potential in neutron matter
    ([grigoriev_2017]: ~3.2 (n_n / 1e38 cm^-3) eV).  Vectorised."""
    n_n = as_checked_array("n_n_cm3", n_n_cm3, low=0.0, high=MAX_DENSITY_CM3)
    return c.FERMI_CONSTANT_MEV2 * n_n * MEV3_PER_CM3 / (2.0 * math.sqrt(2.0)) * c.EV_PER_MEV


def w_production_threshold_MeV(n_e_cm3):
    """eps_W = (m_W^2 - m_e^2) / (2 (mu_e + p_F)), MeV: above it a nu_bar_e can make a W on
    the electrons ([grigoriev_2017]: m_W^2 / (4 mu_e) for relativistic electrons)."""
    p_F, mu_e = fermi_momentum_MeV(n_e_cm3), electron_chemical_potential_MeV(n_e_cm3)
    return (W_MASS_MEV**2 - c.ELECTRON_MASS_MEV**2) / (2.0 * (mu_e + p_F))


# --- the process ----------------------------------------------------------------------------
def slnu_threshold_momentum_MeV(m_gamma_MeV, n_tilde_eV, m_nu_eV=0.0):
    """p_th = (m_gamma^2 + 2 m_gamma m_nu) / (4 ñ), MeV (threshold condition of [grigoriev_2012])."""
    m_gamma = as_checked_array("m_gamma_MeV", m_gamma_MeV, low=0.0)
    n_tilde = as_checked_array("n_tilde_eV", n_tilde_eV, low=0.0, low_inclusive=False)
    m_nu = as_checked_array("m_nu_eV", m_nu_eV, low=0.0, high=MAX_M_NU_EV) / c.EV_PER_MEV
    return (m_gamma**2 + 2.0 * m_gamma * m_nu) / (4.0 * n_tilde / c.EV_PER_MEV)


def _moment_MeV(mu_nu):
    """mu_nu (in mu_B) in natural units, MeV^-1."""
    return as_checked_array("mu_nu", mu_nu, low=0.0, high=MAX_MU_NU) * c.BOHR_MAGNETON_PER_MEV


def slnu_rate_per_s(mu_nu, n_tilde_eV, p_MeV, p_threshold_MeV=0.0):
    """Gamma = 4 mu^2 ñ^2 p (per second) above the threshold momentum, 0 below it.

    Massless-photon rate, valid for m_nu/p << ñ/m_nu << p/m_nu ([studenikin_ternov_2005];
    [grigoriev_2005]).
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
    Y_e n, neutrons (1 - Y_e) n) and temperature ``T_MeV`` of the e+e- plasma (0: a
    degenerate electron gas); the neutrino: energy ``E_TeV``, magnetic moment ``mu_nu``
    (mu_B), mass ``m_nu_eV``.  See the module docstring for the formulas and their sources.
    The defaults (cold neutron-star matter, 1e38 nucleons/cm^3 with 1% electrons, a 20 TeV
    anti-nu_e) lie inside every formula's regime: no warning.  Example::

        sl = SpinLight(density_cm3=1e38, Y_e=0.01, E_TeV=20.0, mu_nu=1e-11, m_nu_eV=0.0)
        sl.plasmon_mass_MeV(); sl.n_tilde_eV(); sl.threshold_TeV(); sl.w_threshold_TeV()
        sl.rate_per_s(); sl.lifetime_s(); sl.energy_loss_time_s(); sl.regime_warnings()
        sl.density_convention(); sl.threshold_conventions_TeV()
    """

    density_cm3 = RealNumber(1e38, bounds=(MIN_DENSITY_CM3, MAX_DENSITY_CM3),
                             doc="Nucleon number density n, cm^-3.")
    Y_e = RealNumber(0.01, bounds=(0.0, 1.0), inclusive_bounds=(True, False),
                     doc="Electron fraction: n_e = Y_e n, n_n = (1 - Y_e) n.")
    T_MeV = RealNumber(0.0, bounds=(0.0, MAX_T_MEV),
                       doc="Temperature of the e+e- plasma, MeV (0: degenerate electron gas).")
    E_TeV = RealNumber(20.0, bounds=(MIN_E_TEV, MAX_E_TEV), doc="Neutrino energy, TeV.")
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
        """mu_e (rest mass included) of the electron gas at ``T_MeV``, MeV."""
        return float(electron_chemical_potential_MeV(self.electron_density_cm3(), self.T_MeV))

    def plasmon_mass_MeV(self) -> float:
        """m_gamma of the e+e- plasma at ``T_MeV``, MeV (module docstring)."""
        return float(plasmon_mass_MeV(self.electron_density_cm3(), self.T_MeV))

    def plasma_frequency_MeV(self) -> float:
        """omega_p of the e+e- plasma at ``T_MeV``, MeV (for comparison with m_gamma)."""
        return float(plasma_frequency_MeV(self.electron_density_cm3(), self.T_MeV))

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
        m_gamma = plasmon_mass_MeV(self.Y_e * n, self.T_MeV)
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
        """E/I, s: the tau_SLnu of the Quarks-2018 talk [studenikin_2018_quarks] (3/Gamma, not
        1/Gamma; see the module docstring); inf where the process is closed."""
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
        if self.T_MeV > E_PLUS_E_MINUS_MAX_T_MEV:
            warnings.append(f"T = {self.T_MeV:.3g} MeV: above ~{E_PLUS_E_MINUS_MAX_T_MEV:g} MeV "
                            "muon pairs and pions join the plasma, which the e⁺e⁻ plasmon mass "
                            "leaves out.")
        if self.flavour == "anti_nu_e" and self.T_MeV > 0.0:
            p_F = self.fermi_momentum_MeV()
            fermi_kinetic = p_F * p_F / (math.hypot(p_F, c.ELECTRON_MASS_MEV) + c.ELECTRON_MASS_MEV)
            if self.T_MeV > MUCH_SMALLER * fermi_kinetic:
                warnings.append(
                    f"T = {self.T_MeV:.3g} MeV is not ≪ the electrons' Fermi energy "
                    f"({fermi_kinetic:.3g} MeV): ε_W assumes cold electrons at the Fermi "
                    "surface; thermal electrons and positrons make W bosons at lower energies.")
        return warnings

    # --- what the densities mean ------------------------------------------------------------
    def density_convention(self) -> str:
        """The density bookkeeping in words, with this model's numbers, for display beside
        the readouts: what n and Y_e mean and which particles give ñ and m_gamma."""
        n, Y_e = self.density_cm3, self.Y_e
        plasma = ("a degenerate electron gas (T = 0)" if self.T_MeV == 0.0 else
                  f"an e⁺e⁻ plasma at T = {self.T_MeV:.3g} MeV (thermal pairs included, "
                  "n_e is the net electron density)")
        return (f"n = {n:.3g} cm⁻³ is the nucleon (baryon) density and Y_e = {Y_e:.3g} the "
                f"electrons per nucleon: n_e = Y_e n = {self.electron_density_cm3():.3g} cm⁻³ "
                f"(as many protons), n_n = (1 − Y_e) n = {self.neutron_density_cm3():.3g} cm⁻³. "
                f"ñ = G_F n_n/(2√2) comes from the neutrons only (the electrons' and protons' "
                f"neutral currents cancel); m_γ from the electrons, {plasma}. Read as a neutron "
                "density, or with Y_e = n_p/n_n, the same numbers give other thresholds.")

    def threshold_conventions_TeV(self) -> dict[str, float]:
        """SLnu threshold (TeV) for the current ``density_cm3`` and ``Y_e`` read three ways:
        n as the baryon density with Y_e = n_e/n (this model); n as the neutron density with
        Y_e = n_e/n_baryon; n as the neutron density with Y_e = n_p/n_n (the definition on
        the Quarks-2018 slide).  At n = 1e38, Y_e = 0.1: 7.04, 6.80 and 6.34 TeV."""
        n, Y_e, T = self.density_cm3, self.Y_e, self.T_MeV
        readings = {
            "n = baryons, Y_e = n_e/n (this model)": (Y_e * n, (1.0 - Y_e) * n),
            "n = neutrons, Y_e = n_e/n_baryon": (Y_e * n / (1.0 - Y_e), n),
            "n = neutrons, Y_e = n_p/n_n": (Y_e * n, n),
        }
        m_nu = self.m_nu_eV / c.EV_PER_MEV
        result = {}
        for label, (n_e, n_n) in readings.items():
            if n_n <= 0.0 or not n_e <= MAX_DENSITY_CM3:
                result[label] = math.nan
                continue
            m_gamma = plasmon_mass_MeV(n_e, T)
            p_th = slnu_threshold_momentum_MeV(m_gamma, neutron_potential_n_tilde_eV(n_n),
                                               self.m_nu_eV)
            result[label] = float(np.hypot(p_th, m_nu) / c.MEV_PER_TEV)
        return result

    @staticmethod
    def _ratio(numerator: float, denominator: float) -> str:
        return "∞" if denominator == 0 else f"{numerator / denominator:.2g}"
