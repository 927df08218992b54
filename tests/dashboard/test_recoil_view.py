"""Server-side tests of the "Recoil spectra" tab: every widget reaches the plotted data."""

import math

import numpy as np
import pandas as pd
import panel as pn
import pytest

from dashboard.app import create_app
from dashboard.recoil_view import RecoilView
from model import RecoilSpectrum
from model import constants as c


def plotted(view: RecoilView) -> pd.DataFrame:
    """The curves as the Bokeh figure holds them (NaN where a curve is hidden on log axes)."""
    sources = view.plot.sources
    frame = pd.DataFrame({"T_keV": sources["SM"].data["T_keV"]})
    frame["sm"] = sources["SM"].data["rate"]
    frame["magnetic"] = sources["magnetic (μν)"].data["rate"]
    frame["charge"] = np.where(np.isfinite(sources["charge (q, ⟨r²⟩) > 0"].data["rate"]),
                               sources["charge (q, ⟨r²⟩) > 0"].data["rate"],
                               -np.asarray(sources["charge (q, ⟨r²⟩) < 0, |·|"].data["rate"]))
    frame["total"] = sources["total"].data["rate"]
    return frame.fillna(0.0)


def plotted_threshold(view: RecoilView) -> float:
    return view.plot.vline_glyphs["threshold"].location


WIDGET_CHANGES = [
    ("mu_nu", -10.0, "magnetic"),
    ("mu_on", False, "magnetic"),
    ("q_sign", "+", "charge"),
    ("charge_radius_cm2", 3.0, "charge"),
    ("flavour", "nu_mu", "sm"),
    ("target", "Xe", "sm"),
    ("binding", "free", "sm"),
    ("flux_cm2_s", 12.0, "sm"),
    ("source", "solar_pp", "sm"),
]


@pytest.mark.parametrize("widget_name, new_value, column", WIDGET_CHANGES)
def test_each_widget_changes_the_plotted_data(widget_name, new_value, column):
    view = RecoilView(RecoilSpectrum(mu_nu=1e-11))
    before = plotted(view)
    control(view, widget_name).value = new_value
    after = plotted(view)
    assert not view.alert.visible
    changed = (before.shape != after.shape) or not np.allclose(before[column], after[column])
    assert changed, f"{widget_name} did not change the plotted {column} data"


def test_q_exponent_changes_charge_curve_when_charge_is_on():
    view = RecoilView(RecoilSpectrum(q_nu=1e-13))
    before = plotted(view)["charge"].to_numpy()
    control(view, "abs_q_nu").value = -12.0
    after = plotted(view)["charge"].to_numpy()
    assert np.max(np.abs(after)) > 5 * np.max(np.abs(before))


def test_threshold_moves_the_marker_and_the_readout():
    view = RecoilView()
    text = view.readout.object
    control(view, "threshold_keV").value = -1.0
    assert plotted_threshold(view) == pytest.approx(0.1, rel=1e-6, abs=0)
    assert view.readout.object != text and "0.1 keV" in view.readout.object


def test_exposure_scales_the_expected_counts_readout():
    view = RecoilView()
    control(view, "exposure_kg_day").value = 100.0
    expected = view.model.events_above_threshold()["total"] * 100.0
    assert f"{expected:.4g}" in view.readout.object


def test_line_source_shows_its_energy_widget_and_uses_it():
    view = RecoilView()
    assert not view.widgets["line_energy_MeV"].visible
    control(view, "source").value = "line"
    assert view.widgets["line_energy_MeV"].visible
    control(view, "line_energy_MeV").value = 0.5
    T_end = plotted(view)["T_keV"].max()
    assert T_end == pytest.approx(1e3 * 2 * 0.5**2 / (c.ELECTRON_MASS_MEV + 1.0), rel=1e-9, abs=0)


def test_source_change_sets_its_default_flux_and_flavour():
    view = RecoilView()
    control(view, "source").value = "solar_7Be"
    assert view.widgets["flavour"].value == "nu_e"
    assert view.widgets["flux_cm2_s"].value == pytest.approx(4.93e9, rel=1e-9, abs=0)
    assert view.model.total_flux_cm2_s() == pytest.approx(4.93e9, rel=1e-9, abs=0)


@pytest.mark.parametrize("q_nu", [-1e-12, 1e-12])
def test_plotted_data_is_the_model_output(q_nu):
    view = RecoilView(RecoilSpectrum(mu_nu=2e-11, q_nu=q_nu, binding="free"))
    control(view, "mu_nu").value = -10.5  # the figure's sources after an update, not only the first
    data = plotted(view)
    expected = view.model.rates(data["T_keV"].to_numpy())
    pd.testing.assert_frame_equal(data, expected.where(expected.abs() > 0, 0.0), rtol=1e-14)


def test_axes_follow_the_source():
    view = RecoilView()
    control(view, "source").value = "solar_7Be"
    assert view.plot.figure.x_range.end == pytest.approx(plotted(view)["T_keV"].max(), rel=1e-6, abs=0)
    assert view.plot.figure.x_range.end < 700


def test_plot_is_a_bokeh_figure_with_labelled_log_axes():
    view = RecoilView(RecoilSpectrum(mu_nu=1e-11))
    figure = view.plot.figure
    assert figure.x_scale.__class__.__name__ == "LogScale"
    assert "keV" in figure.xaxis[0].axis_label
    assert "kg" in figure.yaxis[0].axis_label and "day" in figure.yaxis[0].axis_label
    legend = [item.label["value"] for item in figure.legend[0].items]
    assert {"SM", "magnetic (μν)", "total"} <= set(legend)


def test_crossover_readout():
    view = RecoilView(RecoilSpectrum(mu_nu=1e-11))
    assert f"{view.model.crossover_keV():.3g} keV" in view.readout.object
    control(view, "mu_on").value = False
    assert "—" in view.readout.object


def test_rejected_model_input_shows_a_message_and_keeps_the_session():
    view = RecoilView()
    before = plotted(view)
    # A value the widget allows but the model rejects (simulates a malformed state).
    view.model.param.line_energy_MeV.bounds = (0.01, 100.0)
    control(view, "source").value = "line"
    view.widgets["line_energy_MeV"].param.update(start=None, end=None)
    control(view, "line_energy_MeV").value = -3.0
    assert view.alert.visible and "line_energy_MeV" in view.alert.object
    # the entry shows the value in use again, and the next good value is taken
    assert view.widgets["line_energy_MeV"].value == view.model.line_energy_MeV
    control(view, "line_energy_MeV").value = 2.0
    assert not view.alert.visible
    assert not plotted(view).equals(before)


@pytest.mark.parametrize("widget_name, value, parameter", [
    ("mu_nu", 5.0, "mu_nu"), ("exposure_kg_day", -1.0, "exposure_kg_day"),
    ("flux_cm2_s", 40.0, "flux_cm2_s"), ("threshold_keV", -9.0, "threshold_keV")])
def test_out_of_range_widget_values_show_a_message_not_a_traceback(widget_name, value, parameter):
    view = RecoilView()
    before = plotted(view)
    control(view, widget_name).value = value
    assert view.alert.visible and parameter in view.alert.object
    pd.testing.assert_frame_equal(plotted(view), before)  # the last good plot stays
    # ... and the model is left as plotted, not half-updated
    pd.testing.assert_frame_equal(view.model.rates(before["T_keV"].to_numpy()), view.data)


def test_app_has_the_recoil_tab():
    app = create_app()
    tabs = [obj for obj in app.main.objects if isinstance(obj, pn.Tabs)][0]
    assert "Recoil spectra" in tabs._names


def test_notebook_use_from_a_model_object():
    view = RecoilView(RecoilSpectrum(mu_nu=5e-11, target="Si"))
    assert view.widgets["target"].value == "Si"
    assert math.isclose(view.widgets["mu_nu"].value, 5e-11, rel_tol=1e-12)
    assert isinstance(view.__panel__(), pn.FlexBox)


# --- channel switch and energy axis (issue 6) ---------------------------------------------------
from dashboard.recoil_view import CHANNEL_CURVES  # noqa: E402
from tests.view_support import control


def channel_curves_shown(view: RecoilView) -> dict[str, bool]:
    """Per-channel curve label -> whether its renderer and legend entry are visible."""
    figure = view.plot.figure
    shown = {}
    for label in CHANNEL_CURVES:
        source = view.plot.sources[label]
        renderers = [r for r in figure.renderers if getattr(r, "data_source", None) is source]
        items = [i for i in figure.legend[0].items if any(r in renderers for r in i.renderers)]
        assert len(renderers) == 1 and len(items) == 1
        shown[label] = renderers[0].visible and items[0].visible
    return shown


@pytest.mark.parametrize("channel", ["nucleus", "both"])
def test_channel_switch_changes_the_plotted_data_axis_and_title(channel):
    view = RecoilView(RecoilSpectrum(mu_nu=1e-11))
    before = plotted(view)
    label, title = view.plot.figure.xaxis[0].axis_label, view.plot.figure.title.text
    control(view, "channel").value = channel
    after = plotted(view)
    assert not view.alert.visible and view.model.channel == channel
    assert before.shape != after.shape or not np.allclose(before["sm"], after["sm"])
    assert view.plot.figure.xaxis[0].axis_label != label and "keVee" in view.plot.figure.xaxis[0].axis_label
    assert view.plot.figure.title.text != title
    expected = view.model.rates(after["T_keV"].to_numpy())
    pd.testing.assert_frame_equal(after, expected[after.columns].where(expected[after.columns].abs() > 0, 0.0),
                                  rtol=1e-14)
    if channel == "nucleus":  # reactor nuclear recoils in Ge end near 0.6 keVee
        assert view.plot.figure.x_range.end == pytest.approx(ge70_end_point_keVee(control(view, "quenching_k").value),
                                                             rel=1e-6, abs=0)
        assert "keVnr" in view.readout.object  # the nu-N crossover is quoted in keVnr
        assert "Atomic-recoil scale" in view.readout.object and "Ge 0.021 eV" in view.readout.object


def test_both_channels_show_each_channels_curves_only_then():
    view = RecoilView(RecoilSpectrum(mu_nu=1e-11))
    assert not any(channel_curves_shown(view).values())
    control(view, "channel").value = "both"
    assert all(channel_curves_shown(view).values())
    T, y = view.plot.data("ν–N: SM")
    np.testing.assert_allclose(np.nan_to_num(y), view.data["sm_nucleus"].to_numpy(), rtol=1e-14)
    assert "ν–e" in view.readout.object and "ν–N" in view.readout.object
    control(view, "channel").value = "electron"
    assert not any(channel_curves_shown(view).values())
    assert np.isnan(view.plot.data("ν–N: SM")[1]).all()


def test_energy_axis_and_quenching_change_the_nucleus_spectrum():
    view = RecoilView(RecoilSpectrum(channel="nucleus"))
    assert view.widgets["quenching_k"].value == pytest.approx(0.157, abs=1e-3)  # Lindhard's k for Ge
    keVee = plotted(view)
    control(view, "quenching_k").value = 0.2
    higher_k = plotted(view)
    assert higher_k["T_keV"].max() > keVee["T_keV"].max()  # more ionization per recoil
    control(view, "energy_axis").value = "keVnr"
    keVnr = plotted(view)
    assert "keVnr" in view.plot.figure.xaxis[0].axis_label
    assert keVnr["T_keV"].max() == pytest.approx(3.07, rel=0.01, abs=0)  # 70Ge end point at 10 MeV
    assert "keVnr" in view.readout.object
    control(view, "quenching_k").value = 0.25  # irrelevant on the nuclear-recoil axis
    pd.testing.assert_frame_equal(plotted(view), keVnr)


def test_nucleus_only_target_in_electron_channel_shows_a_message():
    view = RecoilView()
    before = plotted(view)
    control(view, "target").value = "CsI"
    assert view.alert.visible and "target" in view.alert.object and "channel" in view.alert.object
    pd.testing.assert_frame_equal(plotted(view), before)  # the last good plot stays
    assert view.model.target == "Ge"  # and the model is as plotted
    assert view.widgets["target"].value == "Ge"  # and so is the control
    control(view, "channel").value = "nucleus"
    control(view, "target").value = "CsI"
    assert not view.alert.visible and view.model.target == "CsI"
    assert "Cs 0.023 eV, I 0.023 eV" in view.readout.object
    assert plotted(view)["sm"].max() > 0


# --- the widgets change the curves as the physics says, not merely "something changed" ----------
def test_moment_times_ten_multiplies_the_magnetic_curve_by_a_hundred():
    """d sigma_mu/dT ~ mu^2 (Vogel & Engel, PRD 39, 3378 (1989)) with no interference: the
    magnetic curve x100 and the others unchanged."""
    view = RecoilView(RecoilSpectrum(mu_nu=1e-11, q_nu=1e-13))
    before = plotted(view)
    control(view, "mu_nu").value = -10.0
    after = plotted(view)
    np.testing.assert_array_equal(after["T_keV"], before["T_keV"])
    np.testing.assert_allclose(after["magnetic"], 100 * before["magnetic"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(after["sm"], before["sm"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(after["charge"], before["charge"], rtol=1e-12, atol=0)


def test_flux_times_ten_multiplies_every_curve_by_ten():
    view = RecoilView(RecoilSpectrum(mu_nu=1e-11, q_nu=1e-13))
    before = plotted(view)
    control(view, "flux_cm2_s entry").value = 10.0 * control(view, "flux_cm2_s entry").value
    after = plotted(view)
    for column in ("sm", "magnetic", "charge", "total"):
        np.testing.assert_allclose(after[column], 10 * before[column], rtol=1e-12, atol=0)


def test_free_electron_rates_scale_with_the_electrons_per_kg():
    """Free electrons: the rate per kg is proportional to Z / (molar mass); Xe 54 per 131.293
    g/mol against Ge 32 per 72.630 g/mol (IUPAC 2021), the same for every component."""
    view = RecoilView(RecoilSpectrum(mu_nu=1e-11, binding="free", source="line", line_energy_MeV=1.0))
    before = plotted(view)
    control(view, "target").value = "Xe"
    after = plotted(view)
    ratio = (54 / 131.293) / (32 / 72.630)
    np.testing.assert_array_equal(after["T_keV"], before["T_keV"])
    for column in ("sm", "magnetic", "total"):
        np.testing.assert_allclose(after[column], ratio * before[column], rtol=1e-12, atol=0)


def test_stepping_multiplies_the_free_curves_by_the_open_shells():
    """Stepping approximation: the free rate times (electrons bound by less than T) / Z; in Ge
    (Carlson 1975) 30 of 32 between the L1 (1.413 keV) and K (11.103 keV) edges, all above K."""
    view = RecoilView(RecoilSpectrum(mu_nu=1e-11, binding="free"))
    free = plotted(view).set_index("T_keV")
    control(view, "binding").value = "stepping"
    bound = plotted(view).set_index("T_keV")  # the same grid plus both sides of each edge
    common = free.index.intersection(bound.index)
    free, bound = free.loc[common], bound.loc[common]
    between = (common > 1.5) & (common < 11.0)
    above_k = common > 11.2
    assert between.sum() > 20 and above_k.sum() > 20
    for column in ("sm", "magnetic", "total"):
        np.testing.assert_allclose(bound[column][between], 30 / 32 * free[column][between],
                                   rtol=1e-12, atol=0)
        np.testing.assert_allclose(bound[column][above_k], free[column][above_k], rtol=1e-12, atol=0)
    assert np.all(bound["total"] <= free["total"] * (1 + 1e-12))

def ge70_end_point_keVee(k: float, E_max_MeV: float = 10.0) -> float:
    """Largest ionization of a reactor nuclear recoil in Ge (the 70Ge end point at the 10 MeV
    end of the reactor spectrum), computed here: T_max = 2E^2/(M + 2E) with the AME2016 mass of
    70Ge (69.92424875 u, CODATA u and m_e), quenched by Lindhard's Q = k g/(1 + k g),
    g = 3 eps^0.15 + 0.7 eps^0.6 + eps, eps = 11.5 Z^(-7/3) T/keV (Lewin & Smith, Astropart.
    Phys. 6, 87 (1996), section 8): 0.610 keVee at k = 0.157."""
    from scipy import constants as codata

    pc = codata.physical_constants
    M = (69.92424875 * pc["atomic mass constant energy equivalent in MeV"][0]
         - 32 * pc["electron mass energy equivalent in MeV"][0])
    T = 2 * E_max_MeV**2 / (M + 2 * E_max_MeV) * 1e3
    eps = 11.5 * 32 ** (-7 / 3) * T
    g = 3 * eps**0.15 + 0.7 * eps**0.6 + eps
    return T * k * g / (1 + k * g)
