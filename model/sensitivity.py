"""Reactor-experiment sensitivity to the neutrino magnetic moment and millicharge.

Statistics: a binned ON-OFF spectral analysis, as in GEMMA's "differential method"
(REFERENCE.md section 7).  In each recoil bin i (from ``threshold_keV`` to
``window_max_keV``, width ``bin_width_keV``) the reactor-ON counts are Poisson with mean
(b_i + sm_i + s_i) X_on and the reactor-OFF counts Poisson with mean b_i X_off, where X is
the exposure in kg day, b_i the unknown background (one nuisance per bin, profiled), sm_i
the Standard-Model nu-e rate and s_i the electromagnetic signal.  The expected signal
shapes are those of :class:`model.RecoilSpectrum` (same cross sections, same atomic
binding, same reactor spectrum), optionally smeared by a Gaussian energy resolution.

The *median expected* 90% CL upper limit is computed on Asimov data (Cowan, Cranmer, Gross
& Vitells, EPJC 71, 1554 (2011)): the data set equal to its expectation without the
electromagnetic signal.  The profile-likelihood ratio q(signal) = -2 ln L(signal)/L(0) of
that data set, with Wilks' asymptotics, gives

* mu_nu: the signal mu^2 m_i is non-negative (one-sided test), so the limit is where
  q = z_0.90^2 = 1.642;
* q_nu: the signal q A_i + q^2 Q_i (interference with the weak amplitude plus the pure
  photon-exchange term) has either sign of q, so the 90% CL interval is q <= 2.706 for each
  sign; ``q_limit`` returns the larger |q| end point.

This is the median over repeated experiments; a published limit can be stronger when the
fitted signal fluctuated negative (REFERENCE.md section 7 discusses GEMMA).  With large
counts in every bin the result equals the Gaussian estimate sigma(mu^2) = 1/sqrt(sum
m_i^2/var_i) times z_0.90, and so scales as (B/(M t))^(1/4) and Phi^(-1/2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import param
from scipy.special import ndtr, xlogy

from . import constants as c
from .atomic_binding import TARGETS, atom
from .electron_scattering import MAX_MU_NU, max_recoil_keV
from .reactor import DEFAULT_FUEL, FISSION_FRACTIONS, flux_from_power, reactor_source
from .recoil_spectrum import BINDINGS, MIN_T_KEV, RecoilSpectrum
from .theory import millicharge_bound_from_moment
from .validation import Choice, RealNumber, as_checked_array

CONFIDENCE_LEVEL = 0.90
Z_ONE_SIDED_90 = 1.2815515655446004      # scipy.stats.norm.ppf(0.90)
DELTA_CHI2_TWO_SIDED_90 = 2.705543454095404  # scipy.stats.chi2.ppf(0.90, 1)
BACKGROUND_REFERENCE_KEV = 10.0
MAX_BINS = 20_000
GRID_POINTS_PER_DECADE = 120

# CF4 (MUNU): at its ~700 keV threshold every electron is free (F 1s binds with 0.7 keV).
# IUPAC 2021 standard atomic weights: C 12.011, F 18.998403162.
CF4_ELECTRONS = 6 + 4 * 9
CF4_MOLAR_MASS_G_MOL = 12.011 + 4 * 18.998403162
SENSITIVITY_TARGETS = (*TARGETS, "CF4")

# Reference strengths at which the signal shapes are computed; the shapes are exact
# polynomials in mu^2 and in q (degree 2), so the reference values drop out.
_MU_REF = 1e-10
_Q_REF = 1e-12
# Search ranges of the limits (log10): wide enough for any allowed configuration.  The most
# sensitive corner of the parameter space (1e6 kg, 1e5 days, no background, 100 GW at 1 m,
# 1 eV threshold) reaches ~2e-15 mu_B and ~1e-20 e0: about three decades of margin below.
_LOG10_MU_RANGE = (-18.0, math.log10(MAX_MU_NU))
_LOG10_Q_RANGE = (-23.0, -5.0)
# Illinois iterations of the limits: a bracket that starts at a vanishing statistic (a steep
# rise, e.g. with a tiny days_off) needs ~30 to converge, the usual case under 10.
_MAX_ITERATIONS = 60
_CONVERGED = 1e-10


class ReactorSensitivity(param.Parameterized):
    """Median expected 90% CL limits on mu_nu and |q_nu| of a reactor nu-e experiment.

    Example::

        s = ReactorSensitivity.preset("GEMMA-2012")
        s = ReactorSensitivity(mass_kg=1.5, threshold_keV=2.8, background_per_keV_kg_day=2.5,
                               days_on=755.6, days_off=187.0, flux_cm2_s=2.7e13)
        s.mu_limit(); s.q_limit(); s.scan("threshold_keV", [0.2, 0.5, 1, 2, 3])

    Statistics: see the module docstring (binned ON-OFF profile likelihood, Asimov data).
    """

    target = Choice(default="Ge", objects=list(SENSITIVITY_TARGETS),
                    doc="Detector material (CF4: free electrons).")
    binding = Choice(default="stepping", objects=list(BINDINGS),
                     doc="Atomic binding: stepping approximation or free electrons.")
    mass_kg = RealNumber(1.5, bounds=(0.0, 1e6), inclusive_bounds=(False, True),
                         doc="Active target mass.")
    threshold_keV = RealNumber(2.8, bounds=(MIN_T_KEV, 2e4),
                               doc="Lower edge of the analysis window (detector threshold).")
    window_max_keV = RealNumber(100.0, bounds=(0.002, 2e4),
                                doc="Upper edge of the analysis window.")
    bin_width_keV = RealNumber(1.0, bounds=(1e-3, 1e4), doc="Width of the analysis bins.")
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

    # --- presets ----------------------------------------------------------------------------
    @classmethod
    def preset(cls, name: str, **overrides) -> "ReactorSensitivity":
        """A detector from REFERENCE.md section 7 (see ``PRESETS``), with optional overrides."""
        if name not in PRESETS:
            raise ValueError(f"preset must be one of {list(PRESETS)}, not {name!r}")
        return cls(**{**PRESETS[name].parameters, **overrides})

    # --- inputs -----------------------------------------------------------------------------
    def total_flux_cm2_s(self) -> float:
        if self.flux_cm2_s is not None:
            return float(self.flux_cm2_s)
        return flux_from_power(self.thermal_power_GW, self.distance_m, self.fuel)

    def max_recoil_keV(self) -> float:
        """Kinematic end point of the reactor spectrum."""
        return float(max_recoil_keV(reactor_source(self.fuel).max_energy_MeV))

    def check(self, threshold_keV: float | None = None) -> None:
        """Raise ValueError if the parameters (with this threshold) cannot describe an
        experiment."""
        threshold = self.threshold_keV if threshold_keV is None else threshold_keV
        T_end = self.max_recoil_keV()
        if threshold >= T_end:
            raise ValueError(f"threshold_keV = {threshold:g} lies above the kinematic "
                             f"end point of reactor antineutrinos, T_max = {T_end:.4g} keV")
        if self.window_max_keV <= threshold:
            raise ValueError(f"window_max_keV = {self.window_max_keV:g} must exceed "
                             f"threshold_keV = {threshold:g}")
        n_bins = (self.window_max_keV - threshold) / self.bin_width_keV
        if n_bins > MAX_BINS:
            raise ValueError(f"{n_bins:.3g} bins of bin_width_keV = {self.bin_width_keV:g}: "
                             f"at most {MAX_BINS}; widen the bins")

    # --- signal shapes ----------------------------------------------------------------------
    def _spectrum(self) -> RecoilSpectrum:
        # CF4 is free electrons: Ge's free-electron rate per electron, rescaled per kg below.
        target, binding = (("Ge", "free") if self.target == "CF4"
                           else (self.target, self.binding))
        return RecoilSpectrum(source="reactor", flavour="anti_nu_e", fuel=self.fuel,
                              flux_cm2_s=1.0, target=target, binding=binding,
                              sin2_theta_w=self.sin2_theta_w)

    def _cumulative_shapes(self) -> tuple[np.ndarray, np.ndarray]:
        """Recoil grid and cumulative rates per unit flux, per kg and day, of the components
        (sm, magnetic per mu_B^2, charge linear per e0, charge quadratic per e0^2)."""
        key = (self.target, self.binding, self.fuel, self.sin2_theta_w)
        cached = _SHAPE_CACHE.get(key)
        if cached is not None:
            return cached
        spectrum = self._spectrum()
        T_end = spectrum.max_recoil_keV() * (1.0 - 1e-9)
        T = np.geomspace(MIN_T_KEV, T_end,
                         int(GRID_POINTS_PER_DECADE * math.log10(T_end / MIN_T_KEV)))
        if spectrum.binding == "stepping":  # both sides of each step on the grid
            edges = atom(spectrum.target).binding_energies_keV
            edges = edges[(edges > MIN_T_KEV) & (edges < T_end)]
            T = np.unique(np.concatenate([T, edges, np.nextafter(edges, 0.0)]))
        spectrum.param.update(mu_nu=_MU_REF, q_nu=_Q_REF)
        plus = spectrum.rates(T)
        spectrum.param.update(mu_nu=0.0, q_nu=-_Q_REF)
        minus = spectrum.rates(T)
        density = np.stack([
            plus["sm"].to_numpy(),
            plus["magnetic"].to_numpy() / _MU_REF**2,
            (plus["charge"].to_numpy() - minus["charge"].to_numpy()) / (2.0 * _Q_REF),
            (plus["charge"].to_numpy() + minus["charge"].to_numpy()) / (2.0 * _Q_REF**2),
        ])
        if self.target == "CF4":
            ge = atom("Ge")
            cf4_electrons_per_kg = (CF4_ELECTRONS * c.AVOGADRO_PER_MOL * c.GRAMS_PER_KG
                                    / CF4_MOLAR_MASS_G_MOL)
            density *= cf4_electrons_per_kg / ge.electrons_per_kg
        cumulative = np.concatenate(
            [np.zeros((4, 1)), np.cumsum(0.5 * (density[:, 1:] + density[:, :-1]) * np.diff(T),
                                         axis=1)], axis=1)
        _SHAPE_CACHE[key] = (T, cumulative)
        return T, cumulative

    def _bin_edges(self, thresholds_keV: np.ndarray) -> np.ndarray:
        """Bin edges (rows, edges) from each threshold to ``window_max_keV``; rows with fewer
        bins are padded with empty bins at the window's edge."""
        n = np.maximum(1, np.ceil((self.window_max_keV - thresholds_keV) / self.bin_width_keV
                                  - 1e-9)).astype(int)
        steps = np.arange(n.max() + 1)
        edges = thresholds_keV[:, None] + self.bin_width_keV * steps[None, :]
        return np.where(steps[None, :] < n[:, None], edges, self.window_max_keV)

    def _binned_rates(self, thresholds_keV) -> dict[str, np.ndarray]:
        """Per-bin counts per kg and day (flux included), (rows, bins) for each threshold:
        sm, magnetic (per mu_B^2), charge linear (per e0) and quadratic (per e0^2) terms,
        and background."""
        edges = self._bin_edges(np.atleast_1d(np.asarray(thresholds_keV, dtype=float)))
        T, cumulative = self._cumulative_shapes()
        if self.resolution_keV > 0.0:
            # Detected counts below an edge: each fine cell's content times the probability
            # that a Gaussian of width sigma puts it below the edge.
            cells = np.diff(cumulative, axis=1)
            centres = 0.5 * (T[1:] + T[:-1])
            below = ndtr((edges[..., None] - centres) / self.resolution_keV) @ cells.T
            per_bin = np.moveaxis(np.diff(below, axis=1), -1, 0)  # (components, rows, bins)
        else:
            per_bin = np.diff(np.stack([np.interp(edges, T, row) for row in cumulative]), axis=2)
        per_bin *= self.total_flux_cm2_s()
        background = np.diff(self._background_integral(edges), axis=1)
        return {"sm": per_bin[0], "magnetic": per_bin[1], "charge_linear": per_bin[2],
                "charge_quadratic": per_bin[3], "background": background}

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

    def mu_limit(self) -> float:
        """Median expected 90% CL upper limit on mu_nu, Bohr magnetons."""
        return float(self._limits(*self._inputs())[0][0])

    def q_limit(self) -> float:
        """Median expected 90% CL limit on |q_nu|, units of e0 (the larger |q| end of the
        90% CL interval; interference with the weak amplitude makes it asymmetric)."""
        return float(self._limits(*self._inputs())[1][0])

    def q_interval(self) -> tuple[float, float]:
        """Median expected 90% CL interval (q_low < 0 < q_high) on q_nu, units of e0."""
        (high,), (low,) = _q_crossings(*self._inputs())
        return -float(low), float(high)

    def q_estimate_from_mu_limit(self) -> float:
        """Studenikin's estimate |q_nu| < sqrt(T_th mu_limit^2 / 2 m_e) (seed 002 eq. 32)."""
        return float(millicharge_bound_from_moment(self.mu_limit(), self.threshold_keV))

    def _inputs(self, thresholds_keV=None):
        """Binned rates (rows, bins) and exposures (rows,) for each threshold."""
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
        return rates, np.full(rows, X_on), np.full(rows, X_off)

    @staticmethod
    def _limits(rates, X_on, X_off) -> tuple[np.ndarray, np.ndarray]:
        mu = _first_crossing(rates, X_on, X_off, None, "mu")
        q_both = _q_crossings(rates, X_on, X_off)
        return mu, np.maximum(q_both[0], q_both[1])

    def summary(self) -> pd.Series:
        """The limits at the current settings and the expected counts in the analysis window
        behind them (background ON and OFF, Standard Model ON, the ON signal of mu_nu and
        q_nu at their limits), from one solve."""
        rates, X_on, X_off = self._inputs()
        (mu,), (q,) = self._limits(rates, X_on, X_off)
        X_on, X_off = X_on[0], X_off[0]
        total = {key: float(value.sum()) for key, value in rates.items()}
        charge = max(s * q * total["charge_linear"] + q**2 * total["charge_quadratic"]
                     for s in (1.0, -1.0))
        return pd.Series({
            "mu_limit": mu, "q_limit": q,
            "q_estimate": float(millicharge_bound_from_moment(mu, self.threshold_keV)),
            "background_on": total["background"] * X_on,
            "background_off": total["background"] * X_off,
            "sm_on": total["sm"] * X_on,
            "magnetic_on_at_limit": mu**2 * total["magnetic"] * X_on,
            "charge_on_at_limit": charge * X_on,
            "bins": float(np.count_nonzero(rates["background"] + rates["magnetic"])),
        })

    def counts(self) -> pd.Series:
        """Expected counts behind the limits (see ``summary``)."""
        return self.summary().drop(["mu_limit", "q_limit", "q_estimate"])

    # --- scans ------------------------------------------------------------------------------
    SCANNABLE = ("threshold_keV", "mass_kg", "background_per_keV_kg_day", "days_on",
                 "days_off", "flux_cm2_s")

    def scan(self, parameter: str, values) -> pd.DataFrame:
        """Limits versus one parameter: DataFrame with the parameter, mu_limit, q_limit and
        q_estimate (Studenikin's estimate from mu_limit at the threshold, seed 002 eq. 32).

        All values are solved together (vectorised); the object itself is not changed.
        """
        if parameter not in self.SCANNABLE:
            raise ValueError(f"parameter must be one of {list(self.SCANNABLE)}, not {parameter!r}")
        values = np.atleast_1d(as_checked_array(parameter, values))  # numbers, finite
        spec = self.param[parameter]
        low, high = spec.bounds
        low_ok, high_ok = getattr(spec, "inclusive_bounds", (True, True))
        bad = ~np.isfinite(values) | (values < low if low_ok else values <= low) \
            | (values > high if high_ok else values >= high)
        if values.size == 0 or np.any(bad):
            raise ValueError(f"{parameter} values must lie in {'[' if low_ok else '('}{low:g}, "
                             f"{high:g}{']' if high_ok else ')'}; got {values[bad][:5].tolist()}")
        if parameter == "threshold_keV":
            rates, X_on, X_off = self._inputs(values)
        else:
            rates, X_on, X_off = self._inputs()
            rates = {key: np.repeat(value, len(values), axis=0) for key, value in rates.items()}
            X_on, X_off = np.repeat(X_on, len(values)), np.repeat(X_off, len(values))
            if parameter == "mass_kg":
                X_on, X_off = X_on * values / self.mass_kg, X_off * values / self.mass_kg
            elif parameter == "days_on":
                X_on = X_on * values / self.days_on
            elif parameter == "days_off":
                X_off = X_off * values / self.days_off
            elif parameter == "background_per_keV_kg_day":  # the background is linear in B
                unit = self.clone(background_per_keV_kg_day=1.0)._inputs()[0]["background"]
                rates["background"] = unit * values[:, None]
            elif parameter == "flux_cm2_s":
                ratio = values[:, None] / self.total_flux_cm2_s()
                rates = {k: (v if k == "background" else v * ratio) for k, v in rates.items()}
        mu, q = self._limits(rates, X_on, X_off)
        thresholds = values if parameter == "threshold_keV" else self.threshold_keV
        return pd.DataFrame({parameter: values, "mu_limit": mu, "q_limit": q,
                             "q_estimate": millicharge_bound_from_moment(mu, thresholds)})

    def clone(self, **changes) -> "ReactorSensitivity":
        """A copy with some parameters changed."""
        values = {k: v for k, v in self.param.values().items() if k != "name"}
        return type(self)(**{**values, **changes})


_SHAPE_CACHE: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


class _AsimovOnOff:
    """-2 ln of the profile-likelihood ratio of the Asimov (no-signal) data, summed over bins.

    ON ~ Poisson((b + sm + signal) X_on), OFF ~ Poisson(b X_off), b profiled in each bin:
    its maximum-likelihood value solves a quadratic (the classic ON/OFF problem).
    Rates: (rows, bins) per kg day; X_on, X_off: (rows,) kg day.
    """

    def __init__(self, rates, X_on, X_off):
        self.sm = rates["sm"]
        self.X_on, self.X_off = X_on[:, None], X_off[:, None]
        self.n_on = (rates["background"] + self.sm) * self.X_on
        self.n_off = rates["background"] * self.X_off
        self.alpha = self.X_on + self.X_off
        self.n_total = self.n_on + self.n_off
        self.observed = [_Observed(n) for n in (self.n_on, self.n_off)]

    def __call__(self, signal):
        k = np.maximum(self.sm + signal, 0.0)  # the total rate is a square: never below zero
        beta = self.alpha * k - self.n_total
        root = np.sqrt(beta**2 + 4.0 * self.alpha * self.n_off * k)
        # The root of alpha b^2 + beta b - n_off k = 0, written without the cancellation of
        # root - beta when beta > 0 (Numerical Recipes, 3rd ed., section 5.6): there it lost
        # every digit when n_off << n_on (a tiny days_off), and b = 0 made the deviance inf.
        # For k = 0 both forms give n_total / alpha.
        b = np.where(beta > 0, 2.0 * self.n_off * k / np.where(beta > 0, root + beta, 1.0),
                     (root - beta) / (2.0 * self.alpha))
        # Expected counts underflow to 0 only when the observed ones are themselves below
        # ~1e-150 (days -> 0): keep them normal floats so that n ln(n/m) stays finite (its true
        # size, a few hundred times n, is negligible) instead of inf.
        m_on, m_off = (np.maximum(m, np.finfo(float).tiny)
                       for m in ((b + k) * self.X_on, b * self.X_off))
        deviance = self.observed[0].half_deviance(m_on) + self.observed[1].half_deviance(m_off)
        return 2.0 * np.sum(deviance, axis=-1)


class _Observed:
    """Observed counts n of one run, with what the deviance needs of them computed once."""

    # Above this many counts in a bin n ln n - n ln m loses more than ~1e-9 to rounding
    # (relative error 1e-16 of n ln n): there the slower cancellation-free form is used.
    LARGE_COUNTS = 1e7

    def __init__(self, n):
        self.n = n
        self.n_log_n = xlogy(n, n)
        self.large = bool(np.max(n, initial=0.0) > self.LARGE_COUNTS)
        self.empty = n <= 0
        self.safe_n = np.where(self.empty, 1.0, n)
        self.inverse = 1.0 / self.safe_n
        self.any_empty = bool(self.empty.any())

    def half_deviance(self, m):
        """n ln(n/m) - n + m (m where n = 0).  With large counts as (m - n) - n ln(m/n),
        ln(m/n) = log1p((m - n)/n): n ln n - n ln m cancelled to nothing there (1e14 per bin
        left an error of ~0.05 per bin in the statistic)."""
        if not self.large:
            return self.n_log_n - xlogy(self.n, m) + m - self.n
        n, m = np.broadcast_arrays(self.n, m)
        excess = m - n
        log_ratio = np.log1p(excess * self.inverse)
        far = m < 0.5 * self.safe_n  # log1p near -1 loses digits: take the logs there
        if far.any():
            safe_n = np.broadcast_to(self.safe_n, m.shape)
            log_ratio[far] = np.log(m[far]) - np.log(safe_n[far])
        deviance = excess - n * log_ratio
        if self.any_empty:
            empty = np.broadcast_to(self.empty, m.shape)
            deviance[empty] = m[empty]
        return deviance


def _first_crossing(rates, X_on, X_off, sign, kind: str) -> np.ndarray:
    """The smallest |strength| (mu_nu, or q_nu with the per-row ``sign``) at which the
    Asimov test statistic reaches its 90% CL value, for every row.

    A scan in decade steps brackets the first crossing; the Illinois variant of regula
    falsi then solves ln(statistic / critical) = 0 in log10 |strength|, where it is nearly
    linear (statistic ∝ mu^4 with large counts), converging in a few vectorised steps.
    """
    asimov = _AsimovOnOff(rates, X_on, X_off)
    if kind == "mu":
        critical, (lo, hi) = Z_ONE_SIDED_90**2, _LOG10_MU_RANGE

        def statistic(log_x):
            x = 10.0**log_x[..., None]
            return asimov(x**2 * rates["magnetic"])
    else:
        critical, (lo, hi) = DELTA_CHI2_TWO_SIDED_90, _LOG10_Q_RANGE
        sign = np.asarray(sign, dtype=float)[:, None]

        def statistic(log_x):
            x = 10.0**log_x[..., None]
            return asimov(sign * x * rates["charge_linear"] + x**2 * rates["charge_quadratic"])

    def excess(log_x):  # < 0 below the critical value, > 0 above
        return np.log(np.maximum(statistic(log_x), 1e-300) / critical)

    rows = len(X_on)
    grid = np.linspace(lo, hi, int(hi - lo) + 1)  # decade steps
    values = excess(np.broadcast_to(grid[:, None], (len(grid), rows)))  # (grid, rows)
    above = values >= 0
    if not np.all(above[-1]):
        raise ValueError("the limit lies beyond the allowed range: the experiment has no "
                         "sensitivity (check mass, exposure and the analysis window)")
    if np.any(above[0]):  # never return the end of the range as if it were the limit
        raise ValueError(f"the limit lies below the searched range (10^{lo:g}): the "
                         "experiment is more sensitive than this model's statistics can resolve")
    first = np.argmax(above, axis=0)
    columns = np.arange(rows)
    a, b = grid[first - 1], grid[first]
    fa, fb = values[first - 1, columns], values[first, columns]
    side = np.zeros(rows)
    for _ in range(_MAX_ITERATIONS):
        slope = fb - fa
        safe = np.where(slope != 0, slope, 1.0)  # converged rows: keep the midpoint
        x = np.where(slope != 0, (a * fb - b * fa) / safe, 0.5 * (a + b))
        x = np.clip(x, np.minimum(a, b), np.maximum(a, b))
        fx = excess(x)
        replace_b = fx > 0
        # Illinois: halve the value at the end point that stays twice in a row
        fa = np.where(replace_b & (side == 1), 0.5 * fa, fa)
        fb = np.where(~replace_b & (side == -1), 0.5 * fb, fb)
        b, fb = np.where(replace_b, x, b), np.where(replace_b, fx, fb)
        a, fa = np.where(replace_b, a, x), np.where(replace_b, fa, fx)
        side = np.where(replace_b, 1, -1)
        if np.all((np.abs(fx) < _CONVERGED) | (b - a < _CONVERGED)):
            break
    return 10.0 ** np.where(np.abs(fa) < np.abs(fb), a, b)


def _q_crossings(rates, X_on, X_off) -> np.ndarray:
    """|q| limits for positive and negative q_nu (2, rows), solved as one batch of rows."""
    doubled = {key: np.concatenate([value, value]) for key, value in rates.items()}
    sign = np.repeat([1.0, -1.0], len(X_on))
    both = _first_crossing(doubled, np.tile(X_on, 2), np.tile(X_off, 2), sign, "q")
    return both.reshape(2, len(X_on))


@dataclass(frozen=True)
class Preset:
    """A reactor experiment of REFERENCE.md section 7 and its published limits.

    ``assumed`` lists parameters that are not from the experiment's papers (REFERENCE.md
    has no value): they are round numbers chosen here and say so.
    """

    parameters: dict
    mu_published: tuple[str, int] | None  # (experiment, year) in the limits catalogue
    q_published: tuple[str, int] | None = None
    assumed: tuple[str, ...] = ()
    notes: str = ""
    extra: dict = field(default_factory=dict)


_HOURS = 1.0 / 24.0
PRESETS: dict[str, Preset] = {
    "GEMMA-2007": Preset(
        dict(target="Ge", mass_kg=1.5, threshold_keV=2.8, background_per_keV_kg_day=2.5,
             days_on=6200 * _HOURS, days_off=2064 * _HOURS, flux_cm2_s=2.73e13),
        ("GEMMA", 2007),
        notes="Kalinin NPP, 13.9 m; threshold and background as in GEMMA 2012 [B]"),
    "GEMMA-2010": Preset(
        dict(target="Ge", mass_kg=1.5, threshold_keV=2.8, background_per_keV_kg_day=2.5,
             days_on=11982 * _HOURS, days_off=2874 * _HOURS, flux_cm2_s=2.7e13),
        ("GEMMA", 2010), notes="Kalinin NPP, 13.9 m"),
    "GEMMA-2012": Preset(
        dict(target="Ge", mass_kg=1.5, threshold_keV=2.8, background_per_keV_kg_day=2.5,
             days_on=18134 * _HOURS, days_off=4487 * _HOURS, flux_cm2_s=2.7e13),
        ("GEMMA", 2012), ("GEMMA", 2014),
        notes="Kalinin NPP, 13.9 m; published limits are stronger than the median expectation "
              "(REFERENCE.md section 7)"),
    "GEMMA-II/nuGeN": Preset(
        dict(target="Ge", mass_kg=4.5, threshold_keV=0.4, background_per_keV_kg_day=0.2,
             days_on=657.0, days_off=73.0, flux_cm2_s=5.4e13),
        None, assumed=("days_on", "days_off", "flux_cm2_s"),
        notes="projection: seed table row 0.2 /(keV kg d), 4.5 kg, 0.4 keV -> 5.8e-12 mu_B [B]; "
              "2 years with 10% OFF at ~10 m assumed (REFERENCE.md section 7)",
        extra={"mu_projected": 5.8e-12}),
    "TEXONO": Preset(
        dict(target="Ge", mass_kg=1.06, threshold_keV=12.0, window_max_keV=60.0,
             background_per_keV_kg_day=1.0, days_on=570.7, days_off=127.8, flux_cm2_s=6.4e12),
        ("TEXONO", 2007), notes="Kuo-Sheng, 28 m; 12-60 keV window; background ~1 [R]"),
    "CONUS": Preset(
        dict(target="Ge", mass_kg=3.73, threshold_keV=2.0, window_max_keV=8.0,
             background_per_keV_kg_day=10.0, days_on=248.7 / 3.73, days_off=58.8 / 3.73,
             flux_cm2_s=2.3e13),
        ("CONUS", 2022), ("CONUS", 2022), assumed=("threshold_keV", "window_max_keV",
                                                    "background_per_keV_kg_day"),
        notes="Brokdorf, 17.1 m; 248.7 kg d ON / 58.8 kg d OFF; window and background assumed"),
    "CONUS+": Preset(
        dict(target="Ge", mass_kg=2.83, threshold_keV=0.5, window_max_keV=8.0,
             background_per_keV_kg_day=10.0, days_on=327.0 / 2.83, days_off=60.0 / 2.83,
             flux_cm2_s=1.5e13),
        None, assumed=("threshold_keV", "window_max_keV", "background_per_keV_kg_day"),
        notes="Leibstadt, 20.7 m; 327 kg d ON / 60 kg d OFF; no separate published limit"),
    "Dresden-II": Preset(
        dict(target="Ge", mass_kg=2.924, threshold_keV=0.2, window_max_keV=10.0,
             background_per_keV_kg_day=10.0, days_on=96.4, days_off=25.0, flux_cm2_s=4.8e13),
        ("Dresden-II (derived)", 2022), assumed=("window_max_keV", "background_per_keV_kg_day"),
        notes="Dresden unit 2, 10.39 m; published value is an order-of-magnitude reanalysis"),
    "MUNU": Preset(
        dict(target="CF4", binding="free", mass_kg=11.4, threshold_keV=700.0,
             window_max_keV=2000.0, bin_width_keV=100.0, background_per_keV_kg_day=0.01,
             days_on=66.6, days_off=16.7, flux_cm2_s=1e13),
        ("MUNU", 2005), assumed=("window_max_keV", "background_per_keV_kg_day"),
        notes="Bugey, 18 m, CF4 TPC; background and window assumed"),
}
