"""The "Effective moment" tab: what a scattering experiment measures of a moment matrix,
μ_eff(ν_l, L, E), for reactor, accelerator and solar baselines, with the Majorana triangle test
(:class:`model.EffectiveMomentCalculator`)."""

from __future__ import annotations

import numpy as np
import param

from model import EffectiveMomentCalculator
from model.effective_moment import BASELINES, FLAVOUR_INDEX
from model.solar_oscillation import solar_effective_moment

from . import style
from .export import number
from .live_plot import LiveOverlay
from .view_base import BenchMove, Binding, TabView

MU_UNIT = 1e-12  # the moment sliders are in 1e-12 mu_B
CUSTOM = "custom"
DISTANCES_KM = np.geomspace(1e-3, 1e9, 481)  # 1 m to beyond 1 AU
FLAVOUR_LABELS = {"νe": "e", "ν_μ": "mu", "ν_τ": "tau"}
CURVES = {  # flavour: (legend label, style role)
    "e": ("μ_eff(νe)", "eL_eL"),
    "mu": ("μ_eff(ν_μ)", "eL_eR"),
    "tau": ("μ_eff(ν_τ)", "eL_muR"),
}
SOLAR = "solar νe (incoherent, pp)"
NATURES = {"Dirac": "dirac", "Majorana": "majorana"}
DIAGONAL = {"dirac": 1.0, "majorana": 0.0}  # Majorana: no diagonal moments
NOTE = r"""
**Effective moment** measured in $\nu$–$e$ scattering by a neutrino born as $\nu_\ell$ at distance
$L$ (Beacom & Vogel, PRL 83, 5222 (1999); Giunti & Studenikin, RMP 87, 531 (2015), Sec. IV.D):

$$
\mu_{\rm eff}^2(\nu_\ell, L, E) = \sum_j \Big|\sum_i U_{\ell i}\, e^{-i\Delta m^2_{i1} L/2E}
\,(\mu_{ji} - i\epsilon_{ji})\Big|^2
$$

with the moments $\mu_{ij}$ in the mass basis (Dirac: Hermitian; Majorana: antisymmetric) and
PDG mixing. Solar neutrinos arrive as an incoherent mixture of mass states:
$\mu_{\rm eff}^2 = \sum_i P_i \sum_j |\mu_{ji}|^2$. For three Majorana neutrinos the effective
moments obey $\mu_a^2 \le \mu_b^2 + \mu_c^2$ (Frère, Heeck & Mollet, PRD 92, 053002 (2015)).
"""


def _matching_baseline(calculator: EffectiveMomentCalculator) -> str:
    for name, (flavour, L_km, E_MeV, _) in BASELINES.items():
        if (calculator.flavour, calculator.L_km, calculator.E_MeV) == (flavour, L_km, E_MeV):
            return name
    return CUSTOM


def _baseline(name: str, view) -> dict:
    if name == CUSTOM:
        return {}
    flavour, L_km, E_MeV, _ = BASELINES[name]
    return {"flavour": flavour, "L_km": L_km, "E_MeV": E_MeV}


def _moment(name: str, label: str, **options) -> Binding:
    return Binding(name, f"{label} [10⁻¹² μ_B]", start=-50.0, end=50.0, step=0.1,
                   scale=MU_UNIT, **options)


class EffectiveMomentView(TabView):
    """μ_eff(ν_l, L, E) of a :class:`EffectiveMomentCalculator` versus distance, three flavours."""

    key, title, note = "effective_moment", "Effective moment", NOTE
    summary = ("the moment a scattering experiment measures, μ_eff(ν_l, L, E), from a moment "
               "matrix for reactor, accelerator and solar baselines, with the Majorana "
               "triangle test.")
    model = param.ClassSelector(class_=EffectiveMomentCalculator, doc="The calculator shown.")
    BENCH = BenchMove("mu_12", CURVES["mu"][0])
    PINS = {"distance": CURVES["e"][0]}
    READOUT_HEIGHT = 130
    BINDINGS = (
        Binding("baseline", "baseline", "select", param="", options=[CUSTOM, *BASELINES],
                read=_matching_baseline, implies=_baseline, implied=(CUSTOM,), section="Baseline"),
        Binding("flavour", "flavour at the source", "radio", options=FLAVOUR_LABELS,
                follows="baseline"),
        Binding("L_km", "distance L [km]", "log", start=-3.0, end=9.0, step=0.05,
                follows="baseline"),
        Binding("E_MeV", "energy E [MeV]", "log", start=-1.0, end=4.0, step=0.02,
                follows="baseline"),
        Binding("nature", "neutrinos", "radio", options=NATURES, factors=DIAGONAL,
                section="Moments (mass basis)"),
        _moment("mu_11", "μ₁₁", gate="nature"),
        _moment("mu_22", "μ₂₂", gate="nature"),
        _moment("mu_33", "μ₃₃", gate="nature"),
        _moment("mu_12", "μ₁₂"),
        _moment("mu_13", "μ₁₃"),
        _moment("mu_23", "μ₂₃"),
    )

    def after_update(self) -> None:
        """Show "custom" once the baseline's values are left."""
        baseline = self.widgets["baseline"]
        matching = _matching_baseline(self.model)
        if baseline.value != matching:
            self.set_controls({"baseline": matching})

    def stem_parts(self) -> tuple:
        m = self.model
        return (m.nature, f"nu_{m.flavour}", f"L{number(m.L_km)}km", f"E{number(m.E_MeV)}MeV")

    def compute(self) -> None:
        self.curves = self.model.versus_distance(DISTANCES_KM)
        self.solar = float(solar_effective_moment(self.model.moment_matrix(), self.model.E_MeV))

    def _plotted(self) -> dict:
        curves = {CURVES[f][0]: (DISTANCES_KM, self.curves[f]) for f in FLAVOUR_INDEX}
        curves[SOLAR] = (DISTANCES_KM[[0, -1]], np.full(2, self.solar))
        return curves

    def _y_range(self) -> tuple[float, float]:
        values = np.concatenate([*self.curves.values(), [self.solar]])
        values = values[np.isfinite(values) & (values > 0)]
        if values.size == 0:
            return 1e-13, 1e-10
        return float(values.min()) / 3.0, float(values.max()) * 3.0

    def build_figures(self) -> dict[str, LiveOverlay]:
        styles = {label: style.line(role) for label, role in CURVES.values()}
        styles[SOLAR] = style.line("marker", line_dash="dashed", line_width=1.5)
        return {"distance": LiveOverlay(
            self._plotted(), styles, x="L_km", y="mu_eff",
            vlines={"L": (self.model.L_km, style.line("marker"))}, logx=True, logy=True,
            xlim=(DISTANCES_KM[0], DISTANCES_KM[-1]), ylim=self._y_range(),
            xlabel="distance L [km]", ylabel="effective moment μ_eff [μ_B]",
            title="Effective magnetic moment versus distance")}

    def update_figures(self) -> None:
        self.figures["distance"].update(self._plotted(), y_range=self._y_range(),
                                        vlines={"L": self.model.L_km})

    def figure_items(self, name: str) -> list:
        return [self.figures[name].pane(560), self.exports[name].buttons()]

    def readout_text(self) -> str:
        m = self.model
        moments = m.effective_moments()
        triangle = m.triangle()
        names = {"e": "νe", "mu": "ν_μ", "tau": "ν_τ"}
        verdict = ("satisfied" if triangle.satisfied else
                   "**violated** for " + ", ".join(names[f] for f in triangle.violated)
                   + ": not three Majorana neutrinos")
        baseline = BASELINES.get(self.widgets["baseline"].value, (None, None, None, "custom"))[3]
        return (f"**μ_eff({names[m.flavour]}, L = {m.L_km:.4g} km, E = {m.E_MeV:.4g} MeV)** = "
                f"**{moments[m.flavour]:.4g} μ_B** ({baseline})  \n"
                f"**All flavours here**: " + ", ".join(f"{names[f]} {v:.4g}" for f, v in moments.items())
                + f" μ_B; solar νe (incoherent, pp): {self.solar:.4g} μ_B  \n"
                f"**Majorana triangle test** μ²_a ≤ μ²_b + μ²_c on these: {verdict}")
