"""Downloads (dashboard.export): each plot's CSV holds the plotted numbers, which are the
model's; file names carry the key parameters.  The PNG/SVG buttons run in the browser
(tests/browser/test_links.py); here: that they exist for every plot and name their files."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("panel")

from dashboard.tabs import TABS  # noqa: E402
from dashboard.export import PlotExport, file_stem  # noqa: E402
from dashboard.oscillation_view import CHANNELS, PROBABILITY_COLUMNS, OscillationView  # noqa: E402
from dashboard.recoil_view import RecoilView  # noqa: E402
from dashboard.sensitivity_view import SensitivityView  # noqa: E402
from dashboard.spin_light_view import LIFETIME, RATE, SpinLightView  # noqa: E402
from dashboard.theory_view import SM, TheoryView  # noqa: E402
from model import ReactorSensitivity, RecoilSpectrum, SpinFlavourOscillation, SpinLight  # noqa: E402
from tests.view_support import control


def exports_of(view) -> dict[str, PlotExport]:
    return view.exports


def read_csv(export: PlotExport) -> tuple[pd.DataFrame, list[str]]:
    text = export.csv_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    return pd.read_csv(io.StringIO(text), comment="#"), header


def test_every_plot_of_every_tab_has_csv_png_and_svg():
    for view_class in TABS:
        title = view_class.title
        view = view_class()
        exports = exports_of(view)
        assert exports, title
        for export in exports.values():
            assert export.csv.label == "CSV" and export.png.label == "PNG" and export.svg.label == "SVG"
            frame, header = read_csv(export)
            assert len(frame) > 1 and any(line.startswith("# x: ") for line in header)
            # The CSV holds exactly what the figure plots.
            for label in export.plot.labels:
                x, y = export.plot.data(label)
                if not np.isfinite(np.asarray(y, dtype=float)).any():
                    continue
                if label in frame:  # wide form: shared x
                    np.testing.assert_allclose(frame[export.plot.x], x, rtol=1e-9)
                    np.testing.assert_allclose(frame[label], y, rtol=1e-9, equal_nan=True)
                else:  # long form
                    rows = frame[frame["curve"] == label]
                    np.testing.assert_allclose(rows[export.plot.x], x, rtol=1e-9)
                    np.testing.assert_allclose(rows[export.plot.y], y, rtol=1e-9, equal_nan=True)


def test_image_buttons_carry_their_script_without_a_panel_link():
    # A Panel link (js_on_click, jslink) makes every later layout change of the page (each
    # tab's first visit) search the whole document for linked models: none may be registered.
    from panel.links import Callback

    registered = len(Callback.registry)
    for view_class in TABS:
        view = view_class()
        view.panel().get_root()
        for export in view.exports.values():
            for button, kind in ((export.png, "png"), (export.svg, "svg")):
                (model,) = button._models.values()
                (script,) = model[0].js_event_callbacks["button_click"]
                assert script.args["kind"] == kind and script.args["fig"] is export.plot.figure
                assert "view.export(\"svg\")" in script.code
    assert len(Callback.registry) == registered, view_class.title


def test_recoil_csv_is_the_model_spectrum():
    spectrum = RecoilSpectrum(mu_nu=2e-11, q_nu=3e-13, target="Si", threshold_keV=1.0)
    view = RecoilView(spectrum)
    frame, header = read_csv(view.exports["spectrum"])
    rates = spectrum.rates(spectrum.recoil_grid_keV())
    np.testing.assert_allclose(frame["T_keV"], rates["T_keV"], rtol=1e-9)
    drawn = lambda y: np.where(y > 0, y, np.nan)  # log axes: what is not positive is a gap
    for label, column in (("SM", "sm"), ("magnetic (μν)", "magnetic"), ("total", "total"),
                          ("charge (q, ⟨r²⟩) > 0", "charge")):
        np.testing.assert_allclose(frame[label], drawn(rates[column].to_numpy()), rtol=1e-12)
    mu_line = next(line for line in header if line.startswith("# RecoilSpectrum.mu_nu = "))
    assert float(mu_line.split("=")[1]) == pytest.approx(2e-11, rel=1e-12, abs=0)
    assert "# marker threshold: 1" in header
    assert view.exports["spectrum"].stem() == "recoil_electron_Si_reactor_mu2e-11_q3e-13_thr1keV"


def test_sensitivity_csv_is_the_model_scan():
    view = SensitivityView(ReactorSensitivity.preset("TEXONO"))
    frame, header = read_csv(view.exports["limit"])
    median = frame[frame["curve"] == "median expected limit (90% CL)"]
    scan = view.model.scan("threshold_keV", median["x"].to_numpy(), bands="mu_nu")
    np.testing.assert_allclose(median["limit"], scan["mu_limit"], rtol=1e-9)
    upper = frame[frame["curve"] == "expected: 97.5% quantile"]  # the bands are in the file
    np.testing.assert_allclose(upper["limit"], scan["mu_limit_q975"], rtol=1e-9)
    assert "# x: threshold T_th [keV]" in header
    control(view, "y_quantity").value = "q_nu"
    frame, header = read_csv(view.exports["limit"])
    median = frame[frame["curve"] == "median expected limit (90% CL)"]
    np.testing.assert_allclose(median["limit"], scan["q_limit"], rtol=1e-9)
    assert not frame["curve"].str.contains("μν <").any()  # the μν lines are not drawn now
    assert view.exports["limit"].stem().startswith("sensitivity_TEXONO_Ge_electron_thr")
    assert view.exports["limit"].stem().endswith("_q_vs-thr")


def test_spin_light_csvs_are_the_model_rates_and_times():
    model = SpinLight(density_cm3=1e39, Y_e=0.05, E_TeV=50.0)
    view = SpinLightView(model)
    rates, _ = read_csv(view.exports["rates"])
    expected = model.rates_vs_energy(rates["E_TeV"].to_numpy())
    open_ = expected["rate_per_s"].to_numpy() > 0
    np.testing.assert_allclose(rates[RATE][open_], expected["rate_per_s"][open_], rtol=1e-9)
    times, _ = read_csv(view.exports["lifetimes"])
    np.testing.assert_allclose(times[LIFETIME][open_], expected["lifetime_s"][open_], rtol=1e-9)


def test_theory_csv_is_the_model_curves():
    view = TheoryView()
    frame, _ = read_csv(view.exports["theory"])
    rows = frame[frame["curve"] == SM]
    expected = view.model.moment_curves(rows["m_nu_eV"].to_numpy())["sm_dirac"]
    np.testing.assert_allclose(rows["mu_B"], expected, rtol=1e-9)


def test_oscillation_csv_is_the_model_probabilities():
    model = SpinFlavourOscillation(mu12=2e-12, B_perp_gauss=3e8, density_g_cm3=50.0)
    view = OscillationView(model)
    frame, _ = read_csv(view.exports["distance"])
    x = frame["x_km"].to_numpy()
    exact = model.probability_array(x)
    for i, column in enumerate(PROBABILITY_COLUMNS):
        np.testing.assert_allclose(frame[CHANNELS[column][0]], exact[:, i], rtol=1e-12, atol=1e-15)


def test_file_names_follow_the_parameters():
    view = RecoilView()
    control(view, "mu_nu").value = -10.0
    assert view.exports["spectrum"].save_tool.filename == "recoil_electron_Ge_reactor_mu1e-10_q0_thr2.8keV"
    assert view.exports["spectrum"]._csv_file().read().startswith("# νEM Explorer")
    assert view.exports["spectrum"].csv.filename == "recoil_electron_Ge_reactor_mu1e-10_q0_thr2.8keV.csv"


def test_file_stem_keeps_names_safe():
    assert file_stem("a b", "c/d", None, "", "1e-11") == "a-b_c-d_1e-11"
    assert file_stem("", None) == "plot"
