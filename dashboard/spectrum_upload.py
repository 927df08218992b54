"""A limit from your own data, in the "Reactor sensitivity" tab: upload a measured spectrum
(CSV), fit it with the tab's detector (:func:`model.fit_spectrum`) and draw the data, the
expected curves and the likelihood curve.  Presentation only: reading, validation, the fit and
its limits are the model's (:mod:`model.spectrum_fit`).

A bad file (missing columns, negative counts, non-numeric cells, bins that overlap or are out
of order, rows of the wrong length, more than 10 MB, not UTF-8) is refused with the model's
message in the tab's alert, and nothing changes: the plot, the model and any earlier fit stay.
"""

from __future__ import annotations

import base64
import binascii
import logging
from pathlib import Path

import numpy as np
import panel as pn
import param
from bokeh.core.properties import value as bokeh_value
from bokeh.models import ColumnDataSource, LegendItem, Scatter, Segment
from panel.custom import JSComponent

from model import fit_spectrum, read_spectrum_csv
from model.spectrum_fit import MAX_FILE_BYTES, MAX_SPECTRUM_BINS

from .live_plot import LiveOverlay

log = logging.getLogger(__name__)

SAMPLE = Path(__file__).resolve().parents[1] / "assets" / "sample_spectrum.csv"
FIT_PARAMETERS = ("target", "binding", "channel", "quenching_k", "mass_kg", "flux_cm2_s",
                  "thermal_power_GW", "distance_m", "fuel", "resolution_keV", "sin2_theta_w")
"""The detector parameters a fit depends on (the data's bins and live times replace the
threshold, window and days)."""

DATA = "measured ON − OFF (±1σ)"
SM = "expected: Standard Model"
AT_LIMIT = "expected: SM + μν at the 90% CL limit"
BEST = "expected: SM + best fit"
CURVE = "−2 ln λ(μν²)"
LEVEL = "level at the 90% CL limit"

FORMAT_NOTE = f"""
**Your measured spectrum** (CSV, one row per energy bin, keV on the detector's axis: keVee for
CEvNS):

`T_low_keV,T_high_keV,on_counts,off_counts`, with the live times as comment lines
`# on_days = 755.6` and `# off_days = 187.0`; or `T_low_keV,T_high_keV,residual,sigma`: the
ON − OFF rate and its standard deviation in counts/(keV·kg·day).

Bins increasing and not overlapping, counts ≥ 0, at most {MAX_SPECTRUM_BINS} bins and
{MAX_FILE_BYTES // (1024 * 1024)} MB. Mass, flux, target and channel are the tab's detector:
the fit follows when they change. The sample is a toy of the GEMMA-2012 preset.
"""


class CsvFileInput(JSComponent):
    """A file input that reads one file in the browser and sends it only if it is at most
    ``max_bytes`` long (base64 in ``content``, its name in ``filename``); a longer one is not
    sent, and ``refused`` says why.  Panel's FileInput sends any file: one above ~15 MB makes a
    websocket message beyond the server's 20 MB limit, and the server closes the session."""

    filename = param.String(default="", doc="Name of the last file sent.")
    content = param.String(default="", doc="The file's bytes, base64; emptied once read.")
    refused = param.String(default="", doc="Why the browser did not send a file (+ '|' nonce).")
    max_bytes = param.Integer(default=MAX_FILE_BYTES, doc="Largest file sent, bytes.")

    _esm = """
    export function render({ model }) {
      const input = document.createElement("input");
      input.type = "file";
      input.accept = ".csv,text/csv,text/plain";
      input.style.width = "100%";
      input.addEventListener("change", () => {
        const file = input.files[0];
        if (!file) { return; }
        if (file.size > model.max_bytes) {
          const mb = (n) => (n / 1048576).toFixed(1);
          model.refused = `file larger than ${Math.round(model.max_bytes / 1048576)} MB ` +
                          `(${file.name}: ${mb(file.size)} MB)|${Date.now()}`;
          input.value = "";
          return;
        }
        const reader = new FileReader();
        reader.onload = () => {
          const bytes = new Uint8Array(reader.result);
          let binary = "";
          for (let i = 0; i < bytes.length; i += 0x8000) {
            binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
          }
          model.filename = file.name;
          model.content = btoa(binary);
          input.value = "";  // the same file can be chosen again
        };
        reader.readAsArrayBuffer(file);
      });
      return input;
    }
    """


class SpectrumUpload:
    """The upload controls, the fit of the uploaded spectrum and its two figures, for one
    :class:`dashboard.sensitivity_view.SensitivityView` (``view``: its model and alert)."""

    def __init__(self, view):
        self.view = view
        self.spectrum = None
        self.name = ""
        self.fit = None
        self.error = ""
        self.fit_key = None
        self.stale = False
        self.figures: dict[str, LiveOverlay] = {}
        self.input = CsvFileInput(sizing_mode="stretch_width", height=40)
        self.input.param.watch(self._uploaded, "content")
        self.input.param.watch(self._refused_in_browser, "refused")
        self.clear_button = pn.widgets.Button(label="Remove the spectrum", color="light",
                                              disabled=True, sizing_mode="stretch_width")
        self.clear_button.on_click(lambda event: self.clear())
        self.sample = pn.widgets.FileDownload(file=str(SAMPLE), filename="sample_spectrum.csv",
                                              label="Sample file (CSV)", color="light",
                                              sizing_mode="stretch_width", embed=False,
                                              visible=SAMPLE.exists())  # not in a wheel
        self.area = pn.Column(sizing_mode="stretch_width", visible=False)

    # --- controls ----------------------------------------------------------------------------
    def controls(self) -> pn.Card:
        return pn.Card(pn.pane.Markdown(FORMAT_NOTE, styles={"font-size": "0.85em"}),
                       self.input, self.sample, self.clear_button,
                       title="Limit from your data", collapsed=False, sizing_mode="stretch_width")

    def _uploaded(self, event) -> None:
        if not event.new:
            return
        try:
            data = base64.b64decode(event.new, validate=True)
        except (binascii.Error, ValueError):
            self._refuse(self.input.filename, "the file did not arrive whole")
        else:
            self.load(data, self.input.filename)
        finally:
            self.input.content = ""  # read: the same file may be sent again

    def _refused_in_browser(self, event) -> None:
        if event.new:
            self._refuse("", event.new.rpartition("|")[0] or event.new)

    # --- loading and fitting -----------------------------------------------------------------
    def load(self, data: bytes, name: str = "") -> bool:
        """Read, validate and fit ``data`` (the bytes of a CSV file); on a bad file show why
        in the view's alert and change nothing.  Returns success."""
        view = self.view
        try:
            if not isinstance(data, (bytes, bytearray)):
                raise ValueError("expected the bytes of one CSV file")
            spectrum = read_spectrum_csv(bytes(data))
            fit = fit_spectrum(spectrum, view.model)
        except ValueError as error:
            self._refuse(name, str(error))
            return False
        except Exception:  # a reader's failure we did not foresee: never the session's
            log.exception("spectrum upload %r failed", name)
            self._refuse(name, "the file could not be read as a spectrum table")
            return False
        self.spectrum, self.name, self.fit, self.error = spectrum, name, fit, ""
        self.fit_key, self.stale = self.key(), False
        with pn.io.hold():
            view.alert.visible = False
            self.draw()
            view.readout.object = view.readout_text()
        return True

    def _refuse(self, name: str, message: str) -> None:
        where = f" ({name})" if name else ""
        self.view.alert.object = f"**Spectrum not used**{where}: {message}. Nothing was changed."
        self.view.alert.visible = True

    def key(self) -> tuple:
        model = self.view.model
        return tuple(getattr(model, name) for name in FIT_PARAMETERS)

    def refit(self, defer: bool) -> None:
        """After a change of the detector: fit again (now, or marked stale for later)."""
        if self.spectrum is None or self.key() == self.fit_key:
            self.stale = False
            return
        if defer:
            self.stale = True
            return
        self.fit_key, self.stale = self.key(), False
        try:
            self.fit, self.error = fit_spectrum(self.spectrum, self.view.model), ""
        except ValueError as error:
            self.fit, self.error = None, str(error)

    def clear(self) -> None:
        """Forget the spectrum and its fit."""
        self.spectrum, self.fit, self.name, self.error, self.stale = None, None, "", "", False
        with pn.io.hold():
            self.area.visible = False
            self.clear_button.disabled = True
            self.view.readout.object = self.view.readout_text()

    # --- figures -----------------------------------------------------------------------------
    def _curves(self):
        fit, spectrum = self.fit, self.spectrum
        expected = fit.expected if fit is not None else None
        centres = np.sqrt(spectrum["T_low_keV"].to_numpy() * spectrum["T_high_keV"].to_numpy())
        nan = np.full_like(centres, np.nan)
        if expected is None:
            data = {SM: (centres, nan), AT_LIMIT: (centres, nan), BEST: (centres, nan)}
            return centres, data, {CURVE: (np.array([0.0, 1.0]), np.full(2, np.nan)),
                                   LEVEL: (np.array([0.0, 1.0]), np.full(2, np.nan))}
        sm = expected["sm_per_keV_kg_day"].to_numpy()
        magnetic = expected["magnetic_per_keV_kg_day_per_mu2"].to_numpy()
        data = {SM: (centres, sm), AT_LIMIT: (centres, sm + fit.mu_limit**2 * magnetic),
                BEST: (centres, sm + fit.mu2_best * magnetic)}
        at_limit = float(np.interp(fit.mu_limit**2, fit.mu2_grid, fit.mu2_delta_chi2))
        span = fit.mu2_grid[[0, -1]]
        likelihood = {CURVE: (fit.mu2_grid, fit.mu2_delta_chi2),
                      LEVEL: (span, np.full(2, at_limit))}
        return centres, data, likelihood

    def measured(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Bin centres, the measured ON − OFF rates and their ±1σ (counts/(keV kg day))."""
        fit, spectrum = self.fit, self.spectrum
        centres = np.sqrt(spectrum["T_low_keV"].to_numpy() * spectrum["T_high_keV"].to_numpy())
        if fit is None:
            return centres, np.full_like(centres, np.nan), np.full_like(centres, np.nan)
        widths = (spectrum["T_high_keV"] - spectrum["T_low_keV"]).to_numpy()
        if spectrum.attrs["kind"] == "residual":
            error = spectrum["sigma"].to_numpy()
        else:  # Poisson sqrt(n) of the ON and OFF counts, as rates per kg day and keV
            mass = self.view.model.mass_kg
            X_on, X_off = mass * spectrum.attrs["on_days"], mass * spectrum.attrs["off_days"]
            error = np.sqrt(spectrum["on_counts"].to_numpy() / X_on**2
                            + spectrum["off_counts"].to_numpy() / X_off**2) / widths
        return centres, fit.expected["measured_per_keV_kg_day"].to_numpy(), error

    def draw(self) -> None:
        """Build the two figures on the first spectrum, update them in place afterwards."""
        centres, data_curves, likelihood = self._curves()
        x, y, error = self.measured()
        points = {"x": x, "y": y, "low": y - error, "high": y + error}
        if not self.figures:
            data = LiveOverlay(data_curves, {SM: {"color": "#1f77b4"},
                                             AT_LIMIT: {"color": "#d62728", "line_dash": "dashed"},
                                             BEST: {"color": "#2ca02c"}},
                               x="T_keV", y="rate", logx=True, min_height=320,
                               legend_position="top_right", xlabel="energy T [keV]",
                               ylabel="ON − OFF [counts / (keV · kg · day)]",
                               title="Your spectrum and the expected ON − OFF rates")
            self.points = ColumnDataSource(points)
            figure = data.figure
            bars = figure.add_glyph(self.points, Segment(x0="x", y0="low", x1="x", y1="high",
                                                         line_color="#000000"))
            dots = figure.add_glyph(self.points, Scatter(x="x", y="y", size=5,
                                                         fill_color="#000000", line_color="#000000"))
            figure.legend[0].items.insert(0, LegendItem(label=bokeh_value(DATA),
                                                        renderers=[dots, bars]))
            curve = LiveOverlay(likelihood, {CURVE: {"color": "#d62728"},
                                             LEVEL: {"color": "#7f7f7f", "line_dash": "dotted"}},
                                x="mu2", y="delta_chi2", min_height=280, legend_position="top_left",
                                vlines={"best fit": (self._mu2(), {"color": "#2ca02c"}),
                                        "90% CL limit": (self._limit2(), {"color": "#d62728",
                                                                           "line_dash": "dashed"})},
                                xlabel="μν² [μ_B²]", ylabel="−2 ln λ (from the best fit)",
                                title="Profile likelihood of μν² (the limit keeps μν² ≥ 0)")
            self.figures = {"data": data, "likelihood": curve}
            self.area.objects = [data.pane(420), curve.pane(360)]
        else:
            self.figures["data"].update(data_curves)
            self.figures["likelihood"].update(likelihood, vlines={"best fit": self._mu2(),
                                                                  "90% CL limit": self._limit2()})
            self.points.data = points
        self.area.visible = True
        self.clear_button.disabled = False

    def _mu2(self) -> float:
        return self.fit.mu2_best if self.fit is not None else 0.0

    def _limit2(self) -> float:
        return self.fit.mu_limit**2 if self.fit is not None else 0.0

    # --- readout -----------------------------------------------------------------------------
    def lines(self) -> list[str]:
        if self.spectrum is None:
            return []
        spectrum = self.spectrum
        kind = "ON/OFF counts" if spectrum.attrs["kind"] == "on_off" else "ON − OFF residual"
        head = f"**Your spectrum** ({self.name or 'uploaded'}, {len(spectrum)} bins, {kind})"
        if self.stale:
            return [f"{head}: fitting again with the changed detector…"]
        fit = self.fit
        if fit is None:
            return [f"{head}: no fit with this detector: {self.error}"]
        low, high = fit.mu2_interval_68
        q_low, q_high = fit.q_interval
        return [f"{head}: best fit μν² = {fit.mu2_best:.3g} μ_B² (68%: {low:.3g} … {high:.3g}); "
                f"90% CL **μν < {fit.mu_limit:.3g} μ_B**; qν = {fit.q_best:.3g} e₀, 90% CL "
                f"[{q_low:.3g}, {q_high:.3g}], **|qν| < {fit.q_limit:.3g} e₀**"]
