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
import param

from model import ReactorSensitivity, limits
from model.sensitivity import PRESETS, SENSITIVITY_TARGETS

from .export import number
from .formula_notes import SENSITIVITY
from .live_plot import LiveOverlay
from .view_base import BenchMove, Binding, TabView

CUSTOM = "custom"
SCAN_POINTS = 40
SCAN_LOWEST_KEV = 0.01
MU_CURVE = "μν sensitivity (median, 90% CL)"
FLUX_MODES = {"flux": 1.0, "power & distance": None}  # power & distance: flux_cm2_s = None
# Published limits drawn as reference lines: (experiment, year) rows of the limits catalogue.
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


def matching_preset(model: ReactorSensitivity) -> str:
    """The preset the model's parameters equal (up to slider round-off), else custom."""
    values = model.param.values()

    def same(a, b):
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9)
        return a == b

    for name, preset_values in _preset_values().items():
        if all(same(values[k], v) for k, v in preset_values.items()):
            return name
    return CUSTOM


def _preset_parameters(name: str, view) -> dict:
    return {} if name == CUSTOM else dict(_preset_values()[name])


class SensitivityView(TabView):
    """Widgets, plots and readouts for one :class:`ReactorSensitivity`.

    ``SensitivityView(ReactorSensitivity.preset("GEMMA-2012")).panel()`` in a notebook.
    """

    key, title, note = "sensitivity", "Reactor sensitivity", SENSITIVITY
    summary = ("median expected 90% CL limits on μν and |qν| versus threshold for a reactor "
               "detector (presets of real experiments), beside the published limits.")
    model = param.ClassSelector(class_=ReactorSensitivity, doc="The detector shown.")
    BENCH = BenchMove("mass_kg", MU_CURVE)
    PINS = {"mu": MU_CURVE}
    READOUT_HEIGHT = 130
    # A preset sets all the others, so a link with a preset carries them all ("follows");
    # "custom" follows from the values themselves.
    BINDINGS = (
        Binding("preset", "preset", "select", param="", options=[CUSTOM, *PRESETS],
                read=matching_preset, implies=_preset_parameters, implied=(CUSTOM,)),
        Binding("target", "target", "select", options=list(SENSITIVITY_TARGETS),
                follows="preset", section="Detector"),
        Binding("binding", "binding", "radio", options=["stepping", "free"], follows="preset"),
        Binding("threshold_keV", "threshold [keV]", "log", start=-2.0, end=3.5, step=0.02,
                redraw="refresh_marker", follows="preset"),
        Binding("window_max_keV", "window upper edge [keV]", "number", start=0.0, step=10.0,
                follows="preset"),
        Binding("mass_kg", "mass [kg]", "log", start=-2.0, end=4.0, step=0.02, follows="preset"),
        Binding("background_per_keV_kg_day", "background [/(keV·kg·day)]", "log", start=-4.0,
                end=3.0, step=0.02, fallback=1e-4, follows="preset"),
        Binding("resolution_keV", "resolution σ [keV]", "number", start=0.0, step=0.05,
                follows="preset"),
        Binding("days_on", "days ON", "number", start=0.0, step=10.0, follows="preset",
                section="Exposure"),
        Binding("days_off", "days OFF", "number", start=0.0, step=10.0, follows="preset"),
        Binding("flux_from", "flux from", "radio", param="", options=list(FLUX_MODES),
                factors=FLUX_MODES, follows="preset", section="Source"),
        Binding("flux_cm2_s", "flux [cm⁻² s⁻¹]", "log", start=10.0, end=15.0, step=0.01,
                gate="flux_from", read=ReactorSensitivity.total_flux_cm2_s, follows="preset"),
        Binding("thermal_power_GW", "thermal power [GW]", "number", start=0.0, step=0.1,
                follows="preset"),
        Binding("distance_m", "distance [m]", "number", start=0.0, step=0.5, follows="preset"),
    )

    @classmethod
    def default_model(cls) -> ReactorSensitivity:
        return ReactorSensitivity.preset("GEMMA-2012")

    def stem_parts(self) -> tuple:
        """Download file names: preset, target, threshold, mass and background."""
        m = self.model
        return (self.widgets["preset"].value, m.target, f"thr{number(m.threshold_keV)}keV",
                f"{number(m.mass_kg)}kg", f"bkg{number(m.background_per_keV_kg_day)}")

    def after_update(self) -> None:
        """Show "custom" once the parameters leave the chosen preset."""
        preset = self.widgets["preset"]
        if preset.value != CUSTOM and matching_preset(self.model) == CUSTOM:
            self._syncing = True
            try:
                preset.value = CUSTOM
            finally:
                self._syncing = False

    # --- model -> plots and readouts --------------------------------------------------------
    def _scan_thresholds(self) -> np.ndarray:
        m = self.model
        top = min(m.window_max_keV, m.max_recoil_keV()) / 1.05
        return np.geomspace(SCAN_LOWEST_KEV, max(top, 1.01 * SCAN_LOWEST_KEV), SCAN_POINTS)

    def compute(self) -> None:
        """Re-run the threshold scan (the threshold itself only moves the marker)."""
        self.scan_frame = self.model.scan("threshold_keV", self._scan_thresholds())
        self.summary = self.model.summary()

    def refresh_marker(self) -> None:
        """After a threshold move: the marker and the readouts, without a new scan."""
        self.summary = self.model.summary()
        for plot in self.figures.values():
            plot.update({}, vlines={"threshold": self.model.threshold_keV})
        self.readout.object = self.readout_text()

    def _curves(self):
        f = self.scan_frame
        T = f["threshold_keV"].to_numpy()
        return ({MU_CURVE: (T, f["mu_limit"].to_numpy())},
                {"direct |qν| sensitivity": (T, f["q_limit"].to_numpy()),
                 "estimate from μν (Studenikin)": (T, f["q_estimate"].to_numpy())})

    def build_figures(self) -> dict[str, LiveOverlay]:
        mu_curves, q_curves = self._curves()
        x_range = (SCAN_LOWEST_KEV, 1e4)
        common = dict(logx=True, logy=True, legend_position="top_left", min_height=340,
                      xlabel="threshold T_th [keV]", xlim=(SCAN_LOWEST_KEV, self._x_max()),
                      vlines={"threshold": (self.model.threshold_keV, MARKER_STYLE)})
        mu_plot = LiveOverlay(
            mu_curves, {MU_CURVE: {"color": "#d62728"}},
            x="threshold_keV", y="limit", ylabel="μν 90% CL limit [μ_B]", ylim=AXIS_LIMITS["mu"],
            title="Magnetic moment: median expected limit vs threshold",
            static=[_astrophysical_band(), *_reference_lines("mu_nu", MU_REFERENCE_LINES, x_range)],
            **common)
        q_plot = LiveOverlay(
            q_curves, {"direct |qν| sensitivity": {"color": "#2ca02c"},
                       "estimate from μν (Studenikin)": {"color": "#2ca02c", "line_dash": "dashed"}},
            x="threshold_keV", y="limit", ylabel="|qν| 90% CL limit [e₀]", ylim=AXIS_LIMITS["q"],
            title="Millicharge reach vs threshold",
            static=_reference_lines("q_nu", Q_REFERENCE_LINES, x_range), **common)
        return {"mu": mu_plot, "q": q_plot}

    def _x_max(self) -> float:
        return float(self.scan_frame["threshold_keV"].iloc[-1]) * 1.05

    def update_figures(self) -> None:
        mu_curves, q_curves = self._curves()
        x_range = (SCAN_LOWEST_KEV, self._x_max())
        marker = {"threshold": self.model.threshold_keV}
        self.figures["mu"].update(mu_curves, x_range=x_range, vlines=marker)
        self.figures["q"].update(q_curves, x_range=x_range, vlines=marker)

    def readout_text(self) -> str:
        m, now = self.model, self.summary
        lines = [
            f"**At {m.threshold_keV:.3g} keV** (window to {m.window_max_keV:.3g} keV, "
            f"{int(now['bins'])} bins): μν < **{now['mu_limit']:.3g}** μ_B, "
            f"|qν| < **{now['q_limit']:.3g}** e₀ (direct); Studenikin's estimate from μν: "
            f"{now['q_estimate']:.3g} e₀",
            f"**Counts** (ON): background {now['background_on']:.4g}, SM ν–e "
            f"{now['sm_on']:.4g}, μν signal at the limit {now['magnetic_on_at_limit']:.3g}; "
            f"OFF background {now['background_off']:.4g}. Flux {m.total_flux_cm2_s():.3g} cm⁻² s⁻¹",
        ]
        name = self.widgets["preset"].value
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

    def figure_items(self, name: str) -> list:
        return [self.figures[name].pane(480), self.exports[name].buttons()]
