"""Server-side tests of the "Reactor sensitivity" tab: every control reaches the plotted data,
which is the model's own scan (``ReactorSensitivity.scan``), bands, the compared preset, the
published limits and the fit of an uploaded spectrum (``model.fit_spectrum``)."""

import base64
import math
from pathlib import Path

import numpy as np
import pytest

from dashboard.sensitivity_common import (
    ASTRO, BAND_1, BAND_2, COMPARE, COMPARE_BANDS, DEFER_MS, ESTIMATE, LIMITS)
from dashboard.sensitivity_view import CUSTOM, CEVNS_THRESHOLD_KEV, SensitivityView
from model import ReactorSensitivity, fit_spectrum, limits, read_spectrum_csv
from model.sensitivity import BAND_QUANTILES
from model.theory import millicharge_bound_from_moment
from tests.dashboard.sensitivity_helpers import band, median, visible
from tests.view_support import control

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "sample_spectrum.csv"
BATCH_RTOL = 1e-9
"""Rows solved in different batches (a scan split where some rows have no limit) agree to the
vectorised solver's convergence, ~1e-11 relative."""


@pytest.fixture
def view():
    return SensitivityView(ReactorSensitivity.preset("GEMMA-2012"))




def legend_shown(view, label) -> bool:
    return view.limit_figure.legend_items[label].visible


# --- the plot is the model's scan ---------------------------------------------------------------
def test_plot_shows_the_model_scan_with_its_bands(view):
    thresholds, plotted = median(view)
    expected = view.model.scan("threshold_keV", thresholds, bands="mu_nu")
    np.testing.assert_allclose(plotted, expected["mu_limit"], rtol=1e-12)
    x, low, high = band(view, "live_1")
    np.testing.assert_array_equal(x, thresholds)
    np.testing.assert_allclose(low, expected["mu_limit_q16"], rtol=1e-12)
    np.testing.assert_allclose(high, expected["mu_limit_q84"], rtol=1e-12)
    _, low2, high2 = band(view, "live_2")
    np.testing.assert_allclose(low2, expected["mu_limit_q025"], rtol=1e-12)
    np.testing.assert_allclose(high2, expected["mu_limit_q975"], rtol=1e-12)
    assert view.figures["limit"].vline_glyphs["current"].location == pytest.approx(2.8, abs=0)
    assert view.widgets["preset"].value == "GEMMA-2012"
    assert "median / published" in view.readout.object
    assert visible(view, "live_1") and legend_shown(view, BAND_1) and legend_shown(view, BAND_2)
    assert not visible(view, COMPARE) and not legend_shown(view, COMPARE_BANDS)


def test_the_plot_at_the_current_point_is_the_readout(view):
    """The marker's threshold is a point of the plotted curve: interpolating the plot there
    gives the readout's limit (the model's mu_limit) to the grid's resolution."""
    thresholds, plotted = median(view)
    between = np.exp(np.interp(math.log(2.8), np.log(thresholds), np.log(plotted)))
    assert between == pytest.approx(view.model.mu_limit(), rel=0.02, abs=0)
    assert f"{view.model.mu_limit():.3g}" in view.readout.object


@pytest.mark.parametrize("quantity", ["mu_nu", "q_nu", "charge_radius"])
def test_bands_are_ordered_around_the_median(view, quantity):
    control(view, "y_quantity").value = quantity
    assert not view.alert.visible, view.alert.object
    x, values = median(view)
    _, q16, q84 = band(view, "live_1")
    _, q025, q975 = band(view, "live_2")
    drawn = np.isfinite(q16)
    assert drawn.sum() >= 30
    for lower, upper in ((q025, q16), (q16, values), (values, q84), (q84, q975)):
        assert np.all(lower[drawn] <= upper[drawn]), quantity
    expected = view.model.scan_limits("threshold_keV", x, quantity, BAND_QUANTILES)
    np.testing.assert_allclose(q975[drawn], expected[0.975][drawn], rtol=1e-12)
    np.testing.assert_allclose(q025[drawn], expected[0.025][drawn], rtol=1e-12)
    # what is left out is exactly where the model's quantiles are not ordered (and said so)
    model_order = np.all(np.diff([expected[p] for p in BAND_QUANTILES], axis=0) >= 0, axis=0)
    model_order &= np.all(np.array([expected[p] for p in BAND_QUANTILES]) > 0, axis=0)
    np.testing.assert_array_equal(drawn, model_order)
    if not model_order.all():
        assert f"Bands left out at {np.count_nonzero(~model_order)} points" in view.readout.object


def test_bands_can_be_switched_off(view):
    control(view, "bands").value = False
    assert not visible(view, "live_1") and not visible(view, "live_2")
    assert not legend_shown(view, BAND_1)
    control(view, "bands").value = True
    assert visible(view, "live_1") and legend_shown(view, BAND_1)


# --- every control ------------------------------------------------------------------------------
@pytest.mark.parametrize("widget, value", [
    ("mass_kg", 1.0), ("background_per_keV_kg_day", -1.0), ("days_on", 100.0),
    ("days_off", 20.0), ("flux_cm2_s", 13.0), ("target", "Si"), ("binding", "free"),
    ("window_max_keV", 30.0), ("resolution_keV", 0.5), ("flux_from", "power & distance"),
    ("bin_width_keV", 2.0), ("channel", "both"),
])
def test_each_widget_changes_the_curves(view, widget, value):
    before = median(view)[1].copy()
    control(view, widget).value = value
    assert not view.alert.visible, view.alert.object
    after = median(view)[1]
    assert len(after) != len(before) or not np.allclose(after, before, rtol=1e-9, atol=0.0,
                                                        equal_nan=True)
    assert view.widgets["preset"].value == CUSTOM
    assert view.model.preset_name is None
    np.testing.assert_allclose(after, view.model.scan("threshold_keV", median(view)[0])["mu_limit"],
                               rtol=1e-12)


def test_threshold_moves_marker_and_readout_only(view):
    before = median(view)[1].copy()
    text = view.readout.object
    control(view, "threshold_keV").value = math.log10(0.5)
    assert view.figures["limit"].vline_glyphs["current"].location == pytest.approx(0.5, abs=0)
    np.testing.assert_array_equal(median(view)[1], before)
    assert view.readout.object != text
    assert f"{view.model.mu_limit():.3g}" in view.readout.object


AXES = {  # x-axis choice: (the scan's parameter, the marker's value)
    "exposure_kg_day": ("exposure_kg_day", lambda m: m.mass_kg * m.days_on),
    "mass_kg": ("mass_kg", lambda m: m.mass_kg),
    "background_level": ("background_per_keV_kg_day", lambda m: m.background_per_keV_kg_day),
    "running_time": ("days_on", lambda m: m.days_on),
}


@pytest.mark.parametrize("axis", list(AXES))
def test_any_x_axis_plots_the_model_scan_around_the_current_value(view, axis):
    column, current = AXES[axis]
    control(view, "x_axis").value = axis
    assert not view.alert.visible, view.alert.object
    x, plotted = median(view)
    value = current(view.model)
    assert x[0] < value < x[-1]
    assert view.figures["limit"].vline_glyphs["current"].location == pytest.approx(value, abs=0)
    expected = view.model.scan(axis, x)
    np.testing.assert_allclose(plotted, expected["mu_limit"], rtol=1e-12)
    assert list(expected.columns)[0] == column
    # the limit at the current value is the readout's: the curve passes through it
    between = np.exp(np.interp(math.log(value), np.log(x), np.log(plotted)))
    assert between == pytest.approx(view.model.mu_limit(), rel=0.01, abs=0)


def test_moving_the_plotted_parameter_moves_only_the_marker(view):
    control(view, "x_axis").value = "mass_kg"
    before = median(view)[1].copy()
    control(view, "mass_kg").value = math.log10(2.0)  # same decade: same grid, cached scan
    assert view.figures["limit"].vline_glyphs["current"].location == pytest.approx(2.0, abs=0)
    np.testing.assert_allclose(median(view)[1], before, rtol=1e-12)
    # The scan does not depend on the current mass: solved again with 2 kg it agrees to the
    # solver's own convergence (its root search stops at 1e-10 on -2 ln lambda, ~1e-8 in mu).
    np.testing.assert_allclose(before, view.model.scan("mass_kg", median(view)[0])["mu_limit"],
                               rtol=1e-7)


def test_the_y_quantity_switch_draws_q_with_the_estimate_and_r2(view):
    control(view, "y_quantity").value = "q_nu"
    x, plotted = median(view)
    scan = view.model.scan("threshold_keV", x, charge_radius=True)
    np.testing.assert_allclose(plotted, scan["q_limit"], rtol=1e-12)
    np.testing.assert_allclose(view.figures["limit"].data(ESTIMATE)[1], scan["q_estimate"],
                               rtol=1e-12)
    figure = view.limit_figure.figure
    assert "|qν|" in figure.yaxis[0].axis_label and "e₀" in figure.yaxis[0].axis_label
    q_lines = [ref.label for ref in view.limit_figure.references["q_nu"]]
    mu_lines = [ref.label for ref in view.limit_figure.references["mu_nu"]]
    assert any("GEMMA 2014" in label for label in q_lines)
    assert all(visible(view, label) for label in q_lines)
    assert not any(visible(view, label) for label in mu_lines)
    control(view, "y_quantity").value = "charge_radius"
    np.testing.assert_allclose(median(view)[1], scan["charge_radius_limit"], rtol=1e-12)
    assert not visible(view, ESTIMATE)
    assert "⟨r²⟩" in figure.yaxis[0].axis_label and "cm²" in figure.yaxis[0].axis_label
    assert f"{view.model.charge_radius_limit():.3g}" in view.readout.object
    control(view, "y_quantity").value = "mu_nu"
    assert all(visible(view, label) for label in mu_lines)


def test_reference_lines_are_the_catalogues_limits_for_reactor_antineutrinos(view):
    references = view.limit_figure.references
    drawn = {ref.label: ref.value for ref in references["mu_nu"]}
    gemma = limits.published_limit("mu_nu", "GEMMA", 2012)
    assert drawn[f"GEMMA 2012: μν < {gemma:.2g}"] == pytest.approx(gemma, rel=1e-12, abs=0)
    assert not any("GEMMA 2007" in label or "GEMMA 2010" in label for label in drawn)  # superseded
    assert not any("XENONnT" in label or "Borexino" in label for label in drawn)  # solar flavour
    x, y = view.figures["limit"].data(f"GEMMA 2012: μν < {gemma:.2g}")
    assert list(y) == [gemma, gemma] and x[0] == median(view)[0][0]
    # TEXONO CsI(Tl) 2010: -4.2e-32 < <r^2> < 6.6e-32 cm^2 (Deniz et al., PRD 81, 072001 (2010))
    assert [ref.value for ref in references["charge_radius"]] == [6.6e-32]
    low, high = limits.load("mu_nu", flavour="any").query("astrophysical")["high"].agg(["min", "max"])
    x, astro_low, astro_high = band(view, "astro")
    assert list(astro_low) == [low, low] and list(astro_high) == [high, high]
    assert legend_shown(view, ASTRO)


# --- compare with a preset ----------------------------------------------------------------------
def test_compare_overlay_is_drawn_and_removed(view):
    control(view, "compare").value = "TEXONO"
    assert not view.alert.visible, view.alert.object
    x, compared = view.figures["limit"].data(COMPARE)
    texono = ReactorSensitivity.preset("TEXONO")
    inside = x < 60.0 / 1.05  # TEXONO's window ends at 60 keV: no limit above it
    expected = texono.scan("threshold_keV", x[inside], bands="mu_nu")
    # The rows with a limit were solved in other batches than here: the vectorised solver's
    # iterations depend on the batch, ~1e-11 relative.
    np.testing.assert_allclose(compared[inside], expected["mu_limit"], rtol=BATCH_RTOL)
    assert np.all(np.isnan(compared[x > 60.0]))
    _, low, high = band(view, "compare_1")
    np.testing.assert_allclose(low[inside], expected["mu_limit_q16"], rtol=BATCH_RTOL)
    assert visible(view, COMPARE) and visible(view, "compare_1") and legend_shown(view, COMPARE_BANDS)
    assert view.limit_figure.legend_items[COMPARE].label.value == "TEXONO (ν–e): median"
    assert f"{texono.mu_limit():.3g}" in view.readout.object
    live = median(view)[1].copy()
    control(view, "compare").value = "none"
    assert not visible(view, COMPARE) and not visible(view, "compare_1")
    assert not legend_shown(view, COMPARE) and not legend_shown(view, COMPARE_BANDS)
    np.testing.assert_array_equal(median(view)[1], live)  # the live curves did not move
    assert "Compared" not in view.readout.object


def test_compare_and_the_q_estimate_with_rows_without_a_limit(view):
    """Found in the browser: the compared preset's rows without a limit (TEXONO above its
    60 keV window; CEvNS above the nuclear end point) are gaps, not an error."""
    control(view, "y_quantity").value = "q_nu"
    control(view, "compare").value = "TEXONO"
    assert not view.alert.visible, view.alert.object
    x, compared = view.figures["limit"].data(COMPARE)
    assert np.isfinite(compared[x < 50.0]).all() and np.isnan(compared[x > 60.0]).all()
    control(view, "preset").value = "CONUS+"
    control(view, "channel").value = "nucleus"
    assert not view.alert.visible, view.alert.object
    x, estimate = view.figures["limit"].data(ESTIMATE)
    mu = view.model.scan_limits("threshold_keV", x[np.isfinite(estimate)], "mu_nu")[0.5]
    np.testing.assert_allclose(estimate[np.isfinite(estimate)],
                               millicharge_bound_from_moment(mu, x[np.isfinite(estimate)]),
                               rtol=BATCH_RTOL)
    assert np.isnan(median(view)[1][-1])  # no |q| limit right at the nuclear end point: a gap


def test_a_cevns_preset_can_be_compared(view):
    control(view, "compare").value = "CONUS+/nucleus"
    assert not view.alert.visible, view.alert.object
    x, compared = view.figures["limit"].data(COMPARE)
    finite = np.isfinite(compared)
    assert finite.sum() >= 10  # below its ~0.6 keVee end point
    conus = ReactorSensitivity.preset("CONUS+", channel="nucleus")
    expected = conus.scan_limits("threshold_keV", x[finite], "mu_nu")[0.5]
    np.testing.assert_allclose(compared[finite], expected, rtol=BATCH_RTOL)


# --- presets and published limits ---------------------------------------------------------------
def test_preset_fills_widgets_and_shows_the_models_published_ratio(view):
    control(view, "preset").value = "TEXONO"
    m = view.model
    assert m.mass_kg == pytest.approx(1.06, abs=0) and m.threshold_keV == pytest.approx(12.0, abs=0)
    assert view.widgets["threshold_keV"].value == pytest.approx(12.0, abs=0)
    assert m.preset_name == "TEXONO"  # preset_name survives param.update: the view sets it
    published = limits.published_limit("mu_nu", "TEXONO", 2007)
    assert m.published_mu_limit == pytest.approx(published, abs=0)
    assert f"median / published = **{m.published_ratio():.2f}**" in view.readout.object
    assert "TEXONO** published μν < 7.4e-11" in view.readout.object
    assert "GEMMA" not in view.readout.object  # not the previous preset's published value
    assert view.widgets["preset"].value == "TEXONO"  # loading a preset does not make it "custom"


def test_gemma_shows_both_published_ratios_and_the_assumed_values(view):
    m = view.model
    text = view.readout.object
    assert f"median / published = **{m.published_ratio('mu_nu'):.2f}**" in text
    assert f"median / published = **{m.published_ratio('q_nu'):.2f}**" in text
    control(view, "preset").value = "CONUS"
    assert "*Assumed, not from the papers:* threshold_keV, window_max_keV" in view.readout.object
    control(view, "mass_kg").value = 1.0
    assert view.model.preset_name is None and "published" not in view.readout.object


def test_cevns_presets_bring_their_nuclear_analysis(view):
    control(view, "preset").value = "CONUS+"
    control(view, "channel").value = "nucleus"
    assert not view.alert.visible, view.alert.object
    expected = ReactorSensitivity.preset("CONUS+", channel="nucleus")
    for name, value in expected.param.values().items():
        if name != "name":
            assert getattr(view.model, name) == value, name
    assert view.widgets["preset"].value == "CONUS+" and view.model.preset_name == "CONUS+"
    assert "keVee" in view.limit_figure.figure.xaxis[0].axis_label
    assert "SM CEvNS" in view.readout.object
    assert "no published limit" in view.readout.object  # none in the presets for CEvNS
    x, plotted = median(view)
    finite = np.isfinite(plotted)
    np.testing.assert_allclose(plotted[finite],
                               expected.scan_limits("threshold_keV", x[finite], "mu_nu")[0.5],
                               rtol=BATCH_RTOL)
    control(view, "y_quantity").value = "charge_radius"
    assert not view.alert.visible and np.isfinite(median(view)[1]).sum() >= 20
    # a preset without a CEvNS analysis switches back to nu-e
    control(view, "preset").value = "GEMMA-2012"
    assert view.model.channel == "electron" and view.widgets["channel"].value == "electron"


def test_a_custom_configuration_switched_to_cevns_gets_a_nuclear_threshold(view):
    control(view, "mass_kg").value = 1.0  # custom
    control(view, "channel").value = "nucleus"
    assert not view.alert.visible, view.alert.object
    assert view.model.channel == "nucleus"
    assert view.model.threshold_keV == pytest.approx(CEVNS_THRESHOLD_KEV, abs=0)
    assert np.isfinite(median(view)[1]).any()


def open_link(search: str = ""):
    """A new session's reactor tab opened from the query string ``search``."""
    from dashboard.tabs import TABS
    from dashboard.url_state import UrlState

    url = UrlState(search, {tab.key: tab.URL_FIELDS for tab in TABS})
    view = SensitivityView()
    url.attach("sensitivity", view)
    return url, view


CEVNS_SETUPS = {
    "preset": [("preset", "CONUS+"), ("channel", "nucleus"), ("y_quantity", "charge_radius"),
               ("x_axis", "mass_kg"), ("compare", "Dresden-II/nucleus")],
    # the channel comes before the threshold in a link: custom CEvNS windows must survive that
    "custom": [("mass_kg", 0.0), ("channel", "nucleus"), ("threshold_keV", math.log10(0.25)),
               ("window_max_keV", 1.2), ("bin_width_keV", 0.05), ("lindhard_k", False),
               ("quenching_k", 0.18), ("y_quantity", "q_nu")],
}


@pytest.mark.parametrize("setup", list(CEVNS_SETUPS))
def test_a_link_reproduces_a_cevns_view(setup):
    url, view = open_link()
    for name, value in CEVNS_SETUPS[setup]:
        control(view, name).value = value
        assert not view.alert.visible, (name, view.alert.object)
    new_url, copy = open_link(url.search())
    assert not new_url.messages, new_url.message_text()
    assert dict(copy.model.param.values()) | {"name": None} == dict(view.model.param.values()) | {"name": None}
    assert copy.widgets["preset"].value == view.widgets["preset"].value
    assert copy.model.preset_name == view.model.preset_name
    np.testing.assert_array_equal(median(copy)[0], median(view)[0])
    np.testing.assert_allclose(median(copy)[1], median(view)[1], rtol=1e-12, equal_nan=True)


def test_bad_input_shows_message_and_keeps_plot(view):
    before = median(view)[1].copy()
    control(view, "days_off").value = 0.0
    assert view.alert.visible and "days_off" in view.alert.object
    np.testing.assert_array_equal(median(view)[1], before)
    assert view.model.days_off > 0  # the model still describes what is plotted
    control(view, "days_off").value = 50.0
    assert not view.alert.visible
    control(view, "mass_kg").value = 1.0
    control(view, "window_max_keV").value = 1.0  # below the threshold
    assert view.alert.visible and "window_max_keV" in view.alert.object


# --- served sessions: bands that cost are computed when the sliders rest -------------------------
class ServedDocument:
    """Stands in for a served session's Bokeh document: records the timeouts asked for."""

    session_context = object()

    def __init__(self):
        self.timeouts = []

    def add_timeout_callback(self, callback, milliseconds):
        self.timeouts.append((callback, milliseconds))
        return len(self.timeouts)

    def remove_timeout_callback(self, handle):
        self.timeouts[handle - 1] = None


def test_q_bands_follow_the_median_until_the_exact_ones_are_computed(view, monkeypatch):
    control(view, "y_quantity").value = "q_nu"
    _, old_low, old_high = band(view, "live_1")
    old_median = median(view)[1].copy()
    old_estimate = view.figures["limit"].data(ESTIMATE)[1].copy()
    document = ServedDocument()
    monkeypatch.setattr(view, "_document", lambda: document)
    LIMITS.clear()
    control(view, "mass_kg").value = math.log10(3.0)
    control(view, "mass_kg").value = math.log10(3.1)  # a second move replaces the first timeout
    # one timeout waits, DEFER_MS after the last move: the earlier ones were withdrawn
    assert len(document.timeouts) >= 2 and all(t is None for t in document.timeouts[:-1])
    assert document.timeouts[-1][1] == DEFER_MS
    assert view.pending
    x, new_median = median(view)
    np.testing.assert_allclose(new_median, view.model.scan("threshold_keV", x)["q_limit"], rtol=1e-12)
    _, low, high = band(view, "live_1")  # meanwhile: the old widths on the new median
    np.testing.assert_allclose(low, new_median * old_low / old_median, rtol=1e-12)
    np.testing.assert_allclose(high, new_median * old_high / old_median, rtol=1e-12)
    np.testing.assert_array_equal(view.figures["limit"].data(ESTIMATE)[1], old_estimate)
    view.complete()  # what the served session's timeout runs
    np.testing.assert_allclose(view.figures["limit"].data(ESTIMATE)[1],
                               view.model.scan("threshold_keV", x)["q_estimate"], rtol=1e-12)
    assert not view.pending or document.timeouts[-1] is not None
    _, low, high = band(view, "live_1")
    exact = view.model.scan_limits("threshold_keV", x, "q_nu", (0.025, 0.16, 0.84, 0.975))
    drawn = np.isfinite(low)
    assert drawn.sum() >= 35
    np.testing.assert_allclose(low[drawn], exact[0.16][drawn], rtol=1e-12)
    np.testing.assert_allclose(high[drawn], exact[0.84][drawn], rtol=1e-12)


# --- a limit from a measured spectrum -----------------------------------------------------------
def test_a_good_file_gives_the_models_fit(view):
    data = SAMPLE.read_bytes()
    assert b"generated" in data or b"made by" in data  # the sample says how it was made
    plotted = median(view)[1].copy()
    assert view.load_spectrum(data, "sample_spectrum.csv")
    assert not view.alert.visible
    fit = fit_spectrum(read_spectrum_csv(data), view.model)
    text = view.readout.object
    assert f"μν < {fit.mu_limit:.3g} μ_B" in text and f"|qν| < {fit.q_limit:.3g} e₀" in text
    assert f"best fit μν² = {fit.mu2_best:.3g}" in text
    data_figure, curve_figure = view.upload.figures["data"], view.upload.figures["likelihood"]
    np.testing.assert_allclose(view.upload.points.data["y"],
                               fit.expected["measured_per_keV_kg_day"], rtol=1e-12)
    np.testing.assert_allclose(curve_figure.data("−2 ln λ(μν²)")[1], fit.mu2_delta_chi2, rtol=1e-12)
    expected = fit.expected
    np.testing.assert_allclose(
        data_figure.data("expected: SM + μν at the 90% CL limit")[1],
        expected["sm_per_keV_kg_day"] + fit.mu_limit**2 * expected["magnetic_per_keV_kg_day_per_mu2"],
        rtol=1e-12)
    assert curve_figure.vline_glyphs["90% CL limit"].location == pytest.approx(fit.mu_limit**2, abs=0)
    assert view.upload.area.visible
    np.testing.assert_array_equal(median(view)[1], plotted)  # the sensitivity plot is untouched
    # the sample is a null toy of the preset: its limit lies near the median expected one
    assert fit.mu_limit == pytest.approx(view.model.mu_limit(), rel=0.3, abs=0)
    # the detector changes: the fit follows
    control(view, "mass_kg").value = math.log10(3.0)
    refit = fit_spectrum(read_spectrum_csv(data), view.model)
    assert f"μν < {refit.mu_limit:.3g} μ_B" in view.readout.object
    assert refit.mu_limit != pytest.approx(fit.mu_limit, rel=1e-3, abs=0)


GOOD = SAMPLE.read_bytes().decode()
BAD_FILES = {
    "missing columns": (GOOD.replace("off_counts", "background"), "missing columns"),
    "negative counts": (GOOD.replace(",2818,", ",-2818,"), "negative counts"),
    "non-numeric cell": (GOOD.replace(",2818,", ",lots,"), "non-numeric"),
    "row of the wrong length": (GOOD.replace("3.8,4.8,2818,690", "3.8,4.8,2818,690,7"), "CSV"),
    "overlapping bins": (GOOD.replace("3.8,4.8,", "3.5,4.8,"), "overlap"),
    "missing live time": (GOOD.replace("# on_days", "# on_time"), "on_days"),
    "bins above the end point": ("# on_days = 1\n# off_days = 1\nT_low_keV,T_high_keV,on_counts,"
                                 "off_counts\n20000,20001,5,5\n", "end point"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_message_and_changes_nothing(view, case):
    assert view.load_spectrum(SAMPLE.read_bytes(), "good.csv")
    fit_text = view.readout.object
    plotted = median(view)[1].copy()
    model = dict(view.model.param.values())
    text, message = BAD_FILES[case]
    assert not view.load_spectrum(text.encode(), "bad.csv")
    assert view.alert.visible and message in view.alert.object and "bad.csv" in view.alert.object
    assert view.readout.object == fit_text  # the earlier fit stays
    np.testing.assert_array_equal(median(view)[1], plotted)
    assert dict(view.model.param.values()) == model


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe\x00bad", "UTF-8"),
    (b"#" * (10 * 1024 * 1024 + 1), "10 MB"),
    (b"", "CSV"),
])
def test_unreadable_files_are_refused(view, data, message):
    readout = view.readout.object
    assert not view.load_spectrum(data, "x.csv")
    assert view.alert.visible and message in view.alert.object
    assert view.readout.object == readout and not view.upload.area.visible


def test_the_upload_widget_loads_and_the_spectrum_can_be_removed(view):
    view.upload.input.filename = "sample_spectrum.csv"
    view.upload.input.content = base64.b64encode(SAMPLE.read_bytes()).decode()
    assert "Your spectrum" in view.readout.object and "sample_spectrum.csv" in view.readout.object
    assert view.upload.input.content == ""  # read and emptied: the same file may come again
    view.upload.input.refused = "file larger than 10 MB (big.csv: 17.0 MB)|1700000000"
    assert view.alert.visible and "file larger than 10 MB (big.csv: 17.0 MB)" in view.alert.object
    assert "Your spectrum" in view.readout.object  # nothing changed
    view.upload.clear()
    assert "Your spectrum" not in view.readout.object and not view.upload.area.visible


def test_view_in_the_app():
    from dashboard.tabs import TABS

    assert SensitivityView in TABS and SensitivityView.title == "Reactor sensitivity"
    assert SensitivityView.key == "sensitivity"
