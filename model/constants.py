"""Physical constants and unit conversions: the one home of every number used by the model.

Natural units (hbar = c = 1) with energies in MeV internally; every public quantity carries
its unit in its name.  CODATA values come from :mod:`scipy.constants` (CODATA 2022 in
SciPy >= 1.15); electroweak inputs not in CODATA come from the PDG Review of Particle
Physics (S. Navas et al., Phys. Rev. D 110, 030001 (2024)).
"""

from __future__ import annotations

import math

from scipy import constants as _codata

_pc = _codata.physical_constants

# --- CODATA ------------------------------------------------------------------------------
ALPHA = _pc["fine-structure constant"][0]
"""Fine-structure constant alpha (Heaviside-Lorentz: e0^2 = 4 pi alpha)."""

ELECTRON_MASS_MEV = _pc["electron mass energy equivalent in MeV"][0]
HBAR_C_MEV_CM = _pc["reduced Planck constant times c in MeV fm"][0] * 1e-13
HBAR_C_SQUARED_MEV2_CM2 = HBAR_C_MEV_CM**2
"""(hbar c)^2 in MeV^2 cm^2: converts a cross section from MeV^-2 to cm^2."""

HBAR_MEV_S = _pc["reduced Planck constant in eV s"][0] * 1e-6
AVOGADRO_PER_MOL = _codata.Avogadro
FERMI_CONSTANT_GEV2 = _pc["Fermi coupling constant"][0]
"""G_F / (hbar c)^3 in GeV^-2 (CODATA, from the muon lifetime)."""
FERMI_CONSTANT_MEV2 = FERMI_CONSTANT_GEV2 * 1e-6

ELEMENTARY_CHARGE_NATURAL = math.sqrt(4.0 * math.pi * ALPHA)
"""e0 in Heaviside-Lorentz natural units."""
BOHR_MAGNETON_PER_MEV = ELEMENTARY_CHARGE_NATURAL / (2.0 * ELECTRON_MASS_MEV)
"""mu_B = e0 / (2 m_e) in natural units (MeV^-1)."""

# --- PDG electroweak inputs ---------------------------------------------------------------
W_MASS_GEV = 80.369
"""W-boson mass, PDG 2024 world average (80.369 +- 0.013 GeV) [pdg_2024]: the one value every
module uses (theory GIM sums and Dirac-moment regimes, the spin-light W threshold)."""

SIN2_THETA_W_MSBAR_MZ = 0.23122
"""sin^2 theta_W in the MS-bar scheme at the Z pole (PDG 2024)."""

SIN2_THETA_W_LOW_ENERGY = 0.23867
"""sin^2 theta_W run to Q -> 0 (Erler & Ramsey-Musolf, PRD 72, 073003 (2005)).

The default for neutrino-electron scattering at reactor and solar energies; every cross
section takes ``sin2_theta_w`` as an argument so that users may choose another value.
"""

# --- Unit conversions ---------------------------------------------------------------------
KEV_PER_MEV = 1e3
MEV_PER_KEV = 1e-3
SECONDS_PER_DAY = 86400.0
CM_PER_M = 100.0
GRAMS_PER_KG = 1000.0
MEV_PER_GEV = 1e3
JOULE_PER_MEV = _pc["electron volt"][0] * 1e6


def keV_to_MeV(T_keV):
    """Convert an energy from keV to MeV (works on arrays)."""
    return T_keV * MEV_PER_KEV


def MeV_to_keV(E_MeV):
    """Convert an energy from MeV to keV (works on arrays)."""
    return E_MeV * KEV_PER_MEV


def cm2_per_MeV_to_cm2_per_keV(xs_cm2_per_MeV):
    """A differential cross section per MeV of recoil, expressed per keV of recoil."""
    return xs_cm2_per_MeV * MEV_PER_KEV


# --- Spin light of neutrino and theory calculators (issue 5) -------------------------------
MUON_MASS_MEV = _pc["muon mass energy equivalent in MeV"][0]
TAU_MASS_MEV = _pc["tau mass energy equivalent in MeV"][0]
"""Charged-lepton masses (CODATA), for the GIM sums of the transition moments (Studenikin,
Nucl. Part. Phys. Proc. 273-275, 1711 (2016) [studenikin_2016_ichep], eq. (11))."""

MEV_PER_TEV = 1e6
EV_PER_MEV = 1e6
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY
"""Julian year."""

PDG_SIN2_THETA12 = 0.307
PDG_SIN2_THETA13 = 2.20e-2
PDG_SIN2_THETA23 = 0.546
PDG_DELTA_CP_RAD = 1.36 * math.pi
PDG_DM2_21_EV2 = 7.53e-5
PDG_DM2_32_NORMAL_EV2 = 2.453e-3
PDG_DM2_32_INVERTED_EV2 = -2.536e-3
"""Three-neutrino mixing, PDG 2022 summary values (R. L. Workman et al., PTEP 2022, 083C01),
normal ordering for the angles and phase [R: recalled, not re-checked]; defaults of the
transition-moment calculator, every function takes them as arguments."""


# --- Spin-flavour oscillations in magnetic fields and matter (issue 4) -----------------------
BOHR_MAGNETON_EV_PER_T = _pc["Bohr magneton in eV/T"][0]
"""mu_B = 5.788e-5 eV/T (CODATA): the energy mu B of a moment mu (in mu_B) in a field B."""
TESLA_PER_GAUSS = 1e-4
"""1 T = 1e4 G (the papers on spin oscillations quote fields in gauss)."""
HBAR_C_EV_KM = HBAR_C_MEV_CM * EV_PER_MEV * 1e-5
"""hbar c in eV km (1.973e-10): an energy E in eV is a wave number E / hbar_c in km^-1."""
FERMI_CONSTANT_EV_CM3 = FERMI_CONSTANT_MEV2 * HBAR_C_MEV_CM**3 * EV_PER_MEV
"""G_F in eV cm^3 (8.96e-38): the matter potential sqrt(2) G_F n with n in cm^-3 is in eV."""


# --- Coherent elastic neutrino-nucleus scattering (issue 6) ---------------------------------
ATOMIC_MASS_UNIT_MEV = _pc["atomic mass constant energy equivalent in MeV"][0]
"""u c^2 in MeV (CODATA): converts isotope masses in u to energies."""
HARTREE_ENERGY_EV = _pc["Hartree energy in eV"][0]
"""E_h = m_e alpha^2 = 27.211 eV (CODATA), the atomic energy unit of the Thomas-Fermi scale."""
HBAR_C_MEV_FM = HBAR_C_MEV_CM * 1e13
"""hbar c in MeV fm (197.327): a momentum in MeV is a wave number p / hbar_c in fm^-1."""
