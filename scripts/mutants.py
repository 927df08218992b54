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
   the gate, not a kill.

The hypothesis settings of these runs come from a profile registered by a small plugin of
this script (``mutants``: no example database, derandomized), so that the result does not
depend on earlier runs and can be reproduced.

Usage::

    python scripts/mutants.py              # every mutant, one at a time; exit 1 if any survives
    python scripts/mutants.py --list       # the numbered list (and the exactly-once check)
    python scripts/mutants.py --only 3,7-9 # some of them
    python scripts/mutants.py -j 2         # two workers (two copies of the repository)
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
    M("model/reactor.py", "ANTINEUTRINOS_PER_FISSION_QUOTED = 7.2 ", "ANTINEUTRINOS_PER_FISSION_QUOTED = 6.5 ",
      "quoted antineutrinos per fission 6.5", (SOURCES,)),
    M("model/reactor.py", "area_cm2 = 4.0 * math.pi *", "area_cm2 = 2.0 * math.pi *",
      "flux through 2 pi L^2 instead of 4 pi L^2", (SOURCES,)),
    M("model/sources.py", "sign = -1.0 if positron else 1.0", "sign = 1.0 if positron else -1.0",
      "Fermi function: electron and positron signs swapped", (HELPERS,)),
    M("model/sources.py", "two_pi_eta / -np.expm1(-two_pi_eta)", "two_pi_eta / np.expm1(two_pi_eta)",
      "Fermi function x exp(-2 pi eta)", (HELPERS,)),
    M("model/sources.py", "normalised = tuple((float(e), float(f) / total) for e, f in lines)",
      "normalised = tuple((float(e), float(f)) for e, f in lines)",
      "line source fractions not renormalised", (HELPERS,)),
    M("model/solar.py", "positron=True))", "positron=False))",
      "pp neutrinos with the beta-minus Fermi function", (HELPERS, SOURCES)),
    # --- recoil spectrum ------------------------------------------------------------------------
    M("model/recoil_spectrum.py", "targets_per_kg * c.SECONDS_PER_DAY * active",
      "targets_per_kg * c.SECONDS_PER_DAY * active ** 0",
      "stepping factor dropped: atoms counted as one electron", (RECOIL, PROPERTIES)),
    M("model/recoil_spectrum.py", "jacobian = 1.0 / keVee_per_keVnr(T_nr, Z, k)",
      "jacobian = keVee_per_keVnr(T_nr, Z, k)",
      "keVnr -> keVee Jacobian inverted", (RECOIL,)),
    # --- sensitivity ----------------------------------------------------------------------------
    M("model/sensitivity.py", "Z_ONE_SIDED_90 = 1.2815515655446004", "Z_ONE_SIDED_90 = 1.6448536269514722",
      "one-sided 95% quantile for the 90% CL mu limit", (REFERENCES, SENS)),
    M("model/sensitivity.py", "DELTA_CHI2_TWO_SIDED_90 = 2.705543454095404",
      "DELTA_CHI2_TWO_SIDED_90 = 1.642",
      "two-sided 90% Delta chi^2 for q at 1.642 instead of 2.706", (REFERENCES, SENS)),
    M("model/sensitivity.py", "CF4_ELECTRONS = 6 + 4 * 9", "CF4_ELECTRONS = 4 + 4 * 9",
      "CF4 with 40 electrons instead of 42", (SENSPHYS, SENS)),
    M("model/sensitivity.py", "return B * T0 * (T / T0) ** (1.0 - k) / (1.0 - k)",
      "return B * T0 * (T / T0) ** (1.0 - k)",
      "background shape integral without its 1/(1 - k)", (SENSPHYS, SENS)),
    M("model/sensitivity.py", "(edges[..., None] - centres) / self.resolution_keV)",
      "(edges[..., None] - centres) / (2.0 * self.resolution_keV))",
      "energy resolution sigma -> 2 sigma", (SENSPHYS, SENS)),
    M("model/sensitivity.py", 'self.n_off = rates["background"] * self.X_off',
      'self.n_off = rates["background"] * self.X_on',
      "OFF counts with the ON exposure", (SENS,)),
    M("model/sensitivity.py", 'return asimov(sign * x * rates["charge_linear"]',
      'return asimov(x * rates["charge_linear"]',
      "millicharge interference blind to the sign of q", (SENS,)),
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


def pytest(copy: Path, python: str, targets, timeout: float) -> tuple[int, str]:
    """Run pytest on the copy in its own process group, which is killed on a timeout or when
    the gate itself is interrupted (no orphaned test runs)."""
    command = [python, "-m", "pytest", *PYTEST_OPTIONS, *targets]
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

    results.sort(key=lambda r: r.index)
    killed = [r for r in results if r.status == "killed"]
    survived = [r for r in results if r.status == "survived"]
    errors = [r for r in results if r.status == "error"]
    total = sum(r.seconds for r in results)
    print(f"\n{len(killed)} of {len(results)} mutants killed, {len(survived)} survived, "
          f"{len(errors)} errors ({total:.0f} s of pytest)")
    for r in survived:
        print(f"  SURVIVED #{r.index}: {r.mutant.file}: {r.mutant.description}")
    for r in errors:
        print(f"  ERROR #{r.index}: {r.mutant.file}: {r.killer}")
    if errors:
        return 2
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
