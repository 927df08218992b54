"""The "Theory" tab: what a model predicts for mu_nu, beside the limits (:mod:`model.theory`).

Calculators with live readouts (SM Dirac moment, naturalness, transition moments, the
millicharge a mu_nu limit implies, the Majorana triangle test) and one plot of mu versus
m_nu, redrawn in place (:class:`dashboard.live_plot.LiveOverlay`).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import panel as pn
import param
from bokeh.models import ColumnDataSource

from model import limits
from model.theory import (
    MAGNETIC_MOMENT_LIMITS, ORDERINGS, REGIME_EQUATIONS, TheoryCalculator)

from .export import number
from .formula_notes import THEORY
from . import style
from .live_plot import LiveOverlay, Readout, write_columns
from .view_base import BenchMove, Binding, TabView, deprecated_alias

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
    SM: style.line("theory"),
    NATURALNESS: style.line("naturalness"),
    BELL_DIRAC: style.line("bell_dirac"),
    BELL_MAJORANA: style.line("bell_majorana"),
}


def _limit_label(limit) -> str:
    return f"{limit.label}: {limit.mu_B:.2g}"


LIMITS_PER_GROUP = 5  # the strongest of a group are drawn: the legend stays readable
STRONGEST = "strongest (lab and stars)"
LIMIT_GROUPS = {  # the catalogue's beams shown together: a group name -> its flavours
    STRONGEST: (),
    "reactor ν̄e": ("anti_nu_e",),
    "accelerator νe, ν_μ": ("nu_e", "nu_mu"),
    "ν_τ": ("nu_tau",),
    "solar ν (effective)": ("solar_eff",),
    "astrophysical": ("any",),
}


@functools.lru_cache(maxsize=1)
def limit_lines() -> dict[str, dict[str, float]]:
    """The μν limits drawn for each group: {group: {legend label: value in μ_B}} (the strongest
    group: ``model.theory.MAGNETIC_MOMENT_LIMITS``; the others from the limits catalogue,
    the ``LIMITS_PER_GROUP`` lowest upper limits of those beams, estimates left out)."""
    groups = {STRONGEST: {_limit_label(limit): limit.mu_B for limit in MAGNETIC_MOMENT_LIMITS}}
    catalogue = limits.load("mu_nu")
    for name, flavours in LIMIT_GROUPS.items():
        if not flavours:
            continue
        rows = catalogue[catalogue["flavour"].isin(flavours) & (catalogue["kind"] == "limit")]
        rows = rows.nsmallest(LIMITS_PER_GROUP, "high")
        groups[name] = {f"{row.experiment} {row.year}: {row.high:.2g}": float(row.high)
                        for row in rows.itertuples()}
    return groups


def _positive(values):
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def _format_matrix(matrix, title: str) -> str:
    """A 3x3 matrix of moduli as a Markdown table (mass basis)."""
    header = f"| {title} | ν₁ | ν₂ | ν₃ |\n|---|---|---|---|\n"
    rows = "\n".join(f"| ν{'₁₂₃'[i]} | " + " | ".join(f"{abs(v):.2g}" for v in row) + " |"
                     for i, row in enumerate(np.asarray(matrix)))
    return header + rows


def _triangle_input(flavour: str) -> Binding:
    return Binding(f"mu_{flavour}_eff", f"μ({FLAVOUR_NAMES[flavour]}) [10⁻¹² μ_B]", "number",
                   step=0.1, scale=TRIANGLE_UNIT_MU_B,
                   section="Majorana triangle test (effective moments)" if flavour == "e" else "")


class TheoryView(TabView):
    """Widgets, readouts and the mu-versus-m_nu plot for one :class:`TheoryCalculator`."""

    key, title, note = "theory", "Theory", THEORY
    summary = ("the μν the SM predicts, transition moments, naturalness bounds, qν from a μν "
               "limit, Majorana triangle inequalities.")
    model = param.ClassSelector(class_=TheoryCalculator, doc="The calculator shown.")
    calculator = deprecated_alias("calculator", "model")
    BENCH = BenchMove("Lambda_TeV", NATURALNESS)
    PINS = {"theory": NATURALNESS}
    READOUT_HEIGHT = 115
    BINDINGS = (
        Binding("limit_group", "limits shown", "select", param="", options=list(LIMIT_GROUPS),
                section="Plot"),
        Binding("m_nu_eV", "neutrino mass m_ν [eV]", "log", start=MASS_EXPONENTS[0],
                end=MASS_EXPONENTS[1], fallback=1.0, section="Mass and moment"),
        Binding("mu_nu", "a magnetic moment μ [μ_B]", "log", start=-20.0, end=-9.0,
                fallback=1e-11),
        Binding("Lambda_TeV", "new-physics scale Λ [TeV]", "log", start=-1.0, end=4.0),
        Binding("lightest_mass_eV", "lightest mass [eV]", "log", start=-4.0, end=0.0,
                fallback=1e-4, section="Transition moments"),
        Binding("ordering", "ordering", "radio", options=list(ORDERINGS)),
        Binding("delta_cp_rad", "δ_CP [π]", start=0.0, end=2.0, step=0.01, scale=math.pi),
        Binding("alpha21_rad", "Majorana phase α₂₁ [π]", start=0.0, end=2.0, step=0.01,
                scale=math.pi),
        Binding("mu_limit", "μν limit of an experiment [μ_B]", "log", start=-13.0, end=-9.0,
                step=0.01, fallback=1e-11, section="Millicharge from a μν limit"),
        Binding("T_threshold_keV", "its threshold T_th [keV]", "log", start=-2.0, end=2.0,
                step=0.01),
        *(_triangle_input(flavour) for flavour in ("e", "mu", "tau")),
    )

    def __init__(self, model=None, **params):
        self.moments_caption = Readout(height=50)
        self.moments_tables = {name: pn.pane.Markdown("", width=300, height=150)
                               for name in MOMENT_TABLES}
        super().__init__(model, **params)

    def stem_parts(self) -> tuple:
        """Download file names: mass, moment and new-physics scale."""
        t = self.model
        return (f"m{number(t.m_nu_eV)}eV", f"mu{number(t.mu_nu)}", f"Lambda{number(t.Lambda_TeV)}TeV")

    # --- model -> plot and readouts ---------------------------------------------------------
    def build_figures(self) -> dict[str, LiveOverlay]:
        figures = {"theory": self._build_figure(self._curves())}
        self._show_limit_group(figures["theory"])
        self._show_moments()
        return figures

    def update_figures(self) -> None:
        self.figures["theory"].update(self._curves(), vlines={"m_ν": self.model.m_nu_eV})
        self._show_limit_group(self.figures["theory"])
        write_columns(self.point_source, self._point())
        self._show_moments()

    def _show_moments(self) -> None:
        caption, tables = self._moments_text()
        self.moments_caption.object = caption
        for name, text in tables.items():
            self.moments_tables[name].object = text

    def _curves(self):
        lines = self.model.moment_curves(MASSES_EV)
        curves = {SM: lines["sm_dirac"], NATURALNESS: lines["naturalness"],
                  BELL_DIRAC: lines["bell_dirac"], BELL_MAJORANA: lines["bell_majorana"]}
        result = {label: (MASSES_EV, _positive(values)) for label, values in curves.items()}
        ends = np.array(LIMIT_MASS_RANGE_EV)
        for lines_of_group in limit_lines().values():
            for label, value in lines_of_group.items():
                result[label] = (ends, np.full(2, value))
        return result

    def _show_limit_group(self, plot: LiveOverlay) -> None:
        """Only the limits of the group chosen ("limits shown")."""
        chosen = self.value("limit_group")
        for name, lines_of_group in limit_lines().items():
            plot.set_visible(lines_of_group, name == chosen)

    def _point(self):
        t = self.model
        return {"x": [t.m_nu_eV], "y": [t.mu_nu if t.mu_nu > 0 else np.nan]}

    def readout_text(self) -> str:
        t = self.model
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
                       "(Studenikin's review of magnetic moments)")
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
        t = self.model
        dirac, majorana = t.dirac_moments(), t.majorana_moments()
        matrices = {"Dirac μ": dirac.magnetic, "Dirac ε": dirac.electric,
                    "Majorana μ": majorana.magnetic, "Majorana ε": majorana.electric}
        masses = ", ".join(f"{m:.3g}" for m in t.masses_eV())
        caption = (f"**Transition moments** |μ_ij|, |ε_ij| [μ_B] for masses ({masses}) eV, "
                   f"{t.ordering} ordering, PDG mixing (Studenikin, ICHEP 2014 review, eqs. 8, 11–15; GIM-suppressed "
                   "off the diagonal):")
        return caption, {name: _format_matrix(matrices[name], name) for name in MOMENT_TABLES}

    def _build_figure(self, curves):
        styles = dict(THEORY_STYLES)
        for lines_of_group in limit_lines().values():  # each limit of a group its own style
            for index, label in enumerate(lines_of_group):
                styles[label] = style.series(index, line_width=1.5)
        plot = LiveOverlay(
            curves, styles, x="m_nu_eV", y="mu_B",
            vlines={"m_ν": (self.model.m_nu_eV, style.line("marker"))},
            logx=True, logy=True, min_height=420,
            xlim=(MASSES_EV[0], MASSES_EV[-1]), ylim=MOMENT_AXIS_MU_B,
            xlabel="neutrino mass m_ν [eV]", ylabel="magnetic moment μ [μ_B]",
            title="Magnetic moment versus mass: theory and limits (90%/95% CL)")
        self.point_source = ColumnDataSource(self._point())
        plot.figure.scatter(x="x", y="y", source=self.point_source, size=14, marker="star",
                            color=style.BLACK, legend_label="(m_ν, μ)")
        return plot

    # --- layout -----------------------------------------------------------------------------
    def main_items(self) -> list:
        sources = pn.pane.Markdown(
            "Studenikin, ICHEP 2014 review, eqs. 8, 11–19, 32; Studenikin's review of magnetic "
            "moments (triangle inequalities); Bell et al. PRL 95, 151802 (2005), PLB 642, 377 "
            "(2006). Limits: " + "; ".join(f"{limit.label} ({limit.confidence:.0%} CL): "
                                            f"{limit.reference}" for limit in MAGNETIC_MOMENT_LIMITS)
            + ".", styles={"font-size": "85%"}, sizing_mode="stretch_width")
        return [self.alert, self.figures["theory"].pane(600),
                self.exports["theory"].buttons(), self.readout, self.moments_caption,
                pn.GridBox(*self.moments_tables.values(), ncols=2), sources]

    @property
    def plot(self) -> LiveOverlay:
        return self.figures["theory"]
