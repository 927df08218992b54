"""Server-side tests of the "Spin light" tab: every widget reaches the plotted data."""

import math

import numpy as np
import panel as pn
import pytest

from dashboard.app import create_app
from dashboard.spin_light_view import (
    ENERGY_LINE, LIFETIME, LOSS_TIME, RATE, REGION_DENSITIES_CM3, THRESHOLD, W_EDGE, SpinLightView)
from model import SpinLight
from tests.view_support import control


def plotted(view: SpinLightView) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every curve as the Bokeh figures hold it, plus the markers, band and point."""
    data = {label: view.figures["thresholds"].data(label) for label in (THRESHOLD, W_EDGE, ENERGY_LINE)}
    data.update({RATE: view.figures["rates"].data(RATE)})
    data.update({label: view.figures["lifetimes"].data(label) for label in (LIFETIME, LOSS_TIME)})
    data["band"] = (np.asarray(view.band_source.data["y1"]), np.asarray(view.band_source.data["y2"]))
    data["point"] = (np.asarray(view.point_source.data["x"]), np.asarray(view.point_source.data["y"]))
    data["markers"] = (np.array([g.location if g.location is not None else np.nan
                                 for g in view.figures["rates"].vline_glyphs.values()]),
                       np.array([view.figures["thresholds"].vline_glyphs["nucleon density n"].location]))
    return data


def same(a, b) -> bool:
    return all(len(x) == len(y) and np.array_equal(x, y, equal_nan=True)
               for x, y in zip(a, b))


WIDGET_CHANGES = [
    ("density_cm3", 39.0, RATE),
    ("density_cm3", 39.0, "markers"),
    ("Y_e", 0.3, THRESHOLD),
    ("Y_e", 0.3, W_EDGE),
    ("E_TeV", 2.0, ENERGY_LINE),
    ("E_TeV", 2.0, "point"),
    ("mu_nu", -10.0, RATE),
    ("mu_nu", -10.0, LOSS_TIME),
    ("massive", True, THRESHOLD),
    ("flavour", "anti_nu_mu_tau", "band"),
]


@pytest.mark.parametrize("widget_name, new_value, curve", WIDGET_CHANGES)
def test_each_widget_changes_the_plotted_data(widget_name, new_value, curve):
    view = SpinLightView()
    if widget_name == "mass_on":
        control(view, "m_nu_eV").value = 3.0  # 1 keV: visible in the threshold (2 m_nu/m_gamma)
    before = plotted(view)[curve]
    control(view, widget_name).value = new_value
    assert not view.alert.visible
    assert not same(before, plotted(view)[curve]), f"{widget_name} did not change {curve}"


def test_mass_slider_acts_only_when_the_mass_is_on():
    view = SpinLightView()
    before = plotted(view)[THRESHOLD]
    control(view, "m_nu_eV").value = 3.0
    assert same(before, plotted(view)[THRESHOLD]) and view.model.m_nu_eV == 0.0
    control(view, "massive").value = True
    assert view.model.m_nu_eV == pytest.approx(1e3, rel=1e-6, abs=0)


def test_plotted_data_is_the_model_output():
    view = SpinLightView(SpinLight(density_cm3=1e39, Y_e=0.05, E_TeV=50.0, mu_nu=2e-11))
    control(view, "mu_nu").value = -10.5  # the sources after an update, not only the first build
    model = view.model
    data = plotted(view)
    curves = model.thresholds_vs_density(REGION_DENSITIES_CM3)
    np.testing.assert_allclose(data[THRESHOLD][1], curves["threshold_TeV"], rtol=1e-14)
    np.testing.assert_allclose(data[W_EDGE][1], curves["w_threshold_TeV"], rtol=1e-14)
    E, rate = data[RATE]
    expected = model.rates_vs_energy(E)
    open_ = expected["rate_per_s"].to_numpy() > 0
    np.testing.assert_allclose(rate[open_], expected["rate_per_s"][open_], rtol=1e-14)
    assert np.all(np.isnan(rate[~open_]))  # closed below threshold: a gap on the log axis
    np.testing.assert_allclose(data[LOSS_TIME][1][open_], expected["energy_loss_time_s"][open_], rtol=1e-14)
    assert E[open_][0] == pytest.approx(model.threshold_TeV(), rel=1e-8, abs=0)  # the onset is on the grid
    markers = dict(zip(view.figures["rates"].vline_glyphs, data["markers"][0]))
    assert markers["E_th"] == pytest.approx(model.threshold_TeV(), rel=1e-6, abs=0)
    assert markers["ε_W"] == pytest.approx(model.w_threshold_TeV(), rel=1e-6, abs=0)
    assert markers["E"] == pytest.approx(model.E_TeV, rel=1e-6, abs=0)
    assert data["point"][0][0] == pytest.approx(1e39, rel=1e-6, abs=0) and data["point"][1][0] == pytest.approx(50.0, rel=1e-6, abs=0)


def test_allowed_band_spans_the_window():
    view = SpinLightView(SpinLight(density_cm3=1e38, Y_e=0.1))
    low, high = plotted(view)["band"]
    curves = view.model.thresholds_vs_density(REGION_DENSITIES_CM3)
    np.testing.assert_allclose(low, curves["threshold_TeV"], rtol=1e-14)
    np.testing.assert_allclose(high, np.maximum(curves["threshold_TeV"], curves["w_threshold_TeV"]),
                               rtol=1e-14)
    control(view, "Y_e").value = 0.5  # E_th > eps_W at every density: no band
    low, high = plotted(view)["band"]
    assert np.all(high == low)


def test_readout_shows_thresholds_and_both_times():
    view = SpinLightView()
    s = view.model
    text = view.readout.object
    for value in (s.plasmon_mass_MeV(), s.threshold_TeV(), s.w_threshold_TeV()):
        assert f"{value:.4g}" in text
    assert f"{s.lifetime_s():.3g} s" in text and f"{s.energy_loss_time_s():.3g} s" in text
    assert "Studenikin's τ" in text
    control(view, "E_TeV").value = 0.0  # 1 TeV: below threshold
    assert "∞ (process closed)" in view.readout.object and "outside" in view.readout.object


def test_regime_warning_is_shown_where_the_formulas_fail():
    view = SpinLightView()
    assert not view.regime_alert.visible  # the tab opens inside the formulas' regime
    control(view, "E_TeV").value = 1.0  # 10 TeV: a = m_γ²/4ñp ≈ 0.14, not ≪ 1
    assert view.regime_alert.visible and "Near threshold" in view.regime_alert.object
    control(view, "flavour").value = "anti_nu_mu_tau"
    control(view, "E_TeV").value = 3.0
    assert not view.regime_alert.visible
    control(view, "density_cm3").value = 30.0
    control(view, "E_TeV").value = -3.0
    control(view, "massive").value = True
    control(view, "m_nu_eV").value = 2.0
    assert view.regime_alert.visible and "m_ν/p ≪ ñ/m_ν ≪ p/m_ν" in view.regime_alert.object


@pytest.mark.parametrize("widget_name, value, parameter", [
    ("Y_e", 1.0, "Y_e"), ("Y_e", -0.2, "Y_e"), ("density_cm3", 50.0, "density_cm3"),
    ("E_TeV", -10.0, "E_TeV"), ("mu_nu", -3.0, "mu_nu")])
def test_bad_input_shows_a_message_not_a_traceback(widget_name, value, parameter):
    view = SpinLightView()
    before = plotted(view)
    state = dict(view.model.param.values())
    control(view, widget_name).value = value
    assert view.alert.visible and parameter in view.alert.object
    after = plotted(view)
    assert all(same(before[k], after[k]) for k in before)  # the last good plot stays
    assert dict(view.model.param.values()) == state  # ... and the model is as plotted
    control(view, widget_name).value = control(view, widget_name).start
    assert not view.alert.visible


def test_app_has_the_spin_light_tab():
    app = create_app()
    tabs = [obj for obj in app.main.objects if isinstance(obj, pn.Tabs)][0]
    assert "Spin light" in tabs._names


def test_notebook_use_from_a_model_object():
    view = SpinLightView(SpinLight(density_cm3=3e39, Y_e=0.05, E_TeV=200.0, m_nu_eV=0.3))
    assert math.isclose(view.widgets["density_cm3"].value, 3e39, rel_tol=1e-12)
    assert view.widgets["massive"].value and math.isclose(view.widgets["m_nu_eV"].value, 0.3, rel_tol=1e-12)
    assert isinstance(view.__panel__(), pn.FlexBox)


def test_moment_times_ten_scales_rate_and_times_as_mu_squared():
    """Gamma = 4 mu^2 n~^2 p and I = (4/3) mu^2 n~^2 p^2 (Grigoriev, Lokhov, Studenikin &
    Ternov, PLB 718, 512 (2012)): mu x10 multiplies the rate curve by 100 and divides the
    lifetime and energy-loss time by 100; the thresholds do not move."""
    view = SpinLightView()
    before = plotted(view)
    control(view, "mu_nu").value = control(view, "mu_nu").value + 1.0
    after = plotted(view)
    for label, factor in ((RATE, 100.0), (LIFETIME, 0.01), (LOSS_TIME, 0.01)):
        np.testing.assert_array_equal(after[label][0], before[label][0])
        y_before, y_after = (np.asarray(d[label][1], dtype=float) for d in (before, after))
        finite = np.isfinite(y_before) & (y_before > 0)
        assert finite.sum() > 10
        np.testing.assert_allclose(y_after[finite], factor * y_before[finite], rtol=1e-12, atol=0)
    assert same(after[THRESHOLD], before[THRESHOLD]) and same(after[W_EDGE], before[W_EDGE])
