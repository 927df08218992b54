"""The "Theory" tab: what a model predicts for mu_nu, beside the limits (:mod:`model.theory`).

Calculators with live readouts (SM Dirac moment, naturalness, transition moments, the
millicharge a mu_nu limit implies, the Majorana triangle test) and one plot of mu versus
m_nu, redrawn in place (:class:`dashboard.live_plot.LiveOverlay`).
"""

from __future__ import annotations

import math

import numpy as np
import panel as pn
import param
from bokeh.models import ColumnDataSource

from model.theory import (
    MAGNETIC_MOMENT_LIMITS, ORDERINGS, REGIME_EQUATIONS, TheoryCalculator)

from .export import PlotExport, file_stem, number
from .live_plot import LiveOverlay, Readout, apply_to_model
from .url_state import UrlField
from .widgets import ResponsiveFloatSlider, error_alert, log_slider

MASS_EXPONENTS = (-3.0, 13.0)  # log10 m_nu/eV: 1 meV to 10 TeV, through the heavy regimes
MASSES_EV = np.geomspace(10.0 ** MASS_EXPONENTS[0], 10.0 ** MASS_EXPONENTS[1], 321)
LIMIT_MASS_RANGE_EV = (10.0 ** MASS_EXPONENTS[0], 1e6)
"""The limits concern the light neutrinos of reactors, the Sun and stars: drawn up to 1 MeV."""
MOMENT_AXIS_MU_B = (1e-22, 1e-5)
TRIANGLE_UNIT_MU_B = 1e-12
FLAVOUR_NAMES = {"e": "νₑ", "mu": "ν_μ", "tau": "ν_τ"}
MOMENT_TABLES = ("Dirac μ", "Dirac ε", "Majorana μ", "Majorana ε")

SM = "SM Dirac μ (eqs. 8, 16, 17)"
NATURALNESS = "naturalness, eq. 19: δm = m_ν at Λ"
BELL_DIRAC = "Bell et al. Dirac bound at Λ"
BELL_MAJORANA = "Bell et al. Majorana |μ_eτ| at Λ"
THEORY_STYLES = {
    SM: {"color": "#000000"},
    NATURALNESS: {"color": "#9467bd", "line_dash": "dashed"},
    BELL_DIRAC: {"color": "#1f77b4", "line_dash": "dashdot"},
    BELL_MAJORANA: {"color": "#ff7f0e", "line_dash": "dashdot"},
}
LIMIT_COLOURS = {"laboratory": "#2ca02c", "astrophysical": "#d62728"}


def _limit_label(limit) -> str:
    return f"{limit.label}: {limit.mu_B:.2g}"


def _positive(values):
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def _format_matrix(matrix, title: str) -> str:
    """A 3x3 matrix of moduli as a Markdown table (mass basis)."""
    header = f"| {title} | ν₁ | ν₂ | ν₃ |\n|---|---|---|---|\n"
    rows = "\n".join(f"| ν{'₁₂₃'[i]} | " + " | ".join(f"{abs(v):.2g}" for v in row) + " |"
                     for i, row in enumerate(np.asarray(matrix)))
    return header + rows


class TheoryView(param.Parameterized):
    """Widgets, readouts and the mu-versus-m_nu plot for one :class:`TheoryCalculator`."""

    URL_FIELDS = (  # query-string names of the widgets (dashboard.url_state)
        UrlField("m_nu_eV", "mass_exponent", log10=True),
        UrlField("mu_nu", "moment_exponent", log10=True),
        UrlField("Lambda_TeV", "scale_exponent", log10=True),
        UrlField("lightest_mass_eV", "lightest_exponent", log10=True),
        UrlField("ordering", "ordering"),
        UrlField("delta_cp_rad", "delta_cp", scale=math.pi),
        UrlField("alpha21_rad", "alpha21", scale=math.pi),
        UrlField("mu_limit", "limit_exponent", log10=True),
        UrlField("T_threshold_keV", "threshold_exponent", log10=True),
        *(UrlField(f"mu_{flavour}_eff", f"triangle_inputs.{flavour}", scale=TRIANGLE_UNIT_MU_B)
          for flavour in ("e", "mu", "tau")),
    )

    def __init__(self, calculator: TheoryCalculator | None = None, **params):
        super().__init__(**params)
        self.calculator = calculator if calculator is not None else TheoryCalculator()
        t = self.calculator
        self.mass_exponent = log_slider("neutrino mass m_ν [eV]", *MASS_EXPONENTS,
                                        math.log10(t.m_nu_eV) if t.m_nu_eV > 0 else 0.0)
        self.moment_exponent = log_slider("a magnetic moment μ [μ_B]", -20.0, -9.0,
                                          math.log10(t.mu_nu) if t.mu_nu > 0 else -11.0)
        self.scale_exponent = log_slider("new-physics scale Λ [TeV]", -1.0, 4.0,
                                         math.log10(t.Lambda_TeV))
        self.lightest_exponent = log_slider("lightest mass [eV]", -4.0, 0.0,
                                            math.log10(max(t.lightest_mass_eV, 1e-4)))
        self.ordering = pn.widgets.RadioButtonGroup(label="ordering", options=list(ORDERINGS),
                                                    value=t.ordering)
        self.delta_cp = ResponsiveFloatSlider(label="δ_CP [π]", start=0.0, end=2.0, step=0.01,
                                              value=t.delta_cp_rad / math.pi,
                                              sizing_mode="stretch_width")
        self.alpha21 = ResponsiveFloatSlider(label="Majorana phase α₂₁ [π]", start=0.0, end=2.0,
                                             step=0.01, value=t.alpha21_rad / math.pi,
                                             sizing_mode="stretch_width")
        self.limit_exponent = log_slider("μν limit of an experiment [μ_B]", -13.0, -9.0,
                                         math.log10(t.mu_limit) if t.mu_limit > 0 else -11.0,
                                         step=0.01)
        self.threshold_exponent = log_slider("its threshold T_th [keV]", -2.0, 2.0,
                                             math.log10(t.T_threshold_keV), step=0.01)
        self.triangle_inputs = {
            flavour: pn.widgets.FloatInput(
                label=f"μ({FLAVOUR_NAMES[flavour]})", step=0.1, width=90,
                value=getattr(t, f"mu_{flavour}_eff") / TRIANGLE_UNIT_MU_B)
            for flavour in ("e", "mu", "tau")}
        self.alert = error_alert()
        self.readout = Readout(height=115)
        self.moments_caption = Readout(height=50)
        self.moments_tables = {name: pn.pane.Markdown("", width=300, height=150)
                               for name in MOMENT_TABLES}
        self.plot = None
        for widget in (self.mass_exponent, self.moment_exponent, self.scale_exponent,
                       self.lightest_exponent, self.ordering, self.delta_cp, self.alpha21,
                       self.limit_exponent, self.threshold_exponent, *self.triangle_inputs.values()):
            widget.param.watch(self._on_change, "value")
        self._on_change()
        self.export = PlotExport(self.plot, self.calculator, self.export_stem)

    def export_stem(self) -> str:
        """Download file names: tab, mass, moment and new-physics scale."""
        t = self.calculator
        return file_stem("theory", f"m{number(t.m_nu_eV)}eV", f"mu{number(t.mu_nu)}",
                         f"Lambda{number(t.Lambda_TeV)}TeV")

    # --- widgets -> model -------------------------------------------------------------------
    def _on_change(self, *events):
        empty = [FLAVOUR_NAMES[f] for f, widget in self.triangle_inputs.items() if widget.value is None]
        if empty:
            self.alert.object = f"**Input not accepted:** enter a number for μ({', '.join(empty)})."
            self.alert.visible = True
            return
        triangle = {f"mu_{flavour}_eff": widget.value * TRIANGLE_UNIT_MU_B
                    for flavour, widget in self.triangle_inputs.items()}
        apply_to_model(self.calculator, dict(
            m_nu_eV=10.0**self.mass_exponent.value, mu_nu=10.0**self.moment_exponent.value,
            Lambda_TeV=10.0**self.scale_exponent.value,
            lightest_mass_eV=10.0**self.lightest_exponent.value, ordering=self.ordering.value,
            delta_cp_rad=self.delta_cp.value * math.pi, alpha21_rad=self.alpha21.value * math.pi,
            mu_limit=10.0**self.limit_exponent.value,
            T_threshold_keV=10.0**self.threshold_exponent.value, **triangle),
            self.refresh, self.alert)

    # --- model -> plot and readouts ---------------------------------------------------------
    def refresh(self):
        """Recompute the readouts and the plotted lines from the calculator's inputs."""
        curves = self._curves()
        readout, (caption, tables) = self._readout_text(), self._moments_text()
        if self.plot is None:
            self._build_figure(curves)
            self._show(readout, caption, tables)
            return
        # One websocket message; raw Bokeh models must change inside it (document lock).
        with pn.io.hold():
            self.plot.update(curves, vlines={"m_ν": self.calculator.m_nu_eV})
            self.point_source.data = self._point()
            self._show(readout, caption, tables)

    def _show(self, readout: str, caption: str, tables: dict[str, str]):
        self.readout.object, self.moments_caption.object = readout, caption
        for name, text in tables.items():
            self.moments_tables[name].object = text

    def _curves(self):
        lines = self.calculator.moment_curves(MASSES_EV)
        curves = {SM: lines["sm_dirac"], NATURALNESS: lines["naturalness"],
                  BELL_DIRAC: lines["bell_dirac"], BELL_MAJORANA: lines["bell_majorana"]}
        result = {label: (MASSES_EV, _positive(values)) for label, values in curves.items()}
        ends = np.array(LIMIT_MASS_RANGE_EV)
        for limit in MAGNETIC_MOMENT_LIMITS:
            result[_limit_label(limit)] = (ends, np.full(2, limit.mu_B))
        return result

    def _point(self):
        t = self.calculator
        return {"x": [t.m_nu_eV], "y": [t.mu_nu if t.mu_nu > 0 else np.nan]}

    def _readout_text(self) -> str:
        t = self.calculator
        regime = t.sm_regime()
        sm = t.sm_moment_muB()
        sm_text = "—" if math.isnan(sm) else f"{sm:.3g} μ_B"
        bell = t.bell_bounds_muB()
        triangle = t.triangle()
        if triangle.satisfied:
            verdict = "satisfied: the three moments can be those of Majorana neutrinos"
        else:
            broken = ", ".join(FLAVOUR_NAMES[f] for f in triangle.violated)
            verdict = (f"**violated** for {broken}: Dirac neutrinos or a light sterile state "
                       "(seed 003)")
        return (
            f"**SM Dirac moment** at m_ν = {t.m_nu_eV:.3g} eV: {sm_text} "
            f"({regime} regime, {REGIME_EQUATIONS[regime]})  \n"
            f"**Naturalness** (eq. 19): μ = {t.mu_nu:.3g} μ_B made at Λ = {t.Lambda_TeV:.3g} TeV "
            f"shifts the mass by δm ≈ {t.mass_shift_eV():.3g} eV  \n"
            f"**Bell et al.** with δm = m_ν at Λ: Dirac μ ≲ {bell['dirac']:.3g} μ_B; Majorana "
            f"|μ_eτ| ≲ {bell['majorana_e_tau']:.3g} μ_B  \n"
            f"**Millicharge** from μν < {t.mu_limit:.3g} μ_B at T_th = {t.T_threshold_keV:.3g} keV "
            f"(eq. 32): |qν| ≲ {t.millicharge_bound():.3g} e₀  \n"
            f"**Majorana triangle test** μ²_a ≤ μ²_b + μ²_c: {verdict}")

    def _moments_text(self) -> tuple[str, dict[str, str]]:
        t = self.calculator
        dirac, majorana = t.dirac_moments(), t.majorana_moments()
        matrices = {"Dirac μ": dirac.magnetic, "Dirac ε": dirac.electric,
                    "Majorana μ": majorana.magnetic, "Majorana ε": majorana.electric}
        masses = ", ".join(f"{m:.3g}" for m in t.masses_eV())
        caption = (f"**Transition moments** |μ_ij|, |ε_ij| [μ_B] for masses ({masses}) eV, "
                   f"{t.ordering} ordering, PDG mixing (seed 002 eqs. 8, 11–15; GIM-suppressed "
                   "off the diagonal):")
        return caption, {name: _format_matrix(matrices[name], name) for name in MOMENT_TABLES}

    def _build_figure(self, curves):
        styles = dict(THEORY_STYLES)
        for limit in MAGNETIC_MOMENT_LIMITS:
            styles[_limit_label(limit)] = {
                "color": LIMIT_COLOURS[limit.kind],
                "line_dash": "dotted" if limit.kind == "laboratory" else "dotdash"}
        self.plot = LiveOverlay(
            curves, styles, x="m_nu_eV", y="mu_B",
            vlines={"m_ν": (self.calculator.m_nu_eV, {"color": "#7f7f7f", "line_dash": "dotted"})},
            logx=True, logy=True, min_height=420, legend_position="bottom_right",
            xlim=(MASSES_EV[0], MASSES_EV[-1]), ylim=MOMENT_AXIS_MU_B,
            xlabel="neutrino mass m_ν [eV]", ylabel="magnetic moment μ [μ_B]",
            title="Magnetic moment versus mass: theory and limits (90%/95% CL)")
        self.point_source = ColumnDataSource(self._point())
        self.plot.figure.scatter(x="x", y="y", source=self.point_source, size=14, marker="star",
                                 color="#000000", legend_label="(m_ν, μ)")

    # --- layout -----------------------------------------------------------------------------
    def controls(self) -> pn.Column:
        return pn.Column(
            "### Mass and moment", self.mass_exponent, self.moment_exponent, self.scale_exponent,
            "### Transition moments", self.lightest_exponent, self.ordering, self.delta_cp,
            self.alpha21,
            "### Millicharge from a μν limit", self.limit_exponent, self.threshold_exponent,
            "### Majorana triangle test", "effective moments, 10⁻¹² μ_B:",
            pn.Row(*self.triangle_inputs.values()),
            width=320)

    def panel(self) -> pn.Row:
        sources = pn.pane.Markdown(
            "Seed 002 (Studenikin, ICHEP 2014) eqs. 8, 11–19, 32; seed 003 (triangle "
            "inequalities); Bell et al. PRL 95, 151802 (2005), PLB 642, 377 (2006). Limits: "
            + "; ".join(f"{limit.label} ({limit.confidence:.0%} CL): {limit.reference}"
                        for limit in MAGNETIC_MOMENT_LIMITS) + ".",
            styles={"font-size": "85%"}, sizing_mode="stretch_width")
        return pn.Row(self.controls(),
                      pn.Column(self.alert, self.plot.pane(min_height=440),
                                self.export.buttons(), self.readout,
                                self.moments_caption,
                                pn.GridBox(*self.moments_tables.values(), ncols=2),
                                sources, sizing_mode="stretch_both"),
                      sizing_mode="stretch_both")

    def __panel__(self):
        return self.panel()
