"""Server-side tests of the "Oscillations" tab: every widget reaches the plotted data, the
plots are the model's output, readouts, and rejected input."""

import math

import numpy as np
import panel as pn
import pytest

from dashboard.app import create_app
from dashboard.tabs import TABS
from dashboard.oscillation_view import (
    ANALYTIC_SUFFIX, CHANNELS, SCAN_CURVES, TWO_LEVEL_LABEL, OscillationView)
from model import SpinFlavourOscillation
from model.spin_flavour import PROBABILITY_COLUMNS
from tests.view_support import control

LABELS = {column: label for column, (label, _) in CHANNELS.items()}


def plotted(view: OscillationView, label: str) -> tuple[np.ndarray, np.ndarray]:
    """A curve of the distance plot as the Bokeh figure holds it."""
    return view.figures["distance"].data(label)


def plotted_matrix(view: OscillationView) -> np.ndarray:
    return np.column_stack([plotted(view, LABELS[c])[1] for c in PROBABILITY_COLUMNS])


def in_matter(**widgets) -> OscillationView:
    """A view with matter switched on and a transition moment (the spin-flavour setting)."""
    view = OscillationView(SpinFlavourOscillation(mu12=1e-12, density_g_cm3=700.0))
    for name, value in widgets.items():
        control(view, name).value = value
    return view


WIDGET_CHANGES = [  # widget, new value, curve expected to change, start in matter?
    ("B_perp_gauss", 9.0, "P_eL_eR", False),
    ("B_perp_gauss entry", 3e8, "P_eL_eR", False),
    ("mu1", 5.0, "P_eL_eR", False),
    ("mu2", -4.0, "P_eL_muR", False),
    ("mu12", 2.0, "P_eL_muR", False),
    ("twist_rad_per_km", 0.05, "P_eL_eR", False),
    ("E_MeV", 0.5, "P_eL_muL", False),
    ("dm2_eV2", -3.5, "P_eL_muL", False),
    ("theta", 0.3, "P_eL_muL", False),
    ("theta entry", 0.2, "P_eL_muL", False),
    ("majorana", True, "P_eL_eR", False),
    ("matter", True, "P_eL_muL", False),
    ("density_g_cm3", 3.5, "P_eL_muL", True),
    ("Y_e", 0.7, "P_eL_muL", True),
    ("Y_e entry", 0.6, "P_eL_muL", True),
    ("matter_angle_deg", 0.0, "P_eL_muL", True),  # with the matter moving (below): potentials x (1 - v cos)
]


def test_each_widget_changes_the_plotted_data():
    # Two views (building one takes ~0.5 s): each change is undone before the next.
    views = {False: OscillationView(), True: in_matter(matter_speed=0.5)}
    unchanged = []
    for widget_name, new_value, column, matter in WIDGET_CHANGES:
        view = views[matter]
        widget = control(view, widget_name)
        _, before = plotted(view, LABELS[column])
        old_value = widget.value
        widget.value = new_value
        _, after = plotted(view, LABELS[column])
        assert not view.alert.visible, f"{widget_name}: {view.alert.object}"
        if np.allclose(before, after):
            unchanged.append(f"{widget_name} -> {column}")
        widget.value = old_value
        np.testing.assert_allclose(plotted(view, LABELS[column])[1], before, rtol=1e-12)
    assert unchanged == [], f"widgets that did not change the plot: {unchanged}"


def test_matter_current_angle_and_neutrino_mass_reach_the_model():
    view = in_matter(matter_speed=0.5)
    before = plotted_matrix(view)
    control(view, "matter_angle_deg").value = 30.0
    assert view.model.matter_angle_rad == pytest.approx(math.radians(30.0), rel=1e-6, abs=0)
    assert not np.allclose(before, plotted_matrix(view))
    before = plotted_matrix(view)
    control(view, "m_nu_eV").value = 0.5  # gamma = E/m: a (tiny) change of the transverse term
    assert view.model.m_nu_eV == 3.162  # 10**0.5 to the 4 digits a log slider writes
    assert not np.array_equal(before, plotted_matrix(view))


def test_distance_range_widget_sets_the_x_axis():
    view = OscillationView()
    control(view, "x_max_km").value = 2.0
    x, _ = plotted(view, LABELS["P_eL_eL"])
    assert x[-1] == pytest.approx(100.0, rel=1e-6, abs=0)
    assert view.figures["distance"].figure.x_range.end == pytest.approx(100.0, rel=1e-6, abs=0)


def test_plotted_curves_are_the_model_output():
    view = in_matter()
    view.sliders["B_perp_gauss"].value = 8.3  # after an update, not only the first draw
    x, _ = plotted(view, LABELS["P_eL_eL"])
    np.testing.assert_allclose(plotted_matrix(view), view.model.probability_array(x), rtol=1e-14)
    np.testing.assert_allclose(plotted_matrix(view).sum(axis=1), 1.0, atol=1e-12)


def test_analytic_overlay_is_popov_studenikin_in_vacuum_and_hidden_where_it_does_not_apply():
    view = OscillationView()
    x, _ = plotted(view, LABELS["P_eL_muL"])
    _, analytic = plotted(view, LABELS["P_eL_muL"] + ANALYTIC_SUFFIX)
    np.testing.assert_allclose(analytic, view.model.probabilities(x, "analytic")["P_eL_muL"])
    np.testing.assert_allclose(analytic, plotted(view, LABELS["P_eL_muL"])[1], atol=1e-9)
    assert "Popov–Studenikin" in view.readout.object

    control(view, "matter").value = True
    control(view, "mu12").value = 1.0
    _, analytic = plotted(view, LABELS["P_eL_muL"] + ANALYTIC_SUFFIX)
    assert np.all(np.isnan(analytic))
    assert "not applicable" in view.readout.object and "mu12" in view.readout.object
    _, two_level = plotted(view, TWO_LEVEL_LABEL)
    np.testing.assert_allclose(two_level, view.model.two_level_probability(x))


def test_readouts_show_lengths_and_resonances():
    view = in_matter()
    text = view.readout.object
    lengths = view.model.oscillation_lengths_km()
    assert f"L_vac = {lengths['vacuum']:.4g} km" in text
    assert f"μ₁₂ {lengths['magnetic_mu12']:.4g} km" in text
    crossing = view.model.level_crossing()["density_g_cm3"]
    assert f"{crossing:.4g} g/cm³" in text
    assert f"{view.model.resonance_density_g_cm3():.4g} g/cm³" in text
    view.sliders["B_perp_gauss"].value = 9.0  # L_B = pi / (mu B) shrinks tenfold
    assert f"μ₁₂ {lengths['magnetic_mu12'] / 10:.4g} km" in view.readout.object


def test_resonance_plot_shows_the_scan_and_its_markers():
    view = in_matter()
    values, exact = view.figures["resonance"].data("⟨P(ν_eL → ν_μR)⟩ exact")
    scan = view.model.resonance_scan("density_g_cm3")
    np.testing.assert_allclose(values, scan["density_g_cm3"])
    np.testing.assert_allclose(exact, scan["P_eL_muR"])
    markers = view.figures["resonance"].vline_glyphs
    assert markers["level crossing (exact)"].location == pytest.approx(
        view.model.level_crossing()["density_g_cm3"], rel=1e-6, abs=0)
    assert markers["current value"].location == pytest.approx(700.0, rel=1e-6, abs=0)
    assert values[np.argmax(exact)] == pytest.approx(markers["level crossing (exact)"].location,
                                                     rel=0.05, abs=0)
    control(view, "resonance_plot").value = "E_MeV"
    values, _ = view.figures["resonance"].data("two-level sin²β / 2")
    np.testing.assert_allclose(values, view.model.resonance_scan("E_MeV")["E_MeV"])
    assert "energy" in view.figures["resonance"].figure.xaxis[0].axis_label
    assert markers["current value"].location == pytest.approx(view.model.E_MeV, rel=1e-6, abs=0)
    assert set(SCAN_CURVES) <= set(view.figures["resonance"].sources)


def test_majorana_disables_the_diagonal_moments_and_the_matter_speed():
    view = in_matter(mu1=3.0, matter_speed=0.3)
    control(view, "majorana").value = True
    assert not view.alert.visible
    assert view.widgets["mu1"].disabled and view.widgets["mu2"].disabled and view.widgets["matter_speed"].disabled
    assert view.model.majorana and view.model.mu1 == 0.0 and view.model.matter_speed == 0.0
    control(view, "majorana").value = False
    assert view.model.mu1 == pytest.approx(3e-12, rel=1e-6, abs=0) and not view.widgets["mu1"].disabled


def test_slider_and_entry_stay_in_step():
    view = OscillationView()
    view.sliders["B_perp_gauss"].value = 9.5
    assert view.widgets["B_perp_gauss"].value == 3.162e9  # 10**9.5 to the 4 digits a slider resolves
    view.widgets["B_perp_gauss"].value = 2e6  # typed in the entry
    assert view.sliders["B_perp_gauss"].value == pytest.approx(math.log10(2e6), rel=1e-6, abs=0)
    assert view.model.B_perp_gauss == pytest.approx(2e6, rel=1e-6, abs=0)
    view.widgets["theta"].value = 0.25
    assert view.sliders["theta"].value == pytest.approx(0.25, rel=1e-6, abs=0)


BAD_ENTRIES = [
    ("B_perp_gauss", -5.0, "B_perp_gauss"),
    ("theta", 2.0, "theta"),
    ("theta", -0.1, "theta"),
    ("Y_e", 1.5, "Y_e"),
    ("Y_e", -0.5, "Y_e"),
]


def test_bad_input_shows_a_message_and_keeps_the_last_good_plot():
    view = in_matter()
    before = plotted_matrix(view)
    x, _ = plotted(view, LABELS["P_eL_eL"])
    for entry, value, parameter in BAD_ENTRIES:
        widget = view.widgets[entry]
        good = widget.value
        widget.value = value
        assert view.alert.visible and parameter in view.alert.object, (entry, value)
        assert "must be" in view.alert.object  # param's message names the allowed range
        np.testing.assert_array_equal(plotted_matrix(view), before)
        # the model is left as plotted, not half-updated
        np.testing.assert_allclose(view.model.probability_array(x), before, rtol=1e-14)
        assert widget.value == good  # the entry shows the value in use again


def test_empty_entry_is_rejected_with_a_message():
    view = OscillationView()
    view.widgets["B_perp_gauss"].value = None
    assert view.alert.visible and "B_perp_gauss" in view.alert.object


def test_app_has_the_oscillations_tab():
    assert OscillationView in TABS and OscillationView.title == "Oscillations"
    app = create_app()
    tabs = [obj for obj in app.main.objects if isinstance(obj, pn.Tabs)][0]
    assert "Oscillations" in tabs._names


def test_notebook_use_from_a_model_object():
    osc = SpinFlavourOscillation(mu1=2e-12, mu2=1e-12, B_perp_gauss=3e9, theta_rad=0.3,
                                 density_g_cm3=50.0, Y_e=0.45)
    view = OscillationView(osc)
    assert view.model is osc
    assert view.widgets["B_perp_gauss"].value == pytest.approx(3e9, rel=1e-6, abs=0) and view.widgets["matter"].value
    assert view.widgets["mu1"].value == pytest.approx(2.0, rel=1e-6, abs=0) and view.widgets["theta"].value == pytest.approx(0.3, rel=1e-6, abs=0)
    assert view.widgets["density_g_cm3"].value == pytest.approx(50.0, rel=1e-6, abs=0)
    assert osc.B_perp_gauss == pytest.approx(3e9, rel=1e-6, abs=0) and osc.density_g_cm3 == pytest.approx(50.0, rel=1e-6, abs=0)
    assert isinstance(view.__panel__(), pn.FlexBox)
    # values beyond the usual slider ranges are kept, the ranges widened
    wide = SpinFlavourOscillation(mu1=5e-11, E_MeV=1e5, m_nu_eV=1e-5)
    OscillationView(wide)
    assert wide.mu1 == pytest.approx(5e-11, rel=1e-6, abs=0) and wide.E_MeV == pytest.approx(1e5, rel=1e-6, abs=0)
    assert wide.m_nu_eV == pytest.approx(1e-5, rel=1e-6, abs=0)
