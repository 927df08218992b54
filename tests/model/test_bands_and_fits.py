"""Expected-limit bands against toy Monte Carlo, and fits of measured spectra (model.spectrum_fit).

Toys: Poisson ON and OFF counts per bin drawn from the expectation without signal, each fitted
with the full profile likelihood (background profiled per bin, mu^2 >= 0 boundary for the
limit), vectorised over toys (``fit_rows``).  Seeds are fixed: the tests are deterministic.
"""

import io
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq
from scipy.stats import chi2, norm

from model import ReactorSensitivity, fit_spectrum, read_spectrum_csv, validate_spectrum
from model.profile_likelihood import OnOffLikelihood, one_sided_band_factor
from model.sensitivity import BAND_QUANTILES, analysis_edges
from model.spectrum_fit import MAX_FILE_BYTES, fit_rows

TOYS = 2000


@pytest.fixture(scope="module")
def detector():
    # GEMMA-2012 (Beda et al., AHEP 2012, 350150) with ten 2-keV bins: thousands of counts a bin
    return ReactorSensitivity.preset("GEMMA-2012", window_max_keV=22.8, bin_width_keV=2.0)


def toy_likelihood(detector, rng, toys=TOYS, mu_true=0.0):
    inputs = detector._inputs_object()
    rates = inputs.rates
    X_on, X_off = inputs.exposures["X_on"][0], inputs.exposures["X_off"][0]
    mean_on = (rates["background"] + rates["sm"] + mu_true**2 * rates["magnetic"])[0] * X_on
    mean_off = rates["background"][0] * X_off
    n_on = rng.poisson(mean_on, size=(toys, mean_on.size)).astype(float)
    n_off = rng.poisson(mean_off, size=(toys, mean_off.size)).astype(float)
    repeated = {key: np.repeat(value, toys, axis=0) for key, value in rates.items()}
    likelihood = OnOffLikelihood(repeated["sm"], n_off / X_off, np.full(toys, X_on),
                                 np.full(toys, X_off), n_on, n_off)
    return likelihood, repeated, n_on, n_off


@pytest.fixture(scope="module")
def null_toys(detector):
    likelihood, rates, n_on, n_off = toy_likelihood(detector, np.random.default_rng(20240917))
    return fit_rows(likelihood, rates), n_on, n_off


def test_band_factor_is_cowan_eq_89_above_the_median():
    """x_up+N / sigma = N + z for N >= 0 (Cowan et al., EPJC 71, 1554 (2011), eq. (89)); below,
    the boundary mu^2 >= 0 gives N + sqrt(N^2 + z^2) (z = 1.2816 from scipy)."""
    z = norm.ppf(0.90)
    for p in (0.5, 0.84, 0.975):
        assert float(one_sided_band_factor(p)) == pytest.approx(norm.ppf(p) + z, rel=1e-12, abs=0)
    for p in (0.025, 0.16):
        N = norm.ppf(p)
        assert float(one_sided_band_factor(p)) == pytest.approx(N + math.sqrt(N * N + z * z),
                                                                rel=1e-12, abs=0)


def test_mu_band_quantiles_agree_with_toys(detector, null_toys):
    """At each band value the toys' empirical CDF equals its quantile within 3 binomial
    standard deviations sqrt(p (1 - p) / N)."""
    fits, _, _ = null_toys
    limits = np.sqrt(fits["x_up"])
    band = detector.limit_band("mu_nu")
    assert list(band) == list(BAND_QUANTILES)
    assert band[0.5] == pytest.approx(detector.mu_limit(), rel=1e-12, abs=0)
    for p, value in band.items():
        fraction_below = np.mean(limits <= value)
        assert abs(fraction_below - p) < 3 * math.sqrt(p * (1 - p) / TOYS), (p, fraction_below)
        assert detector.mu_limit(quantile=p) == pytest.approx(value, rel=1e-12, abs=0)


def test_q_band_approximates_toys(detector, null_toys):
    """The |q_nu| band (Asimov data shifted along the signal shape at the limit) is an
    approximation: the signal is far from linear in q at reactor energies.  Within 6% of the
    toys' quantiles here (measured: 3-4%)."""
    fits, _, _ = null_toys
    limits = np.maximum(-fits["q_low"], fits["q_high"])
    band = detector.limit_band("q_nu")
    for p, value in band.items():
        assert value == pytest.approx(np.quantile(limits, p), rel=0.06, abs=0), p
    values = list(band.values())
    assert values == sorted(values)


def test_fit_spectrum_median_limit_on_null_toys_equals_median_expected(detector, null_toys):
    """Issue 17 acceptance: the median of the fitted limits on toys without signal equals the
    median expected (Asimov) limit within 5%."""
    fits, _, _ = null_toys
    assert np.median(np.sqrt(fits["x_up"])) == pytest.approx(detector.mu_limit(), rel=0.05, abs=0)


def spectrum_frame(detector, n_on, n_off):
    edges = analysis_edges(np.array([detector.threshold_keV]), detector.window_max_keV,
                           detector.bin_width_keV)[0]
    frame = pd.DataFrame({"T_low_keV": edges[:-1], "T_high_keV": edges[1:],
                          "on_counts": n_on, "off_counts": n_off})
    frame.attrs.update(on_days=detector.days_on, off_days=detector.days_off)
    return frame


def test_fit_spectrum_equals_the_vectorised_toy_fits(detector, null_toys):
    fits, n_on, n_off = null_toys
    for toy in (0, 1, 2):
        fit = fit_spectrum(spectrum_frame(detector, n_on[toy], n_off[toy]), detector)
        assert fit.mu_limit == pytest.approx(math.sqrt(fits["x_up"][toy]), rel=1e-9, abs=0)
        assert fit.mu2_best == pytest.approx(fits["x_best"][toy], rel=1e-6, abs=1e-30)
        assert fit.q_limit == pytest.approx(max(-fits["q_low"][toy], fits["q_high"][toy]),
                                            rel=1e-9, abs=0)
        assert fit.mu2_interval_68[0] < fit.mu2_best < fit.mu2_interval_68[1]
        # the curve: zero at the best fit, 1 at the 68% ends, 1.642 at the limit (mu^2 >= 0)
        assert np.min(fit.mu2_delta_chi2) == pytest.approx(0.0, abs=1e-6)
        assert fit.q_interval[0] < fit.q_best < fit.q_interval[1]


def test_injected_signal_is_recovered(detector):
    """Issue 17 acceptance: with mu_nu injected, the fit's 68% interval contains the true mu^2
    in >= 60% of toys (68% expected)."""
    mu_true = 6e-11
    likelihood, rates, _, _ = toy_likelihood(detector, np.random.default_rng(7), toys=1000,
                                             mu_true=mu_true)
    fits = fit_rows(likelihood, rates)
    covered = (fits["x_low"] <= mu_true**2) & (mu_true**2 <= fits["x_high"])
    assert covered.mean() >= 0.60
    assert np.median(fits["x_best"]) == pytest.approx(mu_true**2, rel=0.15, abs=0)


def test_negative_fluctuation_is_reported_and_the_limit_stays_physical(detector, null_toys):
    fits, n_on, n_off = null_toys
    toy = int(np.argmin(fits["x_best"]))
    fit = fit_spectrum(spectrum_frame(detector, n_on[toy], n_off[toy]), detector)
    assert fit.mu2_best < 0 and fit.mu_best == 0.0
    assert 0 < fit.mu_limit < detector.mu_limit()  # a low fluctuation gives a strong limit


def test_residual_format(detector):
    """ON - OFF rates with uncertainties: a chi^2 fit; the expected residual (SM only) gives
    mu^2 = 0 and, with sigma from the ON/OFF counts, nearly the ON/OFF limit."""
    inputs = detector._inputs_object()
    rates = inputs.rates
    X_on, X_off = inputs.exposures["X_on"][0], inputs.exposures["X_off"][0]
    edges = analysis_edges(np.array([detector.threshold_keV]), detector.window_max_keV,
                           detector.bin_width_keV)[0]
    widths = np.diff(edges)
    variance = (rates["background"][0] + rates["sm"][0]) / X_on + rates["background"][0] / X_off
    frame = pd.DataFrame({"T_low_keV": edges[:-1], "T_high_keV": edges[1:],
                          "residual": rates["sm"][0] / widths,
                          "sigma": np.sqrt(variance) / widths})
    fit = fit_spectrum(frame, detector)
    assert fit.kind == "residual"
    assert fit.mu2_best == pytest.approx(0.0, abs=1e-3 * fit.mu2_sigma)
    assert fit.mu_limit == pytest.approx(detector.mu_limit(), rel=0.02, abs=0)
    # Gaussian data: chi^2(x) = (x / sigma)^2 exactly, sigma^-2 = sum m_i^2 / var_i, so the 68%
    # interval is +-sigma (Delta chi^2 = 1) and the 90% CL limit z sigma, z = Phi^-1(0.9)
    # (Cowan et al., EPJC 71, 1554 (2011))
    sigma = 1.0 / math.sqrt(np.sum(rates["magnetic"][0] ** 2 / variance))
    low, high = fit.mu2_interval_68
    assert low == pytest.approx(-sigma, rel=1e-6, abs=0)
    assert high == pytest.approx(sigma, rel=1e-6, abs=0)
    assert fit.mu_limit**2 == pytest.approx(norm.ppf(0.90) * sigma, rel=1e-6, abs=0)


def asimov_inputs(detector):
    """Binned rates (per kg day, flux included), the ON and OFF exposures and the variance of
    ON/X_on - OFF/X_off per bin for the Asimov data, and the bin widths."""
    inputs = detector._inputs_object()
    rates = {key: value[0] for key, value in inputs.rates.items()}
    X_on, X_off = inputs.exposures["X_on"][0], inputs.exposures["X_off"][0]
    variance = (rates["background"] + rates["sm"]) / X_on + rates["background"] / X_off
    edges = analysis_edges(np.array([detector.threshold_keV]), detector.window_max_keV,
                           detector.bin_width_keV)[0]
    return rates, X_on, X_off, variance, edges


def test_asimov_spectrum_fits_to_zero_with_the_median_limits(detector):
    """The Asimov data set (the expected counts without signal: ON (b + sm) X_on, OFF b X_off;
    Cowan et al., EPJC 71, 1554 (2011)) fits to mu^2 = 0 and gives the median expected limits,
    with thousands of counts a bin the Gaussian z sigma(mu^2), sigma^-2 = sum m^2 / var,
    var = (b + sm)/X_on + b/X_off: only with the right ON and OFF live times."""
    rates, X_on, X_off, variance, _ = asimov_inputs(detector)
    frame = spectrum_frame(detector, (rates["background"] + rates["sm"]) * X_on,
                           rates["background"] * X_off)
    fit = fit_spectrum(frame, detector)
    sigma = 1.0 / math.sqrt(np.sum(rates["magnetic"] ** 2 / variance))
    assert abs(fit.mu2_best) < 1e-3 * sigma
    assert fit.mu2_sigma == pytest.approx(sigma, rel=0.01, abs=0)
    # (Poisson, not Gaussian: 0.2% on mu, as test_sensitivity.py finds for the preset)
    assert fit.mu_limit == pytest.approx(math.sqrt(norm.ppf(0.90) * sigma), rel=2e-3, abs=0)
    assert fit.mu_limit == pytest.approx(detector.mu_limit(), rel=1e-5, abs=0)
    np.testing.assert_allclose(fit.q_interval, detector.q_interval(), rtol=1e-5, atol=0)


def test_downward_fluctuation_limit_follows_the_boundary_formula(detector):
    """Data whose mu^2 estimate fell N = -2 standard deviations below zero (a Gaussian residual,
    chi^2 = ((x - x_hat)/sigma)^2 exactly): the limit uses x_hat restricted to the physical
    region x >= 0 (Cowan et al. 2011, the statistic q~_mu), so -2 ln lambda(x) = (x^2 - 2 x x_hat)
    / sigma^2 = z^2 gives x_up = sigma (N + sqrt(N^2 + z^2)): positive, and below the median
    z sigma (as GEMMA's published limit: Beda et al., AHEP 2012, 350150)."""
    rates, _, _, variance, edges = asimov_inputs(detector)
    widths = np.diff(edges)
    sigma = 1.0 / math.sqrt(np.sum(rates["magnetic"] ** 2 / variance))
    N, z = -2.0, norm.ppf(0.90)
    x_hat = N * sigma
    frame = pd.DataFrame({"T_low_keV": edges[:-1], "T_high_keV": edges[1:],
                          "residual": (rates["sm"] + x_hat * rates["magnetic"]) / widths,
                          "sigma": np.sqrt(variance) / widths})
    fit = fit_spectrum(frame, detector)
    assert fit.mu2_best == pytest.approx(x_hat, rel=1e-6, abs=0)
    assert fit.mu_best == 0.0
    np.testing.assert_allclose(fit.mu2_interval_68, (x_hat - sigma, x_hat + sigma), rtol=1e-6, atol=0)
    assert fit.mu_limit**2 == pytest.approx(sigma * (N + math.sqrt(N * N + z * z)), rel=1e-6, abs=0)
    assert fit.mu_limit**2 < z * sigma


def test_residual_fit_of_an_injected_negative_millicharge(detector):
    """A Gaussian residual made with q0 = -1e-11 e0: chi^2(q) = sum ((q - q0) A_i + (q^2 - q0^2)
    Q_i)^2 / var_i (signal q A + q^2 Q: interference plus the pure photon term), minimal at q0;
    the 90% CL interval is chi^2 <= chi2_1^-1(0.9) around it (computed here by root finding),
    and the limit on |q| is its largest |q|, here the negative end."""
    rates, _, _, variance, edges = asimov_inputs(detector)
    widths = np.diff(edges)
    A, Q = rates["charge_linear"], rates["charge_quadratic"]
    q0 = -1e-11
    frame = pd.DataFrame({"T_low_keV": edges[:-1], "T_high_keV": edges[1:],
                          "residual": (rates["sm"] + q0 * A + q0**2 * Q) / widths,
                          "sigma": np.sqrt(variance) / widths})
    fit = fit_spectrum(frame, detector)

    def excess(q):
        return np.sum(((q - q0) * A + (q * q - q0 * q0) * Q) ** 2 / variance) - chi2.ppf(0.90, 1)

    low = brentq(excess, q0 - 5e-12, q0, xtol=1e-24, rtol=1e-12)
    high = brentq(excess, q0, q0 + 5e-12, xtol=1e-24, rtol=1e-12)
    assert high < 0  # the whole interval is negative: |q| is bounded by its lower end
    assert fit.q_best == pytest.approx(q0, rel=1e-6, abs=0)
    np.testing.assert_allclose(fit.q_interval, (low, high), rtol=1e-6, atol=0)
    assert fit.q_limit == pytest.approx(-low, rel=1e-6, abs=0)


# --- the CSV format and its validation ---------------------------------------------------------
GOOD_CSV = b"""# on_days = 755.6
# off_days = 187.0
T_low_keV,T_high_keV,on_counts,off_counts
2.8,4.8,10000,2480
4.8,6.8,9900,2460
6.8,8.8,9850,2440
"""


def test_read_good_csv(detector):
    frame = read_spectrum_csv(GOOD_CSV)
    assert frame.attrs == {"kind": "on_off", "on_days": 755.6, "off_days": 187.0}
    assert list(frame.columns) == ["T_low_keV", "T_high_keV", "on_counts", "off_counts"]
    fit = fit_spectrum(frame, detector)
    assert math.isfinite(fit.mu_limit) and fit.mu_limit > 0
    assert read_spectrum_csv(io.BytesIO(GOOD_CSV)).equals(frame)


@pytest.mark.parametrize("text, message", [
    (b"T_low_keV,T_high_keV,on_counts\n1,2,3\n", "missing columns"),
    (GOOD_CSV.replace(b"9900", b"-5"), "negative counts"),
    (GOOD_CSV.replace(b"9900", b"abc"), "non-numeric"),
    (GOOD_CSV.replace(b"9900", b""), "non-numeric or empty"),
    (GOOD_CSV.replace(b"4.8,6.8", b"4.0,6.8"), "overlap"),
    (GOOD_CSV.replace(b"6.8,8.8", b"6.8,6.0"), "T_high_keV <= T_low_keV"),
    (GOOD_CSV.replace(b"# on_days = 755.6\n", b""), "on_days"),
    (GOOD_CSV.replace(b"755.6", b"-3"), "on_days"),
    (b"\x00\xff\xfe", "UTF-8"),
    (b"", "CSV"),
])
def test_bad_files_are_refused_with_the_problem_named(text, message):
    with pytest.raises(ValueError, match=message):
        read_spectrum_csv(text)


def test_large_files_are_refused():
    with pytest.raises(ValueError, match="10 MB"):
        read_spectrum_csv(b"#" * (MAX_FILE_BYTES + 1))


def test_validate_spectrum_takes_live_times_as_columns_and_refuses_mixed_ones():
    frame = pd.DataFrame({"T_low_keV": [1.0, 2.0], "T_high_keV": [2.0, 3.0], "on_counts": [5, 6],
                          "off_counts": [1, 2], "on_days": [10.0, 10.0], "off_days": [5.0, 5.0]})
    assert validate_spectrum(frame).attrs["on_days"] == 10.0
    frame["on_days"] = [10.0, 11.0]
    with pytest.raises(ValueError, match="on_days"):
        validate_spectrum(frame)
    with pytest.raises(ValueError, match="sigma"):
        validate_spectrum(pd.DataFrame({"T_low_keV": [1.0], "T_high_keV": [2.0],
                                        "residual": [0.1], "sigma": [0.0]}))
