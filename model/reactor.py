"""Reactor antineutrino spectrum and flux: one absolute spectrum per fission, one normalisation.

The spectrum (antineutrinos per MeV per fission, :func:`reactor_spectrum`) is absolute:

* above ``JOIN_ENERGY_MEV`` = 2 MeV the Huber-Mueller model, dN/dE = exp(sum_k a_k E^k),
  Huber (Phys. Rev. C 84, 024617 (2011), arXiv:1106.0687 [huber_2011], Table III) for U-235,
  Pu-239, Pu-241 and Mueller et al. (Phys. Rev. C 83, 054615 (2011), arXiv:1101.2663
  [mueller_2011], Table VI) for U-238; the fits cover about 2-8 MeV and are continued to
  ``MAX_ENERGY_MEV`` (the 8-10 MeV part is 0.03% of the flux above 2 MeV);
* below 2 MeV, where the conversion fits must not be used, a documented extension:
  fission products follow the Vogel & Engel shape of each isotope (Phys. Rev. D 39, 3378
  (1989) [vogel_engel_1989]) scaled to join its Huber-Mueller value continuously at 2 MeV,
  and neutron capture on U-238 adds U-239 (beta end point ~1.26 MeV) and Np-239 (~0.72 MeV),
  one antineutrino each, ``CAPTURES_PER_FISSION`` ~0.6 captures per fission, allowed beta
  shapes (Kopeikin, Phys. At. Nucl. 75, 143 (2012) [kopeikin_2012]; the capture numbers are
  recalled values, not re-checked).

For the default PWR mix this integrates to 6.72 antineutrinos per fission
(:func:`antineutrinos_per_fission`), 1.60 of them above 2 MeV.  The part below 2 MeV is the
least certain of the model: summation spectra carry ~6 per fission from the fission products
alone, and the totals experiments quote imply 7.15-7.4 per fission with the energy per
fission used here (GEMMA 2.7e13 cm^-2 s^-1 at 3 GW and 13.9 m is 7.21), so this extension is
probably ~7% low below 2 MeV.  It matters for nu-e recoils from low-energy antineutrinos only.

Flux normalisation (one convention for every caller):

* from thermal power and distance, :func:`flux_from_power` is
  Phi = P / (4 pi L^2) * N / <energy per fission>, with N the integral of this spectrum
  (fission energies: Ma et al., Phys. Rev. C 88, 014605 (2013), arXiv:1212.6625 [ma_2013]).
  The flux above 2 MeV is then the Huber-Mueller flux itself;
* a total flux given by the user (an experiment's quoted value) rescales the whole spectrum
  shape, :func:`reactor_source` being normalised to one antineutrino.  A quoted total
  computed with 7.2 per fission therefore puts 7.2/6.72 = 1.07 times the Huber-Mueller flux
  above 2 MeV: give the power and distance instead when the high-energy part matters
  (CEvNS, recoils above ~1 MeV).
``ANTINEUTRINOS_PER_FISSION_QUOTED`` (7.2) is kept for reproducing a quoted flux
(``flux_from_power(P, L, per_fission=ANTINEUTRINOS_PER_FISSION_QUOTED)``).
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
    # Huber, PRC 84, 024617 (2011) [huber_2011], Table III
    "U235": (4.367, -4.577, 2.100, -5.294e-1, 6.186e-2, -2.777e-3),
    "Pu239": (4.757, -5.392, 2.563, -6.596e-1, 7.820e-2, -3.536e-3),
    "Pu241": (2.990, -2.882, 1.278, -3.343e-1, 3.905e-2, -1.754e-3),
    # Mueller et al., PRC 83, 054615 (2011) [mueller_2011], Table VI (Huber gives no U-238 fit)
    "U238": (4.833e-1, 1.927e-1, -1.283e-1, -6.762e-3, 2.233e-3, -1.536e-4),
}

VOGEL_ENGEL_COEFFICIENTS = {  # Vogel & Engel, PRD 39, 3378 (1989): exp(a0 + a1 E + a2 E^2)
    "U235": (0.870, -0.160, -0.0910),
    "U238": (0.976, -0.162, -0.0790),
    "Pu239": (0.896, -0.239, -0.0981),
    "Pu241": (0.793, -0.080, -0.1085),
}

ENERGY_PER_FISSION_MEV = {  # Ma et al., PRC 88, 014605 (2013) [ma_2013]
    "U235": 202.36, "U238": 205.99, "Pu239": 211.12, "Pu241": 214.26,
}

FISSION_FRACTIONS = {
    # Baldoncini et al., PRD 91, 065002 (2015) [baldoncini_2015], LEU/PWR mid-cycle
    "PWR mid-cycle (Baldoncini 2015)": {"U235": 0.56, "U238": 0.08, "Pu239": 0.30, "Pu241": 0.06},
    # Kopeikin, Mikaelyan & Sinev, Phys. At. Nucl. 67, 1892 (2004) [kopeikin_2004]
    "Kopeikin 2004": {"U235": 0.59, "U238": 0.07, "Pu239": 0.29, "Pu241": 0.05},
    # Bernstein et al., Sci. Glob. Secur. 18, 127 (2010) [bernstein_2010], beginning of cycle
    "Beginning of cycle (Bernstein 2010)": {"U235": 0.763, "U238": 0.0476, "Pu239": 0.162,
                                            "Pu241": 0.027},
    "Pure U-235": {"U235": 1.0, "U238": 0.0, "Pu239": 0.0, "Pu241": 0.0},
}
DEFAULT_FUEL = "PWR mid-cycle (Baldoncini 2015)"

JOIN_ENERGY_MEV = 2.0
MAX_ENERGY_MEV = 10.0
CAPTURES_PER_FISSION = 0.6            # U-238(n, gamma) per fission [kopeikin_2012], recalled
U239_ENDPOINT_MEV = 1.26              # beta end points of the capture chain, recalled
NP239_ENDPOINT_MEV = 0.72
ANTINEUTRINOS_PER_FISSION_QUOTED = 7.2
"""Antineutrinos per fission implied by the total fluxes experiments quote (7.15-7.4 for
GEMMA, TEXONO, CONUS, Dresden-II, CONUS+ with this module's energies per fission); not the
default of :func:`flux_from_power` (module docstring)."""
# Domain of flux_from_power, that of the classes' thermal_power_GW and distance_m parameters:
# outside it P / (4 pi L^2) overflowed (ZeroDivisionError, OverflowError, inf; found by fuzzing).
MAX_THERMAL_POWER_GW = 100.0
MIN_DISTANCE_M = 1.0
MAX_DISTANCE_M = 1e6
MAX_PER_FISSION = 100.0
MAX_FLUX_CM2_S = 1e18
"""The one upper bound for a total reactor flux (cm^-2 s^-1) across the models: above the
1.6e17 that flux_from_power gives at its extremes (100 GW at 1 m), so that every flux it
returns is accepted where a flux is a parameter."""


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

    Absolute: Huber-Mueller above 2 MeV, Vogel-Engel shapes plus U-238 capture below
    (module docstring).
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
    if (E_min_MeV, E_max_MeV) == (0.0, MAX_ENERGY_MEV):
        return _total_per_fission(checked_choice("fuel", fuel, FISSION_FRACTIONS))
    return _integral_per_fission(fuel, E_min_MeV, E_max_MeV)


def _integral_per_fission(fuel: str, E_min_MeV: float, E_max_MeV: float) -> float:
    # The spectrum kinks at the join and the beta end points: put grid points on them.
    kinks = [k for k in (NP239_ENDPOINT_MEV, U239_ENDPOINT_MEV, JOIN_ENERGY_MEV)
             if E_min_MeV < k < E_max_MeV]
    grid = np.unique(np.concatenate([np.linspace(max(E_min_MeV, 1e-6), E_max_MeV, 20001), kinks]))
    return float(np.trapezoid(reactor_spectrum(grid, fuel), grid))


@lru_cache(maxsize=16)
def _total_per_fission(fuel: str) -> float:
    return _integral_per_fission(fuel, 0.0, MAX_ENERGY_MEV)


def fissions_per_second(thermal_power_GW: float, fuel: str = DEFAULT_FUEL) -> float:
    """Fission rate P / <energy per fission> of a core of thermal power P (GW), s^-1."""
    as_checked_array("thermal_power_GW", thermal_power_GW, low=0.0, low_inclusive=False,
                     high=MAX_THERMAL_POWER_GW)
    return thermal_power_GW * 1e9 / (mean_energy_per_fission_MeV(fuel) * c.JOULE_PER_MEV)


PER_FISSION_FROM_SPECTRUM = "spectrum"
"""The default of ``flux_from_power(per_fission=...)``: the integral of the absolute spectrum."""


def flux_from_power(thermal_power_GW: float, distance_m: float, fuel: str = DEFAULT_FUEL,
                    per_fission: float | str = PER_FISSION_FROM_SPECTRUM) -> float:
    """Total antineutrino flux in cm^-2 s^-1: P/(4 pi L^2) * N / <energy per fission>.

    ``per_fission`` (N) defaults (``"spectrum"``) to the integral of this module's absolute spectrum
    (:func:`antineutrinos_per_fission`, 6.72 for the default fuel), so that the flux above
    2 MeV is the Huber-Mueller flux: 3 GW at 13.9 m gives 2.52e13 in total and 5.99e12 above
    2 MeV.  Pass ``per_fission=ANTINEUTRINOS_PER_FISSION_QUOTED`` (7.2) to reproduce the
    total flux an experiment quotes (2.7e13 for GEMMA), which the spectrum shape then
    distributes (module docstring).
    Domain: thermal_power_GW in (0, 100], distance_m in [1, 1e6], per_fission in (0, 100].
    """
    as_checked_array("distance_m", distance_m, low=MIN_DISTANCE_M, high=MAX_DISTANCE_M)
    if isinstance(per_fission, str) and per_fission == PER_FISSION_FROM_SPECTRUM:
        per_fission = antineutrinos_per_fission(fuel)
    as_checked_array("per_fission", per_fission, low=0.0, low_inclusive=False, high=MAX_PER_FISSION)
    area_cm2 = 4.0 * math.pi * (distance_m * c.CM_PER_M) ** 2
    return fissions_per_second(thermal_power_GW, fuel) * per_fission / area_cm2


def spectral_flux_from_power(E_MeV, thermal_power_GW: float, distance_m: float,
                             fuel: str = DEFAULT_FUEL):
    """dPhi/dE in cm^-2 s^-1 MeV^-1 at energies ``E_MeV``: the absolute spectrum per fission
    times the fission rate over 4 pi L^2 (integrates to :func:`flux_from_power`)."""
    as_checked_array("distance_m", distance_m, low=MIN_DISTANCE_M, high=MAX_DISTANCE_M)
    area_cm2 = 4.0 * math.pi * (distance_m * c.CM_PER_M) ** 2
    return fissions_per_second(thermal_power_GW, fuel) / area_cm2 * reactor_spectrum(E_MeV, fuel)


@lru_cache(maxsize=16)
def reactor_source(fuel: str = DEFAULT_FUEL) -> NeutrinoSource:
    """The reactor spectrum of a fuel mix as a unit-normalised :class:`NeutrinoSource`: the
    shape that a total flux (given or from :func:`flux_from_power`) multiplies."""
    grid = np.geomspace(1e-4, MAX_ENERGY_MEV, 6000)
    # Put grid points on both sides of the join and the beta end points, where the shape kinks.
    kinks = [JOIN_ENERGY_MEV, U239_ENDPOINT_MEV, NP239_ENDPOINT_MEV]
    grid = np.unique(np.concatenate([grid, kinks, np.nextafter(kinks, 0)]))
    return continuum_source(f"reactor ({fuel})", grid, reactor_spectrum(grid, fuel))
