"""Target atoms and the stepping approximation for atomic binding.

Stepping approximation (Kouzakov, Studenikin & Voloshin, PRD 83, 113001 (2011),
arXiv:1101.4878 [kouzakov_studenikin_voloshin_2011]; JETP Lett. 93, 623 (2011),
arXiv:1105.5543; as written in Kouzakov & Studenikin, J. Phys. Conf. Ser. 718 (2016),
arXiv:1603.02462 [kouzakov_studenikin_2016], Sec. 2, and Kouzakov, Studenikin & Voloshin,
J. Phys. Conf. Ser. 375, 042045 (2012) [kouzakov_studenikin_voloshin_2012]):

    dsigma/dT (atom) = sum_i n_i theta(T - B_i) * dsigma/dT (free electron),

with n_i the occupation and B_i the binding energy of subshell i.  It multiplies the
Standard-Model and magnetic-moment terms by the same factor, so their ratio is unchanged.

Subshell binding energies and occupations: free-atom values of T. A. Carlson,
"Photoelectron and Auger Spectroscopy" (Plenum, 1975), as tabulated in Geant4
``G4AtomicShells.cc`` [carlson_1975]: free-atom energies, the right step positions for the
outer shells; solid-state edges (X-ray Data Booklet) differ by a few eV there.  Standard atomic weights: IUPAC 2021 (Prohaska et al.,
Pure Appl. Chem. 94, 573 (2022)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import constants as c
from .validation import checked_choice


@dataclass(frozen=True)
class Atom:
    """A target element: nuclear charge, molar mass and its electron subshells."""

    symbol: str
    Z: int
    molar_mass_g_mol: float
    occupations: tuple[int, ...]
    binding_energies_eV: tuple[float, ...]

    def __post_init__(self):
        if sum(self.occupations) != self.Z:
            raise ValueError(f"{self.symbol}: occupations sum to {sum(self.occupations)}, not Z={self.Z}")

    @property
    def binding_energies_keV(self) -> np.ndarray:
        return np.asarray(self.binding_energies_eV) * 1e-3

    @property
    def atoms_per_kg(self) -> float:
        return c.AVOGADRO_PER_MOL * c.GRAMS_PER_KG / self.molar_mass_g_mol

    @property
    def electrons_per_kg(self) -> float:
        return self.Z * self.atoms_per_kg


# Subshells from K outwards; Carlson (1975) [carlson_1975] via Geant4 G4AtomicShells.
ATOMS: dict[str, Atom] = {
    "Ge": Atom("Ge", 32, 72.630,
               occupations=(2, 2, 2, 4, 2, 2, 4, 4, 6, 2, 2),
               binding_energies_eV=(11103.0, 1413.0, 1251.0, 1220.0, 184.0, 130.0, 125.0,
                                    33.0, 32.0, 14.3, 7.9)),
    "Si": Atom("Si", 14, 28.085,
               occupations=(2, 2, 2, 4, 2, 2),
               binding_energies_eV=(1844.0, 154.0, 104.0, 104.0, 13.46, 8.15)),
    "Xe": Atom("Xe", 54, 131.293,
               occupations=(2, 2, 2, 4, 2, 2, 4, 4, 6, 2, 2, 4, 4, 6, 2, 2, 4),
               binding_energies_eV=(34570.0, 5460.0, 5110.0, 4790.0, 1148.7, 1002.1, 940.6,
                                    689.0, 676.4, 213.2, 157.0, 145.5, 69.5, 67.5, 23.39,
                                    13.43, 12.13)),
}

TARGETS = tuple(ATOMS)


def atom(symbol: str) -> Atom:
    """The :class:`Atom` for a target symbol ("Ge", "Si", "Xe")."""
    return ATOMS[checked_choice("target", symbol, ATOMS)]


def active_electrons(T_keV, symbol: str) -> np.ndarray:
    """Number of electrons that can take a recoil energy T: sum_i n_i theta(T - B_i).

    This is the stepping-approximation factor per atom ([kouzakov_studenikin_voloshin_2011]).  It equals Z
    above the K-shell binding energy and falls in steps at each subshell energy below it.
    """
    target = atom(symbol)
    T = np.asarray(T_keV, dtype=float)
    open_shells = T[..., None] >= target.binding_energies_keV
    return open_shells @ np.asarray(target.occupations, dtype=float)
