"""Reactor antineutrino spectrum and flux (REFERENCE.md section 1).

Above ``JOIN_ENERGY_MEV`` = 2 MeV: the Huber-Mueller model, dN/dE = exp(sum_k a_k E^k) per
fission, Huber (PRC 84, 024617 (2011), Table III) for U-235, Pu-239, Pu-241 and Mueller et
al. (PRC 83, 054615 (2011), Table VI) for U-238, whose fits cover about 2-8 MeV.

Below 2 MeV (documented low-energy extension; the conversion fits must not be trusted
there):
* fission products: the Vogel & Engel (PRD 39, 3378 (1989)) shape of each isotope, scaled
  to join its Huber-Mueller value continuously at 2 MeV;
* neutron capture on U-238: U-239 (beta endpoint ~1.26 MeV) and Np-239 (~0.72 MeV), one
  antineutrino each, ~0.6 captures per fission, allowed beta shapes (REFERENCE.md 1d, [R]:
  ~1.2 antineutrinos/fission below 1.3 MeV; Kopeikin, Phys. At. Nucl. 75, 143 (2012)).

Flux normalisation.  Experiments quote the *total* flux, all energies, which implies
7.15-7.4 antineutrinos per fission (REFERENCE.md 1g: GEMMA, TEXONO, CONUS, Dresden-II,
CONUS+).  A flux given from thermal power and distance therefore uses
``ANTINEUTRINOS_PER_FISSION_QUOTED`` = 7.2 with the energy per fission of the fuel mix; the
spectral *shape* is this module's, normalised to that total.  Its own integral
(:func:`antineutrinos_per_fission`, ~6.5) is lower, as the unverified Kopeikin table's 6.67
is (REFERENCE.md 1d): the shape below 1 MeV is the least certain part of the model.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from . import constants as c
from .sources import NeutrinoSource, allowed_beta_spectrum, continuum_source
from .validation import as_checked_array, checked_choice

ISOTOPES = ("U235", "U238", "Pu239", "Pu241")

HUBER_MUELLER_COEFFICIENTS = {
    # Huber 2011 Table III
    "U235": (4.367, -4.577, 2.100, -5.294e-1, 6.186e-2, -2.777e-3),
    "Pu239": (4.757, -5.392, 2.563, -6.596e-1, 7.820e-2, -3.536e-3),
    "Pu241": (2.990, -2.882, 1.278, -3.343e-1, 3.905e-2, -1.754e-3),
    # Mueller 2011 Table VI (Huber gives no U-238 fit)
    "U238": (4.833e-1, 1.927e-1, -1.283e-1, -6.762e-3, 2.233e-3, -1.536e-4),
}

VOGEL_ENGEL_COEFFICIENTS = {  # Vogel & Engel 1989: exp(a0 + a1 E + a2 E^2)
    "U235": (0.870, -0.160, -0.0910),
    "U238": (0.976, -0.162, -0.0790),
    "Pu239": (0.896, -0.239, -0.0981),
    "Pu241": (0.793, -0.080, -0.1085),
}

ENERGY_PER_FISSION_MEV = {  # Ma et al., PRC 88, 014605 (2013)
    "U235": 202.36, "U238": 205.99, "Pu239": 211.12, "Pu241": 214.26,
}

FISSION_FRACTIONS = {
    # Baldoncini et al., PRD 91, 065002 (2015), LEU/PWR mid-cycle
    "PWR mid-cycle (Baldoncini 2015)": {"U235": 0.56, "U238": 0.08, "Pu239": 0.30, "Pu241": 0.06},
    # Kopeikin et al., Phys. At. Nucl. 67, 1892 (2004)
    "Kopeikin 2004": {"U235": 0.59, "U238": 0.07, "Pu239": 0.29, "Pu241": 0.05},
    # Bernstein et al. 2010, beginning of cycle
    "Beginning of cycle (Bernstein 2010)": {"U235": 0.763, "U238": 0.0476, "Pu239": 0.162,
                                            "Pu241": 0.027},
    "Pure U-235": {"U235": 1.0, "U238": 0.0, "Pu239": 0.0, "Pu241": 0.0},
}
DEFAULT_FUEL = "PWR mid-cycle (Baldoncini 2015)"

JOIN_ENERGY_MEV = 2.0
MAX_ENERGY_MEV = 10.0
CAPTURES_PER_FISSION = 0.6            # U-238(n, gamma), REFERENCE.md 1d [R]
U239_ENDPOINT_MEV = 1.26              # REFERENCE.md 1d [R]
NP239_ENDPOINT_MEV = 0.72             # REFERENCE.md 1d [R]
ANTINEUTRINOS_PER_FISSION_QUOTED = 7.2  # REFERENCE.md 1g: quoted fluxes imply 7.15-7.4
# Domain of flux_from_power, that of the classes' thermal_power_GW and distance_m parameters:
# outside it P / (4 pi L^2) overflowed (ZeroDivisionError, OverflowError, inf; found by fuzzing).
MAX_THERMAL_POWER_GW = 100.0
MIN_DISTANCE_M = 1.0
MAX_DISTANCE_M = 1e6
MAX_PER_FISSION = 100.0


def _polynomial_exponential(coefficients, E):
    return np.exp(np.polynomial.polynomial.polyval(E, coefficients))


def _normalised_beta(E, endpoint_MeV, Z_daughter):
    grid = np.linspace(0.0, endpoint_MeV, 2001)
    norm = np.trapezoid(allowed_beta_spectrum(grid, endpoint_MeV, Z_daughter), grid)
    return allowed_beta_spectrum(E, endpoint_MeV, Z_daughter) / norm


def isotope_spectrum(E_MeV, isotope: str):
    """Antineutrinos per MeV per fission of one isotope, low-energy extension included."""
    checked_choice("isotope", isotope, ISOTOPES)
    E = np.asarray(E_MeV, dtype=float)
    huber_mueller = _polynomial_exponential(HUBER_MUELLER_COEFFICIENTS[isotope], E)
    vogel_engel = _polynomial_exponential(VOGEL_ENGEL_COEFFICIENTS[isotope], E)
    join_scale = (_polynomial_exponential(HUBER_MUELLER_COEFFICIENTS[isotope], JOIN_ENERGY_MEV)
                  / _polynomial_exponential(VOGEL_ENGEL_COEFFICIENTS[isotope], JOIN_ENERGY_MEV))
    spectrum = np.where(E >= JOIN_ENERGY_MEV, huber_mueller, join_scale * vogel_engel)
    return np.where((E > 0) & (E <= MAX_ENERGY_MEV), spectrum, 0.0)


def capture_spectrum(E_MeV):
    """Antineutrinos per MeV per fission from U-238 neutron capture (U-239 and Np-239 decays)."""
    E = np.asarray(E_MeV, dtype=float)
    return CAPTURES_PER_FISSION * (_normalised_beta(E, U239_ENDPOINT_MEV, 93)
                                   + _normalised_beta(E, NP239_ENDPOINT_MEV, 94))


def _fractions(fuel: str) -> dict[str, float]:
    return FISSION_FRACTIONS[checked_choice("fuel", fuel, FISSION_FRACTIONS)]


def reactor_spectrum(E_MeV, fuel: str = DEFAULT_FUEL):
    """Antineutrinos per MeV per fission for a fuel mix (default: PWR mid-cycle).

    Huber-Mueller above 2 MeV, Vogel-Engel shapes plus U-238 capture below (module docstring).
    """
    E = as_checked_array("E_MeV", E_MeV, low=0.0)
    fractions = _fractions(fuel)
    total = sum(f * isotope_spectrum(E, iso) for iso, f in fractions.items())
    return total + capture_spectrum(E)


def mean_energy_per_fission_MeV(fuel: str = DEFAULT_FUEL) -> float:
    """Fission-fraction-weighted energy release per fission (Ma et al. 2013), MeV."""
    return sum(f * ENERGY_PER_FISSION_MEV[iso] for iso, f in _fractions(fuel).items())


def antineutrinos_per_fission(fuel: str = DEFAULT_FUEL, E_min_MeV: float = 0.0,
                              E_max_MeV: float = MAX_ENERGY_MEV) -> float:
    """Integral of :func:`reactor_spectrum` between two energies (antineutrinos per fission)."""
    grid = np.linspace(max(E_min_MeV, 1e-6), E_max_MeV, 20001)
    return float(np.trapezoid(reactor_spectrum(grid, fuel), grid))


def flux_from_power(thermal_power_GW: float, distance_m: float, fuel: str = DEFAULT_FUEL,
                    per_fission: float = ANTINEUTRINOS_PER_FISSION_QUOTED) -> float:
    """Total antineutrino flux in cm^-2 s^-1: P/(4 pi L^2) * N_nu / <energy per fission>.

    REFERENCE.md 1g.  ``per_fission`` is the total number of antineutrinos per fission, by
    default the 7.2 implied by the fluxes experiments quote (3 GW at 13.9 m gives 2.7e13).
    Domain: thermal_power_GW in (0, 100], distance_m in [1, 1e6], per_fission in (0, 100].
    """
    as_checked_array("thermal_power_GW", thermal_power_GW, low=0.0, low_inclusive=False,
                     high=MAX_THERMAL_POWER_GW)
    as_checked_array("distance_m", distance_m, low=MIN_DISTANCE_M, high=MAX_DISTANCE_M)
    as_checked_array("per_fission", per_fission, low=0.0, low_inclusive=False, high=MAX_PER_FISSION)
    fissions_per_s = thermal_power_GW * 1e9 / (mean_energy_per_fission_MeV(fuel) * c.JOULE_PER_MEV)
    area_cm2 = 4.0 * math.pi * (distance_m * c.CM_PER_M) ** 2
    return fissions_per_s * per_fission / area_cm2


@lru_cache(maxsize=16)
def reactor_source(fuel: str = DEFAULT_FUEL) -> NeutrinoSource:
    """The reactor spectrum of a fuel mix as a unit-normalised :class:`NeutrinoSource`."""
    grid = np.geomspace(1e-4, MAX_ENERGY_MEV, 6000)
    # Put grid points on both sides of the join and the beta end points, where the shape kinks.
    kinks = [JOIN_ENERGY_MEV, U239_ENDPOINT_MEV, NP239_ENDPOINT_MEV]
    grid = np.unique(np.concatenate([grid, kinks, np.nextafter(kinks, 0)]))
    return continuum_source(f"reactor ({fuel})", grid, reactor_spectrum(grid, fuel))
