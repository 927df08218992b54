"""Properties that carry physics (issue 20, item 3), over random parameters: scalings with the
moment and the flux, the stepping factor never above free electrons, the quadratic millicharge
term, sensitivity monotone in mass, exposure, flux and background, unitary probabilities.
Where a finiteness fuzz test only says "no crash", these say "the right law"."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import constants as codata

from model import (
    ATOMS, ReactorSensitivity, RecoilSpectrum, SpinFlavourOscillation, electron_cross_section,
    millicharge_only_cross_section, nucleus_cross_section)
from model.electron_scattering import FLAVOURS

SLOW = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
log_floats = lambda low, high: st.floats(math.log10(low), math.log10(high)).map(lambda x: 10.0**x)  # noqa: E731
recoils = st.lists(log_floats(1e-2, 2e3), min_size=1, max_size=8)
sources = st.sampled_from(["reactor", "solar_7Be", "solar_pp", "line"])


@settings(max_examples=40, **SLOW)
@given(mu=log_floats(1e-13, 1e-9), flux=log_floats(1e8, 1e15), T=recoils, source=sources,
       target=st.sampled_from(sorted(ATOMS)), binding=st.sampled_from(["free", "stepping"]),
       factor=st.floats(0.1, 10.0))
def test_rates_scale_as_mu_squared_and_as_the_flux(mu, flux, T, source, target, binding, factor):
    base = RecoilSpectrum(mu_nu=mu, flux_cm2_s=flux, source=source, target=target, binding=binding)
    rates = base.rates(T)
    stronger = RecoilSpectrum(mu_nu=mu * factor, flux_cm2_s=flux, source=source, target=target,
                              binding=binding).rates(T)
    np.testing.assert_allclose(stronger["magnetic"], factor**2 * rates["magnetic"], rtol=1e-10, atol=0)
    np.testing.assert_array_equal(stronger["sm"], rates["sm"])  # no interference (helicity flip)
    brighter = RecoilSpectrum(mu_nu=mu, flux_cm2_s=flux * factor, source=source, target=target,
                              binding=binding).rates(T)
    for column in ("sm", "magnetic", "total"):
        np.testing.assert_allclose(brighter[column], factor * rates[column], rtol=1e-12, atol=0)


@settings(max_examples=30, **SLOW)
@given(mu=log_floats(1e-12, 1e-9), T=st.lists(log_floats(1e-3, 3.0), min_size=1, max_size=6),
       target=st.sampled_from(["Ge", "Si", "Xe", "Ar", "CsI"]), factor=st.floats(0.1, 10.0))
def test_nuclear_rates_scale_as_mu_squared(mu, T, target, factor):
    kwargs = dict(channel="nucleus", energy_axis="keVnr", target=target, flux_cm2_s=1e13)
    rates = RecoilSpectrum(mu_nu=mu, **kwargs).rates(T)
    stronger = RecoilSpectrum(mu_nu=mu * factor, **kwargs).rates(T)
    np.testing.assert_allclose(stronger["magnetic"], factor**2 * rates["magnetic"], rtol=1e-10, atol=0)


@settings(max_examples=40, **SLOW)
@given(T=recoils, source=sources, target=st.sampled_from(sorted(ATOMS)),
       mu=st.one_of(st.just(0.0), log_floats(1e-13, 1e-9)), q=st.floats(-1e-12, 1e-12))
def test_stepping_never_exceeds_free_electrons(T, source, target, mu, q):
    """Binding can only remove electrons (Kouzakov, Studenikin & Voloshin, PRD 83, 113001
    (2011)): per kg, bound <= free for sm, magnetic and the weak total, equal above the K edge."""
    kwargs = dict(mu_nu=mu, q_nu=q, source=source, target=target, flux_cm2_s=1e13)
    free = RecoilSpectrum(binding="free", **kwargs).rates(T)
    bound = RecoilSpectrum(binding="stepping", **kwargs).rates(T)
    for column in ("sm", "magnetic", "total"):
        assert np.all(bound[column] <= free[column] * (1 + 1e-12)), column
    above_k = np.asarray(T) > ATOMS[target].binding_energies_keV[0]
    for column in ("sm", "magnetic", "charge", "total"):
        np.testing.assert_allclose(bound[column][above_k], free[column][above_k], rtol=1e-12, atol=0)


@settings(max_examples=100, deadline=None)
@given(T=log_floats(1e-2, 1e3), E=log_floats(0.5, 1e3), q=log_floats(1e-14, 1e-10),
       flavour=st.sampled_from(FLAVOURS))
def test_millicharge_interference_cancels_between_q_and_minus_q(T, E, q, flavour):
    """The charge component is 2 Re(weak x photon) + |photon|^2: odd plus even in q, so
    charge(q) + charge(-q) = 2 x the pure q^2 term (Giunti & Studenikin, RMP 87, 531 (2015))."""
    plus = electron_cross_section(T, E, flavour, q_nu=q).charge
    minus = electron_cross_section(T, E, flavour, q_nu=-q).charge
    pure = millicharge_only_cross_section(T, E, q)
    scale = max(abs(float(plus)), abs(float(minus)), 1e-300)
    assert abs(float(plus + minus) - 2 * float(pure)) <= 1e-9 * scale + 1e-9 * 2 * float(pure)


@settings(max_examples=40, **SLOW)
@given(T=recoils, q=log_floats(1e-14, 1e-11), source=sources)
def test_folded_millicharge_term_is_quadratic_plus_linear(T, q, source):
    """Folded over a source the charge component is A q + Q q^2, so
    [charge(2q) + charge(-2q)] = 4 [charge(q) + charge(-q)] and the odd parts double."""
    def charge(x):
        return RecoilSpectrum(q_nu=x, source=source, flux_cm2_s=1e13, binding="free").rates(T)["charge"].to_numpy()

    even1, even2 = charge(q) + charge(-q), charge(2 * q) + charge(-2 * q)
    odd1, odd2 = charge(q) - charge(-q), charge(2 * q) - charge(-2 * q)
    scale = np.abs(odd2) + np.abs(even2)
    assert np.all(np.abs(even2 - 4 * even1) <= 1e-8 * scale)
    assert np.all(np.abs(odd2 - 2 * odd1) <= 1e-8 * scale)


@settings(max_examples=60, deadline=None)
@given(T=log_floats(1e-3, 2.0), E=log_floats(3.0, 50.0), q=log_floats(1e-13, 1e-9),
       target=st.sampled_from(["Ge", "Si", "Xe", "Ar", "CsI"]))
def test_nuclear_millicharge_term_is_quadratic_plus_linear(T, E, q, target):
    def charge(x):
        return float(nucleus_cross_section(T, E, target, q_nu=x).charge)

    even1, even2 = charge(q) + charge(-q), charge(2 * q) + charge(-2 * q)
    scale = abs(charge(2 * q)) + abs(charge(-2 * q))
    assert abs(even2 - 4 * even1) <= 1e-8 * scale


# --- sensitivity ---------------------------------------------------------------------------------
@settings(max_examples=12, **SLOW)
@given(preset=st.sampled_from(["GEMMA-2012", "TEXONO", "CONUS", "Dresden-II", "MUNU"]),
       factors=st.lists(st.floats(0.2, 5.0), min_size=2, max_size=4, unique=True))
def test_sensitivity_improves_with_mass_exposure_and_flux_and_worsens_with_background(preset, factors):
    s = ReactorSensitivity.preset(preset)
    factors = sorted(factors)
    if min(b / a for a, b in zip(factors[:-1], factors[1:])) < 1.05:
        factors = [factors[0] * 1.1**k for k in range(len(factors))]
    for parameter, sign in (("mass_kg", -1), ("days_on", -1), ("days_off", -1), ("flux_cm2_s", -1),
                            ("background_per_keV_kg_day", +1)):
        base = getattr(s, parameter) if parameter != "flux_cm2_s" else s.total_flux_cm2_s()
        if parameter == "background_per_keV_kg_day" and base == 0.0:
            continue
        frame = s.scan(parameter, [base * f for f in factors])
        for column in ("mu_limit", "q_limit"):
            steps = np.diff(frame[column].to_numpy())
            if sign < 0:
                assert np.all(steps < 0), (parameter, column, frame)
            else:
                assert np.all(steps > 0), (parameter, column, frame)


@settings(max_examples=8, **SLOW)
@given(preset=st.sampled_from(["GEMMA-2012", "CONUS", "Dresden-II"]),
       thresholds=st.lists(st.floats(0.2, 20.0), min_size=2, max_size=4, unique=True))
def test_sensitivity_worsens_with_the_threshold(preset, thresholds):
    """The magnetic signal grows as 1/T: a higher threshold never gives a better limit."""
    s = ReactorSensitivity.preset(preset, window_max_keV=40.0)
    thresholds = sorted(thresholds)
    if min(b - a for a, b in zip(thresholds[:-1], thresholds[1:])) < 0.05:
        return
    frame = s.scan("threshold_keV", thresholds)
    assert np.all(np.diff(frame["mu_limit"].to_numpy()) > 0), frame


# --- probabilities ----------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(E=log_floats(0.1, 100.0), dm2=log_floats(1e-5, 1e-2), theta=st.floats(0.0, math.pi / 2),
       x=st.lists(st.floats(0.0, 1e4), min_size=1, max_size=10))
def test_two_flavour_vacuum_oscillation_is_the_textbook_formula(E, dm2, theta, x):
    """No field, no matter: P(nu_e -> nu_mu) = sin^2(2 theta) sin^2(Delta m^2 L / 4E) (Pontecorvo;
    e.g. PDG review of neutrino mixing), phase with hbar c in eV km (CODATA, exact in the SI);
    atol 1e-8: phases reach 1e6 rad here, where double precision leaves ~1e-10."""
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=0.0, B_perp_gauss=0.0, E_MeV=E,
                                 dm2_eV2=dm2, theta_rad=theta)
    p = osc.probabilities(np.array(x))
    hbar_c_eV_km = codata.physical_constants["reduced Planck constant times c in MeV fm"][0] * 1e-12
    expected = math.sin(2 * theta) ** 2 * np.sin(dm2 * np.array(x) / (4 * E * 1e6 * hbar_c_eV_km)) ** 2
    np.testing.assert_allclose(p["P_eL_muL"], expected, rtol=0, atol=1e-8)
    np.testing.assert_allclose(p["P_eL_eL"], 1 - expected, rtol=0, atol=1e-8)
    np.testing.assert_allclose(p[["P_eL_eR", "P_eL_muR"]].to_numpy(), 0.0, rtol=0, atol=1e-15)


@settings(max_examples=40, **SLOW)
@given(mu12=st.floats(-1e-11, 1e-11), B=log_floats(1e3, 1e10), density=log_floats(1e-3, 1e4),
       Y_e=st.floats(0.05, 0.95), theta=st.floats(0.0, math.pi / 2), majorana=st.booleans())
def test_distance_averaged_probabilities_are_unitary(mu12, B, density, Y_e, theta, majorana):
    osc = SpinFlavourOscillation(mu1=0.0, mu2=0.0, mu12=mu12, B_perp_gauss=B, theta_rad=theta,
                                 density_g_cm3=density, Y_e=Y_e, majorana=majorana)
    averaged = osc.averaged_probabilities(density_g_cm3=[density, 2 * density])
    values = averaged[["P_eL_eL", "P_eL_muL", "P_eL_eR", "P_eL_muR"]].to_numpy()
    assert np.all(values >= -1e-12) and np.all(values <= 1 + 1e-12)
    np.testing.assert_allclose(values.sum(axis=1), 1.0, rtol=0, atol=1e-10)


@pytest.mark.parametrize("target", sorted(ATOMS))
def test_stepping_equals_free_above_the_k_edge_for_each_target(target):
    """A deterministic companion of the property above: at 1.01 x the K edge every electron
    is active, so the bound and free rates per kg coincide."""
    T = [1.01 * ATOMS[target].binding_energies_keV[0]]
    free = RecoilSpectrum(mu_nu=1e-11, target=target, binding="free").rates(T)
    bound = RecoilSpectrum(mu_nu=1e-11, target=target, binding="stepping").rates(T)
    np.testing.assert_allclose(bound[["sm", "magnetic"]].to_numpy(), free[["sm", "magnetic"]].to_numpy(),
                               rtol=1e-12, atol=0)
