"""The "Reactor sensitivity" tab: expected 90% CL limits of a :class:`model.ReactorSensitivity`
versus threshold, exposure, mass, background level or running time, with their ±1σ/±2σ bands,
in the ν–e channel, coherent ν–nucleus scattering (CEvNS) or both; a preset to compare with;
the published limits; and a limit from an uploaded spectrum (:mod:`dashboard.spectrum_upload`).

The plot and its caches are :mod:`dashboard.sensitivity_common`.  Presets: a preset with a
CEvNS analysis (CONUS+, Dresden-II) brings its CEvNS window when the channel is CEvNS or both;
the others are ν–e analyses and switch the channel to ν–e.
"""

from __future__ import annotations

import functools
import math

import param

from model import ReactorSensitivity
from model.nucleus_scattering import NUCLEAR_TARGETS
from model.quenching import MAX_K, MIN_K
from model.sensitivity import CHANNELS, PRESETS, SENSITIVITY_TARGETS

from .export import number
from .formula_notes import SENSITIVITY
from .sensitivity_common import (
    CUSTOM, MEDIAN, SYMBOL, UNIT, SensitivityTab, XAxis, plot_bindings)
from .spectrum_upload import SpectrumUpload
from .view_base import BenchMove, Binding

MU_CURVE = MEDIAN
"""The plotted median curve (its label; formerly the μν plot's only curve)."""
FLUX_MODES = {"flux": 1.0, "power & distance": None}  # power & distance: flux_cm2_s = None
LINDHARD = {True: None, False: 1.0}  # Lindhard's k of the target: quenching_k = None
CHANNEL_LABELS = {"ν–e": "electron", "CEvNS": "nucleus", "both": "both"}
CEVNS_THRESHOLD_KEV = PRESETS["CONUS+"].nucleus["threshold_keV"]
"""The threshold a custom configuration gets when switched to CEvNS from above the nuclear
end point: CONUS+'s (N. Ackermann et al., arXiv:2501.05206)."""
assert set(CHANNEL_LABELS.values()) == set(CHANNELS)


def _exposure(model) -> float:
    return model.mass_kg * model.days_on


AXES = {
    "threshold": XAxis("threshold_keV", "threshold T_th [{unit}]", "thr",
                       lambda m: m.threshold_keV, ignores=("threshold_keV",)),
    "exposure (kg·day ON)": XAxis(
        "exposure_kg_day", "exposure M·t_ON [kg·day] (OFF time in proportion)", "exposure",
        _exposure, ignores=("mass_kg", "days_on", "days_off"),
        extra=lambda m: (m.days_off / m.days_on,), bounds=("mass_kg", "days_on"), fallback=100.0),
    "mass": XAxis("mass_kg", "detector mass M [kg]", "mass", lambda m: m.mass_kg,
                  ignores=("mass_kg",), bounds=("mass_kg",)),
    "background level": XAxis(
        "background_level", "background at 10 keV [counts / (keV·kg·day)]", "bkg",
        lambda m: m.background_per_keV_kg_day, ignores=("background_per_keV_kg_day",),
        bounds=("background_per_keV_kg_day",), fallback=1.0),
    "running time (days ON)": XAxis("running_time", "running time t_ON [days]", "days",
                                    lambda m: m.days_on, ignores=("days_on",),
                                    bounds=("days_on",), fallback=100.0),
}


def _preset_choices() -> dict[str, str]:
    """Compare-with options: every preset's ν–e analysis, and the CEvNS analyses."""
    choices = {f"{name} (ν–e)": name for name in PRESETS}
    choices.update({f"{name} (CEvNS)": f"{name}/nucleus" for name, preset in PRESETS.items()
                    if preset.nucleus is not None})
    return choices


COMPARE = _preset_choices()


def _values(model: ReactorSensitivity) -> dict:
    return {k: v for k, v in model.param.values().items() if k != "name"}


@functools.cache
def _preset_values(name: str, channel: str) -> dict:
    """The parameters of preset ``name`` analysed in ``channel`` (its CEvNS window for a CEvNS
    channel where it has one)."""
    return _values(ReactorSensitivity.preset(name, channel=channel))


@functools.lru_cache(maxsize=64)
def _compare_model(choice: str) -> ReactorSensitivity:
    """The preset (``"name"`` or ``"name/channel"``) drawn for comparison; shared by the
    sessions, only read (scans do not change it).  A module function, not a cached method: a
    method's cache would keep every session's view alive."""
    name, _, channel = choice.partition("/")
    return ReactorSensitivity.preset(name, channel=channel or None)


def _preset_channels(name: str) -> tuple[str, ...]:
    return CHANNELS if PRESETS[name].nucleus is not None else ("electron",)


def matching_preset(model: ReactorSensitivity) -> str:
    """The preset the model's parameters equal (up to slider round-off), in any channel it has
    an analysis for; else custom."""
    values = model.param.values()

    def same(a, b):
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9)
        return a == b

    for name in PRESETS:
        for channel in _preset_channels(name):
            preset = _preset_values(name, channel)
            if all(same(values[k], v) for k, v in preset.items()):
                return name
    return CUSTOM


def _preset_parameters(name: str, view) -> dict:
    """A preset brings all its parameters: in the chosen channel where it has a CEvNS
    analysis, else its ν–e analysis (the channel switches to ν–e)."""
    if name == CUSTOM or name not in PRESETS:
        return {}
    channel = view.widgets["channel"].value
    return dict(_preset_values(name, channel if channel in _preset_channels(name) else "electron"))


def _channel_parameters(channel: str, view) -> dict:
    """A channel switch: a preset with a CEvNS analysis brings it; a custom configuration whose
    threshold lies above the nuclear recoils' end point gets CONUS+'s CEvNS threshold."""
    name = view.widgets["preset"].value
    if name in PRESETS and channel in _preset_channels(name) and PRESETS[name].nucleus is not None:
        return dict(_preset_values(name, channel))
    model = view.model
    if channel == "electron" or model.target not in NUCLEAR_TARGETS:
        return {}  # (CF4 has no CEvNS: the model says so)
    try:
        end = model.clone(channel="nucleus").max_recoil_keV()
    except ValueError:
        return {}
    return {"threshold_keV": CEVNS_THRESHOLD_KEV} if model.threshold_keV >= end else {}


class SensitivityView(SensitivityTab):
    """Widgets, plot and readouts for one :class:`ReactorSensitivity`.

    ``SensitivityView(ReactorSensitivity.preset("GEMMA-2012")).panel()`` in a notebook;
    ``view.load_spectrum(csv_bytes, "name.csv")`` fits a measured spectrum.
    """

    key, title, note = "sensitivity", "Reactor sensitivity", SENSITIVITY
    summary = ("expected 90% CL limits on μν, |qν| and ⟨r²⟩ of a reactor experiment (ν–e, "
               "CEvNS or both) versus threshold, exposure, mass, background or running time, "
               "with ±1σ/±2σ bands, presets of real experiments beside their published limits, "
               "a second configuration to compare, and a limit from your own measured spectrum.")
    model = param.ClassSelector(class_=ReactorSensitivity, doc="The detector shown.")
    BENCH = BenchMove("mass_kg", MEDIAN)
    PINS = {"limit": MEDIAN}
    SCAN_LOWEST_KEV = 0.01
    READOUT_HEIGHT = 200
    AXES = AXES
    COMPARE = COMPARE
    FLAVOUR = "anti_nu_e"
    # A preset sets all the others, so a link with a preset carries them all ("follows");
    # "custom" follows from the values themselves.  The channel comes right after the preset:
    # a link applies it before the values it may move.
    BINDINGS = (
        *plot_bindings(AXES, COMPARE),
        Binding("preset", "preset", "select", param="", options=[CUSTOM, *PRESETS],
                read=matching_preset, implies=_preset_parameters, implied=(CUSTOM,),
                section="Experiment"),
        Binding("channel", "channel (CEvNS presets: CONUS+, Dresden-II)", "radio",
                options=CHANNEL_LABELS, implies=_channel_parameters, follows="preset"),
        Binding("target", "target", "select", options=list(SENSITIVITY_TARGETS),
                follows="preset", section="Detector"),
        # a select, not a radio: a radio's label is a separate pane that ``shown`` leaves on
        Binding("binding", "atomic binding (ν–e)", "select", options=["stepping", "free"],
                follows="preset", shown=lambda m: m.channel != "nucleus"),
        Binding("lindhard_k", "quenching: Lindhard's k of the target", "checkbox", param="",
                factors=LINDHARD, follows="preset", shown=lambda m: m.channel != "electron"),
        Binding("quenching_k", "quenching k", start=max(MIN_K, 0.05), end=min(MAX_K, 0.35),
                step=0.001, format="0.000", gate="lindhard_k", fallback=0.157,
                follows="preset", shown=lambda m: m.channel != "electron"),
        Binding("threshold_keV", "threshold [keVee]", "log", start=-2.0, end=3.5, step=0.02,
                follows="preset"),
        Binding("window_max_keV", "window upper edge [keVee]", "number", start=0.0, step=10.0,
                follows="preset"),
        Binding("bin_width_keV", "bin width [keV]", "number", start=0.0, step=0.01,
                follows="preset"),
        Binding("mass_kg", "mass [kg]", "log", start=-2.0, end=4.0, step=0.02, follows="preset"),
        Binding("background_per_keV_kg_day", "background [/(keV·kg·day)]", "log", start=-4.0,
                end=3.0, step=0.02, fallback=1e-4, follows="preset"),
        Binding("resolution_keV", "resolution σ [keV]", "number", start=0.0, step=0.05,
                follows="preset"),
        Binding("days_on", "days ON", "number", start=0.0, step=10.0, follows="preset",
                section="Exposure"),
        Binding("days_off", "days OFF", "number", start=0.0, step=10.0, follows="preset"),
        Binding("flux_from", "flux from", "radio", param="", options=list(FLUX_MODES),
                factors=FLUX_MODES, follows="preset", section="Source"),
        Binding("flux_cm2_s", "flux [cm⁻² s⁻¹]", "log", start=10.0, end=15.0, step=0.01,
                gate="flux_from", read=ReactorSensitivity.total_flux_cm2_s, follows="preset"),
        Binding("thermal_power_GW", "thermal power [GW]", "number", start=0.0, step=0.1,
                follows="preset"),
        Binding("distance_m", "distance [m]", "number", start=0.0, step=0.5, follows="preset"),
    )

    @classmethod
    def default_model(cls) -> ReactorSensitivity:
        return ReactorSensitivity.preset("GEMMA-2012")

    def __init__(self, model=None, **params):
        self.upload = None
        super().__init__(model, **params)
        self.upload = SpectrumUpload(self)

    # --- presets ---------------------------------------------------------------------------
    matching_preset = staticmethod(matching_preset)

    def compare_model(self, choice: str) -> ReactorSensitivity:
        return _compare_model(choice)

    # --- grid and labels -------------------------------------------------------------------
    def x_label(self) -> str:
        unit = "keV" if self.model.channel == "electron" else "keVee"
        return self.axis().label.format(unit=unit)

    def plot_title(self) -> str:
        channel = next(label for label, value in CHANNEL_LABELS.items()
                       if value == self.model.channel)
        return f"{super().plot_title()} ({channel})"

    # --- the uploaded spectrum -------------------------------------------------------------
    def load_spectrum(self, data: bytes, name: str = "") -> bool:
        """Fit a measured spectrum (the bytes of a CSV file; format in
        :mod:`model.spectrum_fit`) with this detector; a bad file is refused with a message in
        the alert and changes nothing.  Returns success."""
        return self.upload.load(data, name)

    def compute_extra(self) -> None:
        if self.upload is not None:
            self.upload.refit(defer=self.can_defer())
            if self.upload.stale:
                self.schedule()

    def update_figures(self) -> None:
        super().update_figures()
        if self.upload is not None and self.upload.spectrum is not None and not self.upload.stale:
            self.upload.draw()

    def extra_controls(self) -> list:
        return [self.upload.controls()]

    def main_items(self) -> list:
        return [*super().main_items(), self.upload.area]

    def extra_lines(self) -> list[str]:
        return self.upload.lines() if self.upload is not None else []

    # --- readouts --------------------------------------------------------------------------
    def point_context(self) -> tuple[str, str]:
        m, unit = self.model, "keV" if self.model.channel == "electron" else "keVee"
        return (f"{m.threshold_keV:.3g} {unit}",
                f"window to {m.window_max_keV:.3g} {unit}, {int(self.current['bins'])} bins")

    def detector_lines(self) -> list[str]:
        m, now = self.model, self.current
        known = {"electron": "SM ν–e", "nucleus": "SM CEvNS", "both": "SM ν–e + CEvNS"}[m.channel]
        return [f"**Counts** (ON): background {now['background_on']:.4g}, {known} "
                f"{now['sm_on']:.4g}, μν signal at the limit {now['magnetic_on_at_limit']:.3g}; "
                f"OFF background {now['background_off']:.4g}. Exposure {m.mass_kg * m.days_on:.4g} "
                f"kg·day ON; flux {m.total_flux_cm2_s():.3g} cm⁻² s⁻¹"]

    def preset_lines(self) -> list[str]:
        """The preset's published limits beside the median (``published_ratio``), and the
        values that are assumed rather than taken from its papers."""
        m, name = self.model, self.model.preset_name
        if name is None:
            return []
        preset = PRESETS[name]
        channel = "nucleus" if m.channel == "nucleus" else "electron"
        lines = []
        medians = {"mu_nu": self.current["mu_limit"], "q_nu": self.current["q_limit"]}
        for quantity, median in medians.items():
            published = preset.published.get((channel, quantity))
            if published is None:
                continue
            lines.append(f"**{name}** published {SYMBOL[quantity]} < {published.value:.3g} "
                         f"{UNIT[quantity]} ({published.reference}); median / published = "
                         f"**{median / published.value:.2f}**")
        if not lines:
            lines.append(f"**{name}**: no published limit of this analysis in the presets")
        assumed = preset.assumed + (preset.nucleus_assumed if m.channel != "electron" else ())
        if assumed:
            lines.append(f"*Assumed, not from the papers:* {', '.join(dict.fromkeys(assumed))}")
        return lines

    # --- downloads -------------------------------------------------------------------------
    def stem_parts(self) -> tuple:
        """Download file names: preset, target, channel, threshold, mass, background, and what
        is plotted against what."""
        m = self.model
        return (self.widgets["preset"].value, m.target, m.channel,
                f"thr{number(m.threshold_keV)}keV", f"{number(m.mass_kg)}kg",
                f"bkg{number(m.background_per_keV_kg_day)}", *super().stem_parts())
