"""Binned Poisson profile likelihoods, limits, expected-limit bands and fits: the statistics
shared by :class:`model.ReactorSensitivity`, :class:`model.SolarSensitivity` and
:func:`model.fit_spectrum`.

Two ways of knowing the background, one deviance:

* :class:`OnOffLikelihood` (reactor experiments): in each recoil bin i the reactor-ON counts
  are Poisson with mean (b_i + k_i + s_i) X_on and the reactor-OFF counts Poisson with mean
  b_i X_off; the background b_i (one nuisance per bin) is profiled analytically (the roots of a
  quadratic: the classic ON/OFF problem, e.g. T.-P. Li & Y.-Q. Ma, ApJ 272, 317 (1983));
* :class:`FittedBackgroundLikelihood` (dark-matter detectors, no OFF run): counts Poisson with
  mean (a B_i + k_i + s_i) X, B_i a known background shape whose normalisation a is fitted
  together with the signal (free, or with a Gaussian constraint), as the published analyses
  fit their background model.

k_i is the known Standard-Model neutrino rate and s_i the electromagnetic signal; rates are per
kg and day, X exposures in kg day; arrays are (rows, bins), one row per experiment of a scan or
per toy.  ``deviance(signal)`` is -2 ln of the profile likelihood relative to the saturated
model, so that -2 ln lambda(s) = deviance(s) - min deviance.

Limits (Cowan, Cranmer, Gross & Vitells, EPJC 71, 1554 (2011), arXiv:1007.1727):

* mu_nu: the signal mu^2 m_i is linear in x = mu^2 >= 0.  The one-sided 90% CL upper limit is
  where -2 ln lambda(x) = z^2, z = Phi^-1(0.90) = 1.2816, with x-hat restricted to x >= 0;
* q_nu and <r^2>: signal x A_i + x^2 Q_i (interference with the weak amplitude plus the pure
  photon term), either sign of x: the 90% CL interval is -2 ln lambda <= 2.706 (chi^2_1).

Median expected limits come from the Asimov data set (the expected counts without signal).  With
sigma^2 = x_up,med^2 / z^2 the Asimov variance of x-hat, the limit of data whose estimate
fluctuated by N sigma is (Cowan et al., eq. (89), with the physical boundary x >= 0 of the
fit)::

    x_up(N) = sigma (N + z)                  N >= 0,
    x_up(N) = sigma (N + sqrt(N^2 + z^2))    N < 0    (x-hat = 0 at the boundary),

and the quantile p of the limit is x_up(Phi^-1(p)) (``one_sided_band_factor``); for N < 0 the
unconstrained eq. (89), sigma (N + z), would go negative, which x = mu^2 cannot.  For the
two-sided q_nu and <r^2> intervals the band values are the intervals of Asimov data shifted by
N standard deviations of the linear estimator (``shifted_asimov``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri, xlogy

CONFIDENCE_LEVEL = 0.90
Z_ONE_SIDED_90 = 1.2815515655446004      # scipy.stats.norm.ppf(0.90)
DELTA_CHI2_TWO_SIDED_90 = 2.705543454095404  # scipy.stats.chi2.ppf(0.90, 1)
BAND_QUANTILES = (0.025, 0.16, 0.5, 0.84, 0.975)
"""The quantiles of ``limit_band``: median and the +-1 and +-2 sigma bands (as rounded in
Cowan et al. 2011 and the experiments' Brazil plots)."""

# Illinois iterations of the limits: a bracket that starts at a vanishing statistic (a steep
# rise, e.g. with a tiny days_off) needs ~30 to converge, the usual case under 10.
MAX_ITERATIONS = 60
CONVERGED = 1e-10
BACKGROUND_NEWTON_STEPS = 30


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
        with np.errstate(over="ignore"):  # subnormal counts: inf, used only where n > 0
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
        with np.errstate(divide="ignore"):  # log1p(-1) where m = 0: replaced just below
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


def _floor(m):
    # Expected counts underflow to 0 only when the observed ones are themselves below ~1e-150
    # (days -> 0): keep them normal floats so that n ln(n/m) stays finite (its true size, a few
    # hundred times n, is negligible) instead of inf.
    return np.maximum(m, np.finfo(float).tiny)


class OnOffLikelihood:
    """-2 ln of the ON/OFF profile likelihood, summed over bins (module docstring).

    ``known`` (k_i) and ``background`` (b_i, for the Asimov data) are (rows, bins) rates per kg
    day; ``X_on``, ``X_off`` (rows,) kg day.  ``n_on``, ``n_off``: observed counts (rows, bins);
    None: the Asimov data (b + k) X_on and b X_off.
    """

    def __init__(self, known, background, X_on, X_off, n_on=None, n_off=None):
        self.known = np.asarray(known, dtype=float)
        self.X_on = np.asarray(X_on, dtype=float)[:, None]
        self.X_off = np.asarray(X_off, dtype=float)[:, None]
        background = np.asarray(background, dtype=float)
        self.n_on = (background + self.known) * self.X_on if n_on is None else np.asarray(n_on, float)
        self.n_off = background * self.X_off if n_off is None else np.asarray(n_off, float)
        self.alpha = self.X_on + self.X_off
        self.n_total = self.n_on + self.n_off
        self.observed = [_Observed(n) for n in (self.n_on, self.n_off)]

    def __call__(self, signal):
        return self.deviance(signal)

    def deviance(self, signal):
        """Deviance for signal rates (..., rows, bins) per kg day (broadcast over leading axes)."""
        # k may be negative for a fitted mu^2 < 0 (a downward fluctuation, fit_spectrum); the
        # ON mean b + k must not: the larger root below lies above -k (the quadratic is <= 0
        # there), except with n_off = 0, hence the clamp.
        k = self.known + signal
        beta = self.alpha * k - self.n_total
        # beta^2 + 4 alpha n_off k = (alpha k - n_on + n_off)^2 + 4 n_on n_off >= 0
        root = np.sqrt(np.maximum(beta**2 + 4.0 * self.alpha * self.n_off * k, 0.0))
        # The larger root of alpha b^2 + beta b - n_off k = 0, written without the cancellation
        # of root - beta when beta > 0 (Numerical Recipes, 3rd ed., section 5.6): there it lost
        # every digit when n_off << n_on (a tiny days_off), and b = 0 made the deviance inf.
        # For k = 0 both forms give n_total / alpha.
        with np.errstate(invalid="ignore"):  # the branch not taken may be inf - inf
            b = np.where(beta > 0, 2.0 * self.n_off * k / np.where(beta > 0, root + beta, 1.0),
                         (root - beta) / (2.0 * self.alpha))
        b = np.maximum(b, np.maximum(-k, 0.0))
        deviance = (self.observed[0].half_deviance(_floor((b + k) * self.X_on))
                    + self.observed[1].half_deviance(_floor(b * self.X_off)))
        return 2.0 * np.sum(deviance, axis=-1)

    def tiled(self, count: int) -> "OnOffLikelihood":
        """The same data sets repeated ``count`` times along the rows (for batched solves)."""
        return OnOffLikelihood(np.tile(self.known, (count, 1)), np.tile(self.n_off / self.X_off,
                                                                       (count, 1)),
                               np.tile(self.X_on[:, 0], count), np.tile(self.X_off[:, 0], count),
                               np.tile(self.n_on, (count, 1)), np.tile(self.n_off, (count, 1)))

    def shifted(self, signal_direction, shift):
        """The Asimov data with the ON counts moved by ``shift`` (rows,) times the signal rate
        ``signal_direction`` (rows, bins): data whose linear estimate is off by ``shift``."""
        n_on = np.maximum(self.n_on + shift[:, None] * signal_direction * self.X_on, 0.0)
        return OnOffLikelihood(self.known, self.n_off / self.X_off, self.X_on[:, 0],
                               self.X_off[:, 0], n_on, self.n_off)

    def linear_sigma(self, signal_direction):
        """Asymptotic standard deviation of the estimate of x in the signal x m_i (Fisher
        information of the Asimov data, background profiled): 1/sqrt(sum m^2/var),
        var_i = (b + k)/X_on + b/X_off."""
        b = self.n_off / self.X_off
        variance = (b + self.known) / self.X_on + b / self.X_off
        safe = np.where(variance > 0, variance, np.inf)
        return 1.0 / np.sqrt(np.sum(signal_direction**2 / safe, axis=-1))


class FittedBackgroundLikelihood:
    """-2 ln of the profile likelihood with a fitted background normalisation (module docstring).

    Counts n_i ~ Poisson((a B_i + k_i + s_i) X), a >= 0 one nuisance per row, profiled by Newton
    steps on the concave ln L(a); with ``prior_rel`` a Gaussian constraint (a - 1)^2/prior_rel^2
    adds to the deviance (a sideband or an external background measurement), None: free.
    ``known``, ``background`` (rows, bins) per kg day, ``X`` (rows,), ``n`` (rows, bins) or None
    for the Asimov data (B + k) X.
    """

    def __init__(self, known, background, X, n=None, prior_rel=None):
        self.known = np.asarray(known, dtype=float)
        self.background = np.asarray(background, dtype=float)
        self.X = np.asarray(X, dtype=float)[:, None]
        self.n = (self.background + self.known) * self.X if n is None else np.asarray(n, float)
        self.observed = _Observed(self.n)
        self.prior_rel = prior_rel

    def __call__(self, signal):
        return self.deviance(signal)

    def _slope_at_zero(self, B, c, inverse_prior):
        """d ln L / d a at a = 0+: sum B (n/c - 1) + prior term; +inf where a bin with counts
        has no expectation without background."""
        counted = (self.n > 0) & (B > 0)
        unexplained = np.any(counted & (c <= 0), axis=-1)
        terms = np.where(c > 0, B * (self.n / np.where(c > 0, c, 1.0) - 1.0), -B)
        slope = np.sum(terms, axis=-1) + inverse_prior
        return np.where(unexplained, np.inf, slope)

    def profiled_scale(self, signal):
        """The background normalisation a maximising the likelihood at this signal."""
        c = np.maximum(self.known + signal, 0.0) * self.X
        B = np.broadcast_to(self.background * self.X, c.shape)
        n = self.n
        inverse_prior = 0.0 if not self.prior_rel else 1.0 / self.prior_rel**2
        total_B = np.sum(B, axis=-1)
        # ln L is concave in a: where its slope at a = 0 is not positive (the signal alone
        # accounts for the counts) the maximum on a >= 0 is a = 0 exactly.  Newton's halvings
        # only approach it: they took all the steps, for every row of the batch, and left ~1e-12.
        at_zero = self._slope_at_zero(B, c, inverse_prior) <= 0.0
        # Elsewhere start from the counting estimate (sum n - sum c) / sum B, kept positive.
        a = np.maximum((np.sum(n, axis=-1) - np.sum(c, axis=-1)) / total_B, 1e-3)
        a = np.where(at_zero, 0.0, a)
        for _ in range(BACKGROUND_NEWTON_STEPS):
            mean = np.maximum(a[..., None] * B + c, np.finfo(float).tiny)
            ratio = n / mean
            gradient = np.sum(B * (ratio - 1.0), axis=-1) - inverse_prior * (a - 1.0)
            curvature = np.sum(B * B * ratio / mean, axis=-1) + inverse_prior
            # (rows held at a = 0 may have no curvature there: their step is not used)
            step = gradient / np.maximum(np.where(at_zero, 1.0, curvature), np.finfo(float).tiny)
            # ln L is concave in a: Newton from either side; never below zero (halve instead)
            new = np.where(at_zero, 0.0, np.where(a + step > 0, a + step, 0.5 * a))
            if np.all(np.abs(new - a) <= 1e-12 * np.maximum(a, 1e-12)):
                a = new
                break
            a = new
        return a

    def deviance(self, signal):
        signal = np.asarray(signal, dtype=float)
        a = self.profiled_scale(signal)
        mean = _floor((a[..., None] * self.background + np.maximum(self.known + signal, 0.0))
                      * self.X)
        deviance = 2.0 * np.sum(self.observed.half_deviance(mean), axis=-1)
        if self.prior_rel:
            deviance = deviance + ((a - 1.0) / self.prior_rel) ** 2
        return deviance

    def tiled(self, count: int) -> "FittedBackgroundLikelihood":
        """The same data sets repeated ``count`` times along the rows (for batched solves)."""
        return FittedBackgroundLikelihood(np.tile(self.known, (count, 1)),
                                          np.tile(self.background, (count, 1)),
                                          np.tile(self.X[:, 0], count),
                                          np.tile(self.n, (count, 1)), self.prior_rel)

    def shifted(self, signal_direction, shift):
        n = np.maximum(self.n + shift[:, None] * signal_direction * self.X, 0.0)
        return FittedBackgroundLikelihood(self.known, self.background, self.X[:, 0], n,
                                          self.prior_rel)

    def linear_sigma(self, signal_direction):
        """Asymptotic standard deviation of x in x m_i with the background scale profiled:
        the inverse Fisher information of (x, a) at the Asimov point."""
        variance = np.where(self.n > 0, self.n, np.inf) / self.X**2  # rate variance per bin
        B, m = self.background, signal_direction
        I_xx = np.sum(m * m / variance, axis=-1)
        I_aa = np.sum(B * B / variance, axis=-1) + (0.0 if not self.prior_rel else
                                                    1.0 / self.prior_rel**2)
        I_xa = np.sum(m * B / variance, axis=-1)
        return 1.0 / np.sqrt(np.maximum(I_xx - I_xa**2 / I_aa, np.finfo(float).tiny))


class SignalModel:
    """A signal x A_i + x^2 Q_i per kg day (rows, bins) with a search range in log10 |x|.

    ``kind`` "one_sided": x = mu^2 >= 0, signal x m_i (A = m, Q = 0), limit at z^2 = 1.642;
    "two_sided": q_nu or <r^2>, interval at 2.706.
    """

    def __init__(self, linear, quadratic, kind: str, log10_range: tuple[float, float]):
        self.linear = np.asarray(linear, dtype=float)
        self.quadratic = None if quadratic is None else np.asarray(quadratic, dtype=float)
        self.kind = kind
        self.log10_range = log10_range
        self.critical = Z_ONE_SIDED_90**2 if kind == "one_sided" else DELTA_CHI2_TWO_SIDED_90

    def __call__(self, x):
        """Signal for strengths x (..., rows) -> (..., rows, bins)."""
        x = np.asarray(x, dtype=float)[..., None]
        signal = x * self.linear
        if self.quadratic is not None:
            signal = signal + x * x * self.quadratic
        return signal


def crossing(likelihood, signal: SignalModel, sign, start=None, baseline=None,
             log10_range: tuple[float, float] | None = None) -> np.ndarray:
    """The strength x = start + sign 10^t (per row) where -2 ln lambda = deviance(x) - baseline
    first reaches the critical value of ``signal`` above ``start`` (default 0: Asimov data).

    A scan of t in decade steps brackets the first crossing; the Illinois variant of regula
    falsi then solves ln(statistic / critical) = 0 in t, where it is nearly linear (statistic
    ~ 10^(2t) with large counts), converging in a few vectorised steps.  Raises ValueError when
    the limit lies outside the search range (``log10_range``, default the signal's).
    """
    rows = signal.linear.shape[0]
    sign = np.broadcast_to(np.asarray(sign, dtype=float), (rows,))
    start = np.zeros(rows) if start is None else np.asarray(start, dtype=float)
    baseline = np.zeros(rows) if baseline is None else np.asarray(baseline, dtype=float)
    lo, hi = signal.log10_range if log10_range is None else log10_range
    critical = signal.critical

    def excess(t):  # < 0 below the critical value, > 0 above
        strength = start + sign * 10.0**t
        statistic = likelihood.deviance(signal(strength)) - baseline
        return np.log(np.maximum(statistic, 1e-300) / critical)

    grid = np.linspace(lo, hi, int(round(hi - lo)) + 1)  # decade steps
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
    for _ in range(MAX_ITERATIONS):
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
        if np.all((np.abs(fx) < CONVERGED) | (b - a < CONVERGED)):
            break
    t = np.where(np.abs(fa) < np.abs(fb), a, b)
    return start + sign * 10.0**t


def best_fit(likelihood, signal: SignalModel, low, high, iterations: int = 80,
             tolerance: float = 1e-10, grid_points: int = 65):
    """Strength minimising the deviance in [low, high] (per row), and that minimum: a coarse
    scan brackets the minimum, golden-section search refines it (vectorised over rows)."""
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    grid = low + (high - low) * np.linspace(0.0, 1.0, grid_points)[:, None]
    values = likelihood.deviance(signal(grid))  # (grid_points, rows)
    best = np.argmin(values, axis=0)
    columns = np.arange(values.shape[1])
    a = grid[np.maximum(best - 1, 0), columns]
    b = grid[np.minimum(best + 1, grid_points - 1), columns]
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = likelihood.deviance(signal(c)), likelihood.deviance(signal(d))
    for _ in range(iterations):
        left = fc < fd  # the minimum lies in [a, d]: drop (d, b]; else in [c, b]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        c_next = np.where(left, b - ratio * (b - a), d)
        d_next = np.where(left, c, a + ratio * (b - a))
        f_new = likelihood.deviance(signal(np.where(left, c_next, d_next)))
        fc, fd = np.where(left, f_new, fd), np.where(left, fc, f_new)
        c, d = c_next, d_next
        if np.all(np.abs(b - a) <= tolerance * np.maximum(np.abs(a) + np.abs(b), 1e-300)):
            break
    x = 0.5 * (a + b)
    candidates = np.stack([x, grid[best, columns]])
    deviances = likelihood.deviance(signal(candidates))
    pick = np.argmin(deviances, axis=0)
    return candidates[pick, columns], deviances[pick, columns]


def one_sided_band_factor(quantile) -> np.ndarray:
    """x_up(p) / sigma for the one-sided limit with the boundary x >= 0 (module docstring):
    N + z for N = Phi^-1(p) >= 0, N + sqrt(N^2 + z^2) below."""
    N = ndtri(np.asarray(quantile, dtype=float))
    z = Z_ONE_SIDED_90
    return np.where(N >= 0, N + z, N + np.sqrt(N * N + z * z))


def checked_quantile(quantile) -> float:
    value = float(quantile)
    if not (0.0 < value < 1.0) or not math.isfinite(value):
        raise ValueError(f"quantile must lie in (0, 1), not {quantile!r}")
    return value


class GaussianResidualLikelihood:
    """chi^2 of measured residual rates r_i +- sigma_i (ON - OFF, counts per keV kg day) against
    (k_i + s_i)/width_i: the deviance of Gaussian data (no nuisance: the OFF subtraction is
    already in r_i).  ``known``, ``widths``, ``residual``, ``sigma``: (rows, bins)."""

    def __init__(self, known, widths_keV, residual, sigma):
        self.known = np.asarray(known, dtype=float)
        self.widths = np.asarray(widths_keV, dtype=float)
        self.residual = np.asarray(residual, dtype=float)
        self.sigma = np.asarray(sigma, dtype=float)

    def __call__(self, signal):
        return self.deviance(signal)

    def deviance(self, signal):
        expected = (self.known + signal) / self.widths
        return np.sum(((self.residual - expected) / self.sigma) ** 2, axis=-1)

    def linear_sigma(self, signal_direction):
        return 1.0 / np.sqrt(np.sum((signal_direction / self.widths / self.sigma) ** 2, axis=-1))
