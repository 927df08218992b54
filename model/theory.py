"""What theory says about mu_nu: Standard-Model moments, naturalness, and two consequences.

* The Dirac magnetic moment of the minimally extended Standard Model, light and heavy
  neutrinos (Studenikin, Nucl. Part. Phys. Proc. 273-275, 1711 (2016)
  [studenikin_2016_ichep], eqs. (8), (16), (17)).
* Transition moments of Dirac and Majorana neutrinos with PMNS mixing and the leptonic GIM
  suppression ([studenikin_2016_ichep] eqs. (11)-(15)).
* Naturalness: the neutrino-mass shift a moment generated at scale Lambda implies
  ([studenikin_2016_ichep] eq. (19)) and the bounds of Bell et al. ([bell_2005], [bell_2006]).
* Studenikin's millicharge estimate from a mu_nu limit ([studenikin_2016_ichep] eq. (32);
  [studenikin_2014_epl]): ``millicharge_bound_from_moment(mu_nu, T_threshold_keV)``, also
  used by :mod:`model.sensitivity`.
* The triangle inequalities that effective moments of Majorana neutrinos obey (Studenikin,
  J. Phys. Conf. Ser. 718 (2016), arXiv:1603.00337 [studenikin_2016_taup], Sec. 5;
  [frere_heeck_mollet_2015]).

Units: moments in Bohr magnetons mu_B = e0/(2 m_e) (so the electric charge convention drops
out of every ratio mu/mu_B); neutrino masses in eV (``m_nu_eV``); the new-physics scale in
TeV (``Lambda_TeV``); millicharges in e0.  References in brackets are keys of
:mod:`model.references`; Giunti & Studenikin, Rev. Mod. Phys. 87, 531 (2015), Sec. IV
[giunti_studenikin_2015] reviews all of it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import param

from . import constants as c
from . import limits
from .effective_moment import FLAVOUR_INDEX, pmns_matrix
from .electron_scattering import MAX_MU_NU
from .validation import Choice, RealNumber, as_checked_array, checked_choice

MAX_M_NU_EV = 1e16
"""Largest neutrino mass the calculators accept (10 PeV: well inside the m >> m_W regime)."""

SM_DIRAC_MU_B_PER_EV = 3.0 * c.FERMI_CONSTANT_MEV2 * c.ELECTRON_MASS_MEV / (
    4.0 * math.sqrt(2.0) * math.pi**2) / c.EV_PER_MEV
"""mu_ii / mu_B per eV of neutrino mass: 3 e G_F m / (8 sqrt2 pi^2) in units of e/(2 m_e),
i.e. 3 G_F m_e / (4 sqrt2 pi^2) = 3.20e-19 per eV ([studenikin_2016_ichep] eq. (8))."""

W_MASS_EV = c.W_MASS_GEV * c.MEV_PER_GEV * c.EV_PER_MEV
LIGHT_REGIME_MAX_EV = 2e9
"""Eq. (8) is used below 2 GeV, eq. (16) from there ("2 GeV << m_i << 80 GeV",
[studenikin_2016_ichep])."""
HEAVY_REGIME_MAX_EV = W_MASS_EV / 2.0
SUPERHEAVY_REGIME_MIN_EV = 2.0 * W_MASS_EV
"""Eqs. (16) and (17) are drawn where their inequality m << m_W or m >> m_W holds to a
factor 2; between, neither closed form applies (the full one-loop function is needed:
Dvornikov & Studenikin, PRD 69, 073001 (2004))."""


# --- Dirac moment of the minimally extended Standard Model ----------------------------------
def dirac_moment_sm(m_nu_eV):
    """Diagonal magnetic moment of a Dirac neutrino of mass ``m_nu_eV``, in mu_B.

    mu_ii = 3 e G_F m_i / (8 sqrt2 pi^2) ~ 3.2e-19 (m_i / 1 eV) mu_B: [studenikin_2016_ichep]
    eq. (8) (Fujikawa & Shrock, PRL 45, 963 (1980)), valid for m_i << m_W.  Vectorised.
    """
    m = as_checked_array("m_nu_eV", m_nu_eV, low=0.0, high=MAX_M_NU_EV)
    return SM_DIRAC_MU_B_PER_EV * m


def dirac_moment_heavy(m_nu_eV):
    """Diagonal moment of a heavy Dirac neutrino, m_l << m_i << m_W, in mu_B.

    mu_ii = 3 e G_F m_i / (8 pi^2 sqrt2) (1 + 5 b_i / 18), b_i = m_i^2 / m_W^2:
    [studenikin_2016_ichep] eq. (16) (Dvornikov & Studenikin, PRD 69, 073001 (2004)).  Vectorised.
    """
    m = as_checked_array("m_nu_eV", m_nu_eV, low=0.0, high=MAX_M_NU_EV)
    return SM_DIRAC_MU_B_PER_EV * m * (1.0 + 5.0 / 18.0 * (m / W_MASS_EV) ** 2)


def dirac_moment_superheavy(m_nu_eV):
    """Diagonal moment of a Dirac neutrino much heavier than the W, in mu_B.

    mu_ii = e G_F m_i / (8 pi^2 sqrt2): [studenikin_2016_ichep] eq. (17), one third of eq. (8).
    Vectorised.
    """
    m = as_checked_array("m_nu_eV", m_nu_eV, low=0.0, high=MAX_M_NU_EV)
    return SM_DIRAC_MU_B_PER_EV * m / 3.0


def dirac_moment_regime(m_nu_eV: float) -> str:
    """Which closed form applies at this mass: "light" (eq. 8), "heavy" (eq. 16),
    "superheavy" (eq. 17) or "none" (m ~ m_W, no closed form)."""
    m = float(as_checked_array("m_nu_eV", m_nu_eV, low=0.0, high=MAX_M_NU_EV))
    if m < LIGHT_REGIME_MAX_EV:
        return "light"
    if m <= HEAVY_REGIME_MAX_EV:
        return "heavy"
    if m >= SUPERHEAVY_REGIME_MIN_EV:
        return "superheavy"
    return "none"


REGIME_EQUATIONS = {"light": "eq. (8)", "heavy": "eq. (16)", "superheavy": "eq. (17)",
                    "none": "no closed form near m_W"}


def dirac_moment_by_regime(m_nu_eV):
    """The SM Dirac moment from whichever of eqs. (8), (16), (17) applies; NaN for
    m_W/2 < m < 2 m_W, where none does.  Vectorised, mu_B."""
    m = as_checked_array("m_nu_eV", m_nu_eV, low=0.0, high=MAX_M_NU_EV)
    light = m < LIGHT_REGIME_MAX_EV
    heavy = (m >= LIGHT_REGIME_MAX_EV) & (m <= HEAVY_REGIME_MAX_EV)
    superheavy = m >= SUPERHEAVY_REGIME_MIN_EV
    return np.select([light, heavy, superheavy],
                     [dirac_moment_sm(m), dirac_moment_heavy(m), dirac_moment_superheavy(m)],
                     default=np.nan)


# --- mixing and transition moments ----------------------------------------------------------
ORDERINGS = ("normal", "inverted")
CHARGED_LEPTON_MASSES_MEV = np.array([c.ELECTRON_MASS_MEV, c.MUON_MASS_MEV, c.TAU_MASS_MEV])
GIM_WEIGHTS = (CHARGED_LEPTON_MASSES_MEV / (c.W_MASS_GEV * c.MEV_PER_GEV)) ** 2
"""a_l = m_l^2 / m_W^2 for l = e, mu, tau: the weights of the GIM sums in eqs. (11)-(14)."""

DIRAC_TRANSITION_MU_B_PER_EV = SM_DIRAC_MU_B_PER_EV / 4.0
"""3 e G_F / (32 sqrt2 pi^2) in mu_B per eV: the prefactor of [studenikin_2016_ichep] eq. (11) per unit
(m_i + m_j), one quarter of the diagonal coefficient of eq. (8)."""


def majorana_pmns_matrix(alpha21_rad=0.0, alpha31_rad=0.0, **mixing) -> np.ndarray:
    """U diag(1, e^{i alpha21/2}, e^{i alpha31/2}): the lepton mixing matrix U_li (rows e, mu,
    tau) of :func:`model.effective_moment.pmns_matrix` (``mixing``: its angles and delta_cp_rad,
    PDG defaults) with the Majorana phases, which matter for Majorana moments only."""
    for name, value in (("alpha21_rad", alpha21_rad), ("alpha31_rad", alpha31_rad)):
        as_checked_array(name, value, low=-4 * math.pi, high=4 * math.pi)
    return pmns_matrix(**mixing) * np.exp(0.5j * np.array([0.0, alpha21_rad, alpha31_rad]))


def neutrino_masses_eV(lightest_eV, ordering="normal", dm2_21_eV2=c.PDG_DM2_21_EV2,
                       dm2_32_eV2=None) -> np.ndarray:
    """Masses (m1, m2, m3) in eV from the lightest one and the two splittings.

    Normal ordering: m1 is the lightest, m3^2 = m2^2 + dm2_32; inverted: m3 is the lightest,
    m2^2 = m3^2 + |dm2_32|, m1^2 = m2^2 - dm2_21.  ``dm2_32_eV2`` defaults to the PDG value
    of the chosen ordering.
    """
    lightest = float(as_checked_array("lightest_eV", lightest_eV, low=0.0, high=1e3))
    checked_choice("ordering", ordering, ORDERINGS)
    if dm2_32_eV2 is None:
        dm2_32_eV2 = c.PDG_DM2_32_NORMAL_EV2 if ordering == "normal" else c.PDG_DM2_32_INVERTED_EV2
    as_checked_array("dm2_21_eV2", dm2_21_eV2, low=0.0, high=1.0, low_inclusive=False)
    dm2_32 = abs(float(as_checked_array("dm2_32_eV2", dm2_32_eV2, low=-1.0, high=1.0)))
    if ordering == "normal":
        m2 = math.sqrt(lightest**2 + dm2_21_eV2)
        return np.array([lightest, m2, math.sqrt(m2**2 + dm2_32)])
    if dm2_32 <= dm2_21_eV2:
        raise ValueError("inverted ordering needs |dm2_32_eV2| > dm2_21_eV2")
    m2 = math.sqrt(lightest**2 + dm2_32)
    return np.array([math.sqrt(m2**2 - dm2_21_eV2), m2, lightest])


@dataclass(frozen=True)
class DipoleMoments:
    """Magnetic (mu_ij) and electric (epsilon_ij) dipole moments in the mass basis, in mu_B."""

    magnetic: np.ndarray
    electric: np.ndarray


def _checked_mixing(masses_eV, U):
    masses = as_checked_array("masses_eV", masses_eV, low=0.0, high=MAX_M_NU_EV)
    U = np.asarray(U, dtype=complex)
    if masses.shape != (3,) or U.shape != (3, 3):
        raise ValueError("masses_eV must hold 3 masses and U be a 3x3 mixing matrix")
    if not np.allclose(U.conj().T @ U, np.eye(3), atol=1e-9):
        raise ValueError("the mixing matrix U must be unitary")
    return masses, U


def _gim_sums(U):
    """S_ij = sum_l a_l U_li^* U_lj (rows i, columns j): Hermitian, made exactly so, which
    keeps the Majorana moments exactly antisymmetric."""
    sums = np.einsum("l,li,lj->ij", GIM_WEIGHTS, U.conj(), U)
    return 0.5 * (sums + sums.conj().T)


def dirac_transition_moments(masses_eV, U) -> DipoleMoments:
    """Dirac moments: diagonal from eq. (8), transition ones from [studenikin_2016_ichep] eq. (11).

    mu_ij, eps_ij = 3 e G_F m_i / (32 sqrt2 pi^2) (1 +- m_j/m_i) sum_l (m_l/m_W)^2 U_lj U_li^*
    for i != j (Shrock, NPB 206, 359 (1982); Pal & Wolfenstein, PRD 25, 766 (1982)); the
    epsilon_ij are electric dipole moments in the same units.  The unitarity of U cancels the
    mass-independent part of the loop (leptonic GIM mechanism), so only the small weights
    a_l = m_l^2/m_W^2 survive: ~4e-23 mu_B (m_i +- m_j)/(1 eV) (eq. (12)).  Diagonal: mu_ii
    of eq. (8), eps_ii = 0 (eq. (9)).  Complex 3x3 arrays.
    """
    masses, U = _checked_mixing(masses_eV, U)
    sums = _gim_sums(U)  # sums[i, j] = sum_l a_l U_li^* U_lj
    mass_sum = masses[:, None] + masses[None, :]
    mass_difference = masses[:, None] - masses[None, :]
    magnetic = DIRAC_TRANSITION_MU_B_PER_EV * mass_sum * sums
    electric = DIRAC_TRANSITION_MU_B_PER_EV * mass_difference * sums
    magnetic[np.diag_indices(3)] = dirac_moment_sm(masses)
    electric[np.diag_indices(3)] = 0.0
    return DipoleMoments(magnetic=magnetic, electric=electric)


def majorana_transition_moments(masses_eV, U) -> DipoleMoments:
    """Majorana transition moments, [studenikin_2016_ichep] eqs. (13)-(14): real and antisymmetric.

    mu_ij  = -3 e G_F / (16 sqrt2 pi^2) (m_i + m_j) sum_l Im[U_li^* U_lj] m_l^2/m_W^2,
    eps_ij = -3 e G_F / (16 sqrt2 pi^2) (m_i - m_j) sum_l Re[U_li^* U_lj] m_l^2/m_W^2
    (Shrock 1982; the proceedings print U_lk^* for U_li^*).  Twice the Dirac coefficient; with the
    Majorana phases in U, CP conservation gives either mu_ij = 2 mu_ij^D, eps_ij = 0 or
    mu_ij = 0, eps_ij = 2 eps_ij^D in magnitude (eq. (15)).  No diagonal moments.
    """
    masses, U = _checked_mixing(masses_eV, U)
    sums = _gim_sums(U)
    prefactor = -2.0 * DIRAC_TRANSITION_MU_B_PER_EV
    magnetic = prefactor * (masses[:, None] + masses[None, :]) * sums.imag
    electric = prefactor * (masses[:, None] - masses[None, :]) * sums.real
    return DipoleMoments(magnetic=magnetic, electric=electric)


# --- naturalness ----------------------------------------------------------------------------
def naturalness_mass_shift_eV(mu_nu, Lambda_TeV):
    """Neutrino-mass contribution of a moment generated by new physics at scale Lambda, eV.

    delta m ~ Lambda^2 / (2 m_e) (mu_nu / mu_B) ~ (mu_nu / 1e-18 mu_B) (Lambda / 1 TeV)^2 eV:
    [studenikin_2016_ichep] eq. (19) (its round 1e-18 is 2 m_e/(1 TeV)^2 = 1.02e-18).  An order of
    magnitude estimate; vectorised.
    """
    mu = as_checked_array("mu_nu", mu_nu, low=0.0, high=MAX_MU_NU)
    scale_MeV = as_checked_array("Lambda_TeV", Lambda_TeV, low=0.0, low_inclusive=False,
                                 high=1e16) * c.MEV_PER_TEV
    return scale_MeV**2 / (2.0 * c.ELECTRON_MASS_MEV) * mu * c.EV_PER_MEV


def naturalness_moment_limit(delta_m_eV, Lambda_TeV):
    """The largest moment (mu_B) whose eq. (19) mass shift stays below ``delta_m_eV``."""
    delta_m = as_checked_array("delta_m_eV", delta_m_eV, low=0.0)
    scale_MeV = as_checked_array("Lambda_TeV", Lambda_TeV, low=0.0, low_inclusive=False,
                                 high=1e16) * c.MEV_PER_TEV
    return 2.0 * c.ELECTRON_MASS_MEV * (delta_m / c.EV_PER_MEV) / scale_MeV**2


BELL_DIRAC_MU_B = 1e-15
"""Dirac naturalness bound at Lambda ~ 1 TeV and delta m <= 1 eV: mu_nu <~ 1e-15 mu_B (Bell,
Cirigliano, Ramsey-Musolf, Vogel & Wise, PRL 95, 151802 (2005) [bell_2005]; as quoted in
Studenikin's Quarks-2018 talk [studenikin_2018_quarks])."""

BELL_MAJORANA_MU_B = 4e-9
"""Majorana naturalness bound at Lambda = 1 TeV, delta m = 1 eV for the flavour pairs with a
tau, |mu_e tau|, |mu_mu tau| <~ 4e-9 mu_B (Bell, Gorchtein, Ramsey-Musolf, Vogel & Wang,
PLB 642, 377 (2006) [bell_2006]): recalled, not re-checked against the paper; consistent
with its abstract (weaker than the experimental limits for Lambda ~ 1 TeV, stronger only for
Lambda > 10-100 TeV).  The Quarks-2018 talk [studenikin_2018_quarks] prints
"mu^M <= 1e-14 mu_B" under the same citation, which contradicts that abstract."""

def bell_dirac_bound(delta_m_eV=1.0, Lambda_TeV=1.0):
    """Naturalness bound on a Dirac moment, mu_B: 1e-15 (delta m / 1 eV)(1 TeV / Lambda)^2.

    The benchmark is Bell et al. 2005 [bell_2005] at Lambda ~ 1 TeV, delta m = 1 eV; the
    scaling is that of the one-loop mixing delta m ~ mu Lambda^2 (eq. (19) with its loop
    factor), so values far from 1 TeV are order-of-magnitude estimates.  Vectorised.
    """
    delta_m = as_checked_array("delta_m_eV", delta_m_eV, low=0.0, high=MAX_M_NU_EV)
    scale = as_checked_array("Lambda_TeV", Lambda_TeV, low=0.0, low_inclusive=False, high=1e16)
    return BELL_DIRAC_MU_B * delta_m / scale**2


def bell_majorana_bound(delta_m_eV=1.0, Lambda_TeV=1.0, flavours=("e", "tau")):
    """Naturalness bound on a Majorana transition moment |mu_ab|, mu_B.

    4e-9 (delta m / 1 eV)(1 TeV / Lambda)^2 |m_tau^2 / (m_a^2 - m_b^2)| (Bell et al. 2006,
    see BELL_MAJORANA_MU_B): the mass contribution of a Majorana moment is suppressed by the
    charged-lepton Yukawa couplings, hence the flavour factor.  Vectorised in the numbers.
    """
    a, b = (FLAVOUR_INDEX[checked_choice("flavours", f, tuple(FLAVOUR_INDEX))] for f in flavours)
    if a == b:
        raise ValueError("a Majorana transition moment needs two different flavours")
    delta_m = as_checked_array("delta_m_eV", delta_m_eV, low=0.0, high=MAX_M_NU_EV)
    scale = as_checked_array("Lambda_TeV", Lambda_TeV, low=0.0, low_inclusive=False, high=1e16)
    masses2 = CHARGED_LEPTON_MASSES_MEV**2
    flavour_factor = masses2[2] / abs(masses2[a] - masses2[b])
    return BELL_MAJORANA_MU_B * delta_m / scale**2 * flavour_factor


# --- millicharge from a magnetic-moment limit -----------------------------------------------
def millicharge_bound_from_moment(mu_nu, T_threshold_keV):
    """Studenikin's estimate of the millicharge a mu_nu limit implies, in units of e0.

    Signature: ``millicharge_bound_from_moment(mu_nu, T_threshold_keV) -> |q_nu|``, both
    arguments array_like and broadcast: ``mu_nu`` the magnetic-moment limit in mu_B (>= 0),
    ``T_threshold_keV`` the recoil threshold of the experiment in keV (> 0).

    Requiring the q_nu term, 2 pi alpha^2 q^2/(m_e T^2), not to exceed the mu_nu term,
    pi alpha^2 mu^2/(m_e^2 T), at the threshold gives q^2 <~ (T / 2 m_e)(mu_nu/mu_B)^2 e0^2
    ([studenikin_2016_ichep] eqs. (25), (26), (32); Studenikin, EPL 107, 21001 (2014),
    arXiv:1302.1168 [studenikin_2014_epl]).  GEMMA's
    2.9e-11 mu_B at 2.8 keV gives 1.5e-12 e0 (eq. (33)).  An order-of-magnitude sensitivity
    estimate, not a statistical limit.
    """
    mu = as_checked_array("mu_nu", mu_nu, low=0.0, high=MAX_MU_NU)
    T_MeV = c.keV_to_MeV(as_checked_array("T_threshold_keV", T_threshold_keV, low=0.0,
                                          low_inclusive=False, high=1e7))
    return mu * np.sqrt(T_MeV / (2.0 * c.ELECTRON_MASS_MEV))


# --- Majorana triangle inequalities ---------------------------------------------------------
FLAVOURS = tuple(FLAVOUR_INDEX)  # "e", "mu", "tau"


@dataclass(frozen=True)
class TriangleTest:
    """The three inequalities mu_a^2 <= mu_b^2 + mu_c^2 for effective moments (mu_B).

    ``margins_muB2[a] = mu_b^2 + mu_c^2 - mu_a^2``: negative means violated.
    """

    margins_muB2: dict[str, float]
    tolerance_muB2: float

    @property
    def violated(self) -> tuple[str, ...]:
        return tuple(f for f in FLAVOURS if self.margins_muB2[f] < -self.tolerance_muB2)

    @property
    def satisfied(self) -> bool:
        """True if the moments can be those of three Majorana neutrinos."""
        return not self.violated


def majorana_triangle_inequalities(mu_e, mu_mu, mu_tau, rel_tolerance=1e-12) -> TriangleTest:
    """Test three measured effective moments (mu_B) against the Majorana triangle inequalities.

    |mu_nu_e|^2 <= |mu_nu_mu|^2 + |mu_nu_tau|^2 and cyclic permutations must hold for three
    Majorana neutrinos; a violation would point to Dirac neutrinos or a light sterile state
    ([studenikin_2016_taup] Sec. 5; Frère, Heeck & Mollet, PRD 92, 053002 (2015)
    [frere_heeck_mollet_2015]).
    Why: the effective moment of :func:`model.effective_moment.effective_magnetic_moment` is
    mu_a^2 = sum_b |lambda_ab|^2 with lambda = W mu^T W^T, W = U diag(e^{-i E_i L}) unitary;
    for Majorana neutrinos mu, hence lambda, is antisymmetric, so
    mu_b^2 + mu_c^2 - mu_a^2 = 2 |lambda_bc|^2 >= 0 at any baseline.
    """
    values = {f: float(as_checked_array(f"mu_{f}", v, low=0.0, high=MAX_MU_NU))
              for f, v in zip(FLAVOURS, (mu_e, mu_mu, mu_tau))}
    squares = {f: v * v for f, v in values.items()}
    total = sum(squares.values())
    margins = {f: total - 2.0 * squares[f] for f in FLAVOURS}
    return TriangleTest(margins_muB2=margins, tolerance_muB2=rel_tolerance * total)


# --- published limits shown beside the theory -----------------------------------------------
@dataclass(frozen=True)
class MomentLimit:
    """A published upper limit on mu_nu (mu_B), with its provenance (a row of
    :mod:`model.limits`)."""

    label: str
    mu_B: float
    kind: str  # "laboratory" or "astrophysical"
    confidence: float
    reference: str


def _catalogued(label: str, experiment: str, year: int, kind: str) -> MomentLimit:
    """One mu_nu row of the limits catalogue (:mod:`model.limits`)."""
    frame = limits.load("mu_nu")
    row = frame[(frame["experiment"] == experiment) & (frame["year"] == year)].iloc[0]
    return MomentLimit(label, float(row["high"]), kind, float(row["cl"]), row["reference"])


_MOMENT_LIMIT_ROWS = (
    ("GEMMA 2012 (reactor ν̄e)", "GEMMA", 2012, "laboratory"),
    ("XENONnT 2022 (solar ν)", "XENONnT", 2022, "laboratory"),
    ("red giants 1990", "Red giants", 1990, "astrophysical"),
    ("TRGB ω Cen 2020", "TRGB (omega Cen)", 2020, "astrophysical"),
)


@functools.lru_cache(maxsize=1)
def magnetic_moment_limits() -> tuple[MomentLimit, ...]:
    """The limits drawn on the Theory tab, from the catalogue (read on first call)."""
    return tuple(_catalogued(*row) for row in _MOMENT_LIMIT_ROWS)


def __getattr__(name: str):
    # MAGNETIC_MOMENT_LIMITS stays a module attribute for existing code, built on first
    # access so that importing the module does not read the catalogue.
    if name == "MAGNETIC_MOMENT_LIMITS":
        return magnetic_moment_limits()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

GEMMA_THRESHOLD_KEV = 2.8
"""GEMMA's recoil threshold ([studenikin_2016_ichep] eq. (28)), the default of the millicharge
estimate."""


# --- the calculator behind the Theory tab ---------------------------------------------------
class TheoryCalculator(param.Parameterized):
    """Inputs of the theory calculators, and everything they compute.

    ``m_nu_eV`` sets the SM Dirac moment; ``mu_nu`` and ``Lambda_TeV`` the naturalness
    estimate; ``lightest_mass_eV``, ``ordering`` and the phases the transition moments;
    ``mu_limit`` and ``T_threshold_keV`` the millicharge estimate; ``mu_e_eff`` ...
    ``mu_tau_eff`` the triangle test.  Example::

        calc = TheoryCalculator(m_nu_eV=1.0, mu_nu=1e-11, Lambda_TeV=1.0)
        calc.sm_moment_muB(); calc.mass_shift_eV(); calc.millicharge_bound()
    """

    m_nu_eV = RealNumber(1.0, bounds=(0.0, MAX_M_NU_EV), doc="Neutrino mass, eV.")
    mu_nu = RealNumber(1e-11, bounds=(0.0, MAX_MU_NU), doc="A magnetic moment, mu_B.")
    Lambda_TeV = RealNumber(1.0, bounds=(1e-3, 1e6), doc="Scale of the new physics, TeV.")
    lightest_mass_eV = RealNumber(0.01, bounds=(0.0, 10.0), doc="Lightest neutrino mass, eV.")
    ordering = Choice(default="normal", objects=list(ORDERINGS))
    delta_cp_rad = RealNumber(c.PDG_DELTA_CP_RAD, bounds=(0.0, 2 * math.pi))
    alpha21_rad = RealNumber(0.0, bounds=(0.0, 2 * math.pi), doc="Majorana phase alpha21.")
    alpha31_rad = RealNumber(0.0, bounds=(0.0, 2 * math.pi), doc="Majorana phase alpha31.")
    mu_limit = RealNumber(2.9e-11, bounds=(0.0, MAX_MU_NU),
                          doc="A magnetic-moment limit, mu_B (default GEMMA 2012).")
    T_threshold_keV = RealNumber(GEMMA_THRESHOLD_KEV, bounds=(1e-3, 1e4),
                                 doc="Recoil threshold of that experiment, keV.")
    mu_e_eff = RealNumber(1.0e-12, bounds=(0.0, MAX_MU_NU), doc="Measured mu_nu_e, mu_B.")
    mu_mu_eff = RealNumber(1.5e-12, bounds=(0.0, MAX_MU_NU), doc="Measured mu_nu_mu, mu_B.")
    mu_tau_eff = RealNumber(1.5e-12, bounds=(0.0, MAX_MU_NU), doc="Measured mu_nu_tau, mu_B.")

    def sm_moment_muB(self) -> float:
        """The SM Dirac moment at ``m_nu_eV`` from the applicable regime (NaN near m_W)."""
        return float(dirac_moment_by_regime(self.m_nu_eV))

    def sm_regime(self) -> str:
        return dirac_moment_regime(self.m_nu_eV)

    def masses_eV(self) -> np.ndarray:
        return neutrino_masses_eV(self.lightest_mass_eV, self.ordering)

    def mixing(self) -> np.ndarray:
        return majorana_pmns_matrix(self.alpha21_rad, self.alpha31_rad,
                                    delta_cp_rad=self.delta_cp_rad)

    def dirac_moments(self) -> DipoleMoments:
        return dirac_transition_moments(self.masses_eV(), self.mixing())

    def majorana_moments(self) -> DipoleMoments:
        return majorana_transition_moments(self.masses_eV(), self.mixing())

    def mass_shift_eV(self) -> float:
        """delta m of eq. (19) for ``mu_nu`` generated at ``Lambda_TeV``."""
        return float(naturalness_mass_shift_eV(self.mu_nu, self.Lambda_TeV))

    def bell_bounds_muB(self) -> dict[str, float]:
        """Bell et al. bounds for delta m = ``m_nu_eV`` at ``Lambda_TeV``."""
        return {"dirac": float(bell_dirac_bound(self.m_nu_eV, self.Lambda_TeV)),
                "majorana_e_tau": float(bell_majorana_bound(self.m_nu_eV, self.Lambda_TeV,
                                                            ("e", "tau")))}

    def millicharge_bound(self) -> float:
        return float(millicharge_bound_from_moment(self.mu_limit, self.T_threshold_keV))

    def triangle(self) -> TriangleTest:
        return majorana_triangle_inequalities(self.mu_e_eff, self.mu_mu_eff, self.mu_tau_eff)

    def moment_curves(self, m_nu_eV) -> dict[str, np.ndarray]:
        """Theory lines of the mu-versus-m_nu plot on the masses ``m_nu_eV`` (mu_B; NaN where
        a line does not apply): the SM Dirac moment by regime, the eq. (19) naturalness
        line and the Bell et al. bounds with delta m = m_nu at ``Lambda_TeV``."""
        m = as_checked_array("m_nu_eV", m_nu_eV, low=0.0, high=MAX_M_NU_EV)
        return {
            "sm_dirac": dirac_moment_by_regime(m),
            "naturalness": naturalness_moment_limit(m, self.Lambda_TeV),
            "bell_dirac": bell_dirac_bound(m, self.Lambda_TeV),
            "bell_majorana": bell_majorana_bound(m, self.Lambda_TeV, ("e", "tau")),
        }
