#!/usr/bin/env python3
"""Mutation gate: deliberate physics errors in ``model/`` that the test suite must catch.

Each mutant is one exact text replacement in one file (a sign flip, a factor of 2, a wrong
constant, shell energy, CL constant, coupling, form-factor radius, oscillation phase, ...).
For every mutant the script

1. checks that the original text occurs exactly once in the file (it fails loudly otherwise:
   when the code moves, the list must be brought up to date, never silently skipped);
2. applies it to a private copy of the repository (one copy per worker, the file is restored
   after each mutant);
3. runs the mutant's ``tests`` hint first (the tests expected to kill it, with ``-x``) and, if
   they all pass, the whole non-browser suite (``-m "not browser and not load" -x``);
4. calls the mutant *killed* if pytest reports a failing test (exit status 1) and *survived*
   if everything passes.  Any other pytest status (collection or usage error) is an error of
   the gate, not a kill;
5. re-runs, without any mutant, every test that killed a mutant in the whole-suite stage: a
   test that fails without the mutant too (a flaky or broken test) proves nothing, and the
   mutant is reported as an error of the gate, not as killed.  (The hint tests are checked
   once, unmutated, before the mutants run.)

The hints are single tests (node ids) chosen so that each mutant is killed for its physics
reason within seconds; the gate with ``-j 2`` then runs in a few minutes (CI).  A mutant that
reaches the whole-suite stage is a sign that its hint no longer catches it: fix the hint.

The hypothesis settings of these runs come from a profile registered by a small plugin of
this script (``mutants``: no example database, derandomized), so that the result does not
depend on earlier runs and can be reproduced.

Usage::

    python scripts/mutants.py              # every mutant, one at a time; exit 1 if any survives
    python scripts/mutants.py --list       # the numbered list (and the exactly-once check)
    python scripts/mutants.py --only 3,7-9 # some of them
    python scripts/mutants.py -j 2         # two workers (two copies of the repository): the CI
                                           # command, 121 mutants in ~4 min on 2 shared cores
    python scripts/mutants.py --repo DIR   # mutate a copy of another checkout (e.g. an older
                                           # commit's tests, to compare suites)

Exit status: 0 all killed, 1 some survived, 2 the gate itself is broken (a mutant's text not
found exactly once, the unmutated hint tests failing, pytest errors).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SUITE = ["tests", "--ignore=tests/browser", "-m", "not browser and not load",
         # serves the app in subprocesses (slow, ports) and tests no model physics
         "--ignore=tests/dashboard/test_host_check.py"]
PYTEST_OPTIONS = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "_mutants_profile",
                  "--hypothesis-profile=mutants", "-o", "addopts=", "--tb=line", "-rf"]
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.pyc", ".hypothesis",
                                     ".pytest_cache", "*.egg-info", "build", "results")
PLUGIN = '''\
"""Loaded by scripts/mutants.py: reproducible hypothesis runs (no database, fixed seed)."""
from hypothesis import settings

settings.register_profile("mutants", database=None, derandomize=True)
'''


@dataclass(frozen=True)
class Mutant:
    file: str          # path relative to the repository root
    old: str           # exact text, must occur exactly once in the file
    new: str           # its replacement
    description: str   # the physics error this stands for
    tests: tuple[str, ...] = ()  # tests expected to kill it (run first; files or node ids)


M = Mutant
BINDING = "tests/model/test_atomic_binding.py"
REFERENCES = "tests/model/test_independent_references.py"
ELECTRON = "tests/model/test_electron_scattering.py"
NUCLEUS = "tests/model/test_nucleus_scattering.py"
QUENCH = "tests/model/test_quenching.py"
SOURCES = "tests/model/test_sources.py"
HELPERS = "tests/model/test_source_helpers.py"
RECOIL = "tests/model/test_recoil_spectrum.py"
SENS = "tests/model/test_sensitivity.py"
SENSPHYS = "tests/model/test_sensitivity_physics.py"
OSC = "tests/model/test_spin_flavour.py"
EFF = "tests/model/test_effective_moment.py"
SLNU = "tests/model/test_spin_light.py"
THEORY = "tests/model/test_theory.py"
PROPERTIES = "tests/model/test_physics_properties.py"
# Single tests (node ids) that kill a mutant for its physics reason, so that the hint stage is a
# few seconds: the whole suite runs only for a mutant its hints let through.
_M = "tests/model/"
REACTOR_QUOTED = _M + "test_reactor.py::test_total_flux_uses_the_spectrum_integral"
HUBER_FLUX = _M + "test_reactor.py::test_flux_above_2_MeV_from_power_is_the_huber_mueller_flux"
REACTOR_ABSOLUTE = _M + "test_reactor.py::test_spectrum_per_fission_is_absolute_above_2_MeV"
REACTOR_JOIN = _M + "test_sources.py::test_low_energy_extension_is_continuous_and_plausible"
ENERGY_PER_FISSION = _M + "test_sources.py::test_fuel_mix_integral_and_energy_per_fission"
SOLAR_SOURCES_TEST = _M + "test_sources.py::test_solar_sources"
CAPTURE = _M + "test_source_helpers.py::test_capture_antineutrinos_per_fission"
SOLAR_SHAPES = _M + "test_solar_oscillation.py::test_spectral_shapes"
SOLAR_FLUXES = _M + "test_solar_oscillation.py::test_fluxes_are_b16_gs98"
SOLAR_SUMS = _M + "test_solar_oscillation.py::test_sums_of_sources_are_flux_weighted"
PEE_DIAGONAL = _M + "test_solar_oscillation.py::test_adiabatic_formula_matches_three_flavour_diagonalisation"
PEE_PRODUCTION = _M + "test_solar_oscillation.py::test_production_average"
DAY_NIGHT = _M + "test_solar_oscillation.py::test_day_night_asymmetry_of_8B_matches_super_kamiokande"
SOLAR_MU_EFF = _M + "test_solar_oscillation.py::test_effective_moment_of_solar_neutrinos"
PP_OSCILLATED = _M + "test_solar_oscillation.py::test_oscillated_pp_rate_on_xenon_is_Pee_Re_plus_rest_Rmu"
CL_CONSTANTS = _M + "test_independent_references.py::test_confidence_level_constants_are_the_scipy_quantiles"
MU_QUANTILE = _M + "test_independent_references.py::test_mu_limit_sits_at_the_one_sided_90_quantile"
Q_QUANTILE = _M + "test_independent_references.py::test_q_interval_sits_at_the_two_sided_90_quantile"
GAUSSIAN_LIMIT = _M + "test_sensitivity.py::test_asimov_limit_equals_gaussian_limit_with_large_counts"
Q_ASYMMETRY = _M + "test_sensitivity.py::test_direct_millicharge_sensitivity"
BAND_API = _M + "test_sensitivity.py::test_quantile_api_and_published_ratio"
SCAN_BANDS = _M + "test_sensitivity.py::test_scan_with_bands_and_aliases"
RESOLUTION = _M + "test_sensitivity_physics.py::test_energy_resolution_is_a_gaussian_of_width_sigma"
BACKGROUND_SHAPE = _M + "test_sensitivity_physics.py::test_background_counts_are_the_integral_of_the_declared_shape"
BAND_FACTOR = _M + "test_bands_and_fits.py::test_band_factor_is_cowan_eq_89_above_the_median"
FIT_ASIMOV = _M + "test_bands_and_fits.py::test_asimov_spectrum_fits_to_zero_with_the_median_limits"
FIT_NEGATIVE = _M + "test_bands_and_fits.py::test_downward_fluctuation_limit_follows_the_boundary_formula"
RESIDUAL_FIT = _M + "test_bands_and_fits.py::test_residual_format"
RESIDUAL_Q = _M + "test_bands_and_fits.py::test_residual_fit_of_an_injected_negative_millicharge"
FISHER_SIGMA = _M + "test_profile_likelihood.py::test_fisher_sigma_is_the_curvature_of_the_profiled_statistic"
SOLAR_GAUSSIAN = _M + "test_solar_sensitivity.py::test_known_background_limit_is_the_gaussian_one"
XENON_INPUTS = _M + "test_solar_sensitivity.py::test_xenonnt_preset_inputs"
TONNE_YEAR = _M + "test_solar_sensitivity.py::test_tonne_year_is_a_tonne_times_a_julian_year"
EFFICIENCY = _M + "test_solar_sensitivity.py::test_efficiency_scales_the_exposure"
SOLAR_RESOLUTION = _M + "test_solar_sensitivity.py::test_resolution_is_a_gaussian_of_width_a_sqrt_T_plus_b_T"

MUTANTS: tuple[Mutant, ...] = (
    # --- atomic binding: Carlson (1975) subshell energies, stepping -------------------------
    M("model/atomic_binding.py", "1220.0, 184.0, 130.0", "1220.0, 160.0, 130.0",
      "Ge M1 subshell at 160 eV instead of 184 eV", (BINDING,)),
    M("model/atomic_binding.py", "(34570.0, 5460.0, 5110.0", "(34570.0, 5000.0, 5110.0",
      "Xe L1 subshell at 5000 eV instead of 5460 eV", (BINDING,)),
    M("model/atomic_binding.py", "(1844.0, 154.0,", "(1700.0, 154.0,",
      "Si K shell at 1700 eV instead of 1844 eV", (BINDING,)),
    M("model/atomic_binding.py", 'Atom("Ge", 32, 72.630,', 'Atom("Ge", 32, 70.630,',
      "Ge molar mass 70.63 instead of 72.63 g/mol", (BINDING,)),
    M("model/atomic_binding.py", "open_shells = T[..., None] >= target.binding_energies_keV",
      "open_shells = T[..., None] >= 0.5 * target.binding_energies_keV",
      "stepping opens each shell at half its binding energy", (BINDING, PROPERTIES)),
    # --- constants ------------------------------------------------------------------------------
    M("model/constants.py", "SIN2_THETA_W_LOW_ENERGY = 0.23867", "SIN2_THETA_W_LOW_ENERGY = 0.23122",
      "the Z-pole sin^2 theta_W as the low-energy default", (REFERENCES, ELECTRON)),
    M("model/constants.py", "W_MASS_GEV = 80.369", "W_MASS_GEV = 91.1876",
      "the Z mass for the W mass", (SLNU, THEORY)),
    M("model/constants.py", "PDG_DM2_21_EV2 = 7.53e-5", "PDG_DM2_21_EV2 = 7.53e-4",
      "solar mass splitting x10", (THEORY, EFF)),
    M("model/constants.py", "BOHR_MAGNETON_PER_MEV = ELEMENTARY_CHARGE_NATURAL / (2.0 * ELECTRON_MASS_MEV)",
      "BOHR_MAGNETON_PER_MEV = ELEMENTARY_CHARGE_NATURAL / ELECTRON_MASS_MEV",
      "Bohr magneton e/m_e instead of e/(2 m_e)", (SLNU,)),
    # --- nu-e scattering --------------------------------------------------------------------------
    M("model/electron_scattering.py", "* c.ELECTRON_MASS_MEV / (2.0 * math.pi) * c.HBAR_C_SQUARED_MEV2_CM2)",
      "* c.ELECTRON_MASS_MEV / math.pi * c.HBAR_C_SQUARED_MEV2_CM2)",
      "weak prefactor G_F^2 m_e / pi (x2)", (REFERENCES, ELECTRON)),
    M("model/electron_scattering.py", "MAGNETIC_PREFACTOR_CM2 = math.pi * c.ALPHA**2",
      "MAGNETIC_PREFACTOR_CM2 = 2.0 * math.pi * c.ALPHA**2",
      "magnetic prefactor 2 pi alpha^2/m_e^2 (x2)", (REFERENCES, ELECTRON)),
    M("model/electron_scattering.py", '    if flavour.startswith("anti"):\n        g_A = -g_A',
      '    if flavour.startswith("anti"):\n        g_A = g_A',
      "antineutrinos keep the sign of g_A", (ELECTRON,)),
    M("model/electron_scattering.py", "g_V = (0.5 if electron_flavour else -0.5) + 2.0 * sin2_theta_w",
      "g_V = (0.5 if electron_flavour else 0.5) + 2.0 * sin2_theta_w",
      "charged current added to g_V of nu_mu", (ELECTRON, REFERENCES)),
    M("model/electron_scattering.py", "EM_GV_SHIFT_MEV2 = math.sqrt(2.0) * math.pi * c.ALPHA",
      "EM_GV_SHIFT_MEV2 = math.pi * c.ALPHA",
      "photon shift of g_V without its sqrt 2", (ELECTRON, REFERENCES)),
    M("model/electron_scattering.py", "(radius_MeV2 / 3.0 - q_nu / (c.ELECTRON_MASS_MEV * T_MeV))",
      "(radius_MeV2 / 6.0 - q_nu / (c.ELECTRON_MASS_MEV * T_MeV))",
      "charge radius <r^2>/6 instead of /3 in delta g_V", (ELECTRON, REFERENCES)),
    M("model/electron_scattering.py", "(radius_MeV2 / 3.0 - q_nu / (c.ELECTRON_MASS_MEV * T_MeV))",
      "(radius_MeV2 / 3.0 + q_nu / (c.ELECTRON_MASS_MEV * T_MeV))",
      "sign of the millicharge interference flipped", (ELECTRON,)),
    M("model/electron_scattering.py", "coefficients[2] = diff_sq * T**2 + cross * c.ELECTRON_MASS_MEV * T",
      "coefficients[2] = diff_sq * T**2 - cross * c.ELECTRON_MASS_MEV * T",
      "sign of the (g_A^2 - g_V^2) m_e T/E^2 term flipped", (ELECTRON,)),
    M("model/electron_scattering.py", "    coefficients[1] = -scale\n", "    coefficients[1] = scale\n",
      "magnetic term (1/T + 1/E) instead of (1/T - 1/E)", (ELECTRON,)),
    M("model/electron_scattering.py", "return c.MeV_to_keV(2.0 * E**2 / (c.ELECTRON_MASS_MEV + 2.0 * E))",
      "return c.MeV_to_keV(2.0 * E**2 / (c.ELECTRON_MASS_MEV + E))",
      "electron recoil end point 2E^2/(m_e + E)", (ELECTRON,)),
    # --- CEvNS ----------------------------------------------------------------------------------
    M("model/nucleus_scattering.py", "return np.asarray(N, dtype=float) - (1.0 - 4.0 * sin2_theta_w)",
      "return np.asarray(N, dtype=float) - (1.0 - 2.0 * sin2_theta_w)",
      "weak charge N - (1 - 2 s^2) Z", (NUCLEUS,)),
    M("model/nucleus_scattering.py", "HELM_C_SLOPE_FM = 1.23", "HELM_C_SLOPE_FM = 1.13",
      "Helm radius c = 1.13 A^(1/3) - 0.6 fm", (NUCLEUS,)),
    M("model/nucleus_scattering.py", "c.FERMI_CONSTANT_MEV2**2 * M / (4.0 * math.pi)",
      "c.FERMI_CONSTANT_MEV2**2 * M / (2.0 * math.pi)",
      "CEvNS prefactor G_F^2 M / 2 pi (x2)", (NUCLEUS,)),
    M("model/nucleus_scattering.py", "return 2.0 * Z * EM_GV_SHIFT_MEV2 *", "return Z * EM_GV_SHIFT_MEV2 *",
      "photon shift of Q_W without its factor 2", (NUCLEUS,)),
    M("model/nucleus_scattering.py", "-0.5 * M * T_MeV)", "-M * T_MeV)",
      "CEvNS bracket 1 - T/E - M T/E^2", (NUCLEUS,)),
    M("model/nucleus_scattering.py", "* mu_nu**2 * Z**2\n", "* mu_nu**2 * Z\n",
      "nuclear magnetic term scales with Z instead of Z^2", (NUCLEUS,)),
    # --- quenching ------------------------------------------------------------------------------
    M("model/quenching.py", "LINDHARD_K_COEFFICIENT = 0.133", "LINDHARD_K_COEFFICIENT = 0.166",
      "Lindhard k coefficient 0.166", (QUENCH,)),
    M("model/quenching.py", "LINDHARD_EPSILON_PER_KEV = 11.5", "LINDHARD_EPSILON_PER_KEV = 13.5",
      "Lindhard reduced energy 13.5 Z^(-7/3) E", (QUENCH,)),
    # --- reactor and sources ----------------------------------------------------------------------
    M("model/reactor.py", "CAPTURES_PER_FISSION = 0.6 ", "CAPTURES_PER_FISSION = 0.3 ",
      "U-238 neutron captures per fission halved", (HELPERS, SOURCES)),
    M("model/reactor.py", '"U235": (4.367, -4.577,', '"U235": (4.467, -4.577,',
      "Huber U-235 a0 4.467 instead of 4.367", (SOURCES,)),
    M("model/reactor.py", "ANTINEUTRINOS_PER_FISSION_QUOTED = 7.2\n", "ANTINEUTRINOS_PER_FISSION_QUOTED = 6.5\n",
      "quoted antineutrinos per fission 6.5", (REACTOR_QUOTED, SOURCES)),
    # flux_from_power (the spectral flux has its own 4 pi L^2: mutant 66)
    M("model/reactor.py", "area_cm2 = 4.0 * math.pi * (distance_m * c.CM_PER_M) ** 2\n"
      "    return fissions_per_second(thermal_power_GW, fuel) * per_fission / area_cm2",
      "area_cm2 = 2.0 * math.pi * (distance_m * c.CM_PER_M) ** 2\n"
      "    return fissions_per_second(thermal_power_GW, fuel) * per_fission / area_cm2",
      "flux through 2 pi L^2 instead of 4 pi L^2", (REACTOR_QUOTED, SOURCES)),
    M("model/sources.py", "sign = -1.0 if positron else 1.0", "sign = 1.0 if positron else -1.0",
      "Fermi function: electron and positron signs swapped", (HELPERS,)),
    M("model/sources.py", "two_pi_eta / -np.expm1(-two_pi_eta)", "two_pi_eta / np.expm1(two_pi_eta)",
      "Fermi function x exp(-2 pi eta)", (HELPERS,)),
    M("model/sources.py", "normalised = tuple((float(e), float(f) / total) for e, f in lines)",
      "normalised = tuple((float(e), float(f)) for e, f in lines)",
      "line source fractions not renormalised", (HELPERS,)),
    # (the pp spectrum is now Bahcall's table, no Fermi function: the nearest physics error is
    # a spectral shape that is not a number spectrum)
    M("model/solar.py", 'rows["density"].to_numpy(float))', '(rows["E_MeV"] * rows["density"]).to_numpy(float))',
      "solar spectra read as E dN/dE (energy spectrum) instead of dN/dE", (SOLAR_SHAPES, SOURCES)),
    # --- recoil spectrum ------------------------------------------------------------------------
    M("model/recoil_spectrum.py", "targets_per_kg * c.SECONDS_PER_DAY * active",
      "targets_per_kg * c.SECONDS_PER_DAY * active ** 0",
      "stepping factor dropped: atoms counted as one electron", (RECOIL, PROPERTIES)),
    M("model/recoil_spectrum.py", "jacobian = 1.0 / keVee_per_keVnr(T_nr, Z, k)",
      "jacobian = keVee_per_keVnr(T_nr, Z, k)",
      "keVnr -> keVee Jacobian inverted", (RECOIL,)),
    # --- sensitivity ----------------------------------------------------------------------------
    M("model/profile_likelihood.py", "Z_ONE_SIDED_90 = 1.2815515655446004",
      "Z_ONE_SIDED_90 = 1.6448536269514722",
      "one-sided 95% quantile for the 90% CL mu limit", (CL_CONSTANTS, MU_QUANTILE)),
    M("model/profile_likelihood.py", "DELTA_CHI2_TWO_SIDED_90 = 2.705543454095404",
      "DELTA_CHI2_TWO_SIDED_90 = 1.642",
      "two-sided 90% Delta chi^2 for q at 1.642 instead of 2.706", (CL_CONSTANTS, Q_QUANTILE)),
    M("model/sensitivity.py", "CF4_ELECTRONS = 6 + 4 * 9", "CF4_ELECTRONS = 4 + 4 * 9",
      "CF4 with 40 electrons instead of 42", (SENSPHYS, SENS)),
    M("model/sensitivity.py", "return B * T0 * (T / T0) ** (1.0 - k) / (1.0 - k)",
      "return B * T0 * (T / T0) ** (1.0 - k)",
      "background shape integral without its 1/(1 - k)", (SENSPHYS, SENS)),
    M("model/sensitivity.py", "sigma = sigma_keV + sigma_sqrt_keV",
      "sigma = 2.0 * sigma_keV + sigma_sqrt_keV",
      "energy resolution sigma -> 2 sigma", (RESOLUTION, SENS)),
    M("model/profile_likelihood.py", "self.n_off = background * self.X_off if n_off is None",
      "self.n_off = background * self.X_on if n_off is None",
      "Asimov OFF counts with the ON exposure", (MU_QUANTILE, GAUSSIAN_LIMIT)),
    M("model/sensitivity.py", '(plus_q["charge"].to_numpy() - minus_q["charge"].to_numpy()) / (2.0 * _Q_REF),',
      '0.0 * (plus_q["charge"].to_numpy() - minus_q["charge"].to_numpy()) / (2.0 * _Q_REF),',
      "millicharge interference dropped: limits blind to the sign of q", (Q_QUANTILE, Q_ASYMMETRY)),
    # --- spin-flavour oscillations and effective moment ------------------------------------------
    M("model/spin_flavour.py", "vacuum_phase = per_km(dm2_eV2 / (4.0 * E_MeV * c.EV_PER_MEV)) * x",
      "vacuum_phase = per_km(dm2_eV2 / (2.0 * E_MeV * c.EV_PER_MEV)) * x",
      "Popov-Studenikin vacuum phase dm2 x / 2E instead of / 4E", (OSC,)),
    M("model/spin_flavour.py", "half_splitting = per_km(p.dm2_eV2 / (4.0 * E_eV))",
      "half_splitting = per_km(p.dm2_eV2 / (2.0 * E_eV))",
      "Hamiltonian vacuum term dm2/2E instead of dm2/4E", (OSC,)),
    M("model/spin_flavour.py", "return SQRT2_GF_EV_CM3 * (n_e - 0.5 * n_n), -SQRT2_GF_EV_CM3 * 0.5 * n_n",
      "return SQRT2_GF_EV_CM3 * (n_e - n_n), -SQRT2_GF_EV_CM3 * n_n",
      "neutral-current potential -G_F n_n instead of -G_F n_n / 2", (OSC,)),
    M("model/spin_flavour.py", "(-potentials if p.majorana else 0.0)", "(potentials if p.majorana else 0.0)",
      "Majorana R states feel +V instead of -V", (OSC,)),
    M("model/spin_flavour.py", "energy_gap = half_splitting * (1.0 + cos2) - V_e * longitudinal",
      "energy_gap = half_splitting * (1.0 - cos2) - V_e * longitudinal",
      "Dirac spin-flavour resonance with (1 - cos 2theta)", (OSC,)),
    M("model/spin_flavour.py", "twist = 0.5 * p.twist_rad_per_km", "twist = p.twist_rad_per_km",
      "field twist phi' instead of phi'/2 on each helicity", (OSC,)),
    M("model/effective_moment.py", "phases = np.multiply.outer(L / (2.0 * E * c.EV_PER_MEV * c.HBAR_C_EV_KM), dm2)",
      "phases = np.multiply.outer(L / (4.0 * E * c.EV_PER_MEV * c.HBAR_C_EV_KM), dm2)",
      "effective-moment phase dm2 L / 4E instead of / 2E", (EFF,)),
    M("model/effective_moment.py", "arriving = U[FLAVOUR_INDEX[flavour]] * np.exp(-1j * phases)",
      "arriving = np.conj(U[FLAVOUR_INDEX[flavour]]) * np.exp(-1j * phases)",
      "U_li^* (the other neutrino/antineutrino convention) instead of U_li", (EFF,)),
    M("model/effective_moment.py", "[c12 * c13, s12 * c13, s13 / phase],", "[c12 * c13, s12 * c13, s13 * phase],",
      "PMNS U_e3 = s13 e^{+i delta}", (EFF,)),
    # --- spin light ---------------------------------------------------------------------------------
    M("model/spin_light.py", "return c.ELECTRON_MASS_MEV * np.sqrt(2.0 * c.ALPHA / math.pi * bracket)",
      "return c.ELECTRON_MASS_MEV * np.sqrt(4.0 * c.ALPHA / math.pi * bracket)",
      "plasmon mass^2 x2", (SLNU,)),
    M("model/spin_light.py", "MEV3_PER_CM3 / (2.0 * math.sqrt(2.0)) * c.EV_PER_MEV",
      "MEV3_PER_CM3 / math.sqrt(2.0) * c.EV_PER_MEV",
      "neutron potential n~ = G_F n / sqrt2 (x2)", (SLNU,)),
    M("model/spin_light.py", "power_MeV2 = 4.0 / 3.0 *", "power_MeV2 = 4.0 *",
      "SLnu power 4 mu^2 n~^2 p^2 (x3)", (SLNU,)),
    M("model/spin_light.py", "return (m_gamma**2 + 2.0 * m_gamma * m_nu) / (4.0 * n_tilde / c.EV_PER_MEV)",
      "return (m_gamma**2 + 2.0 * m_gamma * m_nu) / (2.0 * n_tilde / c.EV_PER_MEV)",
      "SLnu threshold over 2 n~ instead of 4 n~", (SLNU,)),
    M("model/spin_light.py", "return np.cbrt(3.0 * math.pi**2 * n_e * MEV3_PER_CM3)",
      "return np.cbrt(6.0 * math.pi**2 * n_e * MEV3_PER_CM3)",
      "Fermi momentum without the spin degeneracy", (SLNU,)),
    # --- theory -----------------------------------------------------------------------------------
    M("model/theory.py", "4.0 * math.sqrt(2.0) * math.pi**2) / c.EV_PER_MEV",
      "8.0 * math.sqrt(2.0) * math.pi**2) / c.EV_PER_MEV",
      "SM Dirac moment halved", (REFERENCES, THEORY)),
    M("model/theory.py", "DIRAC_TRANSITION_MU_B_PER_EV = SM_DIRAC_MU_B_PER_EV / 4.0",
      "DIRAC_TRANSITION_MU_B_PER_EV = SM_DIRAC_MU_B_PER_EV / 2.0",
      "Dirac transition-moment prefactor (Shrock 1982) x2", (REFERENCES, THEORY)),
    M("model/theory.py", "BELL_DIRAC_MU_B = 1e-15", "BELL_DIRAC_MU_B = 3e-15",
      "Bell naturalness bound x3", (REFERENCES, THEORY)),
    M("model/theory.py", "prefactor = -2.0 * DIRAC_TRANSITION_MU_B_PER_EV",
      "prefactor = -1.0 * DIRAC_TRANSITION_MU_B_PER_EV",
      "Majorana transition moments equal to the Dirac coefficient", (THEORY,)),
    M("model/theory.py", "(1.0 + 5.0 / 18.0 * (m / W_MASS_EV) ** 2)", "(1.0 + 5.0 / 9.0 * (m / W_MASS_EV) ** 2)",
      "heavy-neutrino correction 5b/9 instead of 5b/18", (THEORY,)),
    M("model/theory.py", "return mu * np.sqrt(T_MeV / (2.0 * c.ELECTRON_MASS_MEV))",
      "return mu * np.sqrt(T_MeV / c.ELECTRON_MASS_MEV)",
      "Studenikin millicharge estimate without the 2 m_e", (THEORY,)),
    M("model/theory.py", "margins = {f: total - 2.0 * squares[f] for f in FLAVOURS}",
      "margins = {f: total - squares[f] for f in FLAVOURS}",
      "triangle inequality margin mu_b^2 + mu_c^2 (always satisfied)", (THEORY,)),
    # ===== 66 on: the reactor flux with one normalisation, the solar sources and their
    # oscillation, the profile likelihoods, the solar sensitivity and the spectrum fit =====
    # --- reactor: spectrum per fission and its integral ------------------------------------------
    M("model/reactor.py", "area_cm2 = 4.0 * math.pi * (distance_m * c.CM_PER_M) ** 2\n"
      "    return fissions_per_second(thermal_power_GW, fuel) / area_cm2",
      "area_cm2 = 2.0 * math.pi * (distance_m * c.CM_PER_M) ** 2\n"
      "    return fissions_per_second(thermal_power_GW, fuel) / area_cm2",
      "spectral flux through 2 pi L^2 instead of 4 pi L^2", (HUBER_FLUX,)),
    M("model/reactor.py", "        per_fission = antineutrinos_per_fission(fuel)\n",
      "        per_fission = antineutrinos_per_fission(fuel, E_min_MeV=JOIN_ENERGY_MEV)\n",
      "flux from power counts only the antineutrinos above 2 MeV per fission", (HUBER_FLUX, REACTOR_QUOTED)),
    M("model/reactor.py", "return float(np.trapezoid(reactor_spectrum(grid, fuel), grid))",
      "return float(np.trapezoid(grid * reactor_spectrum(grid, fuel), grid))",
      "per-fission integral of E dN/dE (energy) instead of dN/dE", (HUBER_FLUX, REACTOR_QUOTED)),
    M("model/reactor.py", "    return total + capture_spectrum(E)\n", "    return total\n",
      "U-238 capture antineutrinos left out of the spectrum per fission", (REACTOR_QUOTED, CAPTURE)),
    M("model/reactor.py", "spectrum = np.where(E >= JOIN_ENERGY_MEV, huber_mueller, join_scale * vogel_engel)",
      "spectrum = np.where(E >= JOIN_ENERGY_MEV, huber_mueller, vogel_engel)",
      "Vogel-Engel extension below 2 MeV not joined to Huber-Mueller", (REACTOR_JOIN,)),
    M("model/reactor.py", '{"U235": 0.56, "U238": 0.08, "Pu239": 0.30, "Pu241": 0.06}',
      '{"U235": 0.56, "U238": 0.06, "Pu239": 0.30, "Pu241": 0.08}',
      "PWR fission fractions of U-238 and Pu-241 swapped", (REACTOR_ABSOLUTE,)),
    M("model/reactor.py", '"U235": 202.36,', '"U235": 200.0,',
      "U-235 energy per fission 200 MeV instead of 202.36 (Ma et al. 2013)", (ENERGY_PER_FISSION,)),
    # --- solar sources ---------------------------------------------------------------------------
    M("model/solar.py", "BE7_LINES = ((0.8618, 0.897), (0.3843, 0.103))",
      "BE7_LINES = ((0.8618, 0.103), (0.3843, 0.897))",
      "7Be branching ratios of the 862 and 384 keV lines swapped", (SOLAR_SOURCES_TEST,)),
    M("model/solar.py", '"pp": 5.98e10,', '"pp": 6.5e10,',
      "pp flux 6.5e10 instead of 5.98e10 (B16-GS98)", (SOLAR_FLUXES,)),
    M("model/solar.py", 'COMPOSITES = {"CNO": ("13N", "15O", "17F")', 'COMPOSITES = {"CNO": ("13N", "15O")',
      "CNO flux without 17F", (SOLAR_FLUXES,)),
    M("model/solar.py", "(component_source(c), SOLAR_FLUXES_CM2_S[c] / total)",
      "(component_source(c), 1.0 / len(names))",
      "sums of solar sources weighted equally instead of by flux", (SOLAR_SUMS,)),
    # --- solar oscillation: LMA-MSW survival, day and night ----------------------------------------
    M("model/solar_oscillation.py", "    cos_2theta = 1.0 - 2.0 * sin2_theta12\n    sin_2theta",
      "    cos_2theta = 2.0 * sin2_theta12 - 1.0\n    sin_2theta",
      "matter angle with the sign of cos 2theta_12 flipped (dark side)", (PEE_DIAGONAL,)),
    M("model/solar_oscillation.py", "two_flavour = 0.5 + 0.5 * cos_2theta * cos_sun",
      "two_flavour = 0.5 - 0.5 * cos_2theta * cos_sun",
      "adiabatic P_2nu = 1/2 - 1/2 cos 2theta cos 2theta_m", (PEE_DIAGONAL,)),
    M("model/solar_oscillation.py", "beta = (2.0 * np.asarray(E_MeV, dtype=float) * c.EV_PER_MEV",
      "beta = (np.asarray(E_MeV, dtype=float) * c.EV_PER_MEV",
      "matter parameter beta = sqrt2 G_F n_e E / dm2 (missing 2)", (PEE_DIAGONAL,)),
    M("model/solar_oscillation.py", "return np.sqrt(2.0) * c.FERMI_CONSTANT_EV_CM3 * np.asarray(",
      "return 2.0 * c.FERMI_CONSTANT_EV_CM3 * np.asarray(",
      "charged-current potential 2 G_F n_e instead of sqrt2 G_F n_e", (PEE_DIAGONAL,)),
    M("model/solar_oscillation.py", "* matter_potential_eV(electrons_per_cm3) * (1.0 - sin2_theta13) / dm2_21_eV2)",
      "* matter_potential_eV(electrons_per_cm3) * (1.0 - sin2_theta13) / (2.0 * dm2_21_eV2))",
      "solar mass splitting doubled in the matter angle", (PEE_DIAGONAL,)),
    M("model/solar_oscillation.py", "    return c13_4 * two_flavour + s13_4\n", "    return two_flavour\n",
      "theta_13 left out: P_ee = P_2nu instead of c13^4 P_2nu + s13^4", (PEE_DIAGONAL,)),
    M("model/solar_oscillation.py", "            -cos_sun * earth_regeneration(", "            cos_sun * earth_regeneration(",
      "Earth regeneration with the wrong sign (night less nu_e)", (DAY_NIGHT,)),
    M("model/solar_oscillation.py", "NIGHT_FRACTION = 0.5", "NIGHT_FRACTION = 1.0",
      "day-night average counted as all night", (DAY_NIGHT,)),
    M("model/solar_oscillation.py", "theta_m = 0.5 * np.arccos(cos_earth)", "theta_m = np.arccos(cos_earth)",
      "Earth matter angle 2theta_m taken as theta_m", (DAY_NIGHT,)),
    M("model/solar_oscillation.py", "10.0 ** np.concatenate([[log_n[0]], log_n]) * c.AVOGADRO_PER_MOL",
      "10.0 ** np.concatenate([[log_n[0]], log_n])",
      "solar electron density in N_A cm^-3 read as cm^-3 (no matter effect)", (PEE_PRODUCTION,)),
    M("model/solar_oscillation.py", "c13_2 * 0.5 * (1.0 + cos_m), c13_2 * 0.5 * (1.0 - cos_m)",
      "c13_2 * 0.5 * (1.0 - cos_m), c13_2 * 0.5 * (1.0 + cos_m)",
      "mass-state fractions P_1 and P_2 swapped", (SOLAR_MU_EFF,)),
    M("model/solar_oscillation.py", "for P_part, bucket in ((P_grid, survived), (1.0 - P_grid, converted))",
      "for P_part, bucket in ((P_grid, survived), (P_grid, converted))",
      "converted nu_mu,tau continuum phi P_ee instead of phi (1 - P_ee)", (SOLAR_SUMS, PP_OSCILLATED)),
    M("model/solar_oscillation.py", "(e, f * (1.0 - p)) for (e, f), p in zip(source.lines, P_lines))",
      "(e, f * p) for (e, f), p in zip(source.lines, P_lines))",
      "converted nu_mu,tau lines phi P_ee instead of phi (1 - P_ee)", (SOLAR_SUMS,)),
    M("model/recoil_spectrum.py", 'OSCILLATED_FLAVOUR = "nu_mu"', 'OSCILLATED_FLAVOUR = "nu_e"',
      "converted solar neutrinos scatter with the nu_e (charged-current) couplings", (PP_OSCILLATED,)),
    # --- profile likelihoods: Asimov limits, bands, the background profile ---------------------------
    M("model/profile_likelihood.py", "return np.where(N >= 0, N + z, N + np.sqrt(N * N + z * z))",
      "return np.where(N >= 0, N + z, N + z)",
      "band below the median without the physical boundary mu^2 >= 0", (BAND_FACTOR,)),
    M("model/profile_likelihood.py", "    N = ndtri(np.asarray(quantile, dtype=float))\n    z = Z_ONE_SIDED_90",
      "    N = ndtri(1.0 - np.asarray(quantile, dtype=float))\n    z = Z_ONE_SIDED_90",
      "band quantiles reversed (N = Phi^-1(1 - p))", (BAND_FACTOR,)),
    M("model/profile_likelihood.py", "BAND_QUANTILES = (0.025, 0.16, 0.5, 0.84, 0.975)",
      "BAND_QUANTILES = (0.05, 0.16, 0.5, 0.84, 0.95)",
      "the +-2 sigma band at the 5% and 95% quantiles", (BAND_API,)),
    M("model/profile_likelihood.py", "self.critical = Z_ONE_SIDED_90**2 if", "self.critical = Z_ONE_SIDED_90 if",
      "one-sided limit at -2 ln lambda = z instead of z^2", (MU_QUANTILE,)),
    M("model/profile_likelihood.py", "        return 2.0 * np.sum(deviance, axis=-1)\n",
      "        return np.sum(deviance, axis=-1)\n",
      "ON/OFF statistic -ln lambda instead of -2 ln lambda", (MU_QUANTILE,)),
    M("model/profile_likelihood.py", "        b = np.maximum(b, np.maximum(-k, 0.0))\n",
      "        b = np.maximum(self.n_off / self.X_off + 0.0 * b, np.maximum(-k, 0.0))\n",
      "ON/OFF background fixed at the OFF estimate instead of profiled", (MU_QUANTILE, GAUSSIAN_LIMIT)),
    M("model/profile_likelihood.py", "        beta = self.alpha * k - self.n_total\n",
      "        beta = self.alpha * k - self.n_on\n",
      "ON/OFF background estimate from the ON counts only (wrong profile)", (MU_QUANTILE,)),
    M("model/profile_likelihood.py", "variance = (b + self.known) / self.X_on + b / self.X_off\n",
      "variance = (b + self.known) / self.X_on\n",
      "Fisher sigma of the ON/OFF estimate without the OFF-run variance", (FISHER_SIGMA,)),
    M("model/profile_likelihood.py", "return self.n_log_n - xlogy(self.n, m) + m - self.n",
      "return self.n_log_n - 0.5 * xlogy(self.n, m) + m - self.n",
      "Poisson deviance with half the n ln m term", (MU_QUANTILE,)),
    M("model/profile_likelihood.py", "        deviance = 2.0 * np.sum(self.observed.half_deviance(mean), axis=-1)\n",
      "        deviance = np.sum(self.observed.half_deviance(mean), axis=-1)\n",
      "fitted-background statistic -ln lambda instead of -2 ln lambda", (SOLAR_GAUSSIAN,)),
    M("model/profile_likelihood.py", "inverse_prior = 0.0 if not self.prior_rel else 1.0 / self.prior_rel**2",
      "inverse_prior = 0.0 if not self.prior_rel else 1.0 / self.prior_rel",
      "Gaussian background constraint with 1/sigma instead of 1/sigma^2", (SOLAR_GAUSSIAN,)),
    M("model/profile_likelihood.py", "        return a\n\n    def deviance(self, signal):",
      "        return np.ones_like(a)\n\n    def deviance(self, signal):",
      "fitted background normalisation not profiled (held at 1)", (SOLAR_GAUSSIAN,)),
    M("model/profile_likelihood.py", "return 1.0 / np.sqrt(np.maximum(I_xx - I_xa**2 / I_aa, np.finfo(float).tiny))",
      "return 1.0 / np.sqrt(np.maximum(I_xx, np.finfo(float).tiny))",
      "Fisher sigma ignoring the correlation with the fitted background", (FISHER_SIGMA,)),
    M("model/profile_likelihood.py", "expected = (self.known + signal) / self.widths",
      "expected = self.known + signal",
      "residual chi^2 compares counts with rates per keV", (RESIDUAL_FIT,)),
    # --- reactor sensitivity --------------------------------------------------------------------------
    M("model/sensitivity.py", "sigma = median_x / Z_ONE_SIDED_90", "sigma = median_x / DELTA_CHI2_TWO_SIDED_90",
      "Asimov sigma of mu^2 from the two-sided constant", (GAUSSIAN_LIMIT, BAND_FACTOR)),
    M("model/sensitivity.py", "sigma_sqrt_keV * np.sqrt(centres)", "sigma_sqrt_keV * centres",
      "resolution term a sqrt(T) taken as a T", (SOLAR_RESOLUTION,)),
    M("model/sensitivity.py", "X_on, X_off = values, values * self.days_off / self.days_on",
      "X_on, X_off = values, values",
      "exposure scan with the OFF exposure equal to the ON one", (SCAN_BANDS,)),
    M("model/sensitivity.py", "BACKGROUND_REFERENCE_KEV = 10.0", "BACKGROUND_REFERENCE_KEV = 1.0",
      "background shape referred to 1 keV instead of 10 keV", (BACKGROUND_SHAPE,)),
    # --- solar sensitivity ------------------------------------------------------------------------
    M("model/solar_sensitivity.py", "KG_DAY_PER_T_YR = 1000.0 * c.SECONDS_PER_YEAR / c.SECONDS_PER_DAY",
      "KG_DAY_PER_T_YR = 100.0 * c.SECONDS_PER_YEAR / c.SECONDS_PER_DAY",
      "tonne year counted as 100 kg year", (TONNE_YEAR,)),
    M("model/solar_sensitivity.py", "X = self.exposure_kg_day() * self.efficiency",
      "X = self.exposure_kg_day()", "detection efficiency ignored", (EFFICIENCY,)),
    M("model/solar_sensitivity.py", "X = values * self.efficiency", "X = values",
      "exposure scan ignores the efficiency", (EFFICIENCY,)),
    M("model/solar_sensitivity.py", "(self.background_per_keV_t_yr\n"
      "                                                        / KG_DAY_PER_T_YR)",
      "(self.background_per_keV_t_yr\n"
      "                                                        / 1000.0)",
      "background per t yr keV converted as per t day keV", (XENON_INPUTS,)),
    M("model/solar_sensitivity.py", "smeared_cumulative(key, 1.0, 0.0, float(self.resolution_sqrt_keV),\n"
      "                                      float(self.resolution_fraction))",
      "smeared_cumulative(key, 1.0, 0.0, float(self.resolution_fraction),\n"
      "                                      float(self.resolution_sqrt_keV))",
      "resolution terms a sqrt(T) and b T swapped", (SOLAR_RESOLUTION,)),
    M("model/solar_sensitivity.py", 'inputs.exposures["X"], n, self.background_prior_rel)',
      'inputs.exposures["X"], n, None)',
      "background constraint ignored (always fitted freely)", (SOLAR_GAUSSIAN,)),
    M("model/solar_sensitivity.py", 'key = dict(source=self.source, flavour="nu_e",',
      'key = dict(source=self.source, flavour="nu_mu",',
      "solar neutrinos scattered as nu_mu (unoscillated, no charged current)", (XENON_INPUTS,)),
    # --- fits of measured spectra ----------------------------------------------------------------------
    M("model/spectrum_fit.py", 'X_off = detector.mass_kg * spectrum.attrs["off_days"]',
      'X_off = detector.mass_kg * spectrum.attrs["on_days"]',
      "OFF exposure from the ON live time (live-time ratio 1)", (FIT_ASIMOV,)),
    M("model/spectrum_fit.py", "x_up = crossing(likelihood, magnetic, np.ones(rows), start=physical, baseline=baseline)",
      "x_up = crossing(likelihood, magnetic, np.ones(rows), start=x_best, baseline=x_min)",
      "90% CL crossing from the unphysical mu^2 < 0 best fit", (FIT_NEGATIVE,)),
    M("model/spectrum_fit.py", "baseline = np.where(x_best > 0, x_min, likelihood.deviance(magnetic(physical)))",
      "baseline = x_min",
      "limit statistic relative to the unphysical minimum when mu^2-hat < 0", (FIT_NEGATIVE,)),
    M("model/spectrum_fit.py", "one_sigma.critical = 1.0", "one_sigma.critical = Z_ONE_SIDED_90**2",
      "68% interval at Delta chi^2 = 1.642 instead of 1", (RESIDUAL_FIT,)),
    M("model/spectrum_fit.py", 'q_limit=max(-result["q_low"], result["q_high"])',
      'q_limit=max(result["q_low"], result["q_high"])',
      "|q| limit ignores the negative end of the interval", (RESIDUAL_Q,)),
    M("model/spectrum_fit.py", "per_bin = (at_high - at_low) * flux", "per_bin = at_high - at_low",
      "fitted signal shapes without the reactor flux", (RESIDUAL_FIT,)),
)


# --- running -------------------------------------------------------------------------------
@dataclass
class Result:
    index: int
    mutant: Mutant
    status: str        # killed, survived, error
    seconds: float
    stage: str = ""    # "hint" or "suite": which run killed it
    killer: str = ""   # first failing test (or the error)


def missing_hints(repo: Path, mutant: Mutant) -> list[str]:
    return [t for t in mutant.tests if not (repo / t.split("::")[0]).exists()]


def check_mutants(repo: Path, mutants, allow_missing_hints=False) -> list[str]:
    """Problems with the list: files missing, old text not found exactly once, no-op edits,
    hint tests that do not exist."""
    problems = []
    for index, mutant in mutants:
        if not allow_missing_hints:
            problems.extend(f"#{index}: hint test {t} does not exist" for t in missing_hints(repo, mutant))
        path = repo / mutant.file
        if not path.is_file():
            problems.append(f"#{index} {mutant.file}: no such file")
            continue
        count = path.read_text(encoding="utf-8").count(mutant.old)
        if count != 1:
            problems.append(f"#{index} {mutant.file}: old text found {count} times (must be exactly "
                            f"once): {mutant.old!r}")
        if mutant.old == mutant.new:
            problems.append(f"#{index}: old and new text are the same")
    return problems


def make_copy(repo: Path, parent: Path, name: str) -> Path:
    copy = parent / name
    shutil.copytree(repo, copy, ignore=COPY_IGNORE)
    (copy / "_mutants_profile.py").write_text(PLUGIN, encoding="utf-8")
    return copy


def environment(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(copy), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a stale .pyc of a mutated file must never be reused
    return env


def check_copy_is_imported(copy: Path, python: str) -> None:
    """The copy, not the installed (editable) project, must be what the tests import."""
    run = subprocess.run([python, "-c", "import model, dashboard; print(model.__file__)"], cwd=copy,
                         env=environment(copy), capture_output=True, text=True, timeout=300)
    if run.returncode != 0 or not Path(run.stdout.strip()).resolve().is_relative_to(copy.resolve()):
        raise SystemExit(f"the copy {copy} is not the imported project: {run.stdout}{run.stderr}")


def pytest(copy: Path, python: str, targets, timeout: float, stop_at_first=True) -> tuple[int, str]:
    """Run pytest on the copy in its own process group, which is killed on a timeout or when
    the gate itself is interrupted (no orphaned test runs)."""
    options = PYTEST_OPTIONS if stop_at_first else [o for o in PYTEST_OPTIONS if o != "-x"]
    command = [python, "-m", "pytest", *options, *targets]
    if _STOP.is_set():
        raise KeyboardInterrupt
    process = subprocess.Popen(command, cwd=copy, env=environment(copy), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    with _LIVE_LOCK:
        _LIVE.add(process)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return -1, f"timeout after {timeout:g} s"
    except BaseException:
        _kill_group(process)
        raise
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(process)
    if _STOP.is_set():
        raise KeyboardInterrupt
    return process.returncode, output


_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()
_STOP = threading.Event()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _kill_all() -> None:
    """Interrupted: stop the workers' pytest runs (each worker then restores its file)."""
    _STOP.set()
    with _LIVE_LOCK:
        live = list(_LIVE)
    for process in live:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


def failures(output: str) -> set[str]:
    return set(FAILED.findall(output))


def confirm_suite_kills(results: list, copy: Path, python: str, timeout: float) -> None:
    """Tests that killed a mutant in the whole-suite stage must pass without it: run them on
    the unmutated copy; a mutant killed only by a test that fails anyway becomes an error."""
    killers = sorted({r.killer for r in results
                      if r.status == "killed" and r.stage == "suite" and "::" in r.killer})
    if not killers:
        return
    status, output = pytest(copy, python, killers, timeout, stop_at_first=False)
    broken = failures(output) if status == 1 else set(killers) if status != 0 else set()
    for result in results:
        if result.status == "killed" and result.stage == "suite" and result.killer in broken:
            result.status = "error"
            result.killer = f"{result.killer} fails without the mutant too (not a kill)"


def first_failure(output: str) -> str:
    found = FAILED.search(output)
    return found.group(1) if found else output.strip().splitlines()[-1] if output.strip() else ""


def run_mutant(index: int, mutant: Mutant, copy: Path, python: str, timeout: float,
               hints_only: bool) -> Result:
    path = copy / mutant.file
    original = path.read_text(encoding="utf-8")
    start = time.monotonic()
    try:
        if original.count(mutant.old) != 1:
            return Result(index, mutant, "error", 0.0, killer="old text not found exactly once")
        path.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
        stages = [("hint", list(mutant.tests))] if mutant.tests else []
        if not hints_only or not mutant.tests:
            stages.append(("suite", SUITE))
        for stage, targets in stages:
            status, output = pytest(copy, python, targets, timeout)
            if status == 1 or status == -1:  # a failing test (or a hang: the code broke)
                killer = first_failure(output) if status == 1 else output
                return Result(index, mutant, "killed", time.monotonic() - start, stage, killer)
            if status != 0:
                return Result(index, mutant, "error", time.monotonic() - start, stage,
                              f"pytest exit status {status}: {first_failure(output)}")
        return Result(index, mutant, "survived", time.monotonic() - start)
    finally:
        path.write_text(original, encoding="utf-8")


def parse_selection(text: str, count: int) -> list[int]:
    chosen = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        first, last = int(low), int(high or low)
        if not 1 <= first <= last <= count:
            raise SystemExit(f"--only {text}: mutants are numbered 1 to {count}")
        chosen.extend(range(first, last + 1))
    return sorted(set(chosen))


def print_row(result: Result) -> None:
    where = f"{result.stage}: {result.killer}" if result.killer else ""
    print(f"{result.index:>3}  {result.status:<8} {result.seconds:7.1f}  {result.mutant.file:<28} "
          f"{result.mutant.description}" + (f"\n{'':>50}{where}" if where else ""), flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="list the mutants and check them")
    parser.add_argument("--only", help="mutant numbers, e.g. 3,7-9")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="parallel workers (default 1)")
    parser.add_argument("--repo", type=Path, default=REPOSITORY,
                        help="the checkout to copy and mutate (default: this repository)")
    parser.add_argument("--python", default=sys.executable, help="interpreter with the test deps")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per pytest run")
    parser.add_argument("--hints-only", action="store_true",
                        help="run only each mutant's hint tests (fast; survival not conclusive)")
    parser.add_argument("--allow-missing-hints", action="store_true",
                        help="drop hint tests that the checkout does not have (older --repo)")
    parser.add_argument("--skip-baseline", action="store_true",
                        help="do not check first that the unmutated hint tests pass")
    args = parser.parse_args(argv)

    # SIGTERM (e.g. a CI time limit) unwinds like Ctrl-C: files restored, copies removed.
    signal.signal(signal.SIGTERM, _interrupt)
    repo = args.repo.resolve()
    numbered = list(enumerate(MUTANTS, start=1))
    if args.only:
        wanted = set(parse_selection(args.only, len(MUTANTS)))
        numbered = [(i, m) for i, m in numbered if i in wanted]
    problems = check_mutants(repo, numbered, args.allow_missing_hints)
    if args.allow_missing_hints:  # an older checkout: keep only the hint tests it has
        numbered = [(i, Mutant(m.file, m.old, m.new, m.description,
                               tuple(t for t in m.tests if t not in missing_hints(repo, m))))
                    for i, m in numbered]
    if args.list:
        for index, mutant in numbered:
            print(f"{index:>3}  {mutant.file:<28} {mutant.description}")
            print(textwrap.indent(f"- {mutant.old!r}\n+ {mutant.new!r}\n  tests: "
                                  f"{', '.join(mutant.tests) or '(whole suite)'}", " " * 5))
    if problems:
        print("\nTHE MUTANT LIST IS OUT OF DATE (fix it in scripts/mutants.py):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    if args.list:
        print(f"\n{len(numbered)} mutants, each found exactly once.")
        return 0

    jobs = max(1, min(args.jobs, len(numbered)))
    wall_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nuem-mutants-") as parent:
        copies: queue.Queue[Path] = queue.Queue()
        for k in range(jobs):
            copy = make_copy(repo, Path(parent), f"copy{k}")
            check_copy_is_imported(copy, args.python)
            copies.put(copy)
        if not args.skip_baseline:
            hints = sorted({t for _, m in numbered for t in m.tests})
            copy = copies.get()
            status, output = pytest(copy, args.python, hints or SUITE, args.timeout)
            copies.put(copy)
            if status != 0:
                print(f"the UNMUTATED hint tests do not pass (status {status}): "
                      f"{first_failure(output)}\n{output[-3000:]}", file=sys.stderr)
                return 2
            print(f"baseline: the unmutated hint tests pass ({len(hints)} targets)", flush=True)
        print(f"{'#':>3}  {'status':<8} {'seconds':>7}  {'file':<28} mutant", flush=True)
        results: list[Result] = []
        lock = threading.Lock()

        def work(item):
            index, mutant = item
            copy = copies.get()
            try:
                result = run_mutant(index, mutant, copy, args.python, args.timeout, args.hints_only)
            finally:
                copies.put(copy)
            with lock:
                print_row(result)
                results.append(result)
            return result

        pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
        try:
            for future in [pool.submit(work, item) for item in numbered]:
                future.result()
        except KeyboardInterrupt:
            _kill_all()
            pool.shutdown(wait=True, cancel_futures=True)
            print("interrupted: every file restored, copies removed", file=sys.stderr)
            return 130
        pool.shutdown(wait=True)
        try:
            confirm_suite_kills(results, copies.get(), args.python, args.timeout)
        except KeyboardInterrupt:
            _kill_all()
            return 130

    results.sort(key=lambda r: r.index)
    killed = [r for r in results if r.status == "killed"]
    survived = [r for r in results if r.status == "survived"]
    errors = [r for r in results if r.status == "error"]
    total = sum(r.seconds for r in results)
    by_suite = [r for r in killed if r.stage == "suite"]
    print(f"\n{len(killed)} of {len(results)} mutants killed, {len(survived)} survived, "
          f"{len(errors)} errors ({total:.0f} s of pytest, {time.monotonic() - wall_start:.0f} s "
          f"wall time with {jobs} worker(s))")
    for r in by_suite:
        print(f"  killed only by the whole suite #{r.index} (its hints let it through): {r.killer}")
    for r in survived:
        print(f"  SURVIVED #{r.index}: {r.mutant.file}: {r.mutant.description}")
    for r in errors:
        print(f"  ERROR #{r.index}: {r.mutant.file}: {r.killer}")
    if errors:
        return 2
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
