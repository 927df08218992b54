"""Stepping approximation and target bookkeeping (REFERENCE.md section 2; seed 000)."""

import numpy as np
import pytest

from model import ATOMS, active_electrons
from model import constants as c

# REFERENCE.md section 2, "Active-electron fraction from column A" for Ge [C]
GE_ACTIVE_FRACTION = [(0.010, 2), (0.030, 4), (0.100, 14), (0.150, 20), (0.500, 22),
                      (1.3, 28), (2.0, 30), (5.0, 30), (11.0, 30), (11.2, 32), (100.0, 32)]


@pytest.mark.parametrize("T_keV, active", GE_ACTIVE_FRACTION)
def test_germanium_active_electrons_step_at_subshell_energies(T_keV, active):
    assert active_electrons(T_keV, "Ge") == active


@pytest.mark.parametrize("symbol", ["Ge", "Si", "Xe"])
def test_steps_are_at_the_binding_energies_and_reach_Z(symbol):
    element = ATOMS[symbol]
    for energy, occupation in zip(element.binding_energies_keV, element.occupations):
        below = active_electrons(energy * (1 - 1e-9), symbol)
        at = active_electrons(energy, symbol)
        same_energy = sum(n for b, n in zip(element.binding_energies_keV, element.occupations)
                          if b == energy)
        assert at - below == same_energy >= occupation
    assert active_electrons(1e4 + element.binding_energies_keV[0], symbol) == element.Z
    assert active_electrons(1e-3, symbol) == 0
    assert np.all(np.diff(active_electrons(np.geomspace(1e-3, 100, 500), symbol)) >= 0)


def test_targets_per_kg():
    # Ge: N_A * 1000 g / 72.630 g/mol = 8.2916e24 atoms/kg; 32 electrons each.
    ge = ATOMS["Ge"]
    assert ge.atoms_per_kg == pytest.approx(c.AVOGADRO_PER_MOL * 1000 / 72.630, rel=1e-12)
    assert ge.atoms_per_kg == pytest.approx(8.2916e24, rel=1e-4)
    assert ge.electrons_per_kg == pytest.approx(2.6533e26, rel=1e-4)
    assert ATOMS["Xe"].electrons_per_kg == pytest.approx(54 * 6.02214076e26 / 131.293, rel=1e-12)


def test_unknown_target_is_rejected():
    with pytest.raises(ValueError, match="target"):
        active_electrons(1.0, "Pb")
