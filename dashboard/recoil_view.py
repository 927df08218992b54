"""The "Recoil spectra" tab: live nu-e and nu-nucleus recoil spectra of a :class:`model.RecoilSpectrum`.

Widgets write model parameters; the model computes; the view redraws in place
(:class:`dashboard.live_plot.LiveOverlay`).  The channel switch (nu-e, nu-nucleus, both) and
the keVee/keVnr axis choice are model parameters too; with both channels the figure also
shows each channel's SM and magnetic curves (hidden otherwise, so nothing is rebuilt).
"""

from __future__ import annotations

import math

import numpy as np
import panel as pn
import param

from model import RecoilSpectrum
from model.nucleus_scattering import atomic_recoil_scale_eV, nuclear_target
from model.quenching import MAX_K, MIN_K
from model.recoil_spectrum import ALL_TARGETS, CHANNELS, EMITTED_FLAVOUR, ENERGY_AXES, SOURCES

from .export import PlotExport, file_stem, number
from .live_plot import LiveOverlay, Readout, apply_to_model
from .url_state import UrlField
from .widgets import ResponsiveFloatSlider, error_alert, log_slider

SOURCE_LABELS = {
    "Reactor ν̄ (Huber–Mueller)": "reactor",
    "Solar ⁷Be lines": "solar_7Be",
    "Solar pp": "solar_pp",
    "Monoenergetic line": "line",
}
FLAVOUR_LABELS = {"ν̄_e": "anti_nu_e", "ν_e": "nu_e", "ν_μ": "nu_mu", "ν̄_μ": "anti_nu_mu"}
BINDING_LABELS = {"Stepping (bound)": "stepping", "Free electrons": "free"}
CHANNEL_LABELS = {"ν–e": "electron", "ν–nucleus": "nucleus", "both": "both"}
AXIS_LABELS = {"keVee (ionization)": "keVee", "keVnr (nuclear recoil)": "keVnr"}
Q_SIGNS = ("0", "+", "−")
CURVE_STYLE = {  # label: (colour, dash)
    "SM": ("#1f77b4", "solid"),
    "magnetic (μν)": ("#d62728", "solid"),
    "charge (q, ⟨r²⟩) > 0": ("#2ca02c", "solid"),
    "charge (q, ⟨r²⟩) < 0, |·|": ("#2ca02c", "dashed"),
    "total": ("#000000", "solid"),
}
# Shown with channel "both" only: which channel wins where.  label: (colour, dash, channel, column)
CHANNEL_CURVE_STYLE = {
    "ν–e: SM": ("#1f77b4", "dotted", "electron", "sm"),
    "ν–e: magnetic": ("#d62728", "dotted", "electron", "magnetic"),
    "ν–N: SM": ("#17becf", "dashdot", "nucleus", "sm"),
    "ν–N: magnetic": ("#ff7f0e", "dashdot", "nucleus", "magnetic"),
}
X_LABELS = {  # (channel, axis): x-axis label
    ("electron", "keVee"): "electron recoil energy T [keV]",
    ("electron", "keVnr"): "nuclear-recoil-equivalent energy of the electron recoil [keVnr]",
    ("nucleus", "keVee"): "ionization energy of the nuclear recoil [keVee]",
    ("nucleus", "keVnr"): "nuclear recoil energy [keVnr]",
    ("both", "keVee"): "ionization energy [keVee]",
    ("both", "keVnr"): "nuclear-recoil-equivalent energy [keVnr]",
}
TITLES = {
    "electron": "ν–e elastic scattering: recoil spectrum",
    "nucleus": "coherent ν–nucleus scattering: recoil spectrum",
    "both": "ν–e and coherent ν–nucleus scattering on one axis",
}
THRESHOLD_STYLE = {"color": "#7f7f7f", "line_dash": "dotted"}
RADIUS_UNIT_CM2 = 1e-32
assert set(SOURCE_LABELS.values()) == set(SOURCES)
assert set(CHANNEL_LABELS.values()) == set(CHANNELS) and set(AXIS_LABELS.values()) == set(ENERGY_AXES)


class RecoilView(param.Parameterized):
    """Widgets, plot and readouts for one :class:`RecoilSpectrum`.

    ``RecoilView(RecoilSpectrum(mu_nu=1e-11)).panel()`` in a notebook or a served app.
    """

    # Query-string names of the widgets (dashboard.url_state); a source before what it sets.
    URL_FIELDS = (
        UrlField("source", "source"), UrlField("flavour", "flavour", follows="source"),
        UrlField("mu_on", "mu_on"), UrlField("mu_nu", "mu_exponent", log10=True),
        UrlField("q_sign", "q_sign"), UrlField("abs_q_nu", "q_exponent", log10=True),
        UrlField("charge_radius_cm2", "radius", scale=RADIUS_UNIT_CM2),
        UrlField("flux_cm2_s", "flux_exponent", log10=True, follows="source"),
        UrlField("line_energy_MeV", "line_energy"), UrlField("target", "target"),
        UrlField("channel", "channel"), UrlField("energy_axis", "energy_axis"),
        UrlField("quenching_k", "quenching_k"), UrlField("binding", "binding"),
        UrlField("threshold_keV", "threshold_exponent", log10=True),
        UrlField("exposure_kg_day", "exposure"),
    )

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
        self.target = pn.widgets.Select(label="target", options=list(ALL_TARGETS), value=s.target)
        self.channel = pn.widgets.RadioButtonGroup(label="channel", options=CHANNEL_LABELS,
                                                   value=s.channel)
        self.energy_axis = pn.widgets.RadioButtonGroup(label="energy axis", options=AXIS_LABELS,
                                                       value=s.energy_axis)
        # The slider always holds a number: the model's k, or Lindhard's for the target.
        k = s.quenching_k if s.quenching_k is not None else s.default_quenching_k()
        self.quenching_k = ResponsiveFloatSlider(
            label="quenching: Lindhard k", start=max(MIN_K, 0.05), end=min(MAX_K, 0.35),
            step=0.001, value=round(k, 3), format="0.000", sizing_mode="stretch_width")
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
        self.readout = Readout(height=150)
        self.threshold_keV = s.threshold_keV
        self.plot = None  # built from the first data by _build_figure

        for widget in (self.mu_exponent, self.mu_on, self.q_exponent, self.q_sign, self.radius,
                       self.threshold_exponent, self.flavour, self.target, self.binding,
                       self.flux_exponent, self.line_energy, self.exposure, self.channel,
                       self.energy_axis, self.quenching_k):
            widget.param.watch(self._on_change, "value")
        self.source.param.watch(self._on_source_change, "value")
        self.data = None
        self._batch = False
        self._on_change()
        self.export = PlotExport(self.plot, self.spectrum, self.export_stem)

    def export_stem(self) -> str:
        """Download file names: tab, channel, target, source and the EM parameters."""
        s = self.spectrum
        return file_stem("recoil", s.channel, s.target, s.source, f"mu{number(s.mu_nu)}",
                         f"q{number(s.q_nu)}", f"thr{number(s.threshold_keV)}keV")

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
            line_energy_MeV=self.line_energy.value, exposure_kg_day=self.exposure.value,
            channel=self.channel.value, energy_axis=self.energy_axis.value,
            quenching_k=self.quenching_k.value),
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
        channels = s.channels()
        above = s.events_above_threshold()
        counts = above * s.exposure_kg_day
        unit = "keV" if s.channel == "electron" and s.energy_axis == "keVee" else s.energy_axis
        crossovers = []
        for channel, name, crossover_unit in (("electron", "ν–e", "keV"), ("nucleus", "ν–N", "keVnr")):
            if channel in channels:
                crossover = s.crossover_keV(channel)
                text = "—" if math.isnan(crossover) else f"{crossover:.3g} {crossover_unit}"
                crossovers.append(text if len(channels) == 1 else f"{name} {text}")
        lines = [
            f"**Crossover** (magnetic = SM): {', '.join(crossovers)}",
            f"**Flux**: {s.total_flux_cm2_s():.3g} cm⁻² s⁻¹",
            f"**Events above {s.threshold_keV:.3g} {unit}** [/(kg·day)]: SM {above['sm']:.3g}, "
            f"magnetic {above['magnetic']:.3g}, charge {above['charge']:.3g}, "
            f"total {above['total']:.3g}"
            + (f" (ν–e {above['total_electron']:.3g}, ν–N {above['total_nucleus']:.3g})"
               if len(channels) > 1 else ""),
            f"**Expected counts** for {s.exposure_kg_day:.3g} kg·day: total {counts['total']:.4g} "
            f"(SM {counts['sm']:.4g}, EM excess {counts['total'] - counts['sm']:.3g})",
        ]
        end = s.max_recoil_keV()
        if s.threshold_keV >= end:
            lines[2] += f" — the threshold is above the end point, {end:.3g} {unit}"
        if "nucleus" in channels:
            scales = ", ".join(f"{element} {atomic_recoil_scale_eV(element):.2g} eV"
                               for element in nuclear_target(s.target).elements)
            lines.append(f"**Atomic-recoil scale** (Thomas–Fermi estimate, seed 001): {scales}")
        return "  \n".join(lines)

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
        hidden = np.full_like(T, np.nan)
        for label, (_, _, channel, component) in CHANNEL_CURVE_STYLE.items():
            column = f"{component}_{channel}"
            columns[label] = rates[column].to_numpy() if column in rates else hidden
        return {label: (T, positive(y)) for label, y in columns.items()}

    def _y_range(self):
        # Keep seven decades below the peak: the end-point tail would squash the view.
        peak = np.nanmax(self.data[["sm", "magnetic", "total"]].to_numpy())
        if not (np.isfinite(peak) and peak > 0):
            return 1e-12, 1.0
        low = peak * 1e-7
        if "total_electron" in self.data:  # both channels: keep the nu-e part in view too
            electron_peak = np.nanmax(self.data["total_electron"].to_numpy())
            if electron_peak > 0:
                low = min(low, electron_peak * 1e-4)
        return low, peak * 3.0

    def _x_range(self):
        T = self.data["T_keV"].to_numpy()
        return float(T[0]), float(T[-1])

    def _build_figure(self):
        styles = {label: {"color": colour, "line_dash": dash}
                  for label, (colour, dash) in CURVE_STYLE.items()}
        styles.update({label: {"color": colour, "line_dash": dash, "line_width": 1.5}
                       for label, (colour, dash, _, _) in CHANNEL_CURVE_STYLE.items()})
        self.plot = LiveOverlay(
            self._curves(self.data), styles, x="T_keV", y="rate",
            vlines={"threshold": (self.threshold_keV, THRESHOLD_STYLE)},
            logx=True, logy=True, min_height=420, ylim=self._y_range(), xlim=self._x_range(),
            legend_position="bottom_left", xlabel=self._x_label(),
            ylabel="dN/dT [events / (keV · kg · day)]", title=TITLES[self.spectrum.channel])
        self._show_channel_curves()

    def _update_figure(self):
        self.plot.update(self._curves(self.data), x_range=self._x_range(),
                         y_range=self._y_range(), vlines={"threshold": self.threshold_keV})
        self.plot.figure.xaxis[0].axis_label = self._x_label()
        self.plot.figure.title.text = TITLES[self.spectrum.channel]
        self._show_channel_curves()

    def _x_label(self) -> str:
        return X_LABELS[self.spectrum.channel, self.spectrum.energy_axis]

    def _show_channel_curves(self):
        """Per-channel curves and their legend entries only when both channels are shown."""
        visible = self.spectrum.channel == "both"
        sources = {id(self.plot.sources[label]) for label in CHANNEL_CURVE_STYLE}
        renderers = [r for r in self.plot.figure.renderers
                     if id(getattr(r, "data_source", None)) in sources]
        for renderer in renderers:
            renderer.visible = visible
        for legend in self.plot.figure.legend:
            for item in legend.items:
                if any(r in renderers for r in item.renderers):
                    item.visible = visible

    # --- layout -----------------------------------------------------------------------------
    def controls(self) -> pn.Column:
        return pn.Column(
            "### Neutrino", self.flavour, self.mu_on, self.mu_exponent, "sign of qν", self.q_sign,
            self.q_exponent, self.radius,
            "### Source", self.source, self.flux_exponent, self.line_energy,
            "### Detector", self.target, "channel", self.channel, "energy axis", self.energy_axis,
            self.quenching_k, self.binding, self.threshold_exponent, self.exposure,
            width=320)

    def panel(self) -> pn.Row:
        return pn.Row(self.controls(),
                      pn.Column(self.alert, self.plot.pane(min_height=440),
                                self.export.buttons(), self.readout, sizing_mode="stretch_both"),
                      sizing_mode="stretch_both")

    def __panel__(self):
        return self.panel()
