"""The "Recoil spectra" tab: live nu-e recoil spectra of a :class:`model.RecoilSpectrum`.

Widgets write model parameters; the model computes; the view redraws in place
(:class:`dashboard.live_plot.LiveOverlay`).
"""

from __future__ import annotations

import math

import numpy as np
import panel as pn
import param

from model import RecoilSpectrum
from model.recoil_spectrum import EMITTED_FLAVOUR, SOURCES

from .live_plot import LiveOverlay, apply_to_model
from .widgets import ResponsiveFloatSlider, error_alert, log_slider

SOURCE_LABELS = {
    "Reactor ν̄ (Huber–Mueller)": "reactor",
    "Solar ⁷Be lines": "solar_7Be",
    "Solar pp": "solar_pp",
    "Monoenergetic line": "line",
}
FLAVOUR_LABELS = {"ν̄_e": "anti_nu_e", "ν_e": "nu_e", "ν_μ": "nu_mu", "ν̄_μ": "anti_nu_mu"}
BINDING_LABELS = {"Stepping (bound)": "stepping", "Free electrons": "free"}
Q_SIGNS = ("0", "+", "−")
CURVE_STYLE = {  # label: (colour, dash)
    "SM": ("#1f77b4", "solid"),
    "magnetic (μν)": ("#d62728", "solid"),
    "charge (q, ⟨r²⟩) > 0": ("#2ca02c", "solid"),
    "charge (q, ⟨r²⟩) < 0, |·|": ("#2ca02c", "dashed"),
    "total": ("#000000", "solid"),
}
THRESHOLD_STYLE = {"color": "#7f7f7f", "line_dash": "dotted"}
RADIUS_UNIT_CM2 = 1e-32
assert set(SOURCE_LABELS.values()) == set(SOURCES)


class RecoilView(param.Parameterized):
    """Widgets, plot and readouts for one :class:`RecoilSpectrum`.

    ``RecoilView(RecoilSpectrum(mu_nu=1e-11)).panel()`` in a notebook or a served app.
    """

    def __init__(self, spectrum: RecoilSpectrum | None = None, **params):
        super().__init__(**params)
        self.spectrum = spectrum if spectrum is not None else RecoilSpectrum(mu_nu=1e-11)
        s = self.spectrum
        self.mu_exponent = log_slider("μν [μ_B]", -13.0, -9.0,
                                      math.log10(s.mu_nu) if s.mu_nu > 0 else -11.0)
        self.mu_on = pn.widgets.Checkbox(label="include μν", value=s.mu_nu > 0)
        self.q_exponent = log_slider("|qν| [e₀]", -15.0, -10.0,
                                     math.log10(abs(s.q_nu)) if s.q_nu else -13.0)
        self.q_sign = pn.widgets.RadioButtonGroup(
            label="sign of qν", options=list(Q_SIGNS),
            value="0" if s.q_nu == 0 else ("+" if s.q_nu > 0 else "−"))
        self.radius = ResponsiveFloatSlider(
            label="⟨r²⟩ [10⁻³² cm²]", start=-10.0, end=10.0, step=0.05,
            value=s.charge_radius_cm2 / RADIUS_UNIT_CM2, sizing_mode="stretch_width")
        self.threshold_exponent = log_slider("threshold [keV]", -2.0, 2.0,
                                             math.log10(s.threshold_keV), step=0.02)
        self.source = pn.widgets.Select(label="source", options=SOURCE_LABELS, value=s.source)
        self.flavour = pn.widgets.Select(label="flavour", options=FLAVOUR_LABELS, value=s.flavour)
        self.target = pn.widgets.Select(label="target", options=["Ge", "Si", "Xe"], value=s.target)
        self.binding = pn.widgets.RadioButtonGroup(label="binding", options=BINDING_LABELS,
                                                   value=s.binding)
        self.flux_exponent = log_slider("flux [cm⁻² s⁻¹]", 8.0, 16.0,
                                        math.log10(s.total_flux_cm2_s()), step=0.01)
        self.line_energy = pn.widgets.FloatInput(label="line energy [MeV]", value=s.line_energy_MeV,
                                                 start=0.01, end=100.0, step=0.1,
                                                 visible=s.source == "line")
        self.exposure = pn.widgets.FloatInput(label="exposure [kg·day]", value=s.exposure_kg_day,
                                              start=0.0, end=1e9)
        self.alert = error_alert()
        # Fixed height: a changing text must not make the browser lay out the page again.
        self.readout = pn.pane.Markdown("", sizing_mode="stretch_width", height=110)
        self.threshold_keV = s.threshold_keV
        self.plot = None  # built from the first data by _build_figure

        for widget in (self.mu_exponent, self.mu_on, self.q_exponent, self.q_sign, self.radius,
                       self.threshold_exponent, self.flavour, self.target, self.binding,
                       self.flux_exponent, self.line_energy, self.exposure):
            widget.param.watch(self._on_change, "value")
        self.source.param.watch(self._on_source_change, "value")
        self.data = None
        self._batch = False
        self._on_change()

    # --- widgets -> model -------------------------------------------------------------------
    def _q_nu(self) -> float:
        sign = {"0": 0.0, "+": 1.0, "−": -1.0}[self.q_sign.value]
        return sign * 10.0**self.q_exponent.value

    def _on_source_change(self, event):
        # Each source brings its own default flux and flavour: set them, then recompute once.
        source = event.new
        self.spectrum.source = source
        self._batch = True
        try:
            self.line_energy.visible = source == "line"
            self.flavour.value = EMITTED_FLAVOUR[source]
            self.flux_exponent.value = math.log10(self.spectrum.default_flux_cm2_s())
        finally:
            self._batch = False
        self._on_change()

    def _on_change(self, *events):
        if self._batch:
            return
        apply_to_model(self.spectrum, dict(
            mu_nu=10.0**self.mu_exponent.value if self.mu_on.value else 0.0,
            q_nu=self._q_nu(),
            charge_radius_cm2=self.radius.value * RADIUS_UNIT_CM2,
            threshold_keV=10.0**self.threshold_exponent.value,
            source=self.source.value, flavour=self.flavour.value, target=self.target.value,
            binding=self.binding.value, flux_cm2_s=10.0**self.flux_exponent.value,
            line_energy_MeV=self.line_energy.value, exposure_kg_day=self.exposure.value),
            self.refresh, self.alert)

    # --- model -> plot and readouts ---------------------------------------------------------
    def refresh(self):
        """Recompute the spectrum and readouts from the current model parameters."""
        s = self.spectrum
        rates = s.rates(s.recoil_grid_keV())
        self.data, self.threshold_keV = rates, s.threshold_keV
        if self.plot is None:
            self._build_figure()
            self.readout.object = self._readout_text()
            return
        with pn.io.hold():  # one websocket message for all the changes below
            self._update_figure()
            self.readout.object = self._readout_text()

    def _readout_text(self) -> str:
        s = self.spectrum
        crossover = s.crossover_keV()
        above = s.events_above_threshold()
        counts = above * s.exposure_kg_day
        crossover_text = "—" if math.isnan(crossover) else f"{crossover:.3g} keV"
        return (
            f"**Crossover** (magnetic = SM): {crossover_text}  \n"
            f"**Flux**: {s.total_flux_cm2_s():.3g} cm⁻² s⁻¹  \n"
            f"**Events above {s.threshold_keV:.3g} keV** [/(kg·day)]: SM {above['sm']:.3g}, "
            f"magnetic {above['magnetic']:.3g}, charge {above['charge']:.3g}, "
            f"total {above['total']:.3g}  \n"
            f"**Expected counts** for {s.exposure_kg_day:.3g} kg·day: total {counts['total']:.4g} "
            f"(SM {counts['sm']:.4g}, EM excess {counts['total'] - counts['sm']:.3g})")

    @staticmethod
    def _curves(rates):
        charge = rates["charge"].to_numpy()
        positive = lambda y: np.where(y > 0, y, np.nan)  # log axes: hide zeros and negatives
        columns = {
            "SM": rates["sm"].to_numpy(),
            "magnetic (μν)": rates["magnetic"].to_numpy(),
            "charge (q, ⟨r²⟩) > 0": charge,
            "charge (q, ⟨r²⟩) < 0, |·|": -charge,
            "total": rates["total"].to_numpy(),
        }
        T = rates["T_keV"].to_numpy()
        return {label: (T, positive(y)) for label, y in columns.items()}

    def _y_range(self):
        # Keep seven decades below the peak: the end-point tail would squash the view.
        peak = np.nanmax(self.data[["sm", "magnetic", "total"]].to_numpy())
        return (peak * 1e-7, peak * 3.0) if np.isfinite(peak) and peak > 0 else (1e-12, 1.0)

    def _x_range(self):
        T = self.data["T_keV"].to_numpy()
        return float(T[0]), float(T[-1])

    def _build_figure(self):
        styles = {label: {"color": colour, "line_dash": dash}
                  for label, (colour, dash) in CURVE_STYLE.items()}
        self.plot = LiveOverlay(
            self._curves(self.data), styles, x="T_keV", y="rate",
            vlines={"threshold": (self.threshold_keV, THRESHOLD_STYLE)},
            logx=True, logy=True, min_height=420, ylim=self._y_range(), xlim=self._x_range(),
            legend_position="bottom_left", xlabel="electron recoil energy T [keV]",
            ylabel="dN/dT [events / (keV · kg · day)]",
            title="ν–e elastic scattering: recoil spectrum")

    def _update_figure(self):
        self.plot.update(self._curves(self.data), x_range=self._x_range(),
                         y_range=self._y_range(), vlines={"threshold": self.threshold_keV})

    # --- layout -----------------------------------------------------------------------------
    def controls(self) -> pn.Column:
        return pn.Column(
            "### Neutrino", self.flavour, self.mu_on, self.mu_exponent, "sign of qν", self.q_sign,
            self.q_exponent, self.radius,
            "### Source", self.source, self.flux_exponent, self.line_energy,
            "### Detector", self.target, self.binding, self.threshold_exponent, self.exposure,
            width=320)

    def panel(self) -> pn.Row:
        return pn.Row(self.controls(),
                      pn.Column(self.alert, self.plot.pane(min_height=440),
                                self.readout, sizing_mode="stretch_both"),
                      sizing_mode="stretch_both")

    def __panel__(self):
        return self.panel()
