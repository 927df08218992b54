"""Server-side tests of the "Theory" tab: calculators, readouts and the mu-versus-m_nu plot."""

import math

import numpy as np
import panel as pn
import pytest

from dashboard.app import create_app
from dashboard.theory_view import (
    BELL_DIRAC, BELL_MAJORANA, MASSES_EV, NATURALNESS, SM, TheoryView, _limit_label)
from model.theory import MAGNETIC_MOMENT_LIMITS, TheoryCalculator, naturalness_moment_limit
from tests.view_support import control


def curve(view: TheoryView, label: str) -> np.ndarray:
    return view.plot.data(label)[1]


def test_plot_holds_the_theory_lines_and_the_limits():
    view = TheoryView()
    figure = view.plot.figure
    assert figure.x_scale.__class__.__name__ == "LogScale"
    assert "eV" in figure.xaxis[0].axis_label and "μ_B" in figure.yaxis[0].axis_label
    legend = {item.label["value"] for item in figure.legend[0].items}
    assert {SM, NATURALNESS, BELL_DIRAC, BELL_MAJORANA} <= legend
    for limit in MAGNETIC_MOMENT_LIMITS:  # docs/physics.md, Sec. 8 catalogue values, as horizontal lines
        assert _limit_label(limit) in legend
        np.testing.assert_array_equal(curve(view, _limit_label(limit)), [limit.mu_B, limit.mu_B])
    sm = curve(view, SM)
    i = np.argmin(abs(MASSES_EV - 1.0))
    # Studenikin, Nucl. Part. Phys. Proc. 273-275, 1711 (2016), eq. (8)
    assert sm[i] == pytest.approx(3.2e-19 * MASSES_EV[i], rel=2e-3, abs=0)
    assert np.isnan(sm[(MASSES_EV > 41e9) & (MASSES_EV < 160e9)]).all()  # no closed form near m_W


def test_scale_slider_moves_the_naturalness_lines():
    view = TheoryView()
    before = {label: curve(view, label) for label in (NATURALNESS, BELL_DIRAC, BELL_MAJORANA)}
    sm_before = curve(view, SM)
    control(view, "Lambda_TeV").value = 1.0  # Lambda: 1 -> 10 TeV
    assert not view.alert.visible
    for label, values in before.items():
        np.testing.assert_allclose(curve(view, label), values / 100.0, rtol=1e-12)
    np.testing.assert_array_equal(curve(view, SM), sm_before)
    np.testing.assert_allclose(curve(view, NATURALNESS), naturalness_moment_limit(MASSES_EV, 10.0),
                               rtol=1e-12)


def test_mass_and_moment_move_the_marker_and_the_readouts():
    view = TheoryView()
    control(view, "m_nu_eV").value = 1.0
    assert view.plot.vline_glyphs["m_ν"].location == pytest.approx(10.0, rel=1e-6, abs=0)
    assert view.point_source.data["x"] == [pytest.approx(10.0, rel=1e-6, abs=0)]
    assert "3.2e-18 μ_B" in view.readout.object
    control(view, "mu_nu").value = -15.0
    assert view.point_source.data["y"] == [pytest.approx(1e-15, rel=1e-6, abs=0)]
    assert f"{view.model.mass_shift_eV():.3g} eV" in view.readout.object
    control(view, "m_nu_eV").value = 12.0  # 1 TeV: superheavy regime, eq. (17)
    assert "superheavy" in view.readout.object and "eq. (17)" in view.readout.object


def test_millicharge_readout_reproduces_gemma():
    """Studenikin (2016), eq. (33): GEMMA's 2.9e-11 mu_B at 2.8 keV gives |q_nu| ~ 1.5e-12 e0."""
    view = TheoryView()
    assert "|qν| ≲ 1.52e-12 e₀" in view.readout.object
    control(view, "T_threshold_keV").value = math.log10(0.28)
    assert "|qν| ≲ 4.8e-13 e₀" in view.readout.object


def test_triangle_test_readout():
    view = TheoryView()
    assert "satisfied" in view.readout.object
    control(view, "mu_e_eff").value = 3.0  # 3^2 > 1.5^2 + 1.5^2
    assert "**violated** for νₑ" in view.readout.object


def test_transition_moment_tables_follow_the_inputs():
    view = TheoryView()
    before = {name: pane.object for name, pane in view.moments_tables.items()}
    control(view, "alpha21_rad").value = 1.0  # alpha21 = pi: moves Majorana moments only
    after = {name: pane.object for name, pane in view.moments_tables.items()}
    assert after["Dirac μ"] == before["Dirac μ"] and after["Majorana μ"] != before["Majorana μ"]
    control(view, "ordering").value = "inverted"
    assert "inverted ordering" in view.moments_caption.object
    assert view.moments_tables["Dirac μ"].object != before["Dirac μ"]


@pytest.mark.parametrize("widget, value, parameter", [
    ("mu_nu", -3.0, "mu_nu"), ("Lambda_TeV", 9.0, "Lambda_TeV"),
    ("T_threshold_keV", -5.0, "T_threshold_keV"), ("delta_cp_rad", 3.0, "delta_cp_rad")])
def test_bad_slider_values_show_a_message(widget, value, parameter):
    view = TheoryView()
    before = {label: curve(view, label).copy() for label in view.plot.labels}
    text = view.readout.object
    control(view, widget).value = value
    assert view.alert.visible and parameter in view.alert.object
    assert view.readout.object == text
    for label, values in before.items():
        np.testing.assert_array_equal(curve(view, label), values)


def test_bad_triangle_inputs_show_a_message():
    view = TheoryView()
    control(view, "mu_tau_eff").value = -1.0
    assert view.alert.visible and "mu_tau_eff" in view.alert.object
    control(view, "mu_tau_eff").value = None
    assert view.alert.visible and "enter a number" in view.alert.object
    control(view, "mu_tau_eff").value = 1.0
    assert not view.alert.visible
    assert view.model.mu_tau_eff == pytest.approx(1e-12, rel=1e-6, abs=0)


def test_app_has_the_theory_tab():
    app = create_app()
    tabs = [obj for obj in app.main.objects if isinstance(obj, pn.Tabs)][0]
    assert "Theory" in tabs._names


def test_notebook_use_from_a_calculator():
    view = TheoryView(TheoryCalculator(m_nu_eV=0.05, Lambda_TeV=30.0, ordering="inverted"))
    assert math.isclose(view.widgets["Lambda_TeV"].value, 30.0, rel_tol=1e-12)
    assert view.widgets["ordering"].value == "inverted"
    assert isinstance(view.__panel__(), pn.FlexBox)


def test_the_limits_shown_can_be_chosen_by_beam():
    """Issue 16: the Theory tab filters the catalogue's limits by flavour (DONUT for ν_τ,
    LSND 6.8e-10 for ν_μ: Auerbach et al. (LSND), PRD 63, 112001 (2001))."""
    from dashboard.theory_view import limit_lines
    from tests.dashboard.test_presentation import legend_entries

    view = TheoryView()
    control(view, "limit_group").value = "ν_τ"
    labels = [label for label, _ in legend_entries(view.figures["theory"].figure)]
    assert "DONUT 2001: 3.9e-07" in labels and SM in labels
    assert not any("GEMMA" in label for label in labels)
    control(view, "limit_group").value = "accelerator νe, ν_μ"
    labels = [label for label, _ in legend_entries(view.figures["theory"].figure)]
    assert "LSND 2001: 6.8e-10" in labels
    assert set(limit_lines()["accelerator νe, ν_μ"]) <= set(labels)
