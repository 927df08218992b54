"""The "Solar sensitivity (xenon)" tab: expected 90% CL limits of a
:class:`model.SolarSensitivity` (solar neutrinos scattering on the electrons of a multi-tonne
xenon detector) versus threshold, exposure, mass, background level or running time, with their
±1σ/±2σ bands, the presets XENONnT-2022, LZ-2023 and PandaX-4T beside their published limits,
a preset to compare with, and the published limits on the effective moment of the solar flux.

The plot and its caches are :mod:`dashboard.sensitivity_common`.
"""

from __future__ import annotations

import functools
import math

import param

from model import SolarSensitivity
from model.atomic_binding import TARGETS
from model.recoil_spectrum import BINDINGS
from model.solar_oscillation import OSCILLATION_MODES
from model.solar_sensitivity import (
    KG_DAY_PER_T_YR, SOLAR_PRESETS, SOLAR_SOURCE_CHOICES)

from .export import number
from .formula_notes import SOLAR_SENSITIVITY
from .sensitivity_common import (
    CUSTOM, MEDIAN, SYMBOL, UNIT, SensitivityTab, XAxis, plot_bindings)
from .view_base import BenchMove, Binding

PRIOR_MODES = {"fitted freely": None, "constrained": 1.0}  # free: background_prior_rel = None
SOURCE_LABELS = {"all (SSM B16-GS98)": "solar_all", **{
    name.removeprefix("solar_"): name for name in SOLAR_SOURCE_CHOICES if name != "solar_all"}}
OSCILLATION_LABELS = {"day–night average": "day_night", "day": "day", "none": "none"}
assert set(OSCILLATION_LABELS.values()) == set(OSCILLATION_MODES)
assert set(SOURCE_LABELS.values()) == set(SOLAR_SOURCE_CHOICES)

AXES = {
    "threshold": XAxis("threshold_keV", "threshold T_th [keV]", "thr", lambda m: m.threshold_keV,
                       ignores=("threshold_keV",)),
    "exposure (kg·day)": XAxis("exposure_kg_day", f"exposure M·t [kg·day] (1 t·yr = {KG_DAY_PER_T_YR:,.0f} kg·day)",
                               "exposure", lambda m: m.mass_kg * m.days_on,
                               ignores=("mass_kg", "days_on"), bounds=("mass_kg", "days_on"),
                               fallback=1e5),
    "mass": XAxis("mass_kg", "fiducial mass M [kg]", "mass", lambda m: m.mass_kg,
                  ignores=("mass_kg",), bounds=("mass_kg",), fallback=1000.0),
    "background level": XAxis(
        "background_level", "electron-recoil background [counts / (t·yr·keV)]", "bkg",
        lambda m: m.background_per_keV_t_yr, ignores=("background_per_keV_t_yr",),
        bounds=("background_per_keV_t_yr",), fallback=10.0),
    "running time (live days)": XAxis("running_time", "live time t [days]", "days",
                                      lambda m: m.days_on, ignores=("days_on",),
                                      bounds=("days_on",), fallback=100.0),
}
COMPARE = {name: name for name in SOLAR_PRESETS}


def _values(model: SolarSensitivity) -> dict:
    return {k: v for k, v in model.param.values().items() if k != "name"}


@functools.cache
def _preset_values(name: str) -> dict:
    return _values(SolarSensitivity.preset(name))


def matching_preset(model: SolarSensitivity) -> str:
    """The preset the model's parameters equal (up to slider round-off), else custom."""
    values = model.param.values()

    def same(a, b):
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9)
        return a == b

    for name in SOLAR_PRESETS:
        if all(same(values[k], v) for k, v in _preset_values(name).items()):
            return name
    return CUSTOM


def _preset_parameters(name: str, view) -> dict:
    return {} if name not in SOLAR_PRESETS else dict(_preset_values(name))


@functools.cache
def _compare_model(name: str) -> SolarSensitivity:
    return SolarSensitivity.preset(name)  # only read (scans do not change it)


class SolarSensitivityView(SensitivityTab):
    """Widgets, plot and readouts for one :class:`SolarSensitivity`.

    ``SolarSensitivityView(SolarSensitivity.preset("LZ-2023")).panel()`` in a notebook.
    """

    key, title, note = "solar_sensitivity", "Solar sensitivity (xenon)", SOLAR_SENSITIVITY
    summary = ("expected 90% CL limits on μν, |qν| and ⟨r²⟩ from solar neutrinos (pp, ⁷Be, "
               "pep, CNO, ⁸B; oscillated) on the electrons of a multi-tonne xenon detector, versus "
               "threshold, exposure, mass, background or live time, with ±1σ/±2σ bands; presets "
               "XENONnT-2022, LZ-2023 and PandaX-4T beside their published limits.")
    model = param.ClassSelector(class_=SolarSensitivity, doc="The detector shown.")
    BENCH = BenchMove("mass_kg", MEDIAN)
    PINS = {"limit": MEDIAN}
    SCAN_LOWEST_KEV = 0.1
    READOUT_HEIGHT = 175
    AXES = AXES
    COMPARE = COMPARE
    FLAVOUR = "solar_eff"
    BINDINGS = (
        *plot_bindings(AXES, COMPARE),
        Binding("preset", "preset", "select", param="", options=[CUSTOM, *SOLAR_PRESETS],
                read=matching_preset, implies=_preset_parameters, implied=(CUSTOM,),
                section="Detector"),
        Binding("target", "target", "select", options=list(TARGETS), follows="preset"),
        Binding("mass_kg", "fiducial mass [kg]", "log", start=1.0, end=6.0, step=0.02,
                follows="preset"),
        Binding("days_on", "live time [days]", "number", start=0.0, step=10.0, follows="preset"),
        Binding("threshold_keV", "threshold [keV]", "log", start=-1.0, end=2.0, step=0.02,
                follows="preset"),
        Binding("window_max_keV", "window upper edge [keV]", "number", start=0.0, step=1.0,
                follows="preset"),
        Binding("bin_width_keV", "bin width [keV]", "number", start=0.0, step=0.1,
                follows="preset"),
        Binding("background_per_keV_t_yr", "ER background [/(t·yr·keV)]", "log", start=-1.0,
                end=4.0, step=0.02, fallback=10.0, follows="preset"),
        Binding("background_fit", "background normalisation", "radio", param="",
                options=list(PRIOR_MODES), factors=PRIOR_MODES, follows="preset"),
        Binding("background_prior_rel", "constraint: relative width", "number", start=1e-4,
                end=10.0, step=0.01, gate="background_fit", fallback=0.1, follows="preset",
                shown=lambda m: m.background_prior_rel is not None),
        Binding("efficiency", "efficiency", "number", start=0.0, end=1.0, step=0.01,
                follows="preset"),
        Binding("resolution_sqrt_keV", "resolution a [keV] (σ = a√(T/keV) + bT)", "number",
                start=0.0, end=10.0, step=0.01, follows="preset"),
        Binding("resolution_fraction", "resolution b", "number", start=0.0, end=1.0, step=0.001,
                follows="preset"),
        Binding("binding", "binding", "radio", options=list(BINDINGS), follows="preset"),
        Binding("source", "solar neutrinos", "select", options=SOURCE_LABELS, follows="preset",
                section="Solar neutrinos"),
        Binding("solar_oscillation", "νe survival (LMA-MSW)", "radio",
                options=OSCILLATION_LABELS, follows="preset"),
    )

    @classmethod
    def default_model(cls) -> SolarSensitivity:
        return SolarSensitivity.preset("XENONnT-2022")

    # --- presets ---------------------------------------------------------------------------
    matching_preset = staticmethod(matching_preset)

    def compare_model(self, choice: str) -> SolarSensitivity:
        return _compare_model(choice)

    # --- grid ------------------------------------------------------------------------------
    # --- readouts --------------------------------------------------------------------------
    def point_context(self) -> tuple[str, str]:
        m = self.model
        return f"{m.threshold_keV:.3g} keV", f"window to {m.window_max_keV:.3g} keV"

    def detector_lines(self) -> list[str]:
        m, now = self.model, self.current
        return [f"**Counts**: electron-recoil background {now['background']:.4g}, SM solar ν "
                f"{now['sm']:.4g}, μν signal at the limit {now['magnetic_at_limit']:.3g}; "
                f"exposure {now['exposure_t_yr']:.3g} t·yr "
                f"({m.mass_kg * m.days_on * m.efficiency:.4g} kg·day after efficiency)"]

    def preset_lines(self) -> list[str]:
        """The preset's published limit beside the median (``published_ratio``), and the values
        that are assumed rather than taken from its papers."""
        name = self.model.preset_name
        if name is None:
            return []
        preset = SOLAR_PRESETS[name]
        lines = []
        medians = {"mu_nu": self.current["mu_limit"], "q_nu": self.current["q_limit"]}
        for quantity, median in medians.items():
            published = preset.published.get(quantity)
            if published is None:
                continue
            note = f"; {published.note}" if published.note else ""
            lines.append(f"**{name}** published {SYMBOL[quantity]} < {published.value:.3g} "
                         f"{UNIT[quantity]} ({published.reference}{note}); median / published "
                         f"= **{median / published.value:.2f}**")
        if not lines:
            lines.append(f"**{name}**: no published limit in the presets ({preset.notes})")
        if preset.assumed:
            lines.append(f"*Assumed, not from the papers:* {', '.join(preset.assumed)}")
        return lines

    # --- downloads -------------------------------------------------------------------------
    def stem_parts(self) -> tuple:
        m = self.model
        return (self.widgets["preset"].value, m.target, f"thr{number(m.threshold_keV)}keV",
                f"{number(m.mass_kg)}kg", f"{number(m.days_on)}d", *super().stem_parts())

