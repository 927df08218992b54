"""nuEM Explorer physics model: plain, documented, UI-free.

Public API (names are a contract for notebooks and external checks)::

    from model import RecoilSpectrum, electron_cross_section, reactor_spectrum
"""

from . import constants
from .atomic_binding import ATOMS, active_electrons
from .electron_scattering import (
    FLAVOURS, ElectronCrossSection, electron_cross_section, magnetic_sm_crossover_keV,
    max_recoil_keV, millicharge_only_cross_section, min_neutrino_energy_MeV)
from .reactor import flux_from_power, reactor_spectrum
from .recoil_spectrum import RecoilSpectrum

__all__ = [
    "ATOMS", "FLAVOURS", "ElectronCrossSection", "RecoilSpectrum", "active_electrons",
    "constants", "electron_cross_section", "flux_from_power", "magnetic_sm_crossover_keV",
    "max_recoil_keV", "millicharge_only_cross_section", "min_neutrino_energy_MeV",
    "reactor_spectrum",
]
