"""The "Recoil spectra" tab: live nu-e and nu-nucleus recoil spectra of a :class:`model.RecoilSpectrum`.

The channel switch (nu-e, nu-nucleus, both) and the keVee/keVnr axis choice are model
parameters too; with both channels the figure also shows each channel's SM and magnetic
curves (hidden otherwise, so nothing is rebuilt).
"""

from __future__ import annotations

import math

import numpy as np
import param

from model import RecoilSpectrum
from model.nucleus_scattering import atomic_recoil_scale_eV, nuclear_target
from model.quenching import MAX_K, MIN_K
from model.recoil_spectrum import ALL_TARGETS, CHANNELS, EMITTED_FLAVOUR, ENERGY_AXES, SOURCES

from .export import number
from .formula_notes import RECOIL
from .live_plot import LiveOverlay
from .style import line
from .view_base import BenchMove, Binding, TabView, deprecated_alias

SOURCE_LABELS = {
    "Reactor ν̄ (Huber–Mueller)": "reactor",
    "Solar ⁷Be lines": "solar_7Be",
    "Solar pp": "solar_pp",
    "Monoenergetic line": "line",
}
FLAVOUR_LABELS = {"ν̄_e": "anti_nu_e", "ν_e": "nu_e", "ν_μ": "nu_mu", "ν̄_μ": "anti_nu_mu", "ν_τ": "nu_tau",
                  "ν̄_τ": "anti_nu_tau"}
BINDING_LABELS = {"Stepping (bound)": "stepping", "Free electrons": "free"}
CHANNEL_LABELS = {"ν–e": "electron", "ν–nucleus": "nucleus", "both": "both"}
AXIS_LABELS = {"keVee (ionization)": "keVee", "keVnr (nuclear recoil)": "keVnr"}
ON_OFF = {True: 1.0, False: 0.0}
SIGNS = {"0": 0.0, "+": 1.0, "−": -1.0}
RADIUS_UNIT_CM2 = 1e-32
MAGNETIC = "magnetic (μν)"
CURVE_ROLES = {  # label: style role (dashboard.style)
    "SM": "sm",
    MAGNETIC: "magnetic",
    "charge (q, ⟨r²⟩) > 0": "charge_plus",
    "charge (q, ⟨r²⟩) < 0, |·|": "charge_minus",
    "total": "total",
}
# Shown with channel "both" only: which channel wins where.  label: (role, channel, column)
CHANNEL_CURVES = {
    "ν–e: SM": ("electron_sm", "electron", "sm"),
    "ν–e: magnetic": ("electron_magnetic", "electron", "magnetic"),
    "ν–N: SM": ("nucleus_sm", "nucleus", "sm"),
    "ν–N: magnetic": ("nucleus_magnetic", "nucleus", "magnetic"),
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
assert set(SOURCE_LABELS.values()) == set(SOURCES)
assert set(CHANNEL_LABELS.values()) == set(CHANNELS) and set(AXIS_LABELS.values()) == set(ENERGY_AXES)


def _source_defaults(source: str, view) -> dict:
    """A source brings its own flavour and flux (the reactor's from its power and distance,
    the standard solar model's, ...)."""
    spectrum = view.model
    flux = RecoilSpectrum(source=source, thermal_power_GW=spectrum.thermal_power_GW,
                          distance_m=spectrum.distance_m,
                          fuel=spectrum.fuel,
                          line_energy_MeV=spectrum.line_energy_MeV).default_flux_cm2_s()
    return {"flavour": EMITTED_FLAVOUR[source], "flux_cm2_s": flux}


def _quenching_k(spectrum: RecoilSpectrum) -> float:
    """The k in use: the model's, or Lindhard's for the target (the slider holds a number)."""
    k = spectrum.quenching_k
    return round(k if k is not None else spectrum.default_quenching_k(), 3)


class RecoilView(TabView):
    """Widgets, plot and readouts for one :class:`RecoilSpectrum`.

    ``RecoilView(RecoilSpectrum(mu_nu=1e-11)).panel()`` in a notebook or a served app.
    """

    key, title, note = "recoil", "Recoil spectra", RECOIL
    summary = ("ν–e elastic scattering and coherent ν–nucleus scattering (CEvNS): Standard Model "
               "vs μν vs qν vs ⟨r²⟩, free electrons or atomic binding (stepping approximation), "
               "folded with reactor or solar fluxes, on a keVee or keVnr axis.")
    model = param.ClassSelector(class_=RecoilSpectrum, doc="The spectrum shown.")
    spectrum = deprecated_alias("spectrum", "model")
    BENCH = BenchMove("mu_nu", MAGNETIC)
    PINS = {"spectrum": "total"}
    BINDINGS = (
        Binding("flavour", "flavour", "select", options=FLAVOUR_LABELS, follows="source",
                section="Neutrino"),
        Binding("mu_on", "include μν", "checkbox", param="", factors=ON_OFF),
        Binding("mu_nu", "μν [μ_B]", "log", start=-13.0, end=-9.0, gate="mu_on", fallback=1e-11),
        Binding("q_sign", "sign of qν", "radio", param="", options=list(SIGNS), factors=SIGNS),
        Binding("abs_q_nu", "|qν| [e₀]", "log", param="q_nu", start=-15.0, end=-10.0,
                gate="q_sign", fallback=1e-13),
        Binding("charge_radius_cm2", "⟨r²⟩ [10⁻³² cm²]", start=-10.0, end=10.0, step=0.05,
                scale=RADIUS_UNIT_CM2),
        Binding("source", "source", "select", options=SOURCE_LABELS, implies=_source_defaults,
                section="Source"),
        Binding("flux_cm2_s", "flux [cm⁻² s⁻¹]", "log", start=8.0, end=16.0, step=0.01,
                read=RecoilSpectrum.total_flux_cm2_s, follows="source"),
        Binding("line_energy_MeV", "line energy [MeV]", "number", start=0.01, end=100.0,
                step=0.1, shown=lambda s: s.source == "line"),
        Binding("target", "target", "select", options=list(ALL_TARGETS), section="Detector"),
        Binding("channel", "channel", "radio", options=CHANNEL_LABELS),
        Binding("energy_axis", "energy axis", "radio", options=AXIS_LABELS),
        Binding("quenching_k", "quenching: Lindhard k", start=max(MIN_K, 0.05),
                end=min(MAX_K, 0.35), step=0.001, format="0.000", read=_quenching_k,
                shown=lambda s: s.channel != "electron" and s.energy_axis == "keVee"),
        Binding("binding", "binding", "radio", options=BINDING_LABELS),
        Binding("threshold_keV", "threshold [keV]", "log", start=-2.0, end=2.0, step=0.02),
        Binding("exposure_kg_day", "exposure [kg·day]", "number", start=0.0, end=1e9),
    )

    @classmethod
    def default_model(cls) -> RecoilSpectrum:
        return RecoilSpectrum(mu_nu=1e-11)

    def stem_parts(self) -> tuple:
        """Download file names: channel, target, source and the EM parameters."""
        s = self.model
        return (s.channel, s.target, s.source, f"mu{number(s.mu_nu)}", f"q{number(s.q_nu)}",
                f"thr{number(s.threshold_keV)}keV")

    # --- model -> plot and readouts ---------------------------------------------------------
    def compute(self) -> None:
        self.data = self.model.rates(self.model.recoil_grid_keV())

    def readout_text(self) -> str:
        s = self.model
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
            lines.append(f"**Atomic-recoil scale** (Thomas–Fermi estimate, Kouzakov & "
                         f"Studenikin): {scales}")
        return "  \n".join(lines)

    def _curves(self) -> dict:
        rates = self.data
        charge = rates["charge"].to_numpy()
        positive = lambda y: np.where(y > 0, y, np.nan)  # log axes: hide zeros and negatives
        columns = {
            "SM": rates["sm"].to_numpy(),
            MAGNETIC: rates["magnetic"].to_numpy(),
            "charge (q, ⟨r²⟩) > 0": charge,
            "charge (q, ⟨r²⟩) < 0, |·|": -charge,
            "total": rates["total"].to_numpy(),
        }
        T = rates["T_keV"].to_numpy()
        hidden = np.full_like(T, np.nan)
        for label, (_, channel, component) in CHANNEL_CURVES.items():
            column = f"{component}_{channel}"
            columns[label] = rates[column].to_numpy() if column in rates else hidden
        return {label: (T, positive(y)) for label, y in columns.items()}

    def _y_range(self) -> tuple[float, float]:
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

    def _x_range(self) -> tuple[float, float]:
        T = self.data["T_keV"].to_numpy()
        return float(T[0]), float(T[-1])

    def build_figures(self) -> dict[str, LiveOverlay]:
        styles = {label: line(role) for label, role in CURVE_ROLES.items()}
        styles.update({label: line(role, line_width=1.5)
                       for label, (role, _, _) in CHANNEL_CURVES.items()})
        plot = LiveOverlay(
            self._curves(), styles, x="T_keV", y="rate",
            vlines={"threshold": (self.model.threshold_keV, line("threshold"))},
            logx=True, logy=True, min_height=420, ylim=self._y_range(), xlim=self._x_range(),
            xlabel=self._x_label(),
            ylabel="dN/dT [events / (keV · kg · day)]", title=TITLES[self.model.channel])
        self._show_channel_curves(plot)
        return {"spectrum": plot}

    def update_figures(self) -> None:
        plot = self.figures["spectrum"]
        plot.update(self._curves(), x_range=self._x_range(), y_range=self._y_range(),
                    vlines={"threshold": self.model.threshold_keV})
        plot.figure.xaxis[0].axis_label = self._x_label()
        plot.figure.title.text = TITLES[self.model.channel]
        self._show_channel_curves(plot)

    def _x_label(self) -> str:
        return X_LABELS[self.model.channel, self.model.energy_axis]

    def _show_channel_curves(self, plot: LiveOverlay) -> None:
        """Per-channel curves and their legend entries only when both channels are shown."""
        plot.set_visible(CHANNEL_CURVES, self.model.channel == "both")

    def figure_items(self, name: str) -> list:
        return [self.figures[name].pane(580), self.exports[name].buttons()]

    # Kept for notebooks and tests written against the earlier view.
    @property
    def plot(self) -> LiveOverlay:
        return self.figures["spectrum"]
