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
from .nucleus_scattering import (
    NUCLEAR_TARGETS, NucleusCrossSection, atomic_recoil_scale_eV, helm_form_factor,
    max_nuclear_recoil_keV, nucleus_cross_section, nucleus_magnetic_sm_crossover_keV, weak_charge)
from .quenching import keVee_to_keVnr, keVnr_to_keVee, lindhard_k, lindhard_quenching
from . import theory
from .spin_light import SpinLight
from . import limits
from . import references
from .sensitivity import ReactorSensitivity
from .effective_moment import EffectiveMomentCalculator, effective_magnetic_moment, pmns_matrix
from .spin_flavour import SpinFlavourOscillation
# --- solar neutrinos, sensitivity and fits (sens branch) ---
from .solar import SOLAR_FLUXES_CM2_S, solar_source
from .solar_oscillation import solar_effective_moment, solar_survival_probability
from .solar_sensitivity import SolarSensitivity
from .spectrum_fit import fit_spectrum, read_spectrum_csv, validate_spectrum
# --- end sens block ---

__all__ = [
    "ATOMS", "FLAVOURS", "ElectronCrossSection", "ReactorSensitivity", "RecoilSpectrum", "SpinLight", "theory", "limits", "active_electrons",
    "constants", "electron_cross_section", "flux_from_power", "magnetic_sm_crossover_keV", "references",
    "max_recoil_keV", "millicharge_only_cross_section", "min_neutrino_energy_MeV",
    "reactor_spectrum",
    "NUCLEAR_TARGETS", "NucleusCrossSection", "atomic_recoil_scale_eV", "helm_form_factor",
    "keVee_to_keVnr", "keVnr_to_keVee", "lindhard_k", "lindhard_quenching",
    "max_nuclear_recoil_keV", "nucleus_cross_section", "nucleus_magnetic_sm_crossover_keV",
    "weak_charge",
    "SpinFlavourOscillation", "EffectiveMomentCalculator", "effective_magnetic_moment", "pmns_matrix",
    # sens block
    "SOLAR_FLUXES_CM2_S", "SolarSensitivity", "fit_spectrum", "read_spectrum_csv",
    "solar_effective_moment", "solar_source", "solar_survival_probability",
    "validate_spectrum",
]
