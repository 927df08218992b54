"""Solar neutrino sources: the pp chain and CNO cycle spectra and fluxes of a standard solar model.

Fluxes at Earth, cm^-2 s^-1: standard solar model B16-GS98, N. Vinyoles, A. M. Serenelli,
F. L. Villante et al., ApJ 835, 202 (2017), arXiv:1611.09867, Table 6:

    pp 5.98e10, pep 1.44e8, hep 7.98e3, 7Be 4.93e9, 8B 5.46e6, 13N 2.78e8, 15O 2.05e8,
    17F 5.28e6.

Spectral shapes (``model/data/solar_spectra.csv``): pp and hep, J. N. Bahcall, PRC 56, 3391
(1997); 13N, 15O, 17F, J. N. Bahcall & R. K. Ulrich, RMP 60, 297 (1988); 8B, W. T. Winter et
al., PRC 73, 025503 (2006).  Lines: 7Be electron capture 861.8 keV (89.7%) and 384.3 keV
(10.3%), pep 1.442 MeV (J. N. Bahcall, "Neutrino Astrophysics", CUP 1989, Table 6.3); their
~1 keV thermal widths are neglected.

The neutrinos are produced as nu_e.  This module gives the produced spectra;
:mod:`model.solar_oscillation` splits them into the nu_e that survive and the nu_mu + nu_tau
that arrive instead (``oscillated_solar_source``).  ``solar_source("CNO")`` and
``solar_source("all")`` are the flux-weighted sums of their components, normalised to one
neutrino in total as every :class:`~model.sources.NeutrinoSource`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .sources import NeutrinoSource, continuum_source, line_source
from .validation import checked_choice

DATA = Path(__file__).resolve().parent / "data"
SPECTRA_TABLE = DATA / "solar_spectra.csv"

SOLAR_FLUXES_CM2_S = {
    "pp": 5.98e10, "pep": 1.44e8, "hep": 7.98e3, "7Be": 4.93e9, "8B": 5.46e6,
    "13N": 2.78e8, "15O": 2.05e8, "17F": 5.28e6,
}
"""B16-GS98 fluxes at Earth (Vinyoles et al. 2017, Table 6)."""
SOLAR_COMPONENTS = tuple(SOLAR_FLUXES_CM2_S)
COMPOSITES = {"CNO": ("13N", "15O", "17F"), "all": SOLAR_COMPONENTS}
SOLAR_SOURCES = (*SOLAR_COMPONENTS, *COMPOSITES)
"""Names accepted by ``solar_source`` (components and the sums "CNO" and "all")."""

PP_FLUX_CM2_S = SOLAR_FLUXES_CM2_S["pp"]
BE7_FLUX_CM2_S = SOLAR_FLUXES_CM2_S["7Be"]
PP_ENDPOINT_MEV = 0.42341
BE7_LINES = ((0.8618, 0.897), (0.3843, 0.103))
PEP_LINE_MEV = 1.442
MIN_TABLE_ENERGY_MEV = 1e-6
LINES = {"7Be": BE7_LINES, "pep": ((PEP_LINE_MEV, 1.0),)}


@lru_cache(maxsize=1)
def _spectra_table() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(E_MeV, unnormalised density) of each tabulated continuum."""
    table = pd.read_csv(SPECTRA_TABLE, comment="#")
    # The tables start at (0, 0): move that point to 1 eV, where the moments' E^-k and the
    # logarithmic interpolation stay finite (the density there is zero either way).
    return {name: (np.maximum(rows["E_MeV"].to_numpy(float), MIN_TABLE_ENERGY_MEV),
                   rows["density"].to_numpy(float))
            for name, rows in table.groupby("source")}


@lru_cache(maxsize=16)  # one entry per name of SOLAR_COMPONENTS
def component_source(name: str) -> NeutrinoSource:
    """The unit-normalised spectrum of one solar source (a continuum or lines)."""
    checked_choice("name", name, SOLAR_COMPONENTS)
    if name in LINES:
        return line_source(f"solar {name}", LINES[name])
    E, density = _spectra_table()[name]
    # The same piecewise-linear density on a finer grid (the table's points plus 3000 log-
    # spaced ones): the flux moments are interpolated between grid points, and near the end
    # point, where the cross sections' terms cancel, the table's ~5 keV steps were too coarse.
    fine = np.unique(np.concatenate([E, np.geomspace(E[-1] * 1e-4, E[-1], 3000)]))
    return continuum_source(f"solar {name}", fine, np.interp(fine, E, density))


def solar_flux_cm2_s(name: str) -> float:
    """Total flux at Earth of a source or a sum of sources (B16-GS98)."""
    checked_choice("name", name, SOLAR_SOURCES)
    return float(sum(SOLAR_FLUXES_CM2_S[c] for c in COMPOSITES.get(name, (name,))))


def components(name: str) -> tuple[str, ...]:
    """The components of a solar source name ("CNO" -> 13N, 15O, 17F)."""
    checked_choice("name", name, SOLAR_SOURCES)
    return COMPOSITES.get(name, (name,))


def mixture(name: str, parts: list[tuple[NeutrinoSource, float]]) -> NeutrinoSource:
    """sum_j w_j phi_j of sources on one grid (the union of their grids, on which each
    piecewise-linear density is reproduced exactly), lines concatenated.  Not renormalised."""
    grids = [source.grid_MeV for source, _ in parts if len(source.grid_MeV)]
    grid = np.unique(np.concatenate(grids)) if grids else np.empty(0)
    density = np.zeros_like(grid)
    lines: list[tuple[float, float]] = []
    for source, weight in parts:
        if len(source.grid_MeV):
            density += weight * source.density(grid)
        lines += [(energy, weight * fraction) for energy, fraction in source.lines]
    return NeutrinoSource(name, grid, density, tuple(lines))


@lru_cache(maxsize=16)  # one entry per name of SOLAR_SOURCES
def solar_source(name: str) -> NeutrinoSource:
    """Unit-normalised spectrum of a solar source or of a flux-weighted sum ("CNO", "all")."""
    names = components(name)
    if len(names) == 1:
        return component_source(name)
    total = solar_flux_cm2_s(name)
    return mixture(f"solar {name}", [(component_source(c), SOLAR_FLUXES_CM2_S[c] / total)
                                     for c in names])


def pp_source() -> NeutrinoSource:
    """The pp continuum (Bahcall 1997 table), unit-normalised."""
    return component_source("pp")


def be7_source() -> NeutrinoSource:
    """The two 7Be lines, unit-normalised."""
    return component_source("7Be")
