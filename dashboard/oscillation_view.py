"""The "Oscillations" tab: spin, flavour and spin-flavour oscillations of a
:class:`model.SpinFlavourOscillation`, exact and analytic, and the resonance in matter.

The figures are updated in place (:class:`dashboard.live_plot.LiveOverlay`); the resonance
plot and the readouts follow the distance plot a moment later (:meth:`OscillationView.refresh`).
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

from .export import number
from .formula_notes import OSCILLATIONS
from . import style
from .live_plot import LiveOverlay
from .view_base import BenchMove, Binding, TabView

log = logging.getLogger(__name__)

MU_UNIT = 1e-12  # the moment sliders are in units of 1e-12 mu_B
N_DISTANCES = 1000  # ~3 points per pixel of the plot; the browser rasterises every one
DETAILS_DELAY_MS = 80  # the resonance plot and readouts follow the distance plot by this much
CHANNELS = {  # model column: (legend label, colour)
    "P_eL_eL": ("ν_eL → ν_eL", style.BLACK),
    "P_eL_muL": ("ν_eL → ν_μL", style.BLUE),
    "P_eL_eR": ("ν_eL → ν_eR", style.VERMILLION),
    "P_eL_muR": ("ν_eL → ν_μR", style.GREEN),
}
ANALYTIC_SUFFIX = " (analytic)"
TWO_LEVEL_LABEL = "ν_eL → ν_μR two-level (Akhmedov, Lim–Marciano)"
SCAN_CURVES = {  # label: (scan column, colour, dash)
    "⟨P(ν_eL → ν_μR)⟩ exact": ("P_eL_muR", style.GREEN, "solid"),
    "⟨P(ν_eL → ν_eR)⟩ exact": ("P_eL_eR", style.VERMILLION, "solid"),
    "two-level sin²β / 2": ("two_level", style.GREEN, "dashed"),
}
SCAN_MARKERS = {
    "level crossing (exact)": {"color": style.PURPLE, "line_dash": "solid"},
    "two-level resonance": {"color": style.PURPLE, "line_dash": "dashed"},
    "current value": style.line("marker"),
}
SCAN_LABELS = {"density_g_cm3": "matter density ρ [g/cm³]", "E_MeV": "neutrino energy E [MeV]"}
NATURES = {"Dirac": False, "Majorana": True}
DIRAC_ONLY = {False: 1.0, True: 0.0}  # Majorana: transition moment only, matter at rest
ON_OFF = {True: 1.0, False: 0.0}
SCAN_CHOICES = {"vs density": "density_g_cm3", "vs energy": "E_MeV"}


def _format_km(length):
    return "∞" if not math.isfinite(length) else f"{length:.4g} km"


def _format(value, unit):
    return "none in range" if not math.isfinite(value) else f"{value:.4g} {unit}"


def _matter_moves(oscillation: SpinFlavourOscillation) -> bool:
    """The angle and γ act only in moving matter (the transversal current term)."""
    return oscillation.matter_speed > 0.0


def _moment(name: str, label: str, **options) -> Binding:
    return Binding(name, f"{label} [10⁻¹² μ_B]", start=-20.0, end=20.0, step=0.05,
                   scale=MU_UNIT, **options)


class OscillationView(TabView):
    """Widgets, plots and readouts for one :class:`SpinFlavourOscillation`.

    ``OscillationView(SpinFlavourOscillation(mu12=1e-12, density_g_cm3=700)).panel()`` in a
    notebook or a served app.
    """

    key, title, note = "oscillations", "Oscillations", OSCILLATIONS
    summary = ("flavour, spin and spin-flavour oscillations in B⊥, matter and moving matter, "
               "exact 4×4 evolution with the analytic formulas overlaid; resonance in matter.")
    model = param.ClassSelector(class_=SpinFlavourOscillation, doc="The oscillation shown.")
    BENCH = BenchMove("B_perp_gauss", CHANNELS["P_eL_eR"][0])
    PINS = {"distance": CHANNELS["P_eL_eL"][0]}
    READOUT_HEIGHT = 170
    FIXED = {"electron_density_cm3": None}  # the density slider sets the matter
    BINDINGS = (
        Binding("majorana", "neutrinos", "radio", options=NATURES, factors=DIRAC_ONLY,
                section="Neutrino"),
        _moment("mu1", "μ₁", gate="majorana"),
        _moment("mu2", "μ₂", gate="majorana"),
        _moment("mu12", "μ₁₂"),
        Binding("E_MeV", "E [MeV]", "log", start=-2.0, end=3.0, step=0.01),
        Binding("dm2_eV2", "Δm² [eV²]", "log", start=-6.0, end=-2.0, step=0.01, fallback=7e-5),
        Binding("theta", "θ [rad]", param="theta_rad", start=0.0, end=math.pi / 2, step=0.001),
        Binding("B_perp_gauss", "B⊥ [G]", "log", start=0.0, end=16.0, fallback=1e8,
                section="Field"),
        Binding("twist_rad_per_km", "field twist φ′ [rad/km]", start=-0.2, end=0.2, step=0.001),
        Binding("matter", "matter", "checkbox", param="", factors=ON_OFF, section="Matter"),
        Binding("density_g_cm3", "ρ [g/cm³]", "log", start=-2.0, end=16.0, step=0.01,
                fallback=100.0, gate="matter", read=SpinFlavourOscillation.effective_density_g_cm3),
        Binding("Y_e", "Y_e", start=0.0, end=1.0, step=0.01),
        Binding("matter_speed", "matter speed v [c]", start=0.0, end=0.99, step=0.01,
                gate="majorana", section="Matter current"),
        Binding("matter_angle_deg", "angle of v to the momentum [°]", param="matter_angle_rad",
                start=0.0, end=180.0, step=1.0, scale=math.pi / 180.0, url_scale=1.0,
                shown=_matter_moves),
        Binding("m_nu_eV", "m_ν [eV] (γ = E/m_ν)", "log", start=-3.0, end=1.0,
                shown=_matter_moves),
        # 600 km: the fast flavour oscillation (35 km at 1 MeV) resolved, and the spin envelope
        # of 1e-12 μB in 1e8 G rising to its first maximum (π/2μB ≈ 540 km)
        Binding("x_max_km", "distance shown [km]", "log", param="", start=0.0, end=6.0,
                step=0.01, fallback=600.0, section="Plots"),
        Binding("resonance_plot", "resonance plot", "radio", param="", options=SCAN_CHOICES),
    )

    def stem_parts(self) -> tuple:
        """Download file names: nature, field, energy and density."""
        m = self.model
        return ("majorana" if m.majorana else "dirac", f"B{number(m.B_perp_gauss)}G",
                f"E{number(m.E_MeV)}MeV", f"rho{number(m.density_g_cm3)}")

    # --- model -> plots and readouts --------------------------------------------------------
    def distances_km(self) -> np.ndarray:
        return np.linspace(0.0, self.value("x_max_km"), N_DISTANCES)

    def refresh(self):
        """Recompute the curves, the resonance scan and the readouts from the model.

        In a served app the resonance plot and the readouts follow ``DETAILS_DELAY_MS`` later,
        once per burst of changes: the distance plot is sent and shown first.  (BokehJS resolves
        CSS variables while painting axis and legend text, which costs a style recalculation of
        the page per figure repainted; two figures in one message double the time to the
        first frame.)  Elsewhere (tests, notebooks) everything is updated at once.
        """
        curves = self._distance_curves()
        if not self.figures:
            self.figures = self._build_figures(curves, *self._scan_curves())
            self.readout.object = self.readout_text()
            return
        x = curves[CHANNELS["P_eL_eL"][0]][0]
        with pn.io.hold():
            self.figures["distance"].update(curves, x_range=(0.0, float(x[-1])))
        doc = pn.state.curdoc
        if doc is None or doc.session_context is None:
            self._refresh_details()
        elif not self._details_pending:
            self._details_pending = True
            doc.add_timeout_callback(partial(self._refresh_details, doc), DETAILS_DELAY_MS)

    _details_pending = False

    def _refresh_details(self, doc=None):
        self._details_pending = False
        with set_curdoc(doc) if doc is not None else nullcontext():
            self._update_details()

    def _update_details(self):
        try:
            scan_curves, markers, variable = self._scan_curves()
            text = self.readout_text()
        except Exception:  # the model was accepted by refresh; anything here is a bug
            log.exception("resonance plot update failed")
            self.alert.object = "**Internal error** while updating the resonance plot; see the server log."
            self.alert.visible = True
            return
        values = next(iter(scan_curves.values()))[0]
        scan_plot = self.figures["resonance"]
        with pn.io.hold():
            scan_plot.update(scan_curves, x_range=(float(values[0]), float(values[-1])),
                             y_range=self._scan_y_range(scan_curves), vlines=markers)
            axis = scan_plot.figure.xaxis[0]
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
        variable = self.value("resonance_plot")
        scan = m.resonance_scan(variable)
        values = scan[variable].to_numpy()
        curves = {label: (values, scan[column].to_numpy())
                  for label, (column, _, _) in SCAN_CURVES.items()}
        two_level_resonance = (m.resonance_density_two_level_g_cm3()
                               if variable == "density_g_cm3" else m.resonance_energy_two_level_MeV())
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

    def readout_text(self) -> str:
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
            f"{_format(m.resonance_density_two_level_g_cm3(), 'g/cm³')} (E = "
            f"{_format(m.resonance_energy_two_level_MeV(), 'MeV')}); here sin²β = {two_level.amplitude:.3g}, "
            f"L = {_format_km(two_level.length_km)}; dotted grey: the current value  \n"
            f"**Spin oscillation** ν_eL → ν_eR (Studenikin, transversal matter current): sin²2θ_eff = {spin.amplitude:.3g}, "
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
        styles[TWO_LEVEL_LABEL] = {"color": style.GREEN, "line_dash": "dotted", "line_width": 3}
        x = curves[CHANNELS["P_eL_eL"][0]][0]
        distance_plot = LiveOverlay(
            curves, styles, x="x_km", y="P", min_height=420, xlim=(0.0, float(x[-1])),
            ylim=(0.0, 1.02), xlabel="distance x [km]",
            ylabel="probability", title="ν_eL in B⊥ and matter: exact (solid) and analytic (dashed)")
        scan_styles = {label: {"color": colour, "line_dash": dash}
                       for label, (_, colour, dash) in SCAN_CURVES.items()}
        values = next(iter(scan_curves.values()))[0]
        scan_plot = LiveOverlay(
            scan_curves, scan_styles, x="scan_value", y="P_average",
            vlines={label: (markers[label] if markers[label] is not None else float(values[0]), style)
                    for label, style in SCAN_MARKERS.items()},
            logx=True, min_height=320, xlim=(float(values[0]), float(values[-1])), ylim=(0.0, 0.6),
            xlabel=SCAN_LABELS[variable],
            ylabel="distance-averaged probability", title="Resonant spin-flavour conversion")
        scan_plot.update({}, vlines=markers)
        return {"distance": distance_plot, "resonance": scan_plot}

    def figure_items(self, name: str) -> list:
        height = {"distance": 560, "resonance": 440}[name]
        return [self.figures[name].pane(height), self.exports[name].buttons()]
