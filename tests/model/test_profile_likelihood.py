"""The profile likelihoods of model.profile_likelihood against the Fisher information of Poisson
counts, computed here from its definition (issue 20: expected values independent of the code).

For Poisson counts n_j with means mu_j(theta) the Fisher information is
I_ab = sum_j (d mu_j/d theta_a)(d mu_j/d theta_b) / mu_j, and the variance of the estimate of
the signal strength x with the nuisance parameters profiled is 1 / (I_xx - I_xn I_nn^-1 I_nx)
(G. Cowan, K. Cranmer, E. Gross & O. Vitells, EPJC 71, 1554 (2011), arXiv:1007.1727, Sec. 3.2
and 3.8: for the Asimov data set -2 ln lambda(x) = (x / sigma)^2 with that sigma).
"""

import numpy as np
import pytest

from model import ReactorSensitivity, SolarSensitivity
from model.profile_likelihood import FittedBackgroundLikelihood, OnOffLikelihood


@pytest.fixture(scope="module")
def gemma_inputs():
    # GEMMA-2012 (A. G. Beda et al., AHEP 2012, 350150) with ten 2-keV bins
    s = ReactorSensitivity.preset("GEMMA-2012", window_max_keV=22.8, bin_width_keV=2.0)
    inputs = s._inputs_object()
    return inputs.rates, inputs.exposures["X_on"], inputs.exposures["X_off"]


@pytest.fixture(scope="module")
def xenon_inputs():
    # XENONnT 2022 (E. Aprile et al., PRL 129, 161805 (2022)): 1.16 t yr, 15.8 /(t yr keV)
    s = SolarSensitivity.preset("XENONnT-2022")
    inputs = s._inputs_object()
    return inputs.rates, inputs.exposures["X"]


SMALL = 0.05  # x = SMALL sigma: -2 ln lambda = SMALL^2 (1 + O(SMALL / sqrt(counts per bin)))


def on_off_fisher_sigma(rates, X_on, X_off, direction):
    """ON means (b_i + k_i + x m_i) X_on, OFF means b_i X_off, one b_i per bin: the 2x2 Fisher
    matrix of (x, b_i) in each bin, b_i profiled bin by bin (Schur complement)."""
    b, k = rates["background"][0], rates["sm"][0]
    mu_on, mu_off = (b + k) * X_on, b * X_off
    I_xx = np.sum(direction**2 * X_on**2 / mu_on)
    I_xb = direction * X_on**2 / mu_on
    I_bb = X_on**2 / mu_on + X_off**2 / mu_off
    return 1.0 / np.sqrt(I_xx - np.sum(I_xb**2 / I_bb))


def fitted_background_fisher_sigma(rates, X, direction, prior_rel=None):
    """Means (a B_i + k_i + x m_i) X with one normalisation a (a Gaussian constraint of width
    prior_rel adds 1/prior_rel^2 to I_aa)."""
    B, k = rates["background"][0], rates["sm"][0]
    mu = (B + k) * X
    I_xx = np.sum(direction**2 * X**2 / mu)
    I_xa = np.sum(direction * B * X**2 / mu)
    I_aa = np.sum(B**2 * X**2 / mu) + (0.0 if prior_rel is None else 1.0 / prior_rel**2)
    return 1.0 / np.sqrt(I_xx - I_xa**2 / I_aa)


def test_fisher_sigma_is_the_curvature_of_the_profiled_statistic(gemma_inputs, xenon_inputs):
    # ON/OFF (reactor): the magnetic and the millicharge-interference directions
    rates, X_on, X_off = gemma_inputs
    on_off = OnOffLikelihood(rates["sm"], rates["background"], X_on, X_off)
    for component in ("magnetic", "charge_linear"):
        direction = rates[component]
        expected = on_off_fisher_sigma(rates, X_on[0], X_off[0], direction[0])
        assert float(on_off.linear_sigma(direction)[0]) == pytest.approx(expected, rel=1e-9, abs=0)
        # Asimov: -2 ln lambda(x) = (x/sigma)^2 near x = 0 (its curvature, here at x = sigma/20,
        # where the cubic term of the Poisson statistic is below 1%)
        assert float(on_off.deviance(SMALL * expected * direction)[0]) / SMALL**2 == pytest.approx(
            1.0, rel=0.01, abs=0)
    # fitted background normalisation (xenon, no OFF run): free, and constrained to 10%
    rates, X = xenon_inputs
    direction = rates["magnetic"]
    for prior in (None, 0.1):
        likelihood = FittedBackgroundLikelihood(rates["sm"], rates["background"], X, None, prior)
        expected = fitted_background_fisher_sigma(rates, X[0], direction[0], prior)
        assert float(likelihood.linear_sigma(direction)[0]) == pytest.approx(expected, rel=1e-9, abs=0)
        assert float(likelihood.deviance(SMALL * expected * direction)[0]) / SMALL**2 == pytest.approx(
            1.0, rel=0.01, abs=0)
    # the free normalisation costs information (the 1/T signal resembles a flat background
    # only in part): sigma grows, but stays finite
    free = fitted_background_fisher_sigma(rates, X[0], direction[0])
    known = 1.0 / np.sqrt(np.sum(direction[0] ** 2 * X[0] ** 2 / ((rates["background"][0]
                                                                  + rates["sm"][0]) * X[0])))
    assert known < free < 10 * known


def test_asimov_statistic_vanishes_without_signal(gemma_inputs, xenon_inputs):
    """The Asimov data are the expectation at x = 0: the profiled -2 ln lambda(0) is zero."""
    rates, X_on, X_off = gemma_inputs
    on_off = OnOffLikelihood(rates["sm"], rates["background"], X_on, X_off)
    assert float(on_off.deviance(0.0 * rates["magnetic"])[0]) == pytest.approx(0.0, abs=1e-8)
    rates, X = xenon_inputs
    fitted = FittedBackgroundLikelihood(rates["sm"], rates["background"], X)
    assert float(fitted.deviance(0.0 * rates["magnetic"])[0]) == pytest.approx(0.0, abs=1e-8)
    assert float(fitted.profiled_scale(0.0 * rates["magnetic"])[0]) == pytest.approx(1.0, rel=1e-9, abs=0)


def _log_likelihood(known, background, X, n, a, signal):
    """ln L of Poisson counts n with means (a B + k + s) X, up to terms without a: from its
    definition, for a grid of background scales a (grid,) -> (grid, rows)."""
    mean = (a[:, None, None] * background + np.maximum(known + signal, 0.0)) * X[:, None]
    mean = np.maximum(mean, 1e-300)
    return np.sum(n * np.log(mean) - mean, axis=-1)


def test_profiled_scale_is_the_maximum_on_a_nonnegative_grid(xenon_inputs):
    """The profiled background scale a maximises ln L over a >= 0 (checked on a fine grid),
    including rows whose signal alone accounts for the counts: there the maximum lies on the
    boundary and a is 0 exactly (Newton's halvings only approached it, ~1e-12 after all 30
    steps, and made every solve of the batch take all of them)."""
    rates, X = xenon_inputs
    known, background = rates["sm"][:1], rates["background"][:1]
    rows = 4
    known, background = np.repeat(known, rows, 0), np.repeat(background, rows, 0)
    X = np.repeat(X[:1], rows)
    fitted = FittedBackgroundLikelihood(known, background, X)
    # signal: none, a tenth of the background (maximum at a = 0.9), equal to the background
    # (the Asimov counts are then met at a = 0: the boundary), three times the background
    signal = np.array([0.0, 0.1, 1.0, 3.0])[:, None] * background
    a = fitted.profiled_scale(signal)
    grid = np.concatenate([[0.0], np.linspace(1e-4, 2.0, 20001)])
    on_grid = _log_likelihood(known, background, X, fitted.n, grid, signal)
    best = grid[np.argmax(on_grid, axis=0)]
    np.testing.assert_allclose(a[:2], best[:2], rtol=2e-4)
    assert a[0] == pytest.approx(1.0, rel=1e-9, abs=0) and a[1] == pytest.approx(0.9, rel=1e-6, abs=0)
    assert best[2:].tolist() == [0.0, 0.0] and a[2:].tolist() == [0.0, 0.0]  # on the boundary
    # the profiled statistic is ln L at that a: no better a on the grid
    at_a = _log_likelihood(known, background, X, fitted.n, a, signal)[np.arange(rows), np.arange(rows)]
    assert np.all(on_grid <= at_a + 1e-12 * np.abs(at_a))
