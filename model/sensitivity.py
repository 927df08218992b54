"""Reactor-experiment sensitivity to the neutrino magnetic moment, millicharge and charge radius.

Statistics: a binned ON-OFF spectral analysis, as in GEMMA's "differential method" (A. G. Beda
et al., Adv. High Energy Phys. 2012, 350150).  In each recoil bin i (from ``threshold_keV`` to
``window_max_keV``) the reactor-ON counts are Poisson with mean (b_i + sm_i + s_i) X_on and the
reactor-OFF counts Poisson with mean b_i X_off, where X is the exposure in kg day, b_i the
unknown background (one nuisance per bin, profiled), sm_i the Standard-Model rate and s_i the
electromagnetic signal (:class:`model.profile_likelihood.OnOffLikelihood`).  The expected
signal shapes are those of :class:`model.RecoilSpectrum` (same cross sections, atomic binding,
reactor spectrum), optionally smeared by a Gaussian energy resolution.

Channels (``channel``): "electron" (nu-e scattering, keV), "nucleus" (coherent nu-nucleus
scattering: nuclear recoils quenched to keVee by Lindhard's model with ``quenching_k``; the
threshold and window are in keVee, the energy a germanium detector measures) or "both".  The
nucleus channel constrains mu_nu (the Z^2-enhanced magnetic scattering on the nucleus), q_nu
and <r^2> (through the weak charge).

The *median expected* 90% CL limits come from the Asimov data set (the expectation without
electromagnetic signal; G. Cowan, K. Cranmer, E. Gross & O. Vitells, EPJC 71, 1554 (2011),
arXiv:1007.1727):

* mu_nu: the signal mu^2 m_i is non-negative (one-sided test): the limit is where
  -2 ln lambda = z_0.90^2 = 1.642;
* q_nu and <r^2>: the signal x A_i + x^2 Q_i (interference with the weak amplitude plus the
  pure photon-exchange term) has either sign of x: the 90% CL interval is -2 ln lambda <= 2.706
  for each sign; ``q_limit`` returns the larger |q| end point.

``mu_limit(quantile)``, ``q_limit(quantile)`` and ``limit_band(...)`` give the distribution of
the limit over repeated experiments (the +-1 and +-2 sigma bands), from the asymptotic formulas
of ``model.profile_likelihood``.  A published limit can be stronger than the median when the
fitted signal fluctuated negative (GEMMA: Beda et al. 2012 fitted a negative mu^2).  With large
counts in every bin the median equals the Gaussian estimate sigma(mu^2) = 1/sqrt(sum
m_i^2/var_i) times z_0.90, and so scales as (B/(M t))^(1/4) and Phi^(-1/2).

Bounded work: a window that would need more than ``MAX_ANALYSIS_BINS`` bins of
``bin_width_keV`` is divided into ``MAX_ANALYSIS_BINS`` bins of equal logarithmic width (the
shapes fall as 1/T, so little information is lost), and scans take at most ``MAX_SCAN_ROWS``
values: the cost of an update does not grow with the window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import param
from scipy.special import ndtr, ndtri

from . import constants as c
from .atomic_binding import TARGETS, atom
from .electron_scattering import MAX_ABS_CHARGE_RADIUS_CM2, MAX_MU_NU
from .nucleus_scattering import NUCLEAR_TARGETS
from .profile_likelihood import (  # _Observed re-exported: it was defined here before
    BAND_QUANTILES, CONFIDENCE_LEVEL, DELTA_CHI2_TWO_SIDED_90, Z_ONE_SIDED_90, OnOffLikelihood,
    SignalModel, _Observed, best_fit, checked_quantile, crossing, one_sided_band_factor)
from .quenching import MAX_K, MIN_K
from .reactor import DEFAULT_FUEL, FISSION_FRACTIONS, flux_from_power
from .recoil_spectrum import BINDINGS, MIN_T_KEV, RecoilSpectrum
from .theory import millicharge_bound_from_moment
from .validation import Choice, RealNumber, as_checked_array

__all__ = ["ReactorSensitivity", "PRESETS", "Preset", "PublishedLimit", "CONFIDENCE_LEVEL",
           "Z_ONE_SIDED_90", "DELTA_CHI2_TWO_SIDED_90", "BAND_QUANTILES"]

BACKGROUND_REFERENCE_KEV = 10.0
MAX_BINS = 20_000
"""Kept for compatibility: windows asking for more than MAX_ANALYSIS_BINS bins (formerly
refused beyond MAX_BINS) are now analysed in MAX_ANALYSIS_BINS log-spaced bins."""
MAX_ANALYSIS_BINS = 100
"""Most bins analysed: a window needing more is split into this many log-spaced bins."""
MAX_SCAN_ROWS = 400
"""Most values of one scan."""
GRID_POINTS_PER_DECADE = 120
CHANNELS = ("electron", "nucleus", "both")
QUANTITIES = ("mu_nu", "q_nu", "charge_radius")

# CF4 (MUNU): at its ~700 keV threshold every electron is free (F 1s binds with 0.7 keV).
# IUPAC 2021 standard atomic weights: C 12.011, F 18.998403162.
CF4_ELECTRONS = 6 + 4 * 9
CF4_MOLAR_MASS_G_MOL = 12.011 + 4 * 18.998403162
SENSITIVITY_TARGETS = (*TARGETS, "CF4")

# Reference strengths at which the signal shapes are computed; the shapes are exact
# polynomials in mu^2, in q and in <r^2> (degree 2), so the reference values drop out.
_MU_REF = 1e-10
_Q_REF = 1e-12
_R_REF = 1e-32
# Search ranges of the limits, log10 of |strength| (mu^2 in mu_B^2, q in e0, <r^2> in cm^2):
# wide enough for any allowed configuration.  The most sensitive corner of the parameter
# space (1e6 kg, 1e5 days, no background, 100 GW at 1 m, 1 eV threshold) reaches ~2e-15 mu_B
# and ~1e-20 e0: about three decades of margin below.
LOG10_RANGES = {"mu_nu": (-36.0, 2.0 * math.log10(MAX_MU_NU)), "q_nu": (-23.0, -5.0),
                "charge_radius": (-40.0, math.log10(MAX_ABS_CHARGE_RADIUS_CM2))}
COMPONENTS = ("sm", "magnetic", "charge_linear", "charge_quadratic", "radius_linear",
              "radius_quadratic")
QUANTITY_COMPONENTS = {"mu_nu": ("magnetic", None), "q_nu": ("charge_linear", "charge_quadratic"),
                       "charge_radius": ("radius_linear", "radius_quadratic")}


# --- signal shapes (cached, bounded) -----------------------------------------------------------
@lru_cache(maxsize=32)
def cumulative_shapes(spectrum_key: tuple, per_kg_scale: float = 1.0):
    """Recoil grid T (keV on the spectrum's axis) and the cumulative rates per unit flux (or, for
    a source with its own flux, per its flux), per kg and day, of COMPONENTS (sm, magnetic per
    mu_B^2, charge linear per e0 and quadratic per e0^2, radius linear per cm^2 and quadratic
    per cm^4): shape (6, n).  ``spectrum_key``: sorted RecoilSpectrum keyword items."""
    spectrum = RecoilSpectrum(**dict(spectrum_key))
    T_end = spectrum.max_recoil_keV() * (1.0 - 1e-9)
    T_low = MIN_T_KEV
    T = np.geomspace(T_low, T_end, max(int(GRID_POINTS_PER_DECADE * math.log10(T_end / T_low)), 50))
    kinks = spectrum._kinks_keV()
    kinks = kinks[(kinks > T_low) & (kinks < T_end)]
    if len(kinks):  # both sides of each step on the grid
        T = np.unique(np.concatenate([T, kinks, np.nextafter(kinks, 0.0)]))

    def rates(**strengths):
        spectrum.param.update(mu_nu=0.0, q_nu=0.0, charge_radius_cm2=0.0)
        spectrum.param.update(**strengths)
        return spectrum.rates(T)

    plus_q, minus_q = rates(mu_nu=_MU_REF, q_nu=_Q_REF), rates(q_nu=-_Q_REF)
    plus_r, minus_r = rates(charge_radius_cm2=_R_REF), rates(charge_radius_cm2=-_R_REF)
    density = np.stack([
        plus_q["sm"].to_numpy(),
        plus_q["magnetic"].to_numpy() / _MU_REF**2,
        (plus_q["charge"].to_numpy() - minus_q["charge"].to_numpy()) / (2.0 * _Q_REF),
        (plus_q["charge"].to_numpy() + minus_q["charge"].to_numpy()) / (2.0 * _Q_REF**2),
        (plus_r["charge"].to_numpy() - minus_r["charge"].to_numpy()) / (2.0 * _R_REF),
        (plus_r["charge"].to_numpy() + minus_r["charge"].to_numpy()) / (2.0 * _R_REF**2),
    ]) * per_kg_scale
    cumulative = np.concatenate(
        [np.zeros((len(COMPONENTS), 1)),
         np.cumsum(0.5 * (density[:, 1:] + density[:, :-1]) * np.diff(T), axis=1)], axis=1)
    T.flags.writeable = cumulative.flags.writeable = False
    return T, cumulative


@lru_cache(maxsize=32)
def spectrum_end_point_keV(spectrum_key: tuple) -> float:
    """Kinematic end point of the spectrum of ``spectrum_key`` (sorted RecoilSpectrum keyword
    items), keV on its axis: cached, since every threshold check asks for it (building the
    RecoilSpectrum was ~0.4 ms, five times per slider move of a sensitivity tab)."""
    return float(RecoilSpectrum(**dict(spectrum_key)).max_recoil_keV())


@lru_cache(maxsize=32)
def smeared_cumulative(spectrum_key: tuple, per_kg_scale: float, sigma_keV: float,
                       sigma_sqrt_keV: float = 0.0, sigma_fraction: float = 0.0):
    """The cumulative shapes as detected with a Gaussian resolution sigma(T) = sigma_keV +
    sigma_sqrt_keV sqrt(T/keV) + sigma_fraction T (T the true energy): at each grid point T_j
    the counts of every fine cell i times Phi((T_j - T_i)/sigma(T_i)).  Counts below the grid's
    start or above its end leak out of the window, as they would from a detector's."""
    T, cumulative = cumulative_shapes(spectrum_key, per_kg_scale)
    cells = np.diff(cumulative, axis=1)
    centres = 0.5 * (T[1:] + T[:-1])
    sigma = sigma_keV + sigma_sqrt_keV * np.sqrt(centres) + sigma_fraction * centres
    with np.errstate(over="ignore"):  # sigma ~ 1e-300: z = +-inf, Phi 0 or 1 as it should
        below = ndtr((T[:, None] - centres[None, :]) / sigma[None, :]) @ cells.T
    result = np.ascontiguousarray(below.T)
    result.flags.writeable = False
    return T, result


def analysis_edges(thresholds_keV: np.ndarray, window_max_keV: float, bin_width_keV: float,
                   max_bins: int = MAX_ANALYSIS_BINS):
    """Bin edges (rows, edges) from each threshold to ``window_max_keV``: bins of
    ``bin_width_keV`` or, where that needs more than ``max_bins``, ``max_bins`` bins of equal
    logarithmic width.  Rows with fewer bins are padded with empty bins at the top."""
    thresholds = np.asarray(thresholds_keV, dtype=float)
    n_linear = np.maximum(1, np.ceil((window_max_keV - thresholds) / bin_width_keV - 1e-9))
    logarithmic = n_linear > max_bins
    n = np.where(logarithmic, max_bins, n_linear).astype(int)
    steps = np.arange(n.max() + 1)
    linear = thresholds[:, None] + bin_width_keV * steps[None, :]
    fraction = steps[None, :] / n[:, None]
    log_edges = thresholds[:, None] * (window_max_keV / thresholds[:, None]) ** fraction
    edges = np.where(logarithmic[:, None], log_edges, linear)
    return np.where(steps[None, :] < n[:, None], np.minimum(edges, window_max_keV), window_max_keV)


def binned_components(T, cumulative, edges) -> dict[str, np.ndarray]:
    """Per-bin integrals (rows, bins) of each component between consecutive edges."""
    at_edges = np.stack([np.interp(edges, T, row) for row in cumulative])
    per_bin = np.diff(at_edges, axis=2)
    return dict(zip(COMPONENTS, per_bin))


# --- limits from binned rates (shared by the sensitivity classes) -----------------------------
@dataclass
class Inputs:
    """Binned rates (rows, bins) per kg day (flux included) and exposures (rows,) of a set of
    experiments (one per row of a scan)."""

    rates: dict[str, np.ndarray]
    exposures: dict[str, np.ndarray]

    def repeat(self, count: int) -> "Inputs":
        return Inputs({k: np.repeat(v, count, axis=0) for k, v in self.rates.items()},
                      {k: np.repeat(v, count) for k, v in self.exposures.items()})


class _LimitSolver:
    """Median limits, quantiles and bands of one likelihood kind, for rows of experiments."""

    def __init__(self, likelihood, rates):
        self.likelihood = likelihood
        self.rates = rates
        self._medians: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def signal(self, quantity: str) -> SignalModel:
        linear, quadratic = QUANTITY_COMPONENTS[quantity]
        return SignalModel(self.rates[linear],
                           None if quadratic is None else self.rates[quadratic],
                           "one_sided" if quantity == "mu_nu" else "two_sided",
                           LOG10_RANGES[quantity])

    def mu_limits(self, quantiles) -> dict[float, np.ndarray]:
        """mu_nu limits (rows,) at each quantile: the Asimov median of mu^2 and the band
        factor of ``one_sided_band_factor`` (sigma = median / z)."""
        median_x = crossing(self.likelihood, self.signal("mu_nu"), 1.0)
        sigma = median_x / Z_ONE_SIDED_90
        return {p: np.sqrt(sigma * one_sided_band_factor(p)) for p in quantiles}

    def median_interval(self, quantity: str) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) of the 90% CL interval of the Asimov data (rows,), computed once."""
        if quantity not in self._medians:
            signal = self.signal(quantity)
            rows = signal.linear.shape[0]
            self._medians[quantity] = (crossing(self.likelihood, signal, -np.ones(rows)),
                                       crossing(self.likelihood, signal, np.ones(rows)))
        return self._medians[quantity]

    def interval(self, quantity: str, quantile: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) of the 90% CL interval (rows,): for the Asimov data (quantile 0.5), or
        for Asimov data shifted by N = Phi^-1(quantile) standard deviations along the signal
        shape at the interval's larger end (``two_sided_limits``)."""
        low, high = self.median_interval(quantity)
        if quantile == 0.5:
            return low, high
        return self.shifted_intervals(quantity, (quantile,))[quantile]

    def shifted_intervals(self, quantity: str, quantiles) -> dict[float, tuple]:
        """``interval`` for several quantiles != 0.5, solved as one batch of rows."""
        signal = self.signal(quantity)
        rows = signal.linear.shape[0]
        low, high = self.median_interval(quantity)
        end = np.where(high >= -low, high, low)
        direction = signal(end) / end[:, None]  # the signal shape per unit strength at the end
        sigma = self.likelihood.linear_sigma(direction)
        N = ndtri(np.asarray(quantiles, dtype=float))
        count = len(N)
        shift = (np.sign(end)[None, :] * N[:, None] * sigma[None, :]).ravel()
        tiled = {"linear": np.tile(signal.linear, (count, 1)),
                 "quadratic": None if signal.quadratic is None else np.tile(signal.quadratic,
                                                                            (count, 1))}
        batch = SignalModel(tiled["linear"], tiled["quadratic"], signal.kind, signal.log10_range)
        shifted = self.likelihood.tiled(count).shifted(np.tile(direction, (count, 1)), shift)
        width = np.maximum(-low, high)
        reach = np.tile(4.0 * width, count) * (1.0 + np.repeat(np.abs(N), rows))
        best, minimum = best_fit(shifted, batch, -reach, reach, tolerance=1e-7)
        # the ends lie within a few interval widths of the best fit: search there first
        scale = math.log10(float(np.max(width)))
        around = (math.floor(math.log10(float(np.min(width)))) - 4.0, math.ceil(scale) + 2.0)
        ends = []
        for sign in (-1.0, 1.0):
            try:
                ends.append(crossing(shifted, batch, np.full(rows * count, sign), start=best,
                                     baseline=minimum, log10_range=around))
            except ValueError:  # outside the narrow range: the full one
                ends.append(crossing(shifted, batch, np.full(rows * count, sign), start=best,
                                     baseline=minimum))
        return {p: (ends[0][i * rows:(i + 1) * rows], ends[1][i * rows:(i + 1) * rows])
                for i, p in enumerate(quantiles)}

    def two_sided_limits(self, quantity: str, quantiles) -> dict[float, np.ndarray]:
        """|x| limits (rows,): the end of the 90% CL interval that is the larger at the median,
        at each quantile.  Asimov data shifted by N standard deviations along the signal shape
        s(x_end)/x_end at that end, in the direction that widens it: exact for a signal linear
        in x (then it is Cowan et al. eq. (89)), an approximation where the x^2 term matters
        (q_nu at reactor energies: 3-4% from toys for GEMMA, tests/model/test_bands_and_fits)."""
        low, high = self.median_interval(quantity)
        high_end = high >= -low
        others = [p for p in quantiles if p != 0.5]
        shifted = self.shifted_intervals(quantity, others) if others else {}
        result = {}
        for p in quantiles:
            if p == 0.5:
                result[p] = np.maximum(-low, high)
            else:
                shifted_low, shifted_high = shifted[p]
                result[p] = np.where(high_end, shifted_high, -shifted_low)
        return result

    def limits(self, quantity: str, quantiles=(0.5,)) -> dict[float, np.ndarray]:
        if quantity == "mu_nu":
            return self.mu_limits(quantiles)
        return self.two_sided_limits(quantity, quantiles)


@dataclass(frozen=True)
class PublishedLimit:
    """A published 90% CL limit beside which a preset's median is printed."""

    value: float
    reference: str
    note: str = ""


class _Sensitivity(param.Parameterized):
    """What the sensitivity classes share: limits, quantiles, bands and scans from ``_inputs``
    (binned rates and exposures per row) and ``_likelihood`` (the statistics of the class)."""

    SCANNABLE: tuple[str, ...] = ()
    """Parameters a scan can vary (each a declared parameter)."""
    DERIVED_SCANS: tuple[str, ...] = ("exposure_kg_day",)
    """Scannable quantities that are not parameters: the exposure mass x days (kg day)."""
    SCAN_ALIASES: dict[str, str] = {}
    BACKGROUND_PARAMETER = ""
    NEUTRINOS = "the neutrinos"
    """The source's neutrinos, as the end-point message names them."""

    def __init__(self, **params):
        super().__init__(**params)
        self.preset_name: str | None = None

    def max_recoil_keV(self) -> float:
        """Kinematic end point of the recoil spectrum, keV (electron-equivalent)."""
        raise TypeError(f"{type(self).__name__} must define max_recoil_keV()")

    def check(self, threshold_keV: float | None = None) -> None:
        """Raise ValueError if the parameters (with this threshold) cannot describe an
        experiment."""
        threshold = self.threshold_keV if threshold_keV is None else threshold_keV
        T_end = self.max_recoil_keV()
        if threshold >= T_end:
            raise ValueError(f"threshold_keV = {threshold:g} lies above the kinematic "
                             f"end point of {self.NEUTRINOS}, T_max = {T_end:.4g} keV")
        if self.window_max_keV <= threshold:
            raise ValueError(f"window_max_keV = {self.window_max_keV:g} must exceed "
                             f"threshold_keV = {threshold:g}")

    # subclasses: _inputs_object(thresholds=None) -> Inputs; _likelihood(inputs) -> the
    # likelihood of the Asimov data; _scaled_inputs(parameter, values) -> Inputs for scans.

    def _solver(self, inputs: Inputs | None = None) -> _LimitSolver:
        inputs = self._inputs_object() if inputs is None else inputs
        return _LimitSolver(self._likelihood(inputs), inputs.rates)

    def _check_quantity(self, quantity: str) -> str:
        if quantity not in QUANTITIES:
            raise ValueError(f"quantity must be one of {list(QUANTITIES)}, not {quantity!r}")
        return quantity

    def limit(self, quantity: str = "mu_nu", quantile: float = 0.5) -> float:
        """The 90% CL limit on ``quantity`` ("mu_nu" in mu_B, "q_nu" in e0, "charge_radius" in
        cm^2: the larger |end| of its interval) at ``quantile`` of its distribution (0.5: the
        median expected limit)."""
        self._check_quantity(quantity)
        p = checked_quantile(quantile)
        return float(self._solver().limits(quantity, (p,))[p][0])

    def mu_limit(self, quantile: float = 0.5) -> float:
        """90% CL upper limit on mu_nu in Bohr magnetons: the median expected (quantile 0.5)
        or another quantile of its distribution over repeated experiments."""
        return self.limit("mu_nu", quantile)

    def q_limit(self, quantile: float = 0.5) -> float:
        """90% CL limit on |q_nu| in e0 (the larger |q| end of the 90% CL interval; interference
        with the weak amplitude makes it asymmetric), median or another quantile."""
        return self.limit("q_nu", quantile)

    def charge_radius_limit(self, quantile: float = 0.5) -> float:
        """90% CL limit on |<r^2>| in cm^2 (larger |end| of the interval; the model's convention
        delta g_V = sqrt(2) pi alpha <r^2> / (3 G_F))."""
        return self.limit("charge_radius", quantile)

    def q_interval(self, quantile: float = 0.5) -> tuple[float, float]:
        """90% CL interval (q_low < 0 < q_high at the median) on q_nu in e0."""
        low, high = self._solver().interval("q_nu", checked_quantile(quantile))
        return float(low[0]), float(high[0])

    def charge_radius_interval(self, quantile: float = 0.5) -> tuple[float, float]:
        """90% CL interval on <r^2> in cm^2."""
        low, high = self._solver().interval("charge_radius", checked_quantile(quantile))
        return float(low[0]), float(high[0])

    def limit_band(self, quantity: str = "mu_nu", quantiles=BAND_QUANTILES) -> dict[float, float]:
        """{quantile: limit} for the median and the +-1, +-2 sigma bands (0.025, 0.16, 0.5, 0.84,
        0.975) of the 90% CL limit on ``quantity`` ("mu_nu", "q_nu" or "charge_radius")."""
        self._check_quantity(quantity)
        quantiles = tuple(checked_quantile(p) for p in quantiles)
        values = self._solver().limits(quantity, quantiles)
        return {p: float(values[p][0]) for p in quantiles}

    def q_estimate_from_mu_limit(self) -> float:
        """Studenikin's estimate |q_nu| < sqrt(T_th mu_limit^2 / 2 m_e) (A. I. Studenikin, EPL 107,
        21001 (2014), arXiv:1302.1168), T_th the threshold in keV."""
        return float(millicharge_bound_from_moment(self.mu_limit(), self.threshold_keV))

    # --- published values --------------------------------------------------------------------
    def _published(self, quantity: str) -> PublishedLimit | None:
        return None

    @property
    def published_mu_limit(self) -> float | None:
        """The published mu_nu limit of the preset this object was made from (None if none)."""
        published = self._published("mu_nu")
        return None if published is None else published.value

    @property
    def published_q_limit(self) -> float | None:
        published = self._published("q_nu")
        return None if published is None else published.value

    @property
    def published_charge_radius_limit(self) -> float | None:
        published = self._published("charge_radius")
        return None if published is None else published.value

    def published_ratio(self, quantity: str = "mu_nu") -> float | None:
        """Median expected limit / published limit of the preset (None without a published
        value)."""
        published = self._published(self._check_quantity(quantity))
        if published is None:
            return None
        return self.limit(quantity) / published.value

    # --- scans --------------------------------------------------------------------------------
    def _scan_parameter(self, parameter: str) -> str:
        name = self.SCAN_ALIASES.get(parameter, parameter) if isinstance(parameter, str) else None
        if name not in (*self.SCANNABLE, *self.DERIVED_SCANS):
            raise ValueError(f"parameter must be one of {[*self.SCANNABLE, *self.DERIVED_SCANS]} "
                             f"(or an alias in {list(self.SCAN_ALIASES)}), not {parameter!r}")
        return name

    def _scan_values(self, parameter: str, values) -> np.ndarray:
        values = np.atleast_1d(as_checked_array(parameter, values))  # numbers, finite
        if values.ndim != 1 or values.size > MAX_SCAN_ROWS:
            raise ValueError(f"{parameter} values: a list of at most {MAX_SCAN_ROWS} numbers")
        if parameter in self.param:
            spec = self.param[parameter]
            low, high = spec.bounds
            low_ok, high_ok = getattr(spec, "inclusive_bounds", (True, True))
        else:  # exposure_kg_day: the product of the mass and time bounds
            low, high, low_ok, high_ok = self._derived_bounds(parameter)
        bad = ~np.isfinite(values) | (values < low if low_ok else values <= low) \
            | (values > high if high_ok else values >= high)
        if values.size == 0 or np.any(bad):
            raise ValueError(f"{parameter} values must lie in {'[' if low_ok else '('}{low:g}, "
                             f"{high:g}{']' if high_ok else ')'}; got {values[bad][:5].tolist()}")
        return values

    def _derived_bounds(self, parameter: str):
        mass, days = self.param["mass_kg"].bounds, self.param["days_on"].bounds
        return 0.0, mass[1] * days[1], False, True

    def scan(self, parameter: str, values, bands=False,
             charge_radius: bool = False) -> pd.DataFrame:
        """Limits versus one parameter: DataFrame with the parameter, mu_limit, q_limit and
        q_estimate (Studenikin's estimate from mu_limit at the threshold); with ``bands`` also
        the 2.5, 16, 84 and 97.5% quantiles (columns mu_limit_q025, ..., q_limit_q975); with
        ``charge_radius`` the <r^2> limit (charge_radius_limit, and its bands).

        ``bands``: True (every quantity), False, or the quantities to band, e.g. "mu_nu" or
        ("mu_nu", "q_nu").  mu_nu bands cost nothing extra (a formula); q_nu and <r^2> bands
        need fits of shifted Asimov data (~80 ms for 40 rows of 100 bins).

        Parameters: ``SCANNABLE``, "exposure_kg_day" (mass x days ON, the OFF time keeping
        its share) or an alias (``SCAN_ALIASES``: "background_level", "running_time").  All values are solved together (vectorised, at most MAX_SCAN_ROWS);
        the object itself is not changed.
        """
        parameter = self._scan_parameter(parameter)
        values = self._scan_values(parameter, values)
        inputs = self._scaled_inputs(parameter, values)
        solver = self._solver(inputs)
        quantities = ("mu_nu", "q_nu") + (("charge_radius",) if charge_radius else ())
        if bands is True:
            banded = set(quantities)
        elif not bands:
            banded = set()
        else:
            banded = {bands} if isinstance(bands, str) else set(bands)
            for quantity in banded:
                self._check_quantity(quantity)
        columns = {parameter: values}
        names = {"mu_nu": "mu_limit", "q_nu": "q_limit", "charge_radius": "charge_radius_limit"}
        extra = {}
        for quantity in quantities:
            quantiles = BAND_QUANTILES if quantity in banded else (0.5,)
            result = solver.limits(quantity, quantiles)
            columns[names[quantity]] = result[0.5]
            for p in quantiles:
                if p != 0.5:
                    extra[f"{names[quantity]}_q{_quantile_tag(p)}"] = result[p]
            if quantity == "q_nu":
                thresholds = values if parameter == "threshold_keV" else self.threshold_keV
                columns["q_estimate"] = millicharge_bound_from_moment(columns["mu_limit"],
                                                                      thresholds)
        order = [parameter, "mu_limit", "q_limit", "q_estimate"] + (
            ["charge_radius_limit"] if charge_radius else [])
        frame = pd.DataFrame({name: columns[name] for name in order})
        for name, value in extra.items():
            frame[name] = value
        return frame

    def scan_limits(self, parameter: str, values, quantity: str = "mu_nu",
                    quantiles=(0.5,)) -> dict[float, np.ndarray]:
        """The 90% CL limits on one ``quantity`` versus one parameter, {quantile: array}: the
        part of :meth:`scan` a plot of that quantity needs (only that quantity is solved; a
        plot of mu_nu then costs about a third of a full scan).  Same parameters, aliases,
        bounds and values as :meth:`scan`; ``quantiles`` as for :meth:`limit_band`."""
        self._check_quantity(quantity)
        quantiles = tuple(checked_quantile(p) for p in quantiles)
        parameter = self._scan_parameter(parameter)
        values = self._scan_values(parameter, values)
        solver = self._solver(self._scaled_inputs(parameter, values))
        result = solver.limits(quantity, quantiles)
        return {p: np.asarray(result[p], dtype=float) for p in quantiles}

    def clone(self, **changes):
        """A copy with some parameters changed (the preset it came from is kept)."""
        values = {k: v for k, v in self.param.values().items() if k != "name"}
        copy = type(self)(**{**values, **changes})
        copy.preset_name = self.preset_name
        return copy


def _quantile_tag(p: float) -> str:
    """0.025 -> '025', 0.16 -> '16', 0.975 -> '975'."""
    return f"{p:.3f}".split(".")[1].rstrip("0") or "0"


class ReactorSensitivity(_Sensitivity):
    """Expected 90% CL limits on mu_nu, |q_nu| and <r^2> of a reactor experiment (ON/OFF).

    Example::

        s = ReactorSensitivity.preset("GEMMA-2012")
        s = ReactorSensitivity(mass_kg=1.5, threshold_keV=2.8, background_per_keV_kg_day=2.5,
                               days_on=755.6, days_off=187.0, flux_cm2_s=2.7e13)
        s.mu_limit(); s.q_limit(); s.limit_band("mu_nu"); s.mu_limit(quantile=0.16)
        s.scan("threshold_keV", [0.2, 0.5, 1, 2, 3], bands=True)
        ReactorSensitivity.preset("CONUS+", channel="nucleus").mu_limit()

    Statistics: see the module docstring (binned ON-OFF profile likelihood, Asimov data).
    """

    target = Choice(default="Ge", objects=list(SENSITIVITY_TARGETS),
                    doc="Detector material (CF4: free electrons, electron channel only).")
    binding = Choice(default="stepping", objects=list(BINDINGS),
                     doc="Atomic binding: stepping approximation or free electrons.")
    channel = Choice(default="electron", objects=list(CHANNELS),
                     doc="'electron': nu-e; 'nucleus': coherent nu-nucleus (keVee); 'both'.")
    quenching_k = RealNumber(None, bounds=(MIN_K, MAX_K), allow_None=True,
                             doc="Lindhard k of the nucleus channel; None: Lindhard's value.")
    mass_kg = RealNumber(1.5, bounds=(0.0, 1e6), inclusive_bounds=(False, True),
                         doc="Active target mass.")
    threshold_keV = RealNumber(2.8, bounds=(MIN_T_KEV, 2e4),
                               doc="Lower edge of the analysis window (detector threshold), keVee.")
    window_max_keV = RealNumber(100.0, bounds=(0.002, 2e4),
                                doc="Upper edge of the analysis window, keVee.")
    bin_width_keV = RealNumber(1.0, bounds=(1e-3, 1e4),
                               doc=f"Width of the analysis bins (at most {MAX_ANALYSIS_BINS} "
                                   "bins: wider windows get log-spaced bins).")
    background_per_keV_kg_day = RealNumber(
        2.5, bounds=(0.0, 1e6),
        doc=f"Background at {BACKGROUND_REFERENCE_KEV:g} keV, counts/(keV kg day).")
    background_index = RealNumber(
        0.0, bounds=(-3.0, 3.0),
        doc=f"Shape B(T) = B (T/{BACKGROUND_REFERENCE_KEV:g} keV)^-index; 0 is flat.")
    resolution_keV = RealNumber(0.0, bounds=(0.0, 100.0),
                                doc="Gaussian energy resolution (sigma); 0: perfect.")
    flux_cm2_s = RealNumber(None, bounds=(0.0, 1e16), inclusive_bounds=(False, True),
                            allow_None=True,
                            doc="Total antineutrino flux; None: from power and distance.")
    thermal_power_GW = RealNumber(3.0, bounds=(0.0, 100.0), inclusive_bounds=(False, True))
    distance_m = RealNumber(13.9, bounds=(1.0, 1e6))
    fuel = Choice(default=DEFAULT_FUEL, objects=list(FISSION_FRACTIONS))
    days_on = RealNumber(755.6, bounds=(0.0, 1e5), inclusive_bounds=(False, True),
                         doc="Live time with the reactor ON, days.")
    days_off = RealNumber(187.0, bounds=(0.0, 1e5), inclusive_bounds=(False, True),
                          doc="Live time with the reactor OFF (background measurement), days.")
    sin2_theta_w = RealNumber(c.SIN2_THETA_W_LOW_ENERGY, bounds=(0.0, 1.0))

    SCANNABLE = ("threshold_keV", "mass_kg", "background_per_keV_kg_day", "days_on",
                 "days_off", "flux_cm2_s")
    SCAN_ALIASES = {"background_level": "background_per_keV_kg_day", "running_time": "days_on"}
    NEUTRINOS = "reactor antineutrinos"

    # --- presets ----------------------------------------------------------------------------
    @classmethod
    def preset(cls, name: str, channel: str | None = None, **overrides) -> "ReactorSensitivity":
        """A detector of ``PRESETS``, in the electron channel or (``channel="nucleus"`` or
        "both") with its CEvNS analysis parameters where it has them (``nucleus_presets()``;
        others keep their electron-channel window), with optional overrides."""
        if name not in PRESETS:
            raise ValueError(f"preset must be one of {list(PRESETS)}, not {name!r}")
        preset = PRESETS[name]
        parameters = dict(preset.parameters)
        if channel is not None:
            # the CEvNS analysis of the experiment where there is one (``nucleus_presets()``);
            # otherwise its electron-channel detector, analysed in the channel asked for
            if channel != "electron" and preset.nucleus is not None:
                parameters.update(preset.nucleus)
            parameters["channel"] = channel
        sensitivity = cls(**{**parameters, **overrides})
        sensitivity.preset_name = name
        return sensitivity

    def _published(self, quantity: str) -> PublishedLimit | None:
        if self.preset_name is None:
            return None
        preset = PRESETS[self.preset_name]
        channel = "nucleus" if self.channel == "nucleus" else "electron"
        return preset.published.get((channel, quantity))

    # --- inputs -----------------------------------------------------------------------------
    def total_flux_cm2_s(self) -> float:
        if self.flux_cm2_s is not None:
            return float(self.flux_cm2_s)
        return flux_from_power(self.thermal_power_GW, self.distance_m, self.fuel)

    def _spectrum_key(self) -> tuple[tuple, float]:
        """RecoilSpectrum keywords (hashable) and the per-kg rescaling (CF4)."""
        scale = 1.0
        target, binding = self.target, self.binding
        if self.target == "CF4":
            # CF4 is free electrons: Ge's free-electron rate per electron, rescaled per kg.
            target, binding = "Ge", "free"
            ge = atom("Ge")
            cf4_electrons_per_kg = (CF4_ELECTRONS * c.AVOGADRO_PER_MOL * c.GRAMS_PER_KG
                                    / CF4_MOLAR_MASS_G_MOL)
            scale = cf4_electrons_per_kg / ge.electrons_per_kg
        key = dict(source="reactor", flavour="anti_nu_e", fuel=self.fuel, flux_cm2_s=1.0,
                   target=target, binding=binding, sin2_theta_w=self.sin2_theta_w,
                   channel=self.channel, energy_axis="keVee", quenching_k=self.quenching_k)
        return tuple(sorted(key.items())), scale

    def max_recoil_keV(self) -> float:
        """Kinematic end point of the reactor spectrum in the channel(s), keVee."""
        self._check_channel_target()
        key, _ = self._spectrum_key()
        return spectrum_end_point_keV(key)

    def _check_channel_target(self):
        if self.channel != "electron" and self.target not in NUCLEAR_TARGETS:
            raise ValueError(f"no electromagnetic signal in the analysis window: target "
                             f"{self.target!r} has no nuclear data for channel {self.channel!r}; "
                             f"choose one of {sorted(set(NUCLEAR_TARGETS) & set(TARGETS))}")

    def _shapes(self):
        key, scale = self._spectrum_key()
        if self.resolution_keV > 0.0:
            return smeared_cumulative(key, scale, float(self.resolution_keV))
        return cumulative_shapes(key, scale)

    def _rates_at_edges(self, edges) -> dict[str, np.ndarray]:
        """Per-bin counts per kg and day (flux included), (rows, bins), for bin edges (rows,
        edges): the COMPONENTS and the background."""
        T, cumulative = self._shapes()
        rates = binned_components(T, cumulative, edges)
        flux = self.total_flux_cm2_s()
        rates = {name: value * flux for name, value in rates.items()}
        rates["background"] = np.diff(self._background_integral(edges), axis=1)
        return rates

    def _binned_rates(self, thresholds_keV) -> dict[str, np.ndarray]:
        """Per-bin counts per kg and day (rows, bins) for each threshold (see _rates_at_edges)."""
        thresholds = np.atleast_1d(np.asarray(thresholds_keV, dtype=float))
        return self._rates_at_edges(analysis_edges(thresholds, self.window_max_keV,
                                                   self.bin_width_keV))

    def _background_integral(self, T_keV):
        """Integral of B (T/T_ref)^-k dT from 0 (k < 1) or as the antiderivative."""
        k, B, T0 = self.background_index, self.background_per_keV_kg_day, BACKGROUND_REFERENCE_KEV
        T = np.asarray(T_keV, dtype=float)
        if abs(k - 1.0) < 1e-12:
            return B * T0 * np.log(T / T0)
        return B * T0 * (T / T0) ** (1.0 - k) / (1.0 - k)

    # --- statistics -------------------------------------------------------------------------
    def _exposures(self) -> tuple[float, float]:
        return self.mass_kg * self.days_on, self.mass_kg * self.days_off

    def _inputs(self, thresholds_keV=None):
        """Binned rates (rows, bins) and exposures X_on, X_off (rows,) for each threshold."""
        inputs = self._inputs_object(thresholds_keV)
        return inputs.rates, inputs.exposures["X_on"], inputs.exposures["X_off"]

    def _inputs_object(self, thresholds_keV=None) -> Inputs:
        thresholds = np.atleast_1d(self.threshold_keV if thresholds_keV is None
                                   else np.asarray(thresholds_keV, dtype=float))
        for threshold in (thresholds.min(), thresholds.max()):
            self.check(float(threshold))
        rates = self._binned_rates(thresholds)
        empty = ~np.any(rates["magnetic"] > 0, axis=1)
        if np.any(empty):
            raise ValueError("no electromagnetic signal in the analysis window "
                             f"[{thresholds[empty][0]:g}, {self.window_max_keV:g}] keV")
        X_on, X_off = self._exposures()
        rows = len(thresholds)
        return Inputs(rates, {"X_on": np.full(rows, X_on), "X_off": np.full(rows, X_off)})

    def _likelihood(self, inputs: Inputs, n_on=None, n_off=None) -> OnOffLikelihood:
        return OnOffLikelihood(inputs.rates["sm"], inputs.rates["background"],
                               inputs.exposures["X_on"], inputs.exposures["X_off"], n_on, n_off)

    @staticmethod
    def _limits(rates, X_on, X_off) -> tuple[np.ndarray, np.ndarray]:
        """Median mu_nu and |q_nu| limits (rows,) of binned rates and exposures."""
        solver = _LimitSolver(OnOffLikelihood(rates["sm"], rates["background"], X_on, X_off),
                              rates)
        return solver.limits("mu_nu")[0.5], solver.limits("q_nu")[0.5]

    def summary(self) -> pd.Series:
        """The limits at the current settings and the expected counts in the analysis window
        behind them (background ON and OFF, Standard Model ON, the ON signal of mu_nu and
        q_nu at their limits), from one solve; with a preset, the published values and the
        ratio median / published."""
        inputs = self._inputs_object()
        rates = inputs.rates
        X_on, X_off = inputs.exposures["X_on"][0], inputs.exposures["X_off"][0]
        (mu,), (q,) = self._limits(rates, inputs.exposures["X_on"], inputs.exposures["X_off"])
        total = {key: float(value.sum()) for key, value in rates.items()}
        charge = max(s * q * total["charge_linear"] + q**2 * total["charge_quadratic"]
                     for s in (1.0, -1.0))
        series = {
            "mu_limit": mu, "q_limit": q,
            "q_estimate": float(millicharge_bound_from_moment(mu, self.threshold_keV)),
            "background_on": total["background"] * X_on,
            "background_off": total["background"] * X_off,
            "sm_on": total["sm"] * X_on,
            "magnetic_on_at_limit": mu**2 * total["magnetic"] * X_on,
            "charge_on_at_limit": charge * X_on,
            "bins": float(np.count_nonzero(rates["background"] + rates["magnetic"])),
        }
        published = self._published("mu_nu")
        if published is not None:
            series["mu_published"] = published.value
            series["mu_ratio_to_published"] = mu / published.value
        return pd.Series(series)

    def counts(self) -> pd.Series:
        """Expected counts behind the limits (see ``summary``)."""
        return self.summary().drop(["mu_limit", "q_limit", "q_estimate", "mu_published",
                                    "mu_ratio_to_published"], errors="ignore")

    # --- scans ------------------------------------------------------------------------------
    def _scaled_inputs(self, parameter: str, values: np.ndarray) -> Inputs:
        """Inputs (one row per value) with ``parameter`` set to each value: the threshold
        re-bins, everything else rescales exposures or rates (no new spectra)."""
        if parameter == "threshold_keV":
            return self._inputs_object(values)
        base = self._inputs_object()
        inputs = base.repeat(len(values))
        X_on, X_off = inputs.exposures["X_on"], inputs.exposures["X_off"]
        if parameter == "mass_kg":
            X_on, X_off = X_on * values / self.mass_kg, X_off * values / self.mass_kg
        elif parameter == "days_on":
            X_on = X_on * values / self.days_on
        elif parameter == "days_off":
            X_off = X_off * values / self.days_off
        elif parameter == "exposure_kg_day":  # ON exposure; OFF keeps its share
            X_on, X_off = values, values * self.days_off / self.days_on
        elif parameter == "background_per_keV_kg_day":  # the background is linear in B
            unit = self.clone(background_per_keV_kg_day=1.0)._inputs_object().rates["background"]
            inputs.rates["background"] = unit * values[:, None]
        elif parameter == "flux_cm2_s":
            ratio = values[:, None] / self.total_flux_cm2_s()
            inputs.rates = {k: (v if k == "background" else v * ratio)
                            for k, v in inputs.rates.items()}
        inputs.exposures = {"X_on": np.asarray(X_on, float), "X_off": np.asarray(X_off, float)}
        return inputs


class _AsimovOnOff(OnOffLikelihood):
    """The Asimov ON/OFF likelihood of ``ReactorSensitivity._inputs()`` (rates, X_on, X_off):
    ``_AsimovOnOff(rates, X_on, X_off)(signal)`` is -2 ln lambda(signal)."""

    def __init__(self, rates, X_on, X_off):
        super().__init__(rates["sm"], rates["background"], X_on, X_off)


def nucleus_presets() -> list[str]:
    return [name for name, preset in PRESETS.items() if preset.nucleus is not None]


@dataclass(frozen=True)
class Preset:
    """A reactor experiment and its published limits.

    ``parameters``: the electron-channel analysis; ``nucleus``: the changes for its CEvNS
    analysis (``ReactorSensitivity.preset(name, channel="nucleus")``).  ``mu_published`` /
    ``q_published``: (experiment, year) rows of the limits catalogue (``model.limits``);
    ``published``: values with their references, keyed by (channel, quantity).  ``assumed``
    lists parameters that are not from the experiment's papers: round numbers chosen here
    (or derived as the notes say) and flagged as such.
    """

    parameters: dict
    mu_published: tuple[str, int] | None  # (experiment, year) in the limits catalogue
    q_published: tuple[str, int] | None = None
    assumed: tuple[str, ...] = ()
    notes: str = ""
    extra: dict = field(default_factory=dict)
    nucleus: dict | None = None
    nucleus_assumed: tuple[str, ...] = ()
    published: dict = field(default_factory=dict)


_HOURS = 1.0 / 24.0
_GEMMA_2012 = PublishedLimit(2.9e-11, "A. G. Beda et al., Adv. High Energy Phys. 2012, 350150")
PRESETS: dict[str, Preset] = {
    "GEMMA-2007": Preset(
        dict(target="Ge", mass_kg=1.5, threshold_keV=2.8, background_per_keV_kg_day=2.5,
             days_on=6200 * _HOURS, days_off=2064 * _HOURS, flux_cm2_s=2.73e13),
        ("GEMMA", 2007),
        notes="Kalinin NPP, 13.9 m (A. G. Beda et al., Phys. At. Nucl. 70, 1873 (2007), "
              "arXiv:0705.4576); threshold and background as in GEMMA 2012",
        published={("electron", "mu_nu"): PublishedLimit(
            5.8e-11, "A. G. Beda et al., Phys. At. Nucl. 70, 1873 (2007), arXiv:0705.4576")}),
    "GEMMA-2010": Preset(
        dict(target="Ge", mass_kg=1.5, threshold_keV=2.8, background_per_keV_kg_day=2.5,
             days_on=11982 * _HOURS, days_off=2874 * _HOURS, flux_cm2_s=2.7e13),
        ("GEMMA", 2010), notes="Kalinin NPP, 13.9 m",
        published={("electron", "mu_nu"): PublishedLimit(
            3.2e-11, "A. G. Beda et al., Phys. Part. Nucl. Lett. 7, 406 (2010), arXiv:1005.2736")}),
    "GEMMA-2012": Preset(
        dict(target="Ge", mass_kg=1.5, threshold_keV=2.8, background_per_keV_kg_day=2.5,
             days_on=18134 * _HOURS, days_off=4487 * _HOURS, flux_cm2_s=2.7e13),
        ("GEMMA", 2012), ("GEMMA", 2014),
        notes="Kalinin NPP, 13.9 m; published limits are stronger than the median expectation "
              "(the fitted mu^2 was negative)",
        published={("electron", "mu_nu"): _GEMMA_2012,
                   ("electron", "q_nu"): PublishedLimit(
                       2.7e-12, "V. B. Brudanin, D. V. Medvedev, A. S. Starostin & A. I. "
                       "Studenikin, arXiv:1411.2279")}),
    "GEMMA-II/nuGeN": Preset(
        dict(target="Ge", mass_kg=4.5, threshold_keV=0.4, background_per_keV_kg_day=0.2,
             days_on=657.0, days_off=73.0, flux_cm2_s=5.4e13),
        None, assumed=("days_on", "days_off", "flux_cm2_s"),
        notes="projection: 0.2 /(keV kg d), 4.5 kg, 0.4 keV -> 5.8e-12 mu_B (A. G. Beda et al., "
              "Phys. Part. Nucl. 44, 972 (2013)); 2 years with 10% OFF at ~10 m assumed",
        extra={"mu_projected": 5.8e-12}),
    "TEXONO": Preset(
        dict(target="Ge", mass_kg=1.06, threshold_keV=12.0, window_max_keV=60.0,
             background_per_keV_kg_day=1.0, days_on=570.7, days_off=127.8, flux_cm2_s=6.4e12),
        ("TEXONO", 2007), notes="Kuo-Sheng, 28 m; 12-60 keV window; background ~1 "
                                "(H. T. Wong et al., PRD 75, 012001 (2007), hep-ex/0605006)",
        published={("electron", "mu_nu"): PublishedLimit(
            7.4e-11, "H. T. Wong et al., PRD 75, 012001 (2007), hep-ex/0605006")}),
    "CONUS": Preset(
        dict(target="Ge", mass_kg=3.73, threshold_keV=2.0, window_max_keV=8.0,
             background_per_keV_kg_day=10.0, days_on=248.7 / 3.73, days_off=58.8 / 3.73,
             flux_cm2_s=2.3e13),
        ("CONUS", 2022), ("CONUS", 2022), assumed=("threshold_keV", "window_max_keV",
                                                    "background_per_keV_kg_day"),
        notes="Brokdorf, 17.1 m; 248.7 kg d ON / 58.8 kg d OFF; window and background assumed "
              "(H. Bonet et al., EPJC 82, 813 (2022))",
        published={("electron", "mu_nu"): PublishedLimit(
            7.5e-11, "H. Bonet et al. (CONUS), EPJC 82, 813 (2022)")}),
    "CONUS+": Preset(
        dict(target="Ge", mass_kg=2.83, threshold_keV=0.5, window_max_keV=8.0,
             background_per_keV_kg_day=10.0, days_on=327.0 / 2.83, days_off=60.0 / 2.83,
             flux_cm2_s=1.5e13),
        None, assumed=("threshold_keV", "window_max_keV", "background_per_keV_kg_day"),
        notes="Leibstadt, 20.7 m; 2.83 kg, 327 kg d ON / 60 kg d OFF (N. Ackermann et al., "
              "arXiv:2501.05206); no separate electron-channel limit",
        nucleus=dict(channel="nucleus", threshold_keV=0.16, window_max_keV=1.0,
                     bin_width_keV=0.02, quenching_k=0.162, background_per_keV_kg_day=10.0),
        nucleus_assumed=("window_max_keV", "background_per_keV_kg_day"),
    ),
    "Dresden-II": Preset(
        dict(target="Ge", mass_kg=2.924, threshold_keV=0.2, window_max_keV=10.0,
             background_per_keV_kg_day=10.0, days_on=96.4, days_off=25.0, flux_cm2_s=4.8e13),
        ("Dresden-II (derived)", 2022), assumed=("window_max_keV", "background_per_keV_kg_day"),
        notes="Dresden unit 2, 10.39 m; 2.924 kg, 96.4 d ON / 25 d OFF (J. Colaresi et al., "
              "PRL 129, 211802 (2022), arXiv:2202.09672); published value is an "
              "order-of-magnitude reanalysis",
        nucleus=dict(channel="nucleus", threshold_keV=0.2, window_max_keV=1.5,
                     bin_width_keV=0.02, quenching_k=0.162, background_per_keV_kg_day=10.0),
        nucleus_assumed=("window_max_keV", "background_per_keV_kg_day", "quenching_k"),
    ),
    "MUNU": Preset(
        dict(target="CF4", binding="free", mass_kg=11.4, threshold_keV=700.0,
             window_max_keV=2000.0, bin_width_keV=100.0, background_per_keV_kg_day=0.01,
             days_on=66.6, days_off=16.7, flux_cm2_s=1e13),
        ("MUNU", 2005), assumed=("window_max_keV", "background_per_keV_kg_day"),
        notes="Bugey, 18 m, CF4 TPC; background and window assumed (Z. Daraktchieva et al., "
              "PLB 615, 153 (2005), hep-ex/0502037)",
        published={("electron", "mu_nu"): PublishedLimit(
            9e-11, "Z. Daraktchieva et al. (MUNU), PLB 615, 153 (2005), hep-ex/0502037")}),
}
