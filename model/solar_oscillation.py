"""Survival of solar nu_e: the adiabatic LMA-MSW solution, averaged over where each source is made.

A nu_e made at electron density n_e in the Sun leaves it adiabatically in the mass state it
started in (LMA parameters: no level jumping), and the oscillation phase averages out over the
Sun-Earth distance, so the two-flavour survival probability is (S. J. Parke, PRL 57, 1275
(1986) with P_jump = 0; Review of Particle Physics, "Neutrino mixing", S. Navas et al.,
PRD 110, 030001 (2024), Sec. 14.10)::

    P_2nu = 1/2 + 1/2 cos 2theta_12 cos 2theta_m,
    cos 2theta_m = (cos 2theta_12 - beta) / sqrt((cos 2theta_12 - beta)^2 + sin^2 2theta_12),
    beta = 2 sqrt(2) G_F n_e E c_13^2 / Delta m^2_21,

and with three flavours (theta_13 decouples: the third state is hardly affected by the solar
matter) P_ee = c_13^4 P_2nu + s_13^4 (same review; J. N. Bahcall, M. C. Gonzalez-Garcia & C.
Pena-Garay, JHEP 08 (2004) 016).  theta_m is evaluated at the density where the neutrino was
made and P_ee averaged over the production distribution of each source in the standard solar
model B16-GS98 (Vinyoles et al., ApJ 835, 202 (2017): ``model/data/solar_b16_gs98_production.csv``).

Night: on the way through the Earth the arriving mass states regenerate nu_e.  For a constant
density slab (the mantle, ``EARTH_MANTLE_DENSITY_G_CM3``) with the fast phase averaged out
(E. K. Akhmedov, M. A. Tortola & J. W. F. Valle, JHEP 05 (2004) 057, eqs. (11)-(14);
M. Blennow, T. Ohlsson & H. Snellman, PRD 69, 073006 (2004))::

    P_night - P_day = -c_13^4 cos 2theta_m(sun) (P_2e - sin^2 theta_12),
    P_2e - sin^2 theta_12 = 1/2 sin 2theta_m(earth) sin(2theta_m(earth) - 2theta_12),

and the "day_night" average takes half the time at night.  This is a simplified Earth (no core,
no zenith-angle distribution); it gives the size and sign of the measured 8B day-night
asymmetry and a negligible effect below ~1 MeV, where pp and 7Be live.

Mixing parameters: the PDG values of ``model.constants`` (PDG_SIN2_THETA12, PDG_SIN2_THETA13,
PDG_DM2_21_EV2); every function takes them as arguments.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from . import constants as c
from .solar import (
    DATA, SOLAR_FLUXES_CM2_S, component_source, components, mixture, solar_flux_cm2_s)
from .sources import NeutrinoSource
from .validation import as_checked_array, checked_choice

PRODUCTION_TABLE = DATA / "solar_b16_gs98_production.csv"
OSCILLATION_MODES = ("day_night", "day", "none")
"""``day_night``: average of day and night (Earth regeneration); ``day``: the Sun only;
``none``: no oscillation (every solar neutrino arrives as nu_e)."""

EARTH_MANTLE_DENSITY_G_CM3 = 4.5
"""Mean density of the Earth's mantle (PREM: A. M. Dziewonski & D. L. Anderson, Phys. Earth
Planet. Inter. 25, 297 (1981): 3.4-5.6 g/cm^3 from the top to the bottom of the mantle)."""
EARTH_MANTLE_ELECTRONS_PER_NUCLEON = 0.5
"""Y_e of the mantle (silicates and oxides: 0.49-0.50)."""
NIGHT_FRACTION = 0.5


def matter_potential_eV(electrons_per_cm3):
    """V_CC = sqrt(2) G_F n_e in eV."""
    return np.sqrt(2.0) * c.FERMI_CONSTANT_EV_CM3 * np.asarray(electrons_per_cm3, dtype=float)


def cos_2theta_matter(E_MeV, electrons_per_cm3, sin2_theta12=c.PDG_SIN2_THETA12,
                      sin2_theta13=c.PDG_SIN2_THETA13, dm2_21_eV2=c.PDG_DM2_21_EV2):
    """cos 2theta_m of the 1-2 sector at density n_e (broadcasts E and n_e), c_13^2 included."""
    cos_2theta = 1.0 - 2.0 * sin2_theta12
    sin_2theta = np.sqrt(1.0 - cos_2theta**2)
    beta = (2.0 * np.asarray(E_MeV, dtype=float) * c.EV_PER_MEV
            * matter_potential_eV(electrons_per_cm3) * (1.0 - sin2_theta13) / dm2_21_eV2)
    return (cos_2theta - beta) / np.hypot(cos_2theta - beta, sin_2theta)


def _checked_mixing(sin2_theta12, sin2_theta13, dm2_21_eV2):
    as_checked_array("sin2_theta12", sin2_theta12, low=0.0, high=0.5, high_inclusive=False)
    as_checked_array("sin2_theta13", sin2_theta13, low=0.0, high=1.0, high_inclusive=False)
    as_checked_array("dm2_21_eV2", dm2_21_eV2, low=0.0, low_inclusive=False, high=1.0)


def survival_probability_at_density(E_MeV, electrons_per_cm3, mode: str = "day",
                                    sin2_theta12=c.PDG_SIN2_THETA12,
                                    sin2_theta13=c.PDG_SIN2_THETA13,
                                    dm2_21_eV2=c.PDG_DM2_21_EV2):
    """P(nu_e -> nu_e) at Earth of a nu_e made at density n_e (module docstring formulas)."""
    checked_choice("mode", mode, OSCILLATION_MODES)
    E = as_checked_array("E_MeV", E_MeV, low=0.0, low_inclusive=False)
    n_e = as_checked_array("electrons_per_cm3", electrons_per_cm3, low=0.0)
    _checked_mixing(sin2_theta12, sin2_theta13, dm2_21_eV2)
    if mode == "none":
        return np.ones(np.broadcast(E, n_e).shape)
    c13_4, s13_4 = (1.0 - sin2_theta13) ** 2, sin2_theta13**2
    cos_2theta = 1.0 - 2.0 * sin2_theta12
    cos_sun = cos_2theta_matter(E, n_e, sin2_theta12, sin2_theta13, dm2_21_eV2)
    two_flavour = 0.5 + 0.5 * cos_2theta * cos_sun
    if mode == "day_night":
        two_flavour = two_flavour + NIGHT_FRACTION * (
            -cos_sun * earth_regeneration(E, sin2_theta12, sin2_theta13, dm2_21_eV2))
    return c13_4 * two_flavour + s13_4


def earth_regeneration(E_MeV, sin2_theta12=c.PDG_SIN2_THETA12, sin2_theta13=c.PDG_SIN2_THETA13,
                       dm2_21_eV2=c.PDG_DM2_21_EV2):
    """P_2e - sin^2 theta_12 through the mantle, phase averaged (module docstring)."""
    n_mantle = (EARTH_MANTLE_DENSITY_G_CM3 * EARTH_MANTLE_ELECTRONS_PER_NUCLEON
                * c.AVOGADRO_PER_MOL)
    cos_earth = cos_2theta_matter(E_MeV, n_mantle, sin2_theta12, sin2_theta13, dm2_21_eV2)
    theta_m = 0.5 * np.arccos(cos_earth)
    theta = np.arcsin(np.sqrt(sin2_theta12))
    return 0.5 * np.sin(2.0 * theta_m) * np.sin(2.0 * theta_m - 2.0 * theta)


@lru_cache(maxsize=1)
def production_table() -> dict[str, np.ndarray]:
    """Radius (solar radii), electron density (cm^-3) and the production distribution
    dphi/dr / phi of each source (B16-GS98), normalised to unit integral here."""
    table = pd.read_csv(PRODUCTION_TABLE, comment="#")
    # the centre (r = 0) added with the innermost zone's density and no production
    r = np.concatenate([[0.0], table["r_Rsun"].to_numpy()])
    log_n = table["log10_ne_NA"].to_numpy()
    columns = {"r_Rsun": r, "electrons_per_cm3":
               10.0 ** np.concatenate([[log_n[0]], log_n]) * c.AVOGADRO_PER_MOL}
    for source in SOLAR_FLUXES_CM2_S:
        density = np.concatenate([[0.0], table[source].to_numpy()])
        columns[source] = density / np.trapezoid(density, r)
    return columns


def production_weights(source: str) -> tuple[np.ndarray, np.ndarray]:
    """Electron densities of the production zones and the fraction of the source made in
    each (trapezoid weights, summing to one)."""
    table = production_table()
    r, f = table["r_Rsun"], table[source]
    dr = np.diff(r)
    weights = np.zeros_like(r)
    weights[:-1] += 0.5 * f[:-1] * dr
    weights[1:] += 0.5 * f[1:] * dr
    return table["electrons_per_cm3"], weights / weights.sum()


def solar_survival_probability(E_MeV, source: str = "pp", mode: str = "day_night",
                               sin2_theta12=c.PDG_SIN2_THETA12,
                               sin2_theta13=c.PDG_SIN2_THETA13,
                               dm2_21_eV2=c.PDG_DM2_21_EV2) -> np.ndarray:
    """P_ee(E) of one solar source ("pp", "pep", "hep", "7Be", "8B", "13N", "15O", "17F"),
    averaged over its production region (module docstring)."""
    checked_choice("source", source, SOLAR_FLUXES_CM2_S)
    E = as_checked_array("E_MeV", E_MeV, low=0.0, low_inclusive=False)
    n_e, weights = production_weights(source)
    P = survival_probability_at_density(E[..., None], n_e, mode, sin2_theta12, sin2_theta13,
                                        dm2_21_eV2)
    return P @ weights


def mass_state_fractions(E_MeV, source: str = "pp", sin2_theta12=c.PDG_SIN2_THETA12,
                         sin2_theta13=c.PDG_SIN2_THETA13,
                         dm2_21_eV2=c.PDG_DM2_21_EV2) -> np.ndarray:
    """Probabilities (P_1, P_2, P_3) that a solar nu_e arrives (by day) as mass state 1, 2, 3:
    c_13^2 cos^2 theta_m, c_13^2 sin^2 theta_m, s_13^2, averaged over production; shape
    E.shape + (3,)."""
    checked_choice("source", source, SOLAR_FLUXES_CM2_S)
    E = as_checked_array("E_MeV", E_MeV, low=0.0, low_inclusive=False)
    _checked_mixing(sin2_theta12, sin2_theta13, dm2_21_eV2)
    n_e, weights = production_weights(source)
    cos_m = cos_2theta_matter(E[..., None], n_e, sin2_theta12, sin2_theta13, dm2_21_eV2) @ weights
    c13_2 = 1.0 - sin2_theta13
    return np.stack([c13_2 * 0.5 * (1.0 + cos_m), c13_2 * 0.5 * (1.0 - cos_m),
                     np.full_like(cos_m, sin2_theta13)], axis=-1)


def solar_effective_moment(mu_matrix, E_MeV, source: str = "pp", eps_matrix=None,
                           **mixing) -> np.ndarray:
    """mu_eff of solar neutrinos in mu_B: they arrive as an incoherent mixture of mass states,
    so mu_eff^2 = sum_i P_i sum_j |mu_ji - i eps_ji|^2 (J. F. Beacom & P. Vogel, PRL 83,
    5222 (1999); Giunti & Studenikin, RMP 87, 531 (2015), Sec. VII.C).  For a flavour-
    universal diagonal moment (mu_ij = mu delta_ij) mu_eff = mu."""
    moments = np.asarray(mu_matrix, dtype=complex)
    if moments.shape != (3, 3) or not np.all(np.isfinite(moments)):
        raise ValueError("mu_matrix must be a finite 3x3 matrix in the mass basis (mu_B)")
    if eps_matrix is not None:
        moments = moments - 1j * np.asarray(eps_matrix, dtype=complex)
    column_norms = np.sum(np.abs(moments) ** 2, axis=0)  # sum_j |mu_ji|^2 for each i
    fractions = mass_state_fractions(E_MeV, source, **mixing)
    return np.sqrt(fractions @ column_norms)


@lru_cache(maxsize=64)
def oscillated_solar_source(name: str, mode: str = "day_night",
                            mixing: tuple[float, float, float] = (
                                c.PDG_SIN2_THETA12, c.PDG_SIN2_THETA13, c.PDG_DM2_21_EV2)
                            ) -> tuple[NeutrinoSource, NeutrinoSource]:
    """The unit-normalised spectrum of a solar source ("pp", ..., "CNO", "all") split into the
    part arriving as nu_e, phi P_ee, and the part arriving as nu_mu or nu_tau, phi (1 - P_ee);
    each component with its own production region.  The two add up to ``solar_source(name)``."""
    checked_choice("mode", mode, OSCILLATION_MODES)
    names = components(name)
    total = solar_flux_cm2_s(name)
    survived, converted = [], []
    for component in names:
        source = component_source(component)
        weight = SOLAR_FLUXES_CM2_S[component] / total
        energies = np.concatenate([source.grid_MeV, [e for e, _ in source.lines]])
        P = solar_survival_probability(np.maximum(energies, 1e-9), component, mode, *mixing)
        n_grid = len(source.grid_MeV)
        P_grid, P_lines = P[:n_grid], P[n_grid:]
        for P_part, bucket in ((P_grid, survived), (1.0 - P_grid, converted)):
            part = NeutrinoSource(source.name, source.grid_MeV, source.density_per_MeV * P_part)
            bucket.append((part, weight))
        survived.append((NeutrinoSource(source.name, np.empty(0), np.empty(0), tuple(
            (e, f * p) for (e, f), p in zip(source.lines, P_lines))), weight))
        converted.append((NeutrinoSource(source.name, np.empty(0), np.empty(0), tuple(
            (e, f * (1.0 - p)) for (e, f), p in zip(source.lines, P_lines))), weight))
    return (mixture(f"solar {name} nu_e", survived), mixture(f"solar {name} nu_mu,tau", converted))
