"""Fuzzing of the model (issue 7, item 7): every param.Parameterized class over its whole
declared parameter space, and the public array functions over their documented domains.

The contract checked everywhere: a public computing method either returns finite, physical
values (rates and cross sections >= 0 except the signed charge-interference term;
probabilities in [0, 1] summing to 1; limits > 0; NaN only where the model documents it) or
raises ValueError with a message that says what is wrong.  Any other exception type, and any
ValueError whose message is not one of the class's documented refusals, fails the test.

Strategies are derived from each class's own ``param`` declarations (bounds, inclusive
bounds, allow_None, selector objects, booleans), so a new or re-bounded parameter is fuzzed
without editing this file and an unknown parameter type fails loudly.  Ranges that span
decades are sampled log-uniformly (tiny and huge values alike), and the exact bounds (for an
open bound: the nearest float inside it) are always candidates.

Every test carries its own bounded ``settings`` (no global profile); the file runs in about
20-30 s on two busy cores.  Round-off slack is stated where used (ROUNDING, SUBNORMAL): it is
double-precision round-off, never a physics tolerance.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

import numpy as np
from scipy import constants as scipy_constants
import pandas as pd
import param
import pytest
from hypothesis import HealthCheck, assume, event, find, given, settings
from hypothesis.errors import NoSuchExample
from hypothesis import strategies as st

from model import (
    ATOMS, limits, FLAVOURS, NUCLEAR_TARGETS, ReactorSensitivity, RecoilSpectrum, SpinFlavourOscillation,
    SpinLight, active_electrons, atomic_recoil_scale_eV, effective_magnetic_moment,
    electron_cross_section, flux_from_power, helm_form_factor, keVee_to_keVnr, keVnr_to_keVee,
    lindhard_k, lindhard_quenching, magnetic_sm_crossover_keV, max_nuclear_recoil_keV,
    max_recoil_keV, millicharge_only_cross_section, min_neutrino_energy_MeV,
    nucleus_cross_section, nucleus_magnetic_sm_crossover_keV, pmns_matrix, reactor_spectrum,
    weak_charge)
from model.effective_moment import MAX_ABS_DM2_EV2, MAX_L_KM, MIN_E_MEV
from model.electron_scattering import (
    MAX_ABS_CHARGE_RADIUS_CM2, MAX_ABS_Q_NU, MAX_E_MEV, MAX_MU_NU, MAX_T_KEV, SMALLEST_T_KEV)
from model.quenching import MAX_E_KEV, MAX_K, MIN_E_KEV, MIN_K, keVee_per_keVnr
from model.reactor import (
    FISSION_FRACTIONS, MAX_DISTANCE_M, MAX_ENERGY_MEV, MAX_PER_FISSION, MAX_THERMAL_POWER_GW,
    MIN_DISTANCE_M)
from model.recoil_spectrum import COMPONENTS, MIN_T_KEV, NUCLEUS_CROSSOVER_MIN_KEV
from model.recoil_spectrum import MAX_T_KEV as SPECTRUM_MAX_T_KEV
from model.sensitivity import (
    DELTA_CHI2_TWO_SIDED_90, MAX_BINS, PRESETS, Z_ONE_SIDED_90, _AsimovOnOff)
from model.spin_flavour import (
    ANALYTIC_FORMULAS, MAX_DENSITY_G_CM3, MAX_X_KM, PROBABILITY_COLUMNS, SCAN_VARIABLES)
from model.spin_light import MAX_DENSITY_CM3, MAX_E_TEV, MIN_DENSITY_CM3, MIN_E_TEV
from model.theory import (
    HEAVY_REGIME_MAX_EV, MAX_M_NU_EV, REGIME_EQUATIONS, SUPERHEAVY_REGIME_MIN_EV,
    TheoryCalculator)

ROUNDING = 1e-12
"""Relative double-precision slack for sums (probabilities adding to 1, total = sum of parts)."""
SUBNORMAL = 1e-300
"""Absolute slack for sums of numbers near the underflow limit (a 5e-324 GW reactor gives
rates of ~1e-310, with a few significant digits left)."""
DECADES_BELOW_ZERO_BOUND = 30
"""A range starting at 0 is sampled log-uniformly over this many decades below its top."""
MODEL_CLASSES = (RecoilSpectrum, ReactorSensitivity, SpinFlavourOscillation, SpinLight,
                 TheoryCalculator)


# --- strategies derived from the param declarations ------------------------------------------
def _log_uniform(low: float, high: float):
    """Floats spread evenly in log between 0 < low < high, both ends included."""
    return st.floats(math.log10(low), math.log10(high)).map(
        lambda exponent: min(max(10.0**exponent, low), high))


def _spans_decades(low: float, high: float) -> bool:
    return (low <= 0.0 < high or (0.0 < low and high / low >= 100.0)
            or (high < 0.0 and low / high >= 100.0))


def _number_values(spec: param.Number):
    """Valid values of a Number: its bounds (or the nearest float inside an open bound),
    zero where allowed, uniform and (if the range spans decades) log-uniform draws."""
    low, high = spec.bounds
    if low is None or high is None:
        raise TypeError(f"{spec.name}: an unbounded Number needs its own strategy here")
    low_inclusive, high_inclusive = spec.inclusive_bounds
    low = low if low_inclusive else math.nextafter(low, math.inf)
    high = high if high_inclusive else math.nextafter(high, -math.inf)
    edges = {low, high} | ({0.0} if low <= 0.0 <= high else set())
    branches = [st.sampled_from(sorted(edges)), st.floats(low, high)]
    if _spans_decades(low, high):
        if high > 0.0:
            bottom = low if low > 0.0 else high * 10.0**-DECADES_BELOW_ZERO_BOUND
            branches.append(_log_uniform(bottom, high))
        if low < 0.0:
            top = -high if high < 0.0 else -low * 10.0**-DECADES_BELOW_ZERO_BOUND
            branches.append(_log_uniform(top, -low).map(lambda magnitude: -magnitude))
    values = st.one_of(branches)
    if isinstance(spec, param.Integer):
        values = st.integers(int(math.ceil(low)), int(math.floor(high)))
    return st.one_of(st.none(), values) if spec.allow_None else values


def parameter_values(spec: param.Parameter):
    """Every valid value of one declared parameter."""
    if isinstance(spec, param.Boolean):
        return st.booleans()
    if isinstance(spec, param.Selector):
        objects = list(spec.objects.values() if isinstance(spec.objects, dict) else spec.objects)
        return st.sampled_from(objects)
    if isinstance(spec, param.Number):
        return _number_values(spec)
    raise TypeError(f"no fuzzing strategy for {type(spec).__name__} {spec.name!r}")


def declared_parameters(cls) -> dict[str, param.Parameter]:
    return {name: cls.param[name] for name in cls.param if name != "name"}


def parameter_space(cls):
    """Dictionaries of constructor arguments covering every declared parameter of ``cls``
    (a deprecated alias, e.g. ``SpinFlavourOscillation.theta``, is left out: its own test
    covers it, and the parameter it names is drawn)."""
    return st.fixed_dictionaries({name: parameter_values(spec)
                                  for name, spec in declared_parameters(cls).items()
                                  if "deprecated" not in (spec.doc or "").lower()})


WRONG_TYPES = ("abc", "1.0", "", [0.5], (0.5,), {"value": 0.5}, b"1", object())


def invalid_values(spec: param.Parameter):
    """Values a parameter must refuse: out of bounds (just past each bound, far past it,
    NaN, infinities), unknown selector entries and values of a wrong type."""
    wrong = list(WRONG_TYPES)
    if not getattr(spec, "allow_None", False):
        wrong.append(None)
    branches = [st.sampled_from(wrong)]
    if isinstance(spec, param.Boolean):
        branches.append(st.sampled_from([0, 1, 0.5, "True", "yes"]))
    elif isinstance(spec, param.Selector):
        objects = list(spec.objects)
        branches.append(st.text(max_size=12).filter(lambda text: text not in objects))
        branches.append(st.sampled_from([1.5, -1, True]).filter(lambda value: value not in objects))
    elif isinstance(spec, param.Number):
        low, high = spec.bounds
        low_inclusive, high_inclusive = spec.inclusive_bounds
        branches.append(st.sampled_from([math.nan, math.inf, -math.inf]))
        branches.append(st.floats(max_value=low, exclude_max=low_inclusive))
        branches.append(st.floats(min_value=high, exclude_min=high_inclusive))
        branches.append(st.sampled_from([math.nextafter(low, -math.inf) if low_inclusive else low,
                                         math.nextafter(high, math.inf) if high_inclusive else high]))
    return st.one_of(branches)


def declared_parameter_and_invalid_value(cls):
    names = sorted(declared_parameters(cls))
    return st.sampled_from(names).flatmap(
        lambda name: st.tuples(st.just(name), invalid_values(cls.param[name])))


# --- shared assertions -----------------------------------------------------------------------
def assert_finite(values, what=""):
    array = np.asarray(values, dtype=float)
    assert np.all(np.isfinite(array)), f"{what} not finite: {array}"


def assert_non_negative(values, what=""):
    array = np.asarray(values, dtype=float)
    assert_finite(array, what)
    assert np.all(array >= 0.0), f"{what} negative: {array[array < 0]}"


def assert_probabilities(frame_or_array, what="probabilities", rows_sum_to_one=True):
    """Values in [0, 1] (round-off allowed) and, per row, a total of 1."""
    array = np.asarray(frame_or_array, dtype=float)
    assert_finite(array, what)
    assert np.all(array >= -ROUNDING) and np.all(array <= 1.0 + ROUNDING), \
        f"{what} outside [0, 1]: {array}"
    if rows_sum_to_one:
        np.testing.assert_allclose(array.sum(axis=-1), 1.0, atol=1e-9, err_msg=f"{what} do not sum to 1")


def assert_refused(error: ValueError, patterns: str, values=None):
    """A refusal must be one of the documented ones (``patterns``: a regex of the messages)."""
    assert re.search(patterns, str(error)), f"undocumented ValueError {error!s} for {values}"


def assert_components_add_up(sm, magnetic, charge, total, what):
    """sm, magnetic and total >= 0; charge (interference) signed; total = sm + magnetic + charge."""
    for name, value in (("sm", sm), ("magnetic", magnetic), ("total", total)):
        assert_non_negative(value, f"{what} {name}")
    assert_finite(charge, f"{what} charge")
    sm, magnetic, charge, total = (np.asarray(v, dtype=float) for v in (sm, magnetic, charge, total))
    scale = np.maximum.reduce([np.abs(sm), magnetic, np.abs(charge), total])
    assert np.all(np.abs(total - (sm + magnetic + charge)) <= 4 * ROUNDING * scale + SUBNORMAL), \
        f"{what}: total != sm + magnetic + charge"


# --- invalid parameter values: every class ---------------------------------------------------
@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_invalid_parameter_values_raise_value_error_naming_the_parameter(cls, data):
    name, value = data.draw(declared_parameter_and_invalid_value(cls), label="parameter, value")
    with pytest.raises(ValueError, match=re.escape(name)):
        cls(**{name: value})
    model = cls()
    before = getattr(model, name)
    with pytest.raises(ValueError, match=re.escape(name)):
        setattr(model, name, value)
    after = getattr(model, name)
    assert after is before or after == before  # a refused value leaves the model as it was


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_every_declared_parameter_has_a_strategy(cls):
    for spec in declared_parameters(cls).values():
        parameter_values(spec)  # TypeError for a parameter type this file cannot fuzz


# Wrong types that plain param 2.4.2 does NOT turn into a ValueError naming the parameter (hence
# model.validation.RealNumber and Choice): a Python complex fails inside param's bounds check
# with TypeError; a numpy complex passes and its imaginary part is silently dropped in the
# arithmetic (a wrong rate); a Decimal passes and then fails in the arithmetic with TypeError;
# True passes as the number 1; an array gives numpy's "truth value is ambiguous" ValueError.
NOT_REAL_NUMBERS = [0.5 + 0.5j, np.complex128(0.25 + 0.5j), Decimal("0.25"), True, np.bool_(False),
                    np.array([0.2, 0.3]), np.array(0.25)]


def _refused_naming(cls, name, value):
    with pytest.raises(ValueError, match=re.escape(name)):
        cls(**{name: value})
    model = cls()
    with pytest.raises(ValueError, match=re.escape(name)):
        setattr(model, name, value)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("value", NOT_REAL_NUMBERS, ids=repr)
def test_non_real_numbers_and_arrays_raise_value_error_naming_the_parameter(cls, value):
    numbers = [name for name, spec in declared_parameters(cls).items()
               if isinstance(spec, param.Number) and not isinstance(spec, param.Integer)]
    assert numbers
    for name in numbers:
        _refused_naming(cls, name, value)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_an_array_of_options_raises_value_error_naming_the_selector(cls):
    for name, spec in declared_parameters(cls).items():
        if isinstance(spec, param.Selector):
            _refused_naming(cls, name, np.array(list(spec.objects)[:1] * 2))


# --- RecoilSpectrum --------------------------------------------------------------------------
SPECTRUM_REFUSALS = r"has no atomic data for nu-e scattering"


def check_electron_crossover_refused(spectrum: RecoilSpectrum) -> None:
    """The nu-e crossover of a target without atomic data: ValueError, or the nan documented
    for mu_nu = 0 (crossover_keV answers that before it looks at the target)."""
    if spectrum.mu_nu == 0.0:
        assert math.isnan(spectrum.crossover_keV("electron"))
        return
    with pytest.raises(ValueError, match=SPECTRUM_REFUSALS):
        spectrum.crossover_keV("electron")


def _spectrum_energies(data, spectrum: RecoilSpectrum, T_end: float) -> np.ndarray:
    edges = [MIN_T_KEV, SPECTRUM_MAX_T_KEV, spectrum.threshold_keV]
    edges += [T for T in (T_end, math.nextafter(T_end, 0.0)) if MIN_T_KEV <= T <= SPECTRUM_MAX_T_KEV]
    drawn = data.draw(st.lists(_log_uniform(MIN_T_KEV, SPECTRUM_MAX_T_KEV), max_size=6), label="T_keV")
    grid = spectrum.recoil_grid_keV(n_points=40)
    grid = grid[(grid >= MIN_T_KEV) & (grid <= SPECTRUM_MAX_T_KEV)]
    return np.concatenate([edges, drawn, grid])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=parameter_space(RecoilSpectrum), data=st.data())
def test_recoil_spectrum_over_its_parameter_space(values, data):
    spectrum = RecoilSpectrum(**values)
    electron_data = values["target"] in ATOMS
    if values["channel"] != "nucleus" and not electron_data:
        for method in (spectrum.channels, spectrum.max_recoil_keV, spectrum.recoil_grid_keV,
                       lambda: spectrum.rates([1.0]), spectrum.events_above_threshold,
                       spectrum.expected_events):
            with pytest.raises(ValueError, match=SPECTRUM_REFUSALS):
                method()
        check_electron_crossover_refused(spectrum)
        return

    flux = spectrum.total_flux_cm2_s()
    assert_finite(flux, "flux")
    assert flux > 0.0
    T_end = spectrum.max_recoil_keV()
    assert_finite(T_end, "end point")
    assert T_end > 0.0
    grid = spectrum.recoil_grid_keV()
    assert_finite(grid, "grid")
    assert np.all(grid > 0.0) and np.all(np.diff(grid) > 0.0)
    assert_non_negative(spectrum.nucleus_end_points_keV(), "nuclear end points")
    assert 0.0 < spectrum.default_quenching_k() < 1.0

    T = _spectrum_energies(data, spectrum, T_end)
    frame = spectrum.rates(T)
    np.testing.assert_array_equal(frame["T_keV"], T)
    assert_components_add_up(*(frame[name] for name in COMPONENTS), what="rates")
    if len(spectrum.channels()) > 1:
        for channel in spectrum.channels():
            assert_components_add_up(*(frame[f"{name}_{channel}"] for name in COMPONENTS),
                                     what=f"{channel} rates")
        for name in COMPONENTS:
            np.testing.assert_allclose(frame[name], frame[f"{name}_electron"] + frame[f"{name}_nucleus"],
                                       rtol=1e-12, atol=0)
    beyond = T > T_end * (1.0 + 1e-6)
    assert np.all(frame.loc[beyond, list(COMPONENTS)].to_numpy() == 0.0), "rate above the end point"
    if values["mu_nu"] == 0.0:
        assert np.all(frame["magnetic"] == 0.0)
    if values["q_nu"] == 0.0 and values["charge_radius_cm2"] == 0.0:
        assert np.all(frame["charge"] == 0.0)

    events = spectrum.events_above_threshold()
    assert_components_add_up(*(events[name] for name in COMPONENTS), what="events")
    if spectrum.threshold_keV >= T_end:
        assert np.all(events.to_numpy() == 0.0)
    expected = spectrum.expected_events()
    assert_finite(expected.to_numpy(), "expected events")
    pd.testing.assert_series_equal(expected, events * values["exposure_kg_day"])

    for channel, lowest in (("electron", MIN_T_KEV), ("nucleus", NUCLEUS_CROSSOVER_MIN_KEV)):
        if channel == "electron" and not electron_data:
            check_electron_crossover_refused(spectrum)
            continue
        crossover = spectrum.crossover_keV(channel)
        # nan is documented: mu_nu = 0, or the magnetic term never exceeds the SM one.
        if values["mu_nu"] == 0.0:
            assert math.isnan(crossover)
        elif not math.isnan(crossover):
            assert lowest <= crossover < math.inf, crossover
    default = spectrum.crossover_keV()
    assert math.isnan(default) or default > 0.0


@settings(max_examples=40, deadline=None)
@given(channel=st.one_of(st.text(max_size=8),
                         st.sampled_from([1, 1.5, b"electron", "Electron", "both"])))
def test_recoil_spectrum_crossover_refuses_unknown_channels(channel):
    assume(channel not in ("electron", "nucleus", None))
    with pytest.raises(ValueError, match="channel"):
        RecoilSpectrum().crossover_keV(channel)


@settings(max_examples=40, deadline=None)
@given(T_keV=st.one_of(
    st.floats(max_value=MIN_T_KEV, exclude_max=True),
    st.floats(min_value=SPECTRUM_MAX_T_KEV, exclude_min=True),
    st.sampled_from([math.nan, math.inf, -math.inf, "abc", None])))
def test_recoil_spectrum_rates_refuse_energies_outside_the_axis(T_keV):
    with pytest.raises(ValueError, match="T_keV"):
        RecoilSpectrum().rates([1.0, T_keV])


# --- ReactorSensitivity ----------------------------------------------------------------------
SENSITIVITY_REFUSALS = (r"threshold_keV = .* lies above the kinematic end point"
                        r"|window_max_keV = .* must exceed threshold_keV"
                        r"|bins of bin_width_keV = .* at most"
                        r"|no electromagnetic signal in the analysis window"
                        r"|the limit lies beyond the allowed range: the experiment has no sensitivity"
                        r"|the limit lies below the searched range")


def check_sensitivity(sensitivity: ReactorSensitivity, values) -> None:
    """Summary, limits and interval agree with each other and with the statistics."""
    try:
        summary = sensitivity.summary()
    except ValueError as error:
        event("refused")
        assert_refused(error, SENSITIVITY_REFUSALS, values)
        refusals = []
        for method in (sensitivity.mu_limit, sensitivity.q_limit):  # one of them at least
            try:
                method()
            except ValueError as refusal:
                refusals.append(str(refusal))
        assert str(error) in refusals
        return
    event("limits computed")
    assert_finite(summary.to_numpy(), "summary")
    mu, q = summary["mu_limit"], summary["q_limit"]
    assert 0.0 < mu <= MAX_MU_NU and 0.0 < q <= 1e-5, summary
    assert np.all(summary.to_numpy() >= 0.0), summary
    assert summary["bins"] >= 1
    q_low, q_high = sensitivity.q_interval()
    assert q_low < 0.0 < q_high
    assert max(-q_low, q_high) == pytest.approx(q, rel=1e-12, abs=0)
    # Each limit is where the Asimov test statistic crosses its critical value, to 0.1% (a
    # limit pinned to a point of the search grid would not be).
    rates, X_on, X_off = sensitivity._inputs()
    statistic = _AsimovOnOff(rates, X_on, X_off)
    signals = {"mu": (mu, Z_ONE_SIDED_90**2, lambda x: x**2 * rates["magnetic"])}
    for sign, end in ((1.0, q_high), (-1.0, -q_low)):
        signals[f"q {sign:+g}"] = (end, DELTA_CHI2_TWO_SIDED_90, lambda x, sign=sign: (
            sign * x * rates["charge_linear"] + x**2 * rates["charge_quadratic"]))
    for name, (limit, critical, signal) in signals.items():
        below, above = (statistic(signal(factor * limit))[0] for factor in (0.999, 1.001))
        assert below <= critical <= above, (name, limit, below, above, values)


@st.composite
def sensitivity_parameters(draw):
    """The declared space; half of the time with a consistent analysis window (threshold below
    the end point, window above it, at most MAX_BINS bins) and an exposure with some
    sensitivity (1e-2-1e6 kg, 1-1e5 days, 1e10-1e16 cm^-2 s^-1), which free draws rarely give."""
    values = draw(parameter_space(ReactorSensitivity))
    if draw(st.booleans()):
        values.update(mass_kg=draw(_log_uniform(1e-2, 1e6)), days_on=draw(_log_uniform(1.0, 1e5)),
                      days_off=draw(_log_uniform(1.0, 1e5)),
                      flux_cm2_s=draw(st.one_of(st.none(), _log_uniform(1e10, 1e16))))
        T_end = ReactorSensitivity(fuel=values["fuel"]).max_recoil_keV()
        threshold = draw(_log_uniform(MIN_T_KEV, T_end * (1.0 - 1e-6)), label="threshold_keV")
        window = draw(window_values(threshold, values["bin_width_keV"]), label="window_max_keV")
        values.update(threshold_keV=threshold, window_max_keV=window)
    return values


def window_values(threshold: float, bin_width: float):
    """window_max_keV above the threshold, at most MAX_BINS bins, and inside the parameter's
    own bounds: without the last condition a threshold below 0.002 keV drew windows under
    window_max_keV's lower bound (a flaky ValueError in the tests using the strategy)."""
    window_low, window_high = ReactorSensitivity.param["window_max_keV"].bounds
    top = min(window_high, threshold + MAX_BINS * bin_width)
    return _log_uniform(max(threshold * (1.0 + 1e-6), window_low), top)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=sensitivity_parameters())
def test_reactor_sensitivity_over_its_parameter_space(values):
    check_sensitivity(ReactorSensitivity(**values), values)


@pytest.mark.parametrize("preset", list(PRESETS))
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_reactor_sensitivity_presets_with_fuzzed_overrides(preset, data):
    names = data.draw(st.sets(st.sampled_from(sorted(declared_parameters(ReactorSensitivity))),
                              max_size=3), label="overridden")
    overrides = {name: data.draw(parameter_values(ReactorSensitivity.param[name]), label=name)
                 for name in sorted(names)}
    sensitivity = ReactorSensitivity.preset(preset, **overrides)
    check_sensitivity(sensitivity, {"preset": preset, **overrides})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=sensitivity_parameters(), data=st.data())
def test_reactor_sensitivity_methods_and_scans(values, data):
    sensitivity = ReactorSensitivity(**values)
    try:
        mu = sensitivity.mu_limit()
    except ValueError as error:
        assert_refused(error, SENSITIVITY_REFUSALS, values)
        return
    assert 0.0 < mu <= MAX_MU_NU
    try:
        q = sensitivity.q_limit()
    except ValueError as error:  # the millicharge search can fail on its own
        assert_refused(error, SENSITIVITY_REFUSALS, values)
        return
    assert 0.0 < q
    estimate = sensitivity.q_estimate_from_mu_limit()
    assert_finite(estimate, "q estimate")
    assert estimate > 0.0
    counts = sensitivity.counts()
    assert_non_negative(counts.to_numpy(), "counts")
    assert "mu_limit" not in counts

    parameter = data.draw(st.sampled_from(ReactorSensitivity.SCANNABLE), label="scanned")
    spec = ReactorSensitivity.param[parameter]
    number = parameter_values(spec).filter(lambda value: value is not None)
    scanned = data.draw(st.lists(number, min_size=1, max_size=3), label="values")
    try:
        frame = sensitivity.scan(parameter, scanned)
    except ValueError as error:
        assert_refused(error, SENSITIVITY_REFUSALS, (parameter, scanned))
        return
    assert list(frame.columns) == [parameter, "mu_limit", "q_limit", "q_estimate"]
    assert_finite(frame.to_numpy(), "scan")
    assert np.all(frame[["mu_limit", "q_limit"]].to_numpy() > 0.0)
    assert np.all(frame["mu_limit"] <= MAX_MU_NU)
    assert np.all(frame["q_estimate"] >= 0.0)
    # Each row is the limit of the experiment with that one value (vectorised = one by one).
    for value, row_mu, row_q in zip(scanned, frame["mu_limit"], frame["q_limit"]):
        single = sensitivity.clone(**{parameter: value}).summary()
        assert row_mu == pytest.approx(single["mu_limit"], rel=1e-6, abs=0)
        assert row_q == pytest.approx(single["q_limit"], rel=1e-6, abs=0)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_reactor_sensitivity_refuses_bad_scans_and_presets(data):
    sensitivity = ReactorSensitivity()
    parameter = data.draw(st.sampled_from(ReactorSensitivity.SCANNABLE))
    # numpy reads "1.0" as 1.0 (as_checked_array accepts numeric strings; param does not)
    bad = data.draw(invalid_values(ReactorSensitivity.param[parameter]).filter(
        lambda value: not isinstance(value, (dict, bytes)) and value != "1.0"), label="bad value")
    with pytest.raises(ValueError, match=parameter):
        sensitivity.scan(parameter, [1.0, bad] if parameter != "flux_cm2_s" else [1e13, bad])
    with pytest.raises(ValueError, match=parameter):
        sensitivity.scan(parameter, [])
    unknown = data.draw(st.text(max_size=10).filter(
        lambda text: text not in ReactorSensitivity.SCANNABLE))
    with pytest.raises(ValueError, match="parameter must be one of"):
        sensitivity.scan(unknown, [1.0])
    preset = data.draw(st.text(max_size=10).filter(lambda text: text not in PRESETS))
    with pytest.raises(ValueError, match="preset must be one of"):
        ReactorSensitivity.preset(preset)


# --- SpinFlavourOscillation ------------------------------------------------------------------
OSCILLATION_REFUSALS = (r"Majorana neutrinos have no diagonal magnetic moments"
                        r"|moving matter \(matter_speed > 0\) is implemented for Dirac neutrinos only"
                        r"|Y_e must be > 0 when electron_density_cm3 is given"
                        r"|electron_density_cm3 = .* with Y_e = .* means a matter density of")
ANALYTIC_REFUSALS = r"no analytic formula"


@st.composite
def oscillation_parameters(draw):
    """The declared space, with Majorana draws made consistent (mu1 = mu2 = 0, matter at rest)
    half of the time: otherwise nearly every Majorana draw has mu1 != 0 and is refused."""
    values = draw(parameter_space(SpinFlavourOscillation))
    if values["majorana"] and draw(st.booleans()):
        values.update(mu1=0.0, mu2=0.0, matter_speed=0.0)
    return values


def distances_km():
    return st.lists(st.one_of(st.sampled_from([0.0, MAX_X_KM]), _log_uniform(1e-9, MAX_X_KM)),
                    min_size=1, max_size=6).map(np.array)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=oscillation_parameters(), x=distances_km())
def test_spin_flavour_oscillation_over_its_parameter_space(values, x):
    osc = SpinFlavourOscillation(**values)
    try:
        H = osc.hamiltonian_per_km()
    except ValueError as error:
        assert_refused(error, OSCILLATION_REFUSALS, values)
        for method in (lambda: osc.probabilities(x), osc.oscillation_lengths_km,
                       osc.resonance_density_g_cm3, osc.level_crossing, osc.resonance_scan,
                       lambda: osc.averaged_probabilities(E_MeV=[1.0])):
            with pytest.raises(ValueError):
                method()
        return
    assert_finite(H.real, "H")
    assert_finite(H.imag, "H")
    np.testing.assert_allclose(H, H.conj().T, rtol=0, atol=ROUNDING * np.max(np.abs(H)))
    rho = osc.effective_density_g_cm3()
    assert_non_negative(rho, "density")
    assert_non_negative(osc.number_densities_cm3(), "number densities")
    assert_finite(osc.matter_potentials_eV(), "potentials")

    exact = osc.probabilities(x)
    assert list(exact.columns) == ["x_km", *PROBABILITY_COLUMNS]
    np.testing.assert_array_equal(exact["x_km"], x)
    assert_probabilities(exact[list(PROBABILITY_COLUMNS)], "exact probabilities")
    amplitudes = osc.amplitudes(x)
    np.testing.assert_allclose(np.abs(amplitudes) ** 2, exact[list(PROBABILITY_COLUMNS)], atol=1e-12)
    np.testing.assert_array_equal(osc.probability_array(x), exact[list(PROBABILITY_COLUMNS)].to_numpy())
    try:
        formula = osc.analytic_formula()
    except ValueError as error:
        assert_refused(error, ANALYTIC_REFUSALS, values)
    else:
        assert formula in ANALYTIC_FORMULAS
        analytic = osc.probabilities(x, method="analytic")
        assert_probabilities(analytic[list(PROBABILITY_COLUMNS)], "analytic probabilities")
    U = osc.mixing_matrix()
    np.testing.assert_allclose(U @ U.T, np.eye(2), atol=1e-15)
    assert_finite(osc.flavour_moment_matrix(), "flavour-basis moments")
    assert_probabilities(osc.two_level_probability(x), "two-level", rows_sum_to_one=False)

    for level in (osc.spin_oscillation(), osc.spin_flavour_two_level()):
        assert 0.0 <= level.amplitude <= 1.0
        assert level.length_km > 0.0  # inf when nothing drives the conversion
    for name, length in osc.oscillation_lengths_km().items():
        assert length > 0.0, (name, length)  # inf allowed, nan not
    for value in (osc.resonance_density_g_cm3(), osc.resonance_energy_MeV()):
        assert math.isnan(value) or 0.0 < value < math.inf  # nan: no resonance (documented)
    width = osc.resonance_width_g_cm3()
    assert math.isnan(width) or 0.0 <= width < math.inf

    for variable in SCAN_VARIABLES:
        crossing = osc.level_crossing(variable)
        value, coupling = crossing[variable], crossing["coupling_per_km"]
        assert math.isnan(value) == math.isnan(coupling)
        if not math.isnan(value):
            high = MAX_DENSITY_G_CM3 if variable == "density_g_cm3" else 1e9
            assert 1e-6 <= value <= high and 0.0 <= coupling < math.inf
        scan = osc.resonance_scan(variable, n_points=60)
        assert len(scan) > 0
        assert_probabilities(scan[list(PROBABILITY_COLUMNS)], f"{variable} scan")
        assert np.all((scan["two_level"] >= 0.0) & (scan["two_level"] <= 0.5))
    averaged = osc.averaged_probabilities(density_g_cm3=[0.0, 1e-6, 1.0, MAX_DENSITY_G_CM3])
    assert_probabilities(averaged[list(PROBABILITY_COLUMNS)], "averaged over density")
    averaged = osc.averaged_probabilities(E_MeV=[1e-6, 1.0, 1e9])
    assert_probabilities(averaged[list(PROBABILITY_COLUMNS)], "averaged over energy")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=oscillation_parameters(), fractions=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5))
def test_analytic_formulas_agree_with_the_exact_evolution(values, fractions):
    """Where a formula applies (``analytic_formula``) it is exact: it matches the 4x4
    evolution at distances where the phases (up to 100 rad) are resolved in double precision."""
    osc = SpinFlavourOscillation(**values)
    try:
        osc.analytic_formula()
    except ValueError as error:
        assert_refused(error, f"{OSCILLATION_REFUSALS}|{ANALYTIC_REFUSALS}", values)
        return
    eigenvalues = np.linalg.eigvalsh(osc.hamiltonian_per_km())
    spread = np.max(np.abs(eigenvalues - eigenvalues.mean()))
    assume(spread > 0.0)
    x = np.minimum(np.array(fractions) * 100.0 / spread, MAX_X_KM)
    columns = list(PROBABILITY_COLUMNS)
    np.testing.assert_allclose(osc.probabilities(x, method="analytic")[columns],
                               osc.probabilities(x)[columns], atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(x=st.one_of(st.floats(max_value=0.0, exclude_max=True),
                   st.floats(min_value=MAX_X_KM, exclude_min=True),
                   st.sampled_from([math.nan, math.inf, "abc", None])),
       method=st.sampled_from(["exact", "analytic"]))
def test_spin_flavour_oscillation_refuses_bad_distances(x, method):
    with pytest.raises(ValueError, match="x_km"):
        SpinFlavourOscillation().probabilities([1.0, x], method=method)


# --- SpinLight -------------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(values=parameter_space(SpinLight),
       energies=st.lists(st.one_of(st.sampled_from([MIN_E_TEV, MAX_E_TEV]),
                                   _log_uniform(MIN_E_TEV, MAX_E_TEV)), min_size=1, max_size=5),
       densities=st.lists(st.one_of(st.sampled_from([MIN_DENSITY_CM3, MAX_DENSITY_CM3]),
                                    _log_uniform(MIN_DENSITY_CM3, MAX_DENSITY_CM3)),
                          min_size=1, max_size=5))
def test_spin_light_over_its_parameter_space(values, energies, densities):
    light = SpinLight(**values)  # every combination of declared values is valid
    for name in ("electron_density_cm3", "neutron_density_cm3", "fermi_momentum_MeV",
                 "plasmon_mass_MeV", "n_tilde_eV", "threshold_momentum_TeV", "threshold_TeV",
                 "threshold_parameter", "rate_per_s", "power_MeV_per_s"):
        assert_non_negative(getattr(light, name)(), name)
    mu_e = light.electron_chemical_potential_MeV()
    if values["T_MeV"] == 0.0:  # degenerate gas: mu_e = sqrt(p_F^2 + m_e^2)
        assert mu_e >= light.fermi_momentum_MeV()
    else:  # thermal e+e- plasma of the same net density: 0 <= mu_e <= its T = 0 value
        m_e = scipy_constants.physical_constants["electron mass energy equivalent in MeV"][0]
        cold = math.hypot(light.fermi_momentum_MeV(), m_e)
        assert 0.0 <= mu_e <= cold * (1.0 + 1e-9)
    assert 0.0 < light.momentum_TeV() <= values["E_TeV"] * (1.0 + ROUNDING)  # sqrt(E^2 - m^2)
    assert 0.0 < light.w_threshold_TeV() < math.inf
    low, high = light.allowed_window_TeV()
    assert 0.0 <= low < math.inf and 0.0 < high
    assert light.is_allowed() == (low < values["E_TeV"] < high)
    rate = light.rate_per_s()
    # Closed (or mu_nu = 0): lifetimes inf and the mean photon energy nan, as documented.
    assert light.lifetime_s() > 0.0 and light.energy_loss_time_s() > 0.0
    assert math.isnan(light.mean_photon_energy_TeV()) == (rate == 0.0)
    if rate > 0.0:
        assert 0.0 < light.mean_photon_energy_TeV() <= values["E_TeV"]
        assert light.lifetime_s() < math.inf
    assert isinstance(light.regime_holds(), bool)
    assert all(isinstance(text, str) and text for text in light.regime_warnings())

    frame = light.rates_vs_energy(energies)
    assert_non_negative(frame[["E_TeV", "rate_per_s", "power_MeV_per_s"]].to_numpy(), "rates")
    assert np.all(frame[["lifetime_s", "energy_loss_time_s"]].to_numpy() > 0.0)
    closed = frame["rate_per_s"].to_numpy() == 0.0
    assert np.array_equal(np.isnan(frame["mean_photon_energy_TeV"].to_numpy()), closed)
    thresholds = light.thresholds_vs_density(densities)
    assert_non_negative(thresholds.to_numpy(), "thresholds")
    assert np.all(thresholds["w_threshold_TeV"] > 0.0)


@settings(max_examples=40, deadline=None)
@given(E_TeV=st.one_of(st.floats(max_value=MIN_E_TEV, exclude_max=True),
                       st.floats(min_value=MAX_E_TEV, exclude_min=True),
                       st.sampled_from([math.nan, "abc", None])),
       density=st.one_of(st.floats(max_value=MIN_DENSITY_CM3, exclude_max=True),
                         st.floats(min_value=MAX_DENSITY_CM3, exclude_min=True),
                         st.sampled_from([math.nan, "abc", None])))
def test_spin_light_refuses_bad_arrays(E_TeV, density):
    light = SpinLight()
    with pytest.raises(ValueError, match="E_TeV"):
        light.rates_vs_energy([1.0, E_TeV])
    with pytest.raises(ValueError, match="density_cm3"):
        light.thresholds_vs_density([1e38, density])


# --- TheoryCalculator ------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(values=parameter_space(TheoryCalculator),
       masses=st.lists(st.one_of(st.sampled_from([0.0, MAX_M_NU_EV, HEAVY_REGIME_MAX_EV,
                                                  SUPERHEAVY_REGIME_MIN_EV]),
                                 _log_uniform(1e-30, MAX_M_NU_EV)), min_size=1, max_size=6))
def test_theory_calculator_over_its_parameter_space(values, masses):
    calc = TheoryCalculator(**values)  # every combination of declared values is valid
    regime = calc.sm_regime()
    assert regime in REGIME_EQUATIONS
    moment = calc.sm_moment_muB()
    assert math.isnan(moment) == (regime == "none")  # documented: no closed form near m_W
    if regime != "none":
        assert_non_negative(moment, "SM moment")

    m = calc.masses_eV()
    assert_non_negative(m, "masses")
    assert min(m) == pytest.approx(values["lightest_mass_eV"], abs=1e-15)
    U = calc.mixing()
    np.testing.assert_allclose(U.conj().T @ U, np.eye(3), atol=1e-12)
    dirac, majorana = calc.dirac_moments(), calc.majorana_moments()
    for moments in (dirac, majorana):
        for part in (moments.magnetic, moments.electric):
            assert_finite(part.real, "moments")
            assert_finite(part.imag, "moments")
    np.testing.assert_allclose(dirac.magnetic, dirac.magnetic.conj().T, atol=1e-40)
    assert np.all(np.diag(dirac.magnetic).real >= 0.0)
    np.testing.assert_array_equal(majorana.magnetic, -majorana.magnetic.T)
    np.testing.assert_array_equal(majorana.electric, -majorana.electric.T)

    assert_non_negative(calc.mass_shift_eV(), "mass shift")
    assert_non_negative(list(calc.bell_bounds_muB().values()), "Bell bounds")
    assert_non_negative(calc.millicharge_bound(), "millicharge bound")
    triangle = calc.triangle()
    assert_finite(list(triangle.margins_muB2.values()), "triangle margins")
    assert isinstance(triangle.satisfied, bool)

    curves = calc.moment_curves(np.array(masses))
    for name, curve in curves.items():
        assert curve.shape == (len(masses),)
        if name == "sm_dirac":  # nan exactly where no closed form applies
            m_nu = np.array(masses)
            gap = (m_nu > HEAVY_REGIME_MAX_EV) & (m_nu < SUPERHEAVY_REGIME_MIN_EV)
            assert np.array_equal(np.isnan(curve), gap)
            curve = curve[~gap]
        assert_non_negative(curve, name)


# --- module-level array functions ------------------------------------------------------------
def positive_arrays(high: float, *, low: float = 0.0, max_size: int = 5):
    """Arrays of values in (low, high] that contain the edges: the smallest float above
    ``low``, ``high`` itself, and log-uniform values in between."""
    bottom = math.nextafter(low, math.inf)
    return st.lists(st.one_of(st.sampled_from([bottom, high]),
                              _log_uniform(max(bottom, high * 1e-30), high)),
                    min_size=1, max_size=max_size).map(np.array)


def signed_values(bound: float):
    return st.one_of(st.sampled_from([0.0, bound, -bound]), _log_uniform(bound * 1e-30, bound),
                     _log_uniform(bound * 1e-30, bound).map(lambda v: -v))


EM_VALUES = dict(mu_nu=st.one_of(st.sampled_from([0.0, MAX_MU_NU]), _log_uniform(1e-30, MAX_MU_NU)),
                 q_nu=signed_values(MAX_ABS_Q_NU),
                 charge_radius_cm2=signed_values(MAX_ABS_CHARGE_RADIUS_CM2),
                 sin2_theta_w=st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0)))

TINY_RECOIL_KEV = 1e-15
"""Recoils fuzzed below are >= this: see the T -> 0+ test at the end for the smaller ones."""


@settings(max_examples=100, deadline=None)
@given(T=positive_arrays(MAX_T_KEV, low=TINY_RECOIL_KEV), E=positive_arrays(MAX_E_MEV),
       flavour=st.sampled_from(FLAVOURS), target=st.sampled_from(("free", *ATOMS)), **EM_VALUES)
def test_electron_cross_section_over_its_domain(T, E, flavour, target, mu_nu, q_nu, charge_radius_cm2,
                                                 sin2_theta_w):
    xs = electron_cross_section(T[:, None], E[None, :], flavour, mu_nu, q_nu, charge_radius_cm2,
                                target, sin2_theta_w)
    assert xs.sm.shape == (len(T), len(E))
    for name in ("sm", "magnetic"):
        assert_non_negative(getattr(xs, name), name)
    assert_finite(xs.charge, "charge")
    assert_finite(xs.total, "total")
    # total = |weak amplitude|^2 + magnetic >= 0, evaluated as sm + charge: round-off allowed
    # relative to the larger piece, as in tests/model/test_recoil_spectrum.py.
    assert np.all(xs.total >= -ROUNDING * np.maximum(xs.sm, xs.sm + xs.charge))
    beyond = T[:, None] > max_recoil_keV(E[None, :])
    assert np.all(xs.total[beyond] == 0.0) and np.all(xs.sm[beyond] == 0.0)
    only_charge = millicharge_only_cross_section(T[:, None], E[None, :], q_nu)
    assert_non_negative(only_charge, "millicharge-only term")
    crossover = magnetic_sm_crossover_keV(mu_nu, flavour, sin2_theta_w)
    assert_non_negative(crossover, "crossover")


@settings(max_examples=60, deadline=None)
@given(T=positive_arrays(MAX_T_KEV, low=TINY_RECOIL_KEV), E=positive_arrays(MAX_E_MEV),
       target=st.sampled_from(list(NUCLEAR_TARGETS)), **EM_VALUES)
def test_nucleus_cross_section_over_its_domain(T, E, target, mu_nu, q_nu, charge_radius_cm2,
                                                sin2_theta_w):
    xs = nucleus_cross_section(T[:, None], E[None, :], target, mu_nu, q_nu, charge_radius_cm2,
                               sin2_theta_w)
    assert xs.sm.shape == (len(T), len(E))
    for name in ("sm", "magnetic"):
        assert_non_negative(getattr(xs, name), name)
    assert_finite(xs.charge, "charge")
    assert_finite(xs.total, "total")
    assert np.all(xs.total >= -ROUNDING * np.maximum(xs.sm, xs.sm + xs.charge))
    assert_non_negative(nucleus_magnetic_sm_crossover_keV(mu_nu, target, sin2_theta_w), "crossover")


@settings(max_examples=60, deadline=None)
@given(E=positive_arrays(MAX_E_MEV), mass=st.one_of(st.sampled_from([1.0, 1e6]), _log_uniform(1.0, 1e6)),
       q=st.lists(st.one_of(st.sampled_from([0.0, 1e3]), _log_uniform(1e-12, 1e3)),
                  min_size=1, max_size=5),
       A=st.integers(1, 300), Z=st.integers(0, 120), N=st.integers(0, 200),
       sin2=st.floats(0.0, 1.0))
def test_kinematics_form_factor_and_charges(E, mass, q, A, Z, N, sin2):
    assert_non_negative(max_recoil_keV(E), "electron end point")
    assert_non_negative(max_nuclear_recoil_keV(E, mass), "nuclear end point")
    T = max_recoil_keV(E)
    T = T[T > 0]
    np.testing.assert_allclose(max_recoil_keV(min_neutrino_energy_MeV(T)), T, rtol=1e-9)
    F = helm_form_factor(np.array(q), A)
    assert_finite(F, "form factor")
    assert np.all(np.abs(F) <= 1.0 + ROUNDING)
    assert helm_form_factor(0.0, A) == 1.0
    assert_finite(weak_charge(Z, N, sin2), "weak charge")


@settings(max_examples=60, deadline=None)
@given(E=st.lists(st.one_of(st.sampled_from([0.0, 5e-324, MAX_ENERGY_MEV,
                                             math.nextafter(MAX_ENERGY_MEV, 99.0), 1e300]),
                            st.floats(0.0, 2 * MAX_ENERGY_MEV)), min_size=1, max_size=6).map(np.array),
       fuel=st.sampled_from(list(FISSION_FRACTIONS)))
def test_reactor_spectrum_over_its_domain(E, fuel):
    with np.errstate(over="ignore", invalid="ignore"):  # exp of the fit far beyond 10 MeV
        spectrum = reactor_spectrum(E, fuel)
    assert_non_negative(spectrum, "reactor spectrum")
    assert np.all(spectrum[E > MAX_ENERGY_MEV] == 0.0)


@settings(max_examples=60, deadline=None)
@given(power=st.one_of(st.sampled_from([math.nextafter(0.0, 1.0), MAX_THERMAL_POWER_GW]),
                       _log_uniform(1e-30, MAX_THERMAL_POWER_GW)),
       distance=st.one_of(st.sampled_from([MIN_DISTANCE_M, MAX_DISTANCE_M]),
                          _log_uniform(MIN_DISTANCE_M, MAX_DISTANCE_M)),
       per_fission=st.one_of(st.sampled_from([7.2, 5e-324, MAX_PER_FISSION]),
                             st.floats(1e-3, MAX_PER_FISSION)),
       fuel=st.sampled_from(list(FISSION_FRACTIONS)))
def test_flux_from_power_over_its_domain(power, distance, per_fission, fuel):
    flux = flux_from_power(power, distance, fuel, per_fission)
    assert_non_negative(flux, "flux")  # 0 only by underflow (a 5e-324 GW reactor)


@settings(max_examples=60, deadline=None)
@given(which=st.sampled_from(["thermal_power_GW", "distance_m", "per_fission"]),
       bad=st.sampled_from([0.0, -1.0, math.nan, math.inf, 1e300, 5e-324, "abc", None]))
def test_flux_from_power_refuses_values_outside_its_domain(which, bad):
    arguments = {"thermal_power_GW": 3.0, "distance_m": 13.9, "per_fission": 7.2}
    assume(not (which in ("thermal_power_GW", "per_fission") and bad == 5e-324))  # inside (0, ...]
    with pytest.raises(ValueError, match=which):
        flux_from_power(**{**arguments, which: bad})


@settings(max_examples=80, deadline=None)
@given(E=st.lists(st.one_of(st.sampled_from([MIN_E_KEV, MAX_E_KEV]), _log_uniform(MIN_E_KEV, MAX_E_KEV)),
                  min_size=1, max_size=5).map(np.array),
       Z=st.integers(1, 120), k=st.one_of(st.sampled_from([MIN_K, MAX_K]), _log_uniform(MIN_K, MAX_K)))
def test_quenching_over_its_domain(E, Z, k):
    Q = lindhard_quenching(E, Z, k)
    assert_finite(Q, "quenching")
    assert np.all((Q > 0.0) & (Q <= 1.0))
    ee = keVnr_to_keVee(E, Z, k)
    assert_finite(ee, "keVee")
    assert np.all((ee > 0.0) & (ee <= E))
    assert_non_negative(keVee_per_keVnr(E, Z, k), "Jacobian")
    inside = ee >= MIN_E_KEV  # the inverse takes the same domain, in keVee
    np.testing.assert_allclose(keVee_to_keVnr(ee[inside], Z, k), E[inside], rtol=1e-9)
    assert_non_negative(lindhard_k(Z, 2 * Z), "Lindhard k")


@settings(max_examples=30, deadline=None)
@given(bad=st.sampled_from([0.0, -1.0, math.nextafter(MIN_E_KEV, 0.0),
                            math.nextafter(MAX_E_KEV, math.inf), 5e-324, 1e300, math.nan,
                            math.inf, "abc", None]),
       function=st.sampled_from([lindhard_quenching, keVnr_to_keVee, keVee_per_keVnr, keVee_to_keVnr]))
def test_quenching_refuses_energies_outside_its_domain(bad, function):
    with pytest.raises(ValueError, match="E_keV"):
        function([1.0, bad], 32, 0.16)


@settings(max_examples=40, deadline=None)
@given(T=positive_arrays(1e6), symbol=st.sampled_from(list(ATOMS)),
       element=st.sampled_from(["Ge", "Si", "Xe", "Ar", "Cs", "I"]))
def test_binding_and_atomic_recoil(T, symbol, element):
    active = active_electrons(T, symbol)
    assert np.all((active >= 0) & (active <= ATOMS[symbol].Z))
    assert 0.0 < atomic_recoil_scale_eV(element) < 1.0


@settings(max_examples=60, deadline=None)
@given(flavour=st.sampled_from(["e", "mu", "tau"]),
       L=st.lists(st.one_of(st.sampled_from([0.0, MAX_L_KM]), _log_uniform(1e-30, MAX_L_KM)),
                  min_size=1, max_size=4).map(np.array),
       E=positive_arrays(1e9, low=MIN_E_MEV, max_size=4).map(lambda E: np.append(E, MIN_E_MEV)),
       nature=st.sampled_from(["dirac", "majorana"]),
       s12=st.floats(0.0, 1.0), s13=st.floats(0.0, 1.0), s23=st.floats(0.0, 1.0),
       delta=st.floats(-1e3, 1e3), moment=st.one_of(st.just(0.0), _log_uniform(1e-30, MAX_MU_NU)),
       dm2_21=signed_values(MAX_ABS_DM2_EV2), dm2_31=signed_values(MAX_ABS_DM2_EV2))
def test_effective_moment_over_its_domain(flavour, L, E, nature, s12, s13, s23, delta, moment,
                                          dm2_21, dm2_31):
    U = pmns_matrix(s12, s13, s23, delta)
    np.testing.assert_allclose(U @ U.conj().T, np.eye(3), atol=1e-12)
    mu = (np.array([[0, 1, 2], [-1, 0, 3], [-2, -3, 0]]) if nature == "majorana"
          else np.array([[1, 2, 0], [2, 3, 1], [0, 1, 4]])) * moment
    value = effective_magnetic_moment(flavour, L[:, None], E[None, :], mu, nature=nature,
                                      mixing_matrix=U, dm2_21_eV2=dm2_21, dm2_31_eV2=dm2_31)
    assert value.shape == (len(L), len(E))
    assert_non_negative(value, "effective moment")
    # |lambda row| <= the largest singular value of mu <= its Frobenius norm
    assert np.all(value <= np.sqrt(np.sum(np.abs(mu) ** 2)) * (1 + ROUNDING) + SUBNORMAL)


@settings(max_examples=40, deadline=None)
@given(which=st.sampled_from(["L_km", "E_MeV", "dm2_21_eV2", "dm2_31_eV2", "delta_cp_rad",
                             "mixing_matrix"]),
       bad=st.sampled_from([math.nan, math.inf, -math.inf, "abc", None, -1.0, 1e300,
                            [[1.0], [1.0, 2.0]]]))
def test_effective_moment_refuses_values_outside_its_domain(which, bad):
    arguments = dict(flavour="e", L_km=1.0, E_MeV=1.0, mu_matrix=np.eye(3) * 1e-11)
    if which == "delta_cp_rad":
        assume(not isinstance(bad, float) or not math.isfinite(bad))  # any finite phase is valid
        with pytest.raises(ValueError, match=which):
            pmns_matrix(delta_cp_rad=bad)
        return
    assume(not (which.startswith("dm2") and bad == -1.0))  # a negative splitting is valid
    assume(not (which == "mixing_matrix" and bad is None))  # None: the default PMNS matrix
    assume(not (which == "E_MeV" and bad == 1e300))  # no upper bound on the energy
    with pytest.raises(ValueError, match=which):
        effective_magnetic_moment(**{**arguments, which: bad})


@settings(max_examples=40, deadline=None)
@given(bad=st.sampled_from([math.nan, math.inf, -math.inf, "abc", None, -1.0, 0.0]),
       which=st.sampled_from(["T_keV", "E_MeV"]))
def test_cross_sections_refuse_values_outside_their_domain(bad, which):
    arguments = {"T_keV": [1.0, bad] if which == "T_keV" else 1.0,
                 "E_MeV": [1.0, bad] if which == "E_MeV" else 1.0}
    for function in (electron_cross_section, nucleus_cross_section):
        with pytest.raises(ValueError, match=which):
            function(**arguments)
    with pytest.raises(ValueError, match="E_MeV"):
        reactor_spectrum([1.0, bad if bad not in (0.0,) else -1.0])


@settings(max_examples=30, deadline=None)
@given(quantity=st.one_of(st.sampled_from(limits.QUANTITIES), st.text(max_size=8)),
       experiment=st.text(max_size=12), year=st.integers(1900, 2100))
def test_limits_catalogue_lookups(quantity, experiment, year):
    if quantity not in limits.QUANTITIES:
        with pytest.raises(ValueError, match="quantity"):
            limits.load(quantity)
        return
    frame = limits.load(quantity)
    assert len(frame) > 0
    retrieved = ~frame["note"].str.contains("number not retrieved")  # documented gaps: nan
    assert_finite(frame.loc[retrieved, "high"].dropna().to_numpy(), "catalogued limits")
    rows = frame.sample(n=min(3, len(frame)), random_state=year)[["experiment", "year"]]
    for name, published in [(experiment, year), *rows.itertuples(index=False)]:
        try:
            value = limits.published_limit(quantity, name, published)
        except ValueError as error:
            assert_refused(error, r"no unique .* limit of|is catalogued without a number",
                           (name, published))
        else:
            assert math.isfinite(value)


# --- arrays that are not arrays of numbers ---------------------------------------------------
ARRAY_ARGUMENTS = {
    "RecoilSpectrum.rates": (lambda v: RecoilSpectrum().rates(v), "T_keV"),
    "SpinFlavourOscillation.probabilities":
        (lambda v: SpinFlavourOscillation().probabilities(v), "x_km"),
    "SpinFlavourOscillation.amplitudes": (lambda v: SpinFlavourOscillation().amplitudes(v), "x_km"),
    "SpinFlavourOscillation.two_level_probability":
        (lambda v: SpinFlavourOscillation().two_level_probability(v), "x_km"),
    "SpinFlavourOscillation.averaged_probabilities":
        (lambda v: SpinFlavourOscillation().averaged_probabilities(E_MeV=v), "E_MeV"),
    "SpinLight.rates_vs_energy": (lambda v: SpinLight().rates_vs_energy(v), "E_TeV"),
    "SpinLight.thresholds_vs_density": (lambda v: SpinLight().thresholds_vs_density(v), "density_cm3"),
    "TheoryCalculator.moment_curves": (lambda v: TheoryCalculator().moment_curves(v), "m_nu_eV"),
    "ReactorSensitivity.scan": (lambda v: ReactorSensitivity().scan("mass_kg", v), "mass_kg"),
    "electron_cross_section": (lambda v: electron_cross_section(v, 1.0), "T_keV"),
    "nucleus_cross_section": (lambda v: nucleus_cross_section(1.0, v), "E_MeV"),
    "reactor_spectrum": (lambda v: reactor_spectrum(v), "E_MeV"),
    "effective_magnetic_moment":
        (lambda v: effective_magnetic_moment("e", v, 1.0, np.eye(3) * 1e-11), "L_km"),
    "keVnr_to_keVee": (lambda v: keVnr_to_keVee(v, 32, 0.16), "E_keVnr"),
}
NOT_ARRAYS = {"ragged": [[1.0], [1.0, 2.0]], "text": "abc", "mixed": [1.0, "x"], "none": None,
              "complex": [1.0 + 1.0j], "complex array": np.array([1.0 + 1.0j, 2.0])}


@pytest.mark.parametrize("api, kind", [
    (api, kind) for api in ARRAY_ARGUMENTS for kind in NOT_ARRAYS])
def test_array_arguments_that_are_not_arrays_of_numbers_are_refused(api, kind):
    call, name = ARRAY_ARGUMENTS[api]
    with pytest.raises(ValueError, match=name):
        call(NOT_ARRAYS[kind])


# --- T -> 0+: recoils below TINY_RECOIL_KEV -------------------------------------------------
@pytest.mark.parametrize("T_keV", [SMALLEST_T_KEV, 1e-300, 5e-324])
@pytest.mark.parametrize("function", [electron_cross_section, nucleus_cross_section],
                         ids=["electron", "nucleus"])
def test_cross_sections_at_vanishing_recoil(function, T_keV):
    """Below ~1e-148 keV the magnetic (1/T) and millicharge (1/T^2) terms overflow: such
    recoils must be refused (the API's lower bound, SMALLEST_T_KEV) or stay finite, never inf
    or nan.  At the bound itself the result must be finite."""
    try:
        xs = function(T_keV, 1.0, mu_nu=MAX_MU_NU, q_nu=MAX_ABS_Q_NU)
    except ValueError as error:
        assert T_keV < SMALLEST_T_KEV and "T_keV" in str(error)
        return
    for name in ("sm", "magnetic", "charge", "total"):
        assert_finite(getattr(xs, name), name)


@pytest.mark.parametrize("threshold", [MIN_T_KEV, 0.0015, 0.0019999, 0.01])
def test_window_strategy_stays_inside_the_declared_bounds(threshold):
    """No window below window_max_keV's lower bound (nor at or below the threshold) can be
    drawn, however hard hypothesis searches for one."""
    window_low = ReactorSensitivity.param["window_max_keV"].bounds[0]
    with pytest.raises(NoSuchExample):
        find(window_values(threshold, 1e-3), lambda w: w < window_low or w <= threshold,
             settings=settings(max_examples=500, database=None))


@settings(max_examples=100, deadline=None)
@given(values=sensitivity_parameters())
def test_sensitivity_strategy_draws_only_declared_values(values):
    ReactorSensitivity(**values)  # construction validates every value against its bounds
