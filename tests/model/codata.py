"""CODATA constants for tests, from scipy.constants: the same names as ``model.constants`` uses,
so that an expected value never borrows the model's own numbers (issue 20)."""

from types import SimpleNamespace

from scipy import constants as _codata

_pc = _codata.physical_constants

c = SimpleNamespace(
    ALPHA=_pc["fine-structure constant"][0],
    ELECTRON_MASS_MEV=_pc["electron mass energy equivalent in MeV"][0],
    AVOGADRO_PER_MOL=_codata.Avogadro,
    HBAR_C_MEV_CM=_pc["reduced Planck constant times c in MeV fm"][0] * 1e-13,
    HBAR_C_SQUARED_MEV2_CM2=(_pc["reduced Planck constant times c in MeV fm"][0] * 1e-13) ** 2,
    FERMI_CONSTANT_MEV2=_pc["Fermi coupling constant"][0] * 1e-6,
    HBAR_C_EV_KM=_pc["reduced Planck constant times c in MeV fm"][0] * 1e-12,
    BOHR_MAGNETON_EV_PER_T=_pc["Bohr magneton in eV/T"][0],
    SECONDS_PER_DAY=86400.0,
    # not CODATA: sin^2 theta_W run to Q -> 0, Erler & Ramsey-Musolf, PRD 72, 073003 (2005)
    SIN2_THETA_W_LOW_ENERGY=0.23867,
)
# G_F in eV cm^3: G_F/(hbar c)^3 [MeV^-2] x (hbar c [MeV cm])^3 x 1e6 eV/MeV
c.FERMI_CONSTANT_EV_CM3 = c.FERMI_CONSTANT_MEV2 * c.HBAR_C_MEV_CM**3 * 1e6
