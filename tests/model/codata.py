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
)
