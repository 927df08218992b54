"""RecoilSpectrum: folding checked against brute-force integration, published numbers and
limits, plus hypothesis properties over the whole allowed parameter range."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from model import ATOMS, RecoilSpectrum, active_electrons, electron_cross_section
from model import constants as c
from model import magnetic_sm_crossover_keV, reactor_spectrum
from model.electron_scattering import FLAVOURS, min_neutrino_energy_MeV
from model.reactor import antineutrinos_per_fission
from model.recoil_spectrum import BINDINGS, SOURCES

GEMMA_FLUX = 2.7e13


def brute_force_reactor_rate(T_keV, spectrum: RecoilSpectrum, component: str) -> float:
    """dN/dT by adaptive quadrature of reactor_spectrum x electron_cross_section."""
    norm = antineutrinos_per_fission(spectrum.fuel)

    def integrand(E):
        xs = electron_cross_section(T_keV, E, spectrum.flavour, spectrum.mu_nu, spectrum.q_nu,
                                    spectrum.charge_radius_cm2, sin2_theta_w=spectrum.sin2_theta_w)
        return reactor_spectrum(E, spectrum.fuel) / norm * getattr(xs, component)

    E_min = float(min_neutrino_energy_MeV(T_keV))
    breaks = [b for b in (0.72, 1.26, 2.0) if b > E_min]
    value, _ = quad(integrand, E_min, 10.0, points=breaks, limit=200, epsrel=1e-9)
    electrons = ATOMS[spectrum.target].electrons_per_kg
    return spectrum.total_flux_cm2_s() * electrons * c.SECONDS_PER_DAY * value


@pytest.mark.parametrize("T_keV", [0.05, 1.0, 2.8, 30.0, 500.0, 3000.0])
def test_folding_matches_brute_force_integration(T_keV):
    spectrum = RecoilSpectrum(mu_nu=3e-11, q_nu=-2e-13, charge_radius_cm2=1e-32,
                              flux_cm2_s=GEMMA_FLUX, binding="free")
    rates = spectrum.rates(T_keV).iloc[0]
    for component in ("sm", "magnetic", "charge", "total"):
        expected = brute_force_reactor_rate(T_keV, spectrum, component)
        assert rates[component] == pytest.approx(expected, rel=2e-3, abs=1e-12 * abs(rates["sm"]))


def test_line_source_is_flux_times_targets_times_cross_section():
    spectrum = RecoilSpectrum(source="line", line_energy_MeV=0.8, flux_cm2_s=1e10, mu_nu=1e-11,
                              binding="free", target="Xe", flavour="nu_e")
    T = np.array([0.1, 10.0, 400.0, 700.0])
    xs = electron_cross_section(T, 0.8, "nu_e", mu_nu=1e-11)
    expected = 1e10 * ATOMS["Xe"].electrons_per_kg * 86400 * xs.total
    np.testing.assert_allclose(spectrum.rates(T)["total"], expected, rtol=1e-12)
    assert spectrum.rates(700.0)["total"].iloc[0] == 0.0  # above T_max(0.8 MeV) = 607 keV


def test_gemma_rates_at_one_keV_match_reference_reconstruction():
    # REFERENCE.md 7 [C]: at Phi = 2.7e13, free electrons of Ge, T = 1 keV: magnetic rate at
    # mu = 1e-11 is 1.54e-2 /(keV kg d) (from pi alpha^2/m_e^2 mu^2/T alone), SM 6.3e-3.
    spectrum = RecoilSpectrum(mu_nu=1e-11, flux_cm2_s=GEMMA_FLUX, binding="free")
    rates = spectrum.rates(1.0).iloc[0]
    assert rates["magnetic"] == pytest.approx(1.544e-2, rel=1e-2)  # -1/E term: < 0.5% here
    assert rates["sm"] == pytest.approx(6.3e-3, rel=1e-2)


def test_folded_crossover_near_seed_value_and_independent_of_binding():
    # Seed 002 eq. (27) with E -> infinity gives 2.40 keV at mu = 1e-11 (s^2 = 0.23867). The
    # reactor spectrum's finite energies change the two terms at keV recoils by about 1%
    # ((1 - T/E)^2, m_e T/E^2 and -1/E): the folded crossover is 2.425 keV, 0.95% above.
    free = RecoilSpectrum(mu_nu=1e-11, binding="free")
    bound = RecoilSpectrum(mu_nu=1e-11, binding="stepping")
    assert free.crossover_keV() == pytest.approx(magnetic_sm_crossover_keV(1e-11), rel=0.012)
    assert free.crossover_keV() > magnetic_sm_crossover_keV(1e-11)
    # Stepping multiplies both terms by the same factor (seed 000): same crossover.
    assert bound.crossover_keV() == pytest.approx(free.crossover_keV(), rel=1e-9)
    rates = free.rates(free.crossover_keV()).iloc[0]
    assert rates["magnetic"] == pytest.approx(rates["sm"], rel=1e-6)
    assert math.isnan(RecoilSpectrum(mu_nu=0.0).crossover_keV())


def test_stepping_reduces_rates_by_active_electron_fraction_keeping_ratios():
    T = np.geomspace(0.005, 50, 60)
    free = RecoilSpectrum(mu_nu=2e-11, binding="free").rates(T)
    bound = RecoilSpectrum(mu_nu=2e-11, binding="stepping").rates(T)
    fraction = active_electrons(T, "Ge") / 32
    np.testing.assert_allclose(bound["sm"], fraction * free["sm"], rtol=1e-12)
    np.testing.assert_allclose(bound["magnetic"], fraction * free["magnetic"], rtol=1e-12)
    nonzero = fraction > 0
    np.testing.assert_allclose((bound["magnetic"] / bound["sm"])[nonzero],
                               (free["magnetic"] / free["sm"])[nonzero], rtol=1e-12)
    assert np.all(bound["total"] <= free["total"])


def test_events_above_threshold_against_fine_trapezoid():
    spectrum = RecoilSpectrum(mu_nu=1e-11, q_nu=1e-13, threshold_keV=0.5)
    above = spectrum.events_above_threshold()
    edges = ATOMS["Ge"].binding_energies_keV
    T = np.unique(np.concatenate([np.geomspace(0.5, spectrum.max_recoil_keV(), 400001),
                                  edges[edges > 0.5], np.nextafter(edges[edges > 0.5], 0)]))
    rates = spectrum.rates(T)
    for component in ("sm", "magnetic", "charge", "total"):
        expected = np.trapezoid(rates[component], T)
        assert above[component] == pytest.approx(expected, rel=1e-4)
    assert spectrum.expected_events()["total"] == pytest.approx(above["total"])
    spectrum.exposure_kg_day = 100.0
    assert spectrum.expected_events()["total"] == pytest.approx(100 * above["total"])


def test_events_above_threshold_above_end_point_are_zero():
    spectrum = RecoilSpectrum(source="solar_7Be", threshold_keV=700.0, mu_nu=1e-11)
    assert (spectrum.events_above_threshold() == 0).all()


def test_limits_mu_and_q_to_zero():
    T = np.geomspace(0.01, 5000, 80)
    base = RecoilSpectrum().rates(T)
    assert (base["magnetic"] == 0).all() and (base["charge"] == 0).all()
    np.testing.assert_array_equal(base["total"], base["sm"])
    small_mu = RecoilSpectrum(mu_nu=1e-18).rates(T)  # ratio ~ (mu/1e-11)^2 2.4 keV/T
    np.testing.assert_allclose(small_mu["total"], base["sm"], rtol=1e-8)
    small_q = RecoilSpectrum(q_nu=1e-26).rates(T)  # shift ~ 5e12 q/T_keV
    np.testing.assert_allclose(small_q["total"], base["sm"], rtol=1e-8)


def test_flux_and_exposure_bookkeeping():
    by_power = RecoilSpectrum(flux_cm2_s=None, thermal_power_GW=3.0, distance_m=13.9)
    assert by_power.total_flux_cm2_s() == pytest.approx(2.7e13, rel=0.01)  # REFERENCE 1g GEMMA
    doubled = RecoilSpectrum(flux_cm2_s=2 * by_power.total_flux_cm2_s())
    np.testing.assert_allclose(doubled.rates([1.0, 10.0])["sm"],
                               2 * by_power.rates([1.0, 10.0])["sm"], rtol=1e-12)
    assert RecoilSpectrum(source="solar_pp").total_flux_cm2_s() == 5.98e10


def test_rates_dataframe_columns():
    frame = RecoilSpectrum(mu_nu=1e-11).rates([1.0, 2.0])
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["T_keV", "sm", "magnetic", "charge", "total"]


@pytest.mark.parametrize("parameter, value", [
    ("mu_nu", -1e-11), ("mu_nu", 1.0), ("q_nu", 1.0), ("threshold_keV", -1.0),
    ("threshold_keV", 0.0), ("flux_cm2_s", -5.0), ("flux_cm2_s", 0.0), ("target", "Pb"),
    ("source", "supernova"), ("flavour", "nu_tau"), ("exposure_kg_day", -1.0),
    ("distance_m", 0.0), ("binding", "tight"), ("mu_nu", "abc")])
def test_bad_parameters_raise_value_error_naming_them(parameter, value):
    with pytest.raises(ValueError, match=parameter):
        RecoilSpectrum(**{parameter: value})
    spectrum = RecoilSpectrum()
    with pytest.raises(ValueError, match=parameter):
        setattr(spectrum, parameter, value)


@pytest.mark.parametrize("T", [[-1.0], [0.0], [float("nan")], ["x"], [1e9]])
def test_bad_recoil_energies_raise(T):
    with pytest.raises(ValueError, match="T_keV"):
        RecoilSpectrum().rates(T)


spectrum_parameters = st.fixed_dictionaries({
    "mu_nu": st.one_of(st.just(0.0), st.floats(1e-20, 1e-6)),
    "q_nu": st.one_of(st.just(0.0), st.floats(-1e-6, 1e-6, allow_subnormal=False)),
    "charge_radius_cm2": st.floats(-1e-28, 1e-28, allow_subnormal=False),
    "flavour": st.sampled_from(FLAVOURS),
    "source": st.sampled_from(SOURCES),
    "target": st.sampled_from(tuple(ATOMS)),
    "binding": st.sampled_from(BINDINGS),
    "line_energy_MeV": st.floats(0.01, 100.0),
    "threshold_keV": st.floats(1e-3, 1e5),
    "flux_cm2_s": st.one_of(st.none(), st.floats(1e-3, 1e18)),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parameters=spectrum_parameters,
       T_keV=st.lists(st.floats(1e-3, 1e5), min_size=1, max_size=20))
def test_rates_are_finite_and_non_negative_over_allowed_parameters(parameters, T_keV):
    spectrum = RecoilSpectrum(**parameters)
    rates = spectrum.rates(T_keV)
    values = rates[["sm", "magnetic", "charge", "total"]].to_numpy()
    assert np.all(np.isfinite(values))
    assert np.all(rates[["sm", "magnetic", "total"]].to_numpy() >= 0.0)
    above = spectrum.events_above_threshold()
    assert np.all(np.isfinite(above.to_numpy()))
    assert above["total"] >= 0.0 and above["sm"] >= 0.0 and above["magnetic"] >= 0.0


@settings(max_examples=200, deadline=None)
@given(T_keV=st.floats(1e-6, 1e7), E_MeV=st.floats(1e-6, 1e4),
       mu_nu=st.floats(0.0, 1e-6), q_nu=st.floats(-1e-6, 1e-6, allow_subnormal=False),
       radius=st.floats(-1e-28, 1e-28, allow_subnormal=False), flavour=st.sampled_from(FLAVOURS),
       target=st.sampled_from(("free", "Ge", "Si", "Xe")))
def test_cross_section_is_finite_and_non_negative(T_keV, E_MeV, mu_nu, q_nu, radius, flavour, target):
    xs = electron_cross_section(T_keV, E_MeV, flavour, mu_nu, q_nu, radius, target)
    for component in (xs.sm, xs.magnetic, xs.charge, xs.total):
        assert np.all(np.isfinite(component))
    scale = max(float(xs.sm), float(xs.sm + xs.charge), 1e-300)
    assert xs.sm >= 0 and xs.magnetic >= 0
    # total = |weak amplitude|^2 + |magnetic|^2 >= 0; sm + charge is evaluated in two pieces,
    # so allow its double-precision round-off relative to the larger piece.
    assert xs.total >= -1e-12 * scale
