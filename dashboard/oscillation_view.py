"""The "Oscillations" tab: spin, flavour and spin-flavour oscillations of a
:class:`model.SpinFlavourOscillation`, exact and analytic, and the resonance in matter.

Widgets write model parameters; the model computes; the figures are updated in place
(:class:`dashboard.live_plot.LiveOverlay`).  No physics here.
"""

from __future__ import annotations

import logging
import math
from contextlib import nullcontext
from functools import partial

import numpy as np
import panel as pn
import param
from panel.io.state import set_curdoc

from model import SpinFlavourOscillation
from model.spin_flavour import ANALYTIC_FORMULAS, PROBABILITY_COLUMNS

from .export import PlotExport, file_stem, number
from .live_plot import LiveOverlay, Readout, apply_to_model
from .url_state import UrlField
from .widgets import ResponsiveFloatSlider, error_alert, log_slider

log = logging.getLogger(__name__)

MU_UNIT = 1e-12  # the moment sliders are in units of 1e-12 mu_B
N_DISTANCES = 1000  # ~3 points per pixel of the plot; the browser rasterises every one
DETAILS_DELAY_MS = 80  # the resonance plot and readouts follow the distance plot by this much
CHANNELS = {  # model column: (legend label, colour)
    "P_eL_eL": ("ν_eL → ν_eL", "#000000"),
    "P_eL_muL": ("ν_eL → ν_μL", "#1f77b4"),
    "P_eL_eR": ("ν_eL → ν_eR", "#d62728"),
    "P_eL_muR": ("ν_eL → ν_μR", "#2ca02c"),
}
ANALYTIC_SUFFIX = " (analytic)"
TWO_LEVEL_LABEL = "ν_eL → ν_μR two-level (Akhmedov, Lim–Marciano)"
SCAN_CURVES = {  # label: (scan column, colour, dash)
    "⟨P(ν_eL → ν_μR)⟩ exact": ("P_eL_muR", "#2ca02c", "solid"),
    "⟨P(ν_eL → ν_eR)⟩ exact": ("P_eL_eR", "#d62728", "solid"),
    "two-level sin²β / 2": ("two_level", "#2ca02c", "dashed"),
}
SCAN_MARKERS = {
    "level crossing (exact)": {"color": "#9467bd", "line_dash": "solid"},
    "two-level resonance": {"color": "#9467bd", "line_dash": "dashed"},
    "current value": {"color": "#7f7f7f", "line_dash": "dotted"},
}
SCAN_LABELS = {"density_g_cm3": "matter density ρ [g/cm³]", "E_MeV": "neutrino energy E [MeV]"}
NATURES = {"Dirac": False, "Majorana": True}
SCAN_CHOICES = {"vs density": "density_g_cm3", "vs energy": "E_MeV"}


class SliderWithEntry:
    """A slider for quick moves and a number entry for exact values of one quantity.

    The entry holds the value the model gets (watch ``entry``); moving the slider writes the
    entry, typing in the entry moves the slider when the value lies on it.  The entry has no
    bounds: out-of-range values reach the model, which rejects them with a message.
    """

    def __init__(self, slider, entry, *, to_entry=lambda s: s, to_slider=lambda v: v):
        self.slider, self.entry = slider, entry
        self._to_entry, self._to_slider = to_entry, to_slider
        self._syncing = False
        slider.param.watch(self._slider_moved, "value")
        entry.param.watch(self._entry_changed, "value")

    def _slider_moved(self, event):
        if not self._syncing:
            self._sync(self.entry, self._to_entry(event.new))

    def _entry_changed(self, event):
        if self._syncing or event.new is None:
            return
        try:
            position = self._to_slider(event.new)
        except (ValueError, OverflowError):
            return
        if self.slider.start <= position <= self.slider.end:
            self._sync(self.slider, position)

    def _sync(self, widget, value):
        self._syncing = True
        try:
            widget.value = value
        finally:
            self._syncing = False


def _log10_positive(value):
    if value <= 0:
        raise ValueError("not on a log slider")
    return math.log10(value)


def _log_slider(label, low_exponent, high_exponent, value, *, default=None, step=0.05):
    """A log10 slider whose range also holds ``value``, so that a model built in a notebook is
    shown as it is, not clipped to the usual range (``default`` where value is 0, which a log
    slider cannot show: B and the density have their own zero, Delta m^2 = 0 is not kept)."""
    exponent = math.log10(value if value > 0 else default)
    return log_slider(label, min(low_exponent, exponent), max(high_exponent, exponent),
                      exponent, step=step)


def _entry(label, value):
    return pn.widgets.FloatInput(label=label, value=value, sizing_mode="stretch_width")


def _format_km(length):
    return "∞" if not math.isfinite(length) else f"{length:.4g} km"


def _format(value, unit):
    return "—" if not math.isfinite(value) else f"{value:.4g} {unit}"


class OscillationView(param.Parameterized):
    """Widgets, plots and readouts for one :class:`SpinFlavourOscillation`.

    ``OscillationView(SpinFlavourOscillation(mu12=1e-12, density_g_cm3=700)).panel()`` in a
    notebook or a served app.
    """

    URL_FIELDS = (  # query-string names of the widgets (dashboard.url_state)
        UrlField("majorana", "nature"),
        *(UrlField(name, name, scale=MU_UNIT) for name in ("mu1", "mu2", "mu12")),
        UrlField("B_perp_gauss", "B_entry"), UrlField("twist_rad_per_km", "twist"),
        UrlField("E_MeV", "E_exponent", log10=True),
        UrlField("dm2_eV2", "dm2_exponent", log10=True), UrlField("theta", "theta_entry"),
        UrlField("matter", "matter_on"),
        UrlField("density_g_cm3", "density_exponent", log10=True),
        UrlField("Y_e", "Y_e_entry"), UrlField("matter_speed", "speed"),
        UrlField("matter_angle_deg", "angle"), UrlField("m_nu_eV", "m_nu_exponent", log10=True),
        UrlField("x_max_km", "x_max_exponent", log10=True),
        UrlField("resonance_plot", "scan_variable"),
    )

    def __init__(self, oscillation: SpinFlavourOscillation | None = None, **params):
        super().__init__(**params)
        self.model = oscillation if oscillation is not None else SpinFlavourOscillation()
        m = self.model
        density = m.effective_density_g_cm3()

        self.nature = pn.widgets.RadioButtonGroup(label="neutrinos", options=NATURES, value=m.majorana)
        self.mu1 = self._moment_slider("μ₁ [10⁻¹² μ_B]", m.mu1)
        self.mu2 = self._moment_slider("μ₂ [10⁻¹² μ_B]", m.mu2)
        self.mu12 = self._moment_slider("μ₁₂ [10⁻¹² μ_B]", m.mu12)
        self.B_slider = _log_slider("B⊥ [G]", 0.0, 16.0, m.B_perp_gauss, default=1e8)
        self.B_entry = _entry("B⊥ [G], exact", m.B_perp_gauss)
        self.twist = ResponsiveFloatSlider(label="field twist φ′ [rad/km]", start=-0.2, end=0.2,
                                           step=0.001, value=m.twist_rad_per_km,
                                           sizing_mode="stretch_width")
        self.E_exponent = _log_slider("E [MeV]", -2.0, 3.0, m.E_MeV, step=0.01)
        self.dm2_exponent = _log_slider("Δm² [eV²]", -6.0, -2.0, m.dm2_eV2, default=7e-5, step=0.01)
        self.theta_slider = ResponsiveFloatSlider(label="θ [rad]", start=0.0, end=math.pi / 2,
                                                  step=0.001, value=m.theta,
                                                  sizing_mode="stretch_width")
        self.theta_entry = _entry("θ [rad], exact", m.theta)
        self.matter_on = pn.widgets.Checkbox(label="matter", value=density > 0)
        self.density_exponent = _log_slider("ρ [g/cm³]", -2.0, 16.0, density, default=100.0,
                                            step=0.01)
        self.Y_e_slider = ResponsiveFloatSlider(label="Y_e", start=0.0, end=1.0, step=0.01,
                                                value=m.Y_e, sizing_mode="stretch_width")
        self.Y_e_entry = _entry("Y_e, exact", m.Y_e)
        self.speed = ResponsiveFloatSlider(label="matter speed v [c]", start=0.0,
                                           end=max(0.99, m.matter_speed), step=0.01,
                                           value=m.matter_speed, sizing_mode="stretch_width")
        self.angle = ResponsiveFloatSlider(label="angle of v to the momentum [°]", start=0.0,
                                           end=180.0, step=1.0,
                                           value=math.degrees(m.matter_angle_rad),
                                           sizing_mode="stretch_width")
        self.m_nu_exponent = _log_slider("m_ν [eV] (γ = E/m_ν)", -3.0, 1.0, m.m_nu_eV)
        self.x_max_exponent = _log_slider("distance shown [km]", 0.0, 6.0, 3000.0, step=0.01)
        self.scan_variable = pn.widgets.RadioButtonGroup(label="resonance plot",
                                                         options=SCAN_CHOICES, value="density_g_cm3")
        self.links = [
            SliderWithEntry(self.B_slider, self.B_entry, to_entry=lambda s: 10.0**s,
                            to_slider=_log10_positive),
            SliderWithEntry(self.theta_slider, self.theta_entry),
            SliderWithEntry(self.Y_e_slider, self.Y_e_entry),
        ]
        self.alert = error_alert()
        self.readout = Readout(height=170)
        self.distance_plot = None  # built from the first data
        self.scan_plot = None
        self._details_pending = False

        for widget in (self.nature, self.mu1, self.mu2, self.mu12, self.B_entry, self.twist,
                       self.E_exponent, self.dm2_exponent, self.theta_entry, self.matter_on,
                       self.density_exponent, self.Y_e_entry, self.speed, self.angle,
                       self.m_nu_exponent, self.x_max_exponent, self.scan_variable):
            widget.param.watch(self._on_change, "value")
        self._on_change()
        self.exports = {name: PlotExport(plot, self.model, self.export_stem, name)
                        for name, plot in (("distance", self.distance_plot),
                                           ("resonance", self.scan_plot))}

    def export_stem(self) -> str:
        """Download file names: tab, nature, field, energy and density."""
        m = self.model
        return file_stem("oscillations", "majorana" if m.majorana else "dirac",
                         f"B{number(m.B_perp_gauss)}G", f"E{number(m.E_MeV)}MeV",
                         f"rho{number(m.density_g_cm3)}")

    @staticmethod
    def _moment_slider(label, value):
        position = value / MU_UNIT
        return ResponsiveFloatSlider(label=label, start=min(-20.0, position),
                                     end=max(20.0, position), step=0.05, value=position,
                                     sizing_mode="stretch_width")

    # --- widgets -> model -------------------------------------------------------------------
    def _model_values(self) -> dict:
        majorana = self.nature.value
        return dict(
            majorana=majorana,
            mu1=0.0 if majorana else self.mu1.value * MU_UNIT,
            mu2=0.0 if majorana else self.mu2.value * MU_UNIT,
            mu12=self.mu12.value * MU_UNIT,
            B_perp_gauss=self.B_entry.value,
            twist_rad_per_km=self.twist.value,
            E_MeV=10.0**self.E_exponent.value,
            dm2_eV2=10.0**self.dm2_exponent.value,
            theta=self.theta_entry.value,
            density_g_cm3=10.0**self.density_exponent.value if self.matter_on.value else 0.0,
            electron_density_cm3=None,
            Y_e=self.Y_e_entry.value,
            matter_speed=0.0 if majorana else self.speed.value,
            matter_angle_rad=math.radians(self.angle.value),
            m_nu_eV=10.0**self.m_nu_exponent.value,
        )

    def _on_change(self, *events):
        majorana = self.nature.value
        for widget in (self.mu1, self.mu2, self.speed):
            widget.disabled = majorana  # Majorana: transition moment only, matter at rest
        apply_to_model(self.model, self._model_values(), self.refresh, self.alert)

    # --- model -> plots and readouts --------------------------------------------------------
    def distances_km(self) -> np.ndarray:
        return np.linspace(0.0, 10.0**self.x_max_exponent.value, N_DISTANCES)

    def refresh(self):
        """Recompute the curves, the resonance scan and the readouts from the model.

        In a served app the resonance plot and the readouts follow ``DETAILS_DELAY_MS`` later,
        once per burst of changes: the distance plot is sent and shown first.  (BokehJS resolves
        CSS variables while painting axis and legend text, which costs a style recalculation of
        the page per figure repainted; two figures in one message double the time to the
        first frame.)  Elsewhere (tests, notebooks) everything is updated at once.
        """
        curves = self._distance_curves()
        if self.distance_plot is None:
            self._build_figures(curves, *self._scan_curves())
            self.readout.object = self._readout_text()
            return
        x = curves[CHANNELS["P_eL_eL"][0]][0]
        with pn.io.hold():
            self.distance_plot.update(curves, x_range=(0.0, float(x[-1])))
        doc = pn.state.curdoc
        if doc is None or doc.session_context is None:
            self._refresh_details()
        elif not self._details_pending:
            self._details_pending = True
            doc.add_timeout_callback(partial(self._refresh_details, doc), DETAILS_DELAY_MS)

    def _refresh_details(self, doc=None):
        self._details_pending = False
        with set_curdoc(doc) if doc is not None else nullcontext():
            self._update_details()

    def _update_details(self):
        try:
            scan_curves, markers, variable = self._scan_curves()
            text = self._readout_text()
        except Exception:  # the model was accepted by refresh; anything here is a bug
            log.exception("resonance plot update failed")
            self.alert.object = "**Internal error** while updating the resonance plot; see the server log."
            self.alert.visible = True
            return
        values = next(iter(scan_curves.values()))[0]
        with pn.io.hold():
            self.scan_plot.update(scan_curves, x_range=(float(values[0]), float(values[-1])),
                                  y_range=self._scan_y_range(scan_curves), vlines=markers)
            axis = self.scan_plot.figure.xaxis[0]
            if axis.axis_label != SCAN_LABELS[variable]:
                axis.axis_label = SCAN_LABELS[variable]
            self.readout.object = text

    def _distance_curves(self) -> dict:
        m = self.model
        x = self.distances_km()
        exact = m.probability_array(x)
        try:
            analytic = m.probability_array(x, "analytic")
        except ValueError:  # no formula applies: the overlay is hidden (the readout says why)
            analytic = np.full_like(exact, np.nan)
        two_level = m.spin_flavour_two_level()
        curves = {}
        for i, column in enumerate(PROBABILITY_COLUMNS):
            label = CHANNELS[column][0]
            curves[label] = (x, exact[:, i])
            curves[label + ANALYTIC_SUFFIX] = (x, analytic[:, i])
        curves[TWO_LEVEL_LABEL] = (x, two_level.probability(x) if two_level.coupling_per_km != 0.0
                                   else np.full_like(x, np.nan))
        return curves

    def _scan_curves(self):
        """The resonance plot's curves, its markers (None: not shown) and the scan variable."""
        m = self.model
        variable = self.scan_variable.value
        scan = m.resonance_scan(variable)
        values = scan[variable].to_numpy()
        curves = {label: (values, scan[column].to_numpy())
                  for label, (column, _, _) in SCAN_CURVES.items()}
        two_level_resonance = (m.resonance_density_g_cm3() if variable == "density_g_cm3"
                               else m.resonance_energy_MeV())
        markers = {"level crossing (exact)": m.level_crossing(variable)[variable],
                   "two-level resonance": two_level_resonance,
                   "current value": m.effective_density_g_cm3() if variable == "density_g_cm3"
                   else m.E_MeV}
        markers = {label: (value if math.isfinite(value) and value > 0 else None)
                   for label, value in markers.items()}
        return curves, markers, variable

    @staticmethod
    def _scan_y_range(scan_curves):
        peak = max(float(np.nanmax(y)) for _, y in scan_curves.values())
        return (0.0, 0.6) if peak <= 0.55 else (0.0, 1.05)

    def _readout_text(self) -> str:
        m = self.model
        lengths = m.oscillation_lengths_km()
        two_level = m.spin_flavour_two_level()
        try:
            analytic_note = ANALYTIC_FORMULAS[m.analytic_formula()]
        except ValueError as why:
            analytic_note = f"not applicable: {why}"
        spin = m.spin_oscillation()
        crossing_rho = m.level_crossing("density_g_cm3")["density_g_cm3"]
        crossing_E = m.level_crossing("E_MeV")["E_MeV"]
        return (
            f"**Oscillation lengths**: vacuum L_vac = {_format_km(lengths['vacuum'])}; magnetic "
            f"L_B = π/μB: μ₁ {_format_km(lengths['magnetic_mu1'])}, μ₂ "
            f"{_format_km(lengths['magnetic_mu2'])}, μ₁₂ {_format_km(lengths['magnetic_mu12'])}  \n"
            f"**Spin-flavour resonance** (ν_eL → ν_μR): exact level crossing (solid violet "
            f"line) at ρ = {_format(crossing_rho, 'g/cm³')} (E = {_format(crossing_E, 'MeV')}); "
            f"two-level condition (dashed violet) at ρ = "
            f"{_format(m.resonance_density_g_cm3(), 'g/cm³')} (E = "
            f"{_format(m.resonance_energy_MeV(), 'MeV')}); here sin²β = {two_level.amplitude:.3g}, "
            f"L = {_format_km(two_level.length_km)}; dotted grey: the current value  \n"
            f"**Spin oscillation** ν_eL → ν_eR (seed 003): sin²2θ_eff = {spin.amplitude:.3g}, "
            f"L_eff = {_format_km(spin.length_km)}  \n"
            f"**Analytic overlay**: {analytic_note}")

    def _build_figures(self, curves, scan_curves, markers, variable):
        """Both figures, built once from the first data (then updated in place)."""
        styles = {}
        for column in PROBABILITY_COLUMNS:
            label, colour = CHANNELS[column]
            styles[label] = {"color": colour}
            # wider than the exact curve, so that it shows where both coincide (no alpha:
            # blending is what costs most when the browser rasterises the canvas)
            styles[label + ANALYTIC_SUFFIX] = {"color": colour, "line_dash": "dashed",
                                               "line_width": 4}
        styles[TWO_LEVEL_LABEL] = {"color": "#2ca02c", "line_dash": "dotted", "line_width": 3}
        x = curves[CHANNELS["P_eL_eL"][0]][0]
        self.distance_plot = LiveOverlay(
            curves, styles, x="x_km", y="P", min_height=420, xlim=(0.0, float(x[-1])),
            ylim=(0.0, 1.02), legend_position="right", xlabel="distance x [km]",
            ylabel="probability", title="ν_eL in B⊥ and matter: exact (solid) and analytic (dashed)")
        scan_styles = {label: {"color": colour, "line_dash": dash}
                       for label, (_, colour, dash) in SCAN_CURVES.items()}
        values = next(iter(scan_curves.values()))[0]
        self.scan_plot = LiveOverlay(
            scan_curves, scan_styles, x="scan_value", y="P_average",
            vlines={label: (markers[label] if markers[label] is not None else float(values[0]), style)
                    for label, style in SCAN_MARKERS.items()},
            logx=True, min_height=320, xlim=(float(values[0]), float(values[-1])), ylim=(0.0, 0.6),
            legend_position="right", xlabel=SCAN_LABELS[variable],
            ylabel="distance-averaged probability", title="Resonant spin-flavour conversion")
        self.scan_plot.update({}, vlines=markers)

    # --- layout -----------------------------------------------------------------------------
    def controls(self) -> pn.Column:
        return pn.Column(
            "### Neutrino", self.nature, self.mu1, self.mu2, self.mu12, self.E_exponent,
            self.dm2_exponent, self.theta_slider, self.theta_entry,
            "### Field", self.B_slider, self.B_entry, self.twist,
            "### Matter", self.matter_on, self.density_exponent, self.Y_e_slider, self.Y_e_entry,
            "#### Matter current", self.speed, self.angle, self.m_nu_exponent,
            "### Plots", self.x_max_exponent, self.scan_variable,
            width=320)

    def panel(self) -> pn.Row:
        return pn.Row(self.controls(),
                      pn.Column(self.alert, self.distance_plot.pane(min_height=440),
                                self.exports["distance"].buttons(),
                                self.scan_plot.pane(min_height=340),
                                self.exports["resonance"].buttons(), self.readout,
                                sizing_mode="stretch_both"),
                      sizing_mode="stretch_both")

    def __panel__(self):
        return self.panel()
