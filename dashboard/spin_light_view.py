"""The "Spin light" tab: where SLnu is allowed and how fast it is, for a :class:`model.SpinLight`.

The three figures are redrawn in place (:class:`dashboard.live_plot.LiveOverlay`), plus two
Bokeh glyphs of our own on the region plot (the allowed band and the current point).
"""

from __future__ import annotations

import math

import numpy as np
import panel as pn
import param
from bokeh.models import ColumnDataSource

from model import SpinLight
from model.constants import SECONDS_PER_YEAR
from model.spin_light import FLAVOURS

from .export import number
from .formula_notes import SPIN_LIGHT
from . import style
from .live_plot import LiveOverlay, share_stateless_models, write_columns
from .view_base import BenchMove, Binding, TabView

FLAVOUR_LABELS = {"ν̄ₑ": "anti_nu_e", "ν̄_μ, ν̄_τ": "anti_nu_mu_tau"}
assert set(FLAVOUR_LABELS.values()) == set(FLAVOURS)

DENSITY_EXPONENTS = (30.0, 42.0)   # log10 of the nucleon density, cm^-3
ENERGY_EXPONENTS = (-3.0, 6.0)     # log10 of E in TeV: 1 GeV to 1e18 eV
REGION_DENSITIES_CM3 = np.geomspace(10.0 ** DENSITY_EXPONENTS[0], 10.0 ** DENSITY_EXPONENTS[1], 241)
ENERGY_GRID_TEV = np.geomspace(10.0 ** ENERGY_EXPONENTS[0], 10.0 ** ENERGY_EXPONENTS[1], 361)
ENERGY_AXIS_TEV = (1e-4, 1e10)     # the region plot's energy axis never leaves these

THRESHOLD = "SLν threshold E_th"
W_EDGE = "W threshold ε_W"
ENERGY_LINE = "neutrino energy E"
RATE = "rate Γ"
LIFETIME = "lifetime 1/Γ"
LOSS_TIME = "energy-loss time E/I (Studenikin's τ)"
MARKER_STYLES = {  # vertical markers of the two energy plots
    "E_th": style.line("threshold_curve", line_dash="dashed"),
    "ε_W": style.line("w_threshold"),
    "E": style.line("marker"),
}
ALLOWED_COLOUR = style.GREEN


def _positive(values):
    """Hide zeros, infinities and negatives on log axes (NaN leaves a gap)."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def _marker(value: float):
    """A Span location, or None (hidden) where a log axis cannot show it."""
    return float(value) if math.isfinite(value) and value > 0 else None


ON_OFF = {True: 1.0, False: 0.0}
CONVENTIONS = (
    "Nucleon density n with electron fraction Yₑ: electrons Yₑn (a degenerate relativistic "
    "gas, or a hot e⁺e⁻ plasma at temperature T: Braaten & Segel, PRD 48, 1478 (1993)), "
    "neutrons (1 − Yₑ)n. For ν̄ₑ the window closes at the W threshold ε_W; ν̄_μ, ν̄_τ have "
    "no s-channel W. Formulas: Grigoriev, Lokhov, Studenikin & Ternov, PLB 718, 512 (2012); "
    "JCAP 11 (2017) 024.")


class SpinLightView(TabView):
    """Widgets, plots, readouts and the regime warning for one :class:`SpinLight`.

    ``SpinLightView(SpinLight(density_cm3=1e38, Y_e=0.05)).panel()`` in a notebook or the app.
    """

    key, title, note = "spin_light", "Spin light", SPIN_LIGHT
    summary = "SLν thresholds (plasmon mass, W boson), rate, lifetime and energy-loss time."
    model = param.ClassSelector(class_=SpinLight, doc="The spin-light process shown.")
    BENCH = BenchMove("mu_nu", RATE)
    PINS = {"thresholds": THRESHOLD, "rates": RATE}
    READOUT_HEIGHT = 290
    BINDINGS = (
        Binding("density_cm3", "nucleon density n [cm⁻³]", "log", start=DENSITY_EXPONENTS[0],
                end=DENSITY_EXPONENTS[1], section="Matter"),
        Binding("Y_e", "electron fraction Yₑ", start=0.0, end=0.95, step=0.005),
        Binding("hot", "hot e⁺e⁻ plasma (T > 0)", "checkbox", param="", factors=ON_OFF),
        Binding("T_MeV", "temperature T [MeV]", "log", start=-3.0, end=1.0, gate="hot",
                fallback=0.1),
        Binding("flavour", "flavour", "radio", options=FLAVOUR_LABELS, section="Neutrino"),
        Binding("E_TeV", "neutrino energy E [TeV]", "log", start=ENERGY_EXPONENTS[0],
                end=ENERGY_EXPONENTS[1]),
        Binding("mu_nu", "magnetic moment μ [μ_B]", "log", start=-13.0, end=-9.0, fallback=1e-11),
        Binding("massive", "massive neutrino", "checkbox", param="", factors=ON_OFF),
        Binding("m_nu_eV", "neutrino mass m [eV]", "log", start=-3.0, end=3.0, gate="massive",
                fallback=1.0),
    )

    def __init__(self, model=None, **params):
        self.regime_alert = pn.pane.Alert("", alert_type="warning", visible=False,
                                          sizing_mode="stretch_width")
        super().__init__(model, **params)

    def stem_parts(self) -> tuple:
        """Download file names: density, energy and moment."""
        s = self.model
        return (f"n{number(s.density_cm3)}cm-3", f"Ye{number(s.Y_e)}", f"E{number(s.E_TeV)}TeV",
                f"mu{number(s.mu_nu)}")

    # --- model -> plots and readouts --------------------------------------------------------
    def compute(self) -> None:
        s = self.model
        self.thresholds = s.thresholds_vs_density(REGION_DENSITIES_CM3)
        self.energy_rates = s.rates_vs_energy(self._energy_grid())

    def _show_regime(self) -> None:
        warnings = self.model.regime_warnings()
        self.regime_alert.object = "**Outside the formulas' regime:** " + " ".join(warnings)
        self.regime_alert.visible = bool(warnings)

    def _energy_grid(self):
        # Both sides of the threshold on the grid, so that the rate's onset is drawn sharp.
        E_th = self.model.threshold_TeV()
        grid = ENERGY_GRID_TEV
        if grid[0] < E_th < grid[-1]:
            grid = np.unique(np.concatenate([grid, [E_th, E_th * (1 + 1e-9)]]))
        return grid

    def readout_text(self) -> str:
        s = self.model
        low, high = s.allowed_window_TeV()
        window = (f"[{low:.3g}, {high:.3g}] TeV" if high > low else
                  f"empty (ε_W = {high:.3g} TeV lies below E_th = {low:.3g} TeV)")
        inside = "inside" if s.is_allowed() else "outside"
        lifetime, loss = s.lifetime_s(), s.energy_loss_time_s()
        return (
            f"**Matter**: nₑ = {s.electron_density_cm3():.3g} cm⁻³, n_n = "
            f"{s.neutron_density_cm3():.3g} cm⁻³; p_F = {s.fermi_momentum_MeV():.4g} MeV, "
            f"μₑ = {s.electron_chemical_potential_MeV():.4g} MeV  \n"
            f"**Plasmon mass** m_γ = {s.plasmon_mass_MeV():.4g} MeV; **ñ** = G_F n_n/2√2 = "
            f"{s.n_tilde_eV():.4g} eV  \n"
            f"**Thresholds**: E_th = {s.threshold_TeV():.4g} TeV (a = m_γ²/4ñp = "
            f"{s.threshold_parameter():.3g}), ε_W = {s.w_threshold_TeV():.4g} TeV  \n"
            f"**Allowed window**: {window}; E = {s.E_TeV:.3g} TeV is {inside}  \n"
            f"**Rate** Γ = {s.rate_per_s():.3g} s⁻¹, **power** I = {s.power_MeV_per_s():.3g} MeV/s, "
            f"mean photon energy ⟨ω⟩ = I/Γ = {self._energy_text(s.mean_photon_energy_TeV())}  \n"
            f"**Lifetime** 1/Γ = {self._time_text(lifetime)}; **energy-loss time** E/I = "
            f"{self._time_text(loss)} (Studenikin's τ_SLν)  \n"
            f"**Densities**: {s.density_convention()}  \n"
            f"**Threshold read other ways**: " + "; ".join(
                f"{reading}: {value:.3g} TeV"
                for reading, value in s.threshold_conventions_TeV().items()))

    @staticmethod
    def _energy_text(E_TeV: float) -> str:
        return f"{E_TeV:.3g} TeV" if math.isfinite(E_TeV) else "— (process closed)"

    @staticmethod
    def _time_text(seconds: float) -> str:
        if not math.isfinite(seconds):
            return "∞ (process closed)"
        return f"{seconds:.3g} s ({seconds / SECONDS_PER_YEAR:.3g} yr)"

    # --- the three figures ------------------------------------------------------------------
    def _region_curves(self, thresholds):
        n = thresholds["density_cm3"].to_numpy()
        ends = n[[0, -1]]
        return {THRESHOLD: (n, _positive(thresholds["threshold_TeV"])),
                W_EDGE: (n, _positive(thresholds["w_threshold_TeV"])),
                ENERGY_LINE: (ends, np.full(2, self.model.E_TeV))}

    def _allowed_band(self, thresholds):
        """Between E_th and the upper edge (eps_W for anti_nu_e, the axis top otherwise);
        zero height where the window is empty."""
        low = _positive(thresholds["threshold_TeV"])
        low = np.where(np.isfinite(low), low, ENERGY_AXIS_TEV[0])
        if self.model.flavour == "anti_nu_e":
            high = thresholds["w_threshold_TeV"].to_numpy()
        else:
            high = np.full_like(low, ENERGY_AXIS_TEV[1])
        return {"x": thresholds["density_cm3"].to_numpy(), "y1": low, "y2": np.maximum(low, high)}

    def _region_y_range(self, thresholds):
        values = np.concatenate([_positive(thresholds["threshold_TeV"]),
                                 _positive(thresholds["w_threshold_TeV"]), [self.model.E_TeV]])
        values = values[np.isfinite(values)]
        low = max(ENERGY_AXIS_TEV[0], float(values.min()) / 3.0)
        high = min(ENERGY_AXIS_TEV[1], float(values.max()) * 3.0)
        # Round to whole decades so that small moves do not make the axis creep.
        return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high))

    def _rate_curves(self, rates):
        E = rates["E_TeV"].to_numpy()
        return {RATE: (E, _positive(rates["rate_per_s"]))}

    def _time_curves(self, rates):
        E = rates["E_TeV"].to_numpy()
        return {LIFETIME: (E, _positive(rates["lifetime_s"])),
                LOSS_TIME: (E, _positive(rates["energy_loss_time_s"]))}

    def _energy_markers(self):
        s = self.model
        return {"E_th": _marker(s.threshold_TeV()), "ε_W": _marker(s.w_threshold_TeV()),
                "E": _marker(s.E_TeV)}

    @staticmethod
    def _log_range(values, decades_below=None):
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values) & (values > 0)]
        if values.size == 0:
            return 1e-30, 1.0
        low, high = float(values.min()), float(values.max())
        if decades_below is not None:
            low = max(low, high * 10.0**-decades_below)
        return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high) + 1e-9)

    def build_figures(self) -> dict[str, LiveOverlay]:
        s, thresholds, rates = self.model, self.thresholds, self.energy_rates
        self._show_regime()
        region = LiveOverlay(
            self._region_curves(thresholds),
            {THRESHOLD: style.line("threshold_curve"), W_EDGE: style.line("w_threshold"),
             ENERGY_LINE: style.line("energy_line")},
            x="density_cm3", y="E_TeV",
            vlines={"nucleon density n": (s.density_cm3, style.line("marker"))},
            logx=True, logy=True, min_height=360,
            xlim=(REGION_DENSITIES_CM3[0], REGION_DENSITIES_CM3[-1]),
            ylim=self._region_y_range(thresholds), xlabel="nucleon density n [cm⁻³]",
            ylabel="neutrino energy E [TeV]", title="Where SLν is allowed (shaded)")
        figure = region.figure
        self.band_source = ColumnDataSource(self._allowed_band(thresholds))
        band = figure.varea(x="x", y1="y1", y2="y2", source=self.band_source,
                            fill_color=ALLOWED_COLOUR, fill_alpha=0.18, legend_label="allowed")
        figure.renderers = [band] + [r for r in figure.renderers if r is not band]
        self.point_source = ColumnDataSource({"x": [s.density_cm3], "y": [s.E_TeV]})
        figure.scatter(x="x", y="y", source=self.point_source, size=14, marker="star",
                       color=style.BLACK, legend_label="current (n, E)")
        share_stateless_models(figure.renderers)
        markers = {label: (_marker(value) or 1.0, MARKER_STYLES[label])
                   for label, value in self._energy_markers().items()}
        common = dict(logx=True, logy=True, min_height=260,
                      xlim=(ENERGY_GRID_TEV[0], ENERGY_GRID_TEV[-1]),
                      xlabel="neutrino energy E [TeV]")
        rates_plot = LiveOverlay(self._rate_curves(rates), {RATE: style.line("rate")},
                                 x="E_TeV", y="rate_per_s", vlines=markers,
                                 ylim=self._log_range(rates["rate_per_s"], 12),
                                 ylabel="Γ [s⁻¹]", title="SLν rate (dashed: E_th, ε_W; dotted: E)",
                                 **common)
        times_plot = LiveOverlay(self._time_curves(rates),
                                 {LIFETIME: style.line("lifetime"),
                                  LOSS_TIME: style.line("loss_time")},
                                 x="E_TeV", y="time_s", vlines=markers,
                                 ylim=self._log_range(rates[["lifetime_s", "energy_loss_time_s"]], 12),
                                 ylabel="time [s]", title="Lifetime and energy-loss time", **common)
        # Markers that cannot be drawn (e.g. E_th = 0 without electrons) are hidden.
        for plot in (rates_plot, times_plot):
            for label, value in self._energy_markers().items():
                plot.vline_glyphs[label].location = value
        return {"thresholds": region, "rates": rates_plot, "lifetimes": times_plot}

    def update_figures(self) -> None:
        s, thresholds, rates = self.model, self.thresholds, self.energy_rates
        self._show_regime()
        self.figures["thresholds"].update(self._region_curves(thresholds),
                                          y_range=self._region_y_range(thresholds),
                                          vlines={"nucleon density n": s.density_cm3})
        write_columns(self.band_source, self._allowed_band(thresholds))
        write_columns(self.point_source, {"x": [s.density_cm3], "y": [s.E_TeV]})
        markers = self._energy_markers()
        self.figures["rates"].update(self._rate_curves(rates), vlines=markers,
                                     y_range=self._log_range(rates["rate_per_s"], 12))
        self.figures["lifetimes"].update(
            self._time_curves(rates), vlines=markers,
            y_range=self._log_range(rates[["lifetime_s", "energy_loss_time_s"]], 12))

    # --- layout -----------------------------------------------------------------------------
    def extra_controls(self) -> list:
        return [pn.pane.Markdown(CONVENTIONS, styles={"font-size": "85%"})]

    def main_items(self) -> list:
        items = [self.alert, self.regime_alert]
        for name, height in (("thresholds", 520), ("rates", 400), ("lifetimes", 420)):
            items += [self.figures[name].pane(height), self.exports[name].buttons()]
        return items + [self.readout]
