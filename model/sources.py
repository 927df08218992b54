"""Neutrino sources as normalised energy spectra, and their flux moments for folding.

A :class:`NeutrinoSource` is a continuous spectrum on an energy grid plus monoenergetic
lines, normalised to one neutrino in total; a flux in cm^-2 s^-1 scales it.  Because every
nu-e cross-section term is a polynomial in 1/E at fixed recoil T (``electron_scattering``),
folding needs only the moments M_k(E_min) = int_{E_min} phi(E) E^-k dE, k = 0, 1, 2, which
are tabulated once per source by cumulative integration on a fine logarithmic grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import constants as c

MOMENT_ORDERS = 3


def allowed_beta_spectrum(E_MeV, endpoint_MeV: float, Z_daughter: int, positron: bool = False):
    """Unnormalised (anti)neutrino spectrum of an allowed beta decay, as a function of E_nu.

    dN/dE_nu ~ E_nu^2 p_e W_e F(Z, W_e), with W_e = endpoint - E_nu + m_e the total lepton
    energy and F the non-relativistic Fermi function 2 pi eta/(1 - exp(-2 pi eta)),
    eta = +-Z alpha W/p (minus for positron emission).  Standard allowed shape (e.g. Bahcall,
    "Neutrino Astrophysics", CUP 1989, ch. 6); the non-relativistic Fermi function is an
    approximation for heavy daughters, adequate for the spectral shapes used here.
    """
    E = np.asarray(E_MeV, dtype=float)
    kinetic = endpoint_MeV - E
    allowed = (kinetic > 0) & (E > 0)
    W = np.where(allowed, kinetic, 0.0) + c.ELECTRON_MASS_MEV
    p = np.sqrt(np.maximum(W**2 - c.ELECTRON_MASS_MEV**2, 0.0))
    sign = -1.0 if positron else 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        two_pi_eta = 2.0 * math.pi * sign * Z_daughter * c.ALPHA * W / p
        fermi = np.where(p > 0, two_pi_eta / -np.expm1(-two_pi_eta), 0.0)
    return np.where(allowed, E**2 * p * W * fermi, 0.0)


@dataclass(frozen=True)
class NeutrinoSource:
    """A spectrum normalised to unit total: continuum density (per MeV) on a grid plus lines.

    ``grid_MeV``/``density_per_MeV``: the continuous part; ``lines``: (energy_MeV, fraction)
    pairs.  Continuum integral plus line fractions equals 1.
    """

    name: str
    grid_MeV: np.ndarray = field(repr=False)
    density_per_MeV: np.ndarray = field(repr=False)
    lines: tuple[tuple[float, float], ...] = ()

    @property
    def max_energy_MeV(self) -> float:
        energies = [e for e, _ in self.lines]
        positive = np.nonzero(self.density_per_MeV > 0)[0]
        if len(positive):
            # The density vanishes at the first grid point after the last positive one.
            energies.append(float(self.grid_MeV[min(positive[-1] + 1, len(self.grid_MeV) - 1)]))
        return max(energies)

    @cached_property
    def _cumulative_moments(self) -> np.ndarray:
        """C_k(E_i) = int_{E_i}^{E_max} phi E^-k dE at each grid point, shape (3, n)."""
        E = self.grid_MeV
        table = np.zeros((MOMENT_ORDERS, len(E)))
        for k in range(MOMENT_ORDERS):
            integrand = self.density_per_MeV * E ** (-k)
            segments = 0.5 * (integrand[1:] + integrand[:-1]) * np.diff(E)
            table[k, :-1] = np.cumsum(segments[::-1])[::-1]
        return table

    def moments(self, E_min_MeV) -> np.ndarray:
        """M_k(E_min) = int_{E >= E_min} phi(E) E^-k dE for k = 0, 1, 2; shape (3,) + E_min.shape."""
        E_min = np.asarray(E_min_MeV, dtype=float)
        result = np.zeros((MOMENT_ORDERS,) + E_min.shape)
        if len(self.grid_MeV):
            log_grid = np.log(self.grid_MeV)
            log_E_min = np.log(np.clip(E_min, self.grid_MeV[0], self.grid_MeV[-1]))
            for k in range(MOMENT_ORDERS):
                result[k] = np.interp(log_E_min, log_grid, self._cumulative_moments[k])
        for energy, fraction in self.lines:
            reached = E_min <= energy
            for k in range(MOMENT_ORDERS):
                result[k] += np.where(reached, fraction * energy ** (-k), 0.0)
        return result

    def density(self, E_MeV) -> np.ndarray:
        """Continuum density per MeV at E (lines are not included)."""
        return np.interp(E_MeV, self.grid_MeV, self.density_per_MeV, left=0.0, right=0.0)


def continuum_source(name: str, grid_MeV, unnormalised_density) -> NeutrinoSource:
    """Normalise a tabulated spectrum to unit integral (trapezoid rule on its own grid)."""
    grid = np.asarray(grid_MeV, dtype=float)
    density = np.asarray(unnormalised_density, dtype=float)
    total = np.trapezoid(density, grid)
    return NeutrinoSource(name, grid, density / total)


def line_source(name: str, lines) -> NeutrinoSource:
    """Monoenergetic lines [(energy_MeV, fraction), ...]; fractions are renormalised to 1."""
    total = sum(fraction for _, fraction in lines)
    normalised = tuple((float(e), float(f) / total) for e, f in lines)
    return NeutrinoSource(name, np.empty(0), np.empty(0), normalised)
