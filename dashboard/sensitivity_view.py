"""The "Reactor sensitivity" tab: median expected mu_nu and q_nu limits of a
:class:`model.ReactorSensitivity` versus threshold, beside published limits.

A change of threshold only moves the marker and the readouts; any other change re-runs the
(vectorised) threshold scan of the model.
"""

from __future__ import annotations

import functools
import math

import holoviews as hv
import numpy as np
import panel as pn
import param

from model import ReactorSensitivity, limits
from model.sensitivity import PRESETS, SENSITIVITY_TARGETS

from .export import PlotExport, file_stem, number
from .live_plot import LiveOverlay, Readout, apply_to_model
from .url_state import UrlField
from .widgets import error_alert, log_slider

CUSTOM = "custom"
SCAN_POINTS = 40
SCAN_LOWEST_KEV = 0.01
# Published limits drawn as reference lines: (experiment, year) rows of assets/limits.csv.
MU_REFERENCE_LINES = (("GEMMA", 2012), ("TEXONO", 2007), ("MUNU", 2005), ("CONUS", 2026),
                      ("Borexino Phase-II", 2017), ("XENONnT", 2022))
Q_REFERENCE_LINES = (("GEMMA", 2014), ("TEXONO", 2014), ("CONUS", 2026))
LINE_COLOURS = ("#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")
MARKER_STYLE = {"color": "#7f7f7f", "line_dash": "dotted"}
AXIS_LIMITS = {"mu": (1e-13, 1e-8), "q": (1e-15, 1e-9)}


def _reference_lines(quantity: str, rows, x_range) -> list[hv.Element]:
    """Published limits as labelled horizontal segments, values from the catalogue."""
    elements = []
    for (experiment, year), colour in zip(rows, LINE_COLOURS):
        value = limits.published_limit(quantity, experiment, year)
        elements.append(hv.Curve([(x_range[0], value), (x_range[1], value)], "threshold_keV",
                                 "limit", label=f"{experiment} {year}: {value:.2g}").opts(
            color=colour, line_dash="dashed", line_width=1.5))
    return elements


def _astrophysical_band() -> hv.HSpan:
    """The spread of the astrophysical mu_nu bounds of the catalogue."""
    astro = limits.load("mu_nu")
    values = astro.loc[astro["astrophysical"], "high"].dropna()
    return hv.HSpan(values.min(), values.max()).opts(color="#ff7f0e", alpha=0.15)


@functools.cache
def _preset_values() -> dict[str, dict]:
    return {name: {k: v for k, v in ReactorSensitivity.preset(name).param.values().items()
                   if k != "name"} for name in PRESETS}


class SensitivityView(param.Parameterized):
    """Widgets, plots and readouts for one :class:`ReactorSensitivity`.

    ``SensitivityView(ReactorSensitivity.preset("GEMMA-2012")).panel()`` in a notebook.
    """

    # Query-string names of the widgets (dashboard.url_state).  A preset sets all the others,
    # so a link with a preset carries them all; "custom" follows from the values themselves.
    URL_FIELDS = (
        UrlField("preset", "preset", implied=(CUSTOM,)),
        *(UrlField(name, widget, log10=log10, follows="preset") for name, widget, log10 in (
            ("target", "target", False), ("binding", "binding", False),
            ("threshold_keV", "threshold_exponent", True), ("window_max_keV", "window_max", False),
            ("resolution_keV", "resolution", False), ("mass_kg", "mass_exponent", True),
            ("background_per_keV_kg_day", "background_exponent", True),
            ("days_on", "days_on", False), ("days_off", "days_off", False),
            ("flux_from", "flux_mode", False), ("flux_cm2_s", "flux_exponent", True),
            ("thermal_power_GW", "power", False), ("distance_m", "distance", False))),
    )

    def __init__(self, sensitivity: ReactorSensitivity | None = None, **params):
        super().__init__(**params)
        self.model = sensitivity if sensitivity is not None else ReactorSensitivity.preset("GEMMA-2012")
        m = self.model
        self.preset = pn.widgets.Select(label="preset", options=[CUSTOM, *PRESETS],
                                        value=self._matching_preset())
        self.threshold_exponent = log_slider("threshold [keV]", -2.0, 3.5,
                                             math.log10(m.threshold_keV), step=0.02)
        self.mass_exponent = log_slider("mass [kg]", -2.0, 4.0, math.log10(m.mass_kg), step=0.02)
        self.background_exponent = log_slider(
            "background [/(keV·kg·day)]", -4.0, 3.0,
            math.log10(max(m.background_per_keV_kg_day, 1e-4)), step=0.02)
        self.days_on = pn.widgets.FloatInput(label="days ON", value=m.days_on, start=0.0, step=10.0)
        self.days_off = pn.widgets.FloatInput(label="days OFF", value=m.days_off, start=0.0, step=10.0)
        self.flux_mode = pn.widgets.RadioButtonGroup(
            label="flux from", options=["flux", "power & distance"],
            value="flux" if m.flux_cm2_s is not None else "power & distance")
        self.flux_exponent = log_slider("flux [cm⁻² s⁻¹]", 10.0, 15.0,
                                        math.log10(m.total_flux_cm2_s()), step=0.01)
        self.power = pn.widgets.FloatInput(label="thermal power [GW]", value=m.thermal_power_GW,
                                           start=0.0, step=0.1)
        self.distance = pn.widgets.FloatInput(label="distance [m]", value=m.distance_m,
                                              start=0.0, step=0.5)
        self.target = pn.widgets.Select(label="target", options=list(SENSITIVITY_TARGETS),
                                        value=m.target)
        self.binding = pn.widgets.RadioButtonGroup(label="binding", options=["stepping", "free"],
                                                   value=m.binding)
        self.window_max = pn.widgets.FloatInput(label="window upper edge [keV]",
                                                value=m.window_max_keV, start=0.0, step=10.0)
        self.resolution = pn.widgets.FloatInput(label="resolution σ [keV]", value=m.resolution_keV,
                                                start=0.0, step=0.05)
        self.alert = error_alert()
        self.readout = Readout(height=130)
        self._batch = False
        self.scan_frame = None
        self.mu_plot = self.q_plot = None

        for widget in (self.threshold_exponent,):
            widget.param.watch(self._on_threshold, "value")
        for widget in (self.mass_exponent, self.background_exponent, self.days_on, self.days_off,
                       self.flux_mode, self.flux_exponent, self.power, self.distance, self.target,
                       self.binding, self.window_max, self.resolution):
            widget.param.watch(self._on_change, "value")
        self.preset.param.watch(self._on_preset, "value")
        self._on_change()
        self.exports = {name: PlotExport(plot, self.model, self.export_stem, name)
                        for name, plot in (("mu", self.mu_plot), ("q", self.q_plot))}

    def export_stem(self) -> str:
        """Download file names: tab, preset, target, threshold, mass and background."""
        m = self.model
        return file_stem("sensitivity", self.preset.value, m.target,
                         f"thr{number(m.threshold_keV)}keV", f"{number(m.mass_kg)}kg",
                         f"bkg{number(m.background_per_keV_kg_day)}")

    # --- widgets -> model -------------------------------------------------------------------
    def _matching_preset(self) -> str:
        """The preset the model's parameters equal (up to slider round-off), else custom."""
        values = self.model.param.values()

        def same(a, b):
            if isinstance(a, float) and isinstance(b, float):
                return math.isclose(a, b, rel_tol=1e-9)
            return a == b

        for name, preset_values in _preset_values().items():
            if all(same(values[k], v) for k, v in preset_values.items()):
                return name
        return CUSTOM

    def _widget_values(self) -> dict:
        by_flux = self.flux_mode.value == "flux"
        return dict(
            threshold_keV=10.0**self.threshold_exponent.value,
            mass_kg=10.0**self.mass_exponent.value,
            background_per_keV_kg_day=10.0**self.background_exponent.value,
            days_on=self.days_on.value, days_off=self.days_off.value,
            flux_cm2_s=10.0**self.flux_exponent.value if by_flux else None,
            thermal_power_GW=self.power.value, distance_m=self.distance.value,
            target=self.target.value, binding=self.binding.value,
            window_max_keV=self.window_max.value, resolution_keV=self.resolution.value)

    def _on_preset(self, event):
        if event.new == CUSTOM:
            return
        preset = ReactorSensitivity.preset(event.new)
        self._batch = True
        try:
            self.model.param.update({k: v for k, v in preset.param.values().items() if k != "name"})
            m = self.model
            self.threshold_exponent.value = math.log10(m.threshold_keV)
            self.mass_exponent.value = math.log10(m.mass_kg)
            self.background_exponent.value = math.log10(max(m.background_per_keV_kg_day, 1e-4))
            self.days_on.value, self.days_off.value = m.days_on, m.days_off
            self.flux_mode.value = "flux" if m.flux_cm2_s is not None else "power & distance"
            self.flux_exponent.value = math.log10(m.total_flux_cm2_s())
            self.power.value, self.distance.value = m.thermal_power_GW, m.distance_m
            self.target.value, self.binding.value = m.target, m.binding
            self.window_max.value, self.resolution.value = m.window_max_keV, m.resolution_keV
        finally:
            self._batch = False
        self._on_change()

    def _on_threshold(self, *events):
        if not self._batch:  # the scan does not depend on the threshold: skip it
            apply_to_model(self.model, self._widget_values(), self._refresh_marker, self.alert)

    def _on_change(self, *events):
        if not self._batch:
            apply_to_model(self.model, self._widget_values(), self.refresh, self.alert)

    # --- model -> plots and readouts --------------------------------------------------------
    def _scan_thresholds(self) -> np.ndarray:
        m = self.model
        top = min(m.window_max_keV, m.max_recoil_keV()) / 1.05
        return np.geomspace(SCAN_LOWEST_KEV, max(top, 1.01 * SCAN_LOWEST_KEV), SCAN_POINTS)

    def refresh(self):
        """Re-run the threshold scan and redraw everything."""
        self.scan_frame = self.model.scan("threshold_keV", self._scan_thresholds())
        self.summary = self.model.summary()
        if self.mu_plot is None:
            self._build_figures()
            self.readout.object = self._readout_text()
            return
        with pn.io.hold():
            self._update_figures()
            self._mark_custom_if_changed()
            self.readout.object = self._readout_text()

    def _refresh_marker(self):
        self.summary = self.model.summary()
        with pn.io.hold():
            for plot in (self.mu_plot, self.q_plot):
                plot.update({}, vlines={"threshold": self.model.threshold_keV})
            self._mark_custom_if_changed()
            self.readout.object = self._readout_text()

    def _mark_custom_if_changed(self):
        """Show "custom" once the parameters leave the chosen preset."""
        if self.preset.value != CUSTOM and self._matching_preset() == CUSTOM:
            self._batch = True
            try:
                self.preset.value = CUSTOM
            finally:
                self._batch = False


    def _curves(self):
        f = self.scan_frame
        T = f["threshold_keV"].to_numpy()
        return ({"μν sensitivity (median, 90% CL)": (T, f["mu_limit"].to_numpy())},
                {"direct |qν| sensitivity": (T, f["q_limit"].to_numpy()),
                 "estimate from μν (Studenikin)": (T, f["q_estimate"].to_numpy())})

    def _build_figures(self):
        mu_curves, q_curves = self._curves()
        x_range = (SCAN_LOWEST_KEV, 1e4)
        common = dict(logx=True, logy=True, legend_position="top_left", min_height=340,
                      xlabel="threshold T_th [keV]", xlim=(SCAN_LOWEST_KEV, self._x_max()),
                      vlines={"threshold": (self.model.threshold_keV, MARKER_STYLE)})
        self.mu_plot = LiveOverlay(
            mu_curves, {"μν sensitivity (median, 90% CL)": {"color": "#d62728"}},
            x="threshold_keV", y="limit", ylabel="μν 90% CL limit [μ_B]", ylim=AXIS_LIMITS["mu"],
            title="Magnetic moment: median expected limit vs threshold",
            static=[_astrophysical_band(), *_reference_lines("mu_nu", MU_REFERENCE_LINES, x_range)],
            **common)
        self.q_plot = LiveOverlay(
            q_curves, {"direct |qν| sensitivity": {"color": "#2ca02c"},
                       "estimate from μν (Studenikin)": {"color": "#2ca02c", "line_dash": "dashed"}},
            x="threshold_keV", y="limit", ylabel="|qν| 90% CL limit [e₀]", ylim=AXIS_LIMITS["q"],
            title="Millicharge reach vs threshold",
            static=_reference_lines("q_nu", Q_REFERENCE_LINES, x_range), **common)

    def _x_max(self) -> float:
        return float(self.scan_frame["threshold_keV"].iloc[-1]) * 1.05

    def _update_figures(self):
        mu_curves, q_curves = self._curves()
        x_range = (SCAN_LOWEST_KEV, self._x_max())
        marker = {"threshold": self.model.threshold_keV}
        self.mu_plot.update(mu_curves, x_range=x_range, vlines=marker)
        self.q_plot.update(q_curves, x_range=x_range, vlines=marker)

    def _readout_text(self) -> str:
        m, now = self.model, self.summary
        counts = now
        lines = [
            f"**At {m.threshold_keV:.3g} keV** (window to {m.window_max_keV:.3g} keV, "
            f"{int(counts['bins'])} bins): μν < **{now['mu_limit']:.3g}** μ_B, "
            f"|qν| < **{now['q_limit']:.3g}** e₀ (direct); Studenikin's estimate from μν: "
            f"{now['q_estimate']:.3g} e₀",
            f"**Counts** (ON): background {counts['background_on']:.4g}, SM ν–e "
            f"{counts['sm_on']:.4g}, μν signal at the limit {counts['magnetic_on_at_limit']:.3g}; "
            f"OFF background {counts['background_off']:.4g}. Flux {m.total_flux_cm2_s():.3g} cm⁻² s⁻¹",
        ]
        name = self.preset.value
        if name != CUSTOM and name in PRESETS:
            preset = PRESETS[name]
            if preset.mu_published is not None:
                published = limits.published_limit("mu_nu", *preset.mu_published)
                lines.append(f"**{name}** published μν < {published:.3g} μ_B; "
                             f"model / published = **{now['mu_limit'] / published:.2f}**")
            if preset.q_published is not None:
                published_q = limits.published_limit("q_nu", *preset.q_published)
                lines.append(f"published |qν| < {published_q:.3g} e₀; model / published = "
                             f"{now['q_limit'] / published_q:.2f}")
            if preset.assumed:
                lines.append(f"*Assumed, not from the papers:* {', '.join(preset.assumed)}")
        return "  \n".join(lines)

    # --- layout -----------------------------------------------------------------------------
    def controls(self) -> pn.Column:
        return pn.Column(
            self.preset, "### Detector", self.target, self.binding, self.threshold_exponent,
            self.window_max, self.mass_exponent, self.background_exponent, self.resolution,
            "### Exposure", self.days_on, self.days_off,
            "### Source", self.flux_mode, self.flux_exponent, self.power, self.distance,
            width=320)

    def panel(self) -> pn.Row:
        plots = pn.Column(self.alert, self.mu_plot.pane(min_height=360),
                          self.exports["mu"].buttons(), self.q_plot.pane(min_height=360),
                          self.exports["q"].buttons(), self.readout,
                          sizing_mode="stretch_both")
        return pn.Row(self.controls(), plots, sizing_mode="stretch_both")

    def __panel__(self):
        return self.panel()
