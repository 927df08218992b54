"""Server-side tests of the "Reactor sensitivity" tab: widgets reach the plotted data."""

import math

import numpy as np
import pytest

from dashboard.sensitivity_view import CUSTOM, SensitivityView
from model import ReactorSensitivity, limits
from tests.view_support import control

MU_CURVE = "μν sensitivity (median, 90% CL)"
Q_CURVE = "direct |qν| sensitivity"


@pytest.fixture
def view():
    return SensitivityView(ReactorSensitivity.preset("GEMMA-2012"))


def mu_curve(view):
    return view.figures["mu"].data(MU_CURVE)


def test_plot_shows_the_model_scan(view):
    thresholds, plotted = mu_curve(view)
    expected = view.model.scan("threshold_keV", thresholds)
    np.testing.assert_allclose(plotted, expected["mu_limit"], rtol=1e-12)
    np.testing.assert_allclose(view.figures["q"].data(Q_CURVE)[1], expected["q_limit"], rtol=1e-12)
    assert view.figures["mu"].vline_glyphs["threshold"].location == pytest.approx(2.8, rel=1e-6, abs=0)
    assert view.widgets["preset"].value == "GEMMA-2012"
    assert "model / published" in view.readout.object


@pytest.mark.parametrize("widget, value", [
    ("mass_kg", 1.0), ("background_per_keV_kg_day", -1.0), ("days_on", 100.0),
    ("days_off", 20.0), ("flux_cm2_s", 13.0), ("target", "Si"), ("binding", "free"),
    ("window_max_keV", 30.0), ("resolution_keV", 0.5), ("flux_from", "power & distance"),
])
def test_each_widget_changes_the_curves(view, widget, value):
    before = mu_curve(view)[1].copy()
    control(view, widget).value = value
    assert not view.alert.visible, view.alert.object
    after = mu_curve(view)[1]
    assert len(after) != len(before) or not np.allclose(after, before, rtol=1e-9, atol=0.0)
    assert view.widgets["preset"].value == CUSTOM


def test_threshold_moves_marker_and_readout_only(view):
    before = mu_curve(view)[1].copy()
    text = view.readout.object
    control(view, "threshold_keV").value = math.log10(0.5)
    assert view.figures["mu"].vline_glyphs["threshold"].location == pytest.approx(0.5, rel=1e-6, abs=0)
    np.testing.assert_array_equal(mu_curve(view)[1], before)
    assert view.readout.object != text
    assert f"{view.model.mu_limit():.3g}" in view.readout.object


def test_preset_fills_widgets_and_shows_published_ratio(view):
    control(view, "preset").value = "TEXONO"
    m = view.model
    assert m.mass_kg == pytest.approx(1.06, rel=1e-6, abs=0) and m.threshold_keV == pytest.approx(12.0, rel=1e-6, abs=0)
    assert view.widgets["threshold_keV"].value == pytest.approx(12.0, rel=1e-6, abs=0)
    published = limits.published_limit("mu_nu", "TEXONO", 2007)
    assert f"{m.mu_limit() / published:.2f}" in view.readout.object
    assert view.widgets["preset"].value == "TEXONO"  # loading a preset does not make it "custom"


def test_bad_input_shows_message_and_keeps_plot(view):
    before = mu_curve(view)[1].copy()
    control(view, "days_off").value = 0.0
    assert view.alert.visible and "days_off" in view.alert.object
    np.testing.assert_array_equal(mu_curve(view)[1], before)
    assert view.model.days_off > 0  # the model still describes what is plotted
    control(view, "days_off").value = 50.0
    assert not view.alert.visible
    control(view, "mass_kg").value = 1.0
    control(view, "window_max_keV").value = 1.0  # below the threshold
    assert view.alert.visible and "window_max_keV" in view.alert.object


def test_view_in_the_app():
    from dashboard.tabs import TABS

    assert SensitivityView in TABS and SensitivityView.title == "Reactor sensitivity"


def test_mass_and_background_move_the_curve_as_mu4_proportional_to_B_over_M():
    """Background dominated, many counts per bin: mu_90^4 ~ B (1/X_on + 1/X_off) / Phi^2
    (Gaussian ON-OFF, e.g. Beda et al. (GEMMA), AHEP 2012, 350150): 16 x the mass halves the
    limit curve at every threshold; 16 x the background as well brings it back."""
    view = SensitivityView(ReactorSensitivity.preset("GEMMA-2012"))
    thresholds, before = (np.asarray(v).copy() for v in mu_curve(view))
    control(view, "mass_kg entry").value = 16.0 * view.model.mass_kg  # typed into the entry
    np.testing.assert_array_equal(mu_curve(view)[0], thresholds)
    np.testing.assert_allclose(mu_curve(view)[1], 0.5 * before, rtol=0.01, atol=0)
    control(view, "background_per_keV_kg_day entry").value = 16.0 * view.model.background_per_keV_kg_day
    np.testing.assert_allclose(mu_curve(view)[1], before, rtol=0.01, atol=0)
