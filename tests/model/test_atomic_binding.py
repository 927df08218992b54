"""Stepping approximation and target bookkeeping (docs/physics.md, Sec. 3; Kouzakov, Studenikin &
Voloshin, J. Phys. Conf. Ser. 375, 042045 (2012))."""

import numpy as np
import pytest

from model import ATOMS, active_electrons

# Active electrons of Ge by the stepping rule from the Carlson (1975) energies below (computed
# by hand: e.g. 0.150 keV opens N1, N2, M4, M5 and M2, M3 = 2 + 2 + 4 + 6 + 2 + 4 = 20)
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
    assert ge.atoms_per_kg == pytest.approx(6.02214076e23 * 1000 / 72.630, rel=1e-12, abs=0)  # N_A exact (SI 2019)
    assert ge.atoms_per_kg == pytest.approx(8.2916e24, rel=1e-4, abs=0)
    assert ge.electrons_per_kg == pytest.approx(2.6533e26, rel=1e-4, abs=0)
    assert ATOMS["Xe"].electrons_per_kg == pytest.approx(54 * 6.02214076e26 / 131.293, rel=1e-12, abs=0)


def test_unknown_target_is_rejected():
    with pytest.raises(ValueError, match="target"):
        active_electrons(1.0, "Pb")


# --- subshell energies and occupations against the cited table, typed here (issue 20) ----------
# Free-atom subshell binding energies in eV, K shell first: T. A. Carlson, "Photoelectron and
# Auger Spectroscopy" (Plenum, New York, 1975), as tabulated in Geant4's G4AtomicShells
# (source/materials/src/G4AtomicShells.cc, fBindingEnergies; occupations fNumberOfElectrons).
CARLSON_1975_EV = {
    "Ge": ((11103.0, 1413.0, 1251.0, 1220.0, 184.0, 130.0, 125.0, 33.0, 32.0, 14.3, 7.9),
           (2, 2, 2, 4, 2, 2, 4, 4, 6, 2, 2)),
    "Si": ((1844.0, 154.0, 104.0, 104.0, 13.46, 8.15),
           (2, 2, 2, 4, 2, 2)),
    "Xe": ((34570.0, 5460.0, 5110.0, 4790.0, 1148.7, 1002.1, 940.6, 689.0, 676.4, 213.2, 157.0,
            145.5, 69.5, 67.5, 23.39, 13.43, 12.13),
           (2, 2, 2, 4, 2, 2, 4, 4, 6, 2, 2, 4, 4, 6, 2, 2, 4)),
}


@pytest.mark.parametrize("symbol", sorted(CARLSON_1975_EV))
def test_subshell_energies_and_occupations_are_carlsons(symbol):
    energies, occupations = CARLSON_1975_EV[symbol]
    np.testing.assert_allclose(ATOMS[symbol].binding_energies_eV, energies, rtol=1e-12, atol=0)
    assert tuple(ATOMS[symbol].occupations) == occupations
    # the steps of the stepping factor are at these energies, with these occupations
    for k, (energy, count) in enumerate(zip(energies, occupations)):
        below = active_electrons(energy * 1e-3 * (1 - 1e-9), symbol)
        above = active_electrons(energy * 1e-3 * (1 + 1e-9), symbol)
        same = sum(n for e, n in zip(energies, occupations) if e == energy)
        assert above - below == same, (symbol, k, energy)


def test_silicon_k_and_l_edges_agree_with_the_x_ray_data_booklet():
    """A second, independent compilation: the X-ray data booklet (LBNL, Table 1-1, G. P. Williams;
    J. A. Bearden & A. F. Burr, RMP 39, 125 (1967)) gives Si K 1839, L1 149.7, L2 99.8,
    L3 99.2 eV (solid, relative to the valence-band top): within 5% of the free-atom values."""
    booklet = (1839.0, 149.7, 99.8, 99.2)
    np.testing.assert_allclose(ATOMS["Si"].binding_energies_eV[:4], booklet, rtol=0.05, atol=0)


@pytest.mark.parametrize("symbol, Z, molar_mass", [
    # IUPAC 2021 standard atomic weights (Prohaska et al., Pure Appl. Chem. 94, 573 (2022))
    ("Ge", 32, 72.630), ("Si", 14, 28.085), ("Xe", 54, 131.293)])
def test_targets_per_kg_from_iupac_weights_and_codata_avogadro(symbol, Z, molar_mass):
    from scipy.constants import Avogadro

    atom = ATOMS[symbol]
    assert atom.Z == Z
    assert atom.atoms_per_kg == pytest.approx(Avogadro * 1000.0 / molar_mass, rel=1e-12, abs=0)
    assert atom.electrons_per_kg == pytest.approx(Z * Avogadro * 1000.0 / molar_mass, rel=1e-12, abs=0)
