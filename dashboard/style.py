"""One style for every tab: a colour-blind-safe palette with distinct dash patterns assigned by
meaning, and the type sizes of the normal and the projector ("present") modes.

Colours are Okabe & Ito's eight ("Color Universal Design", 2002, https://jfly.uni-koeln.de/color/),
which stay apart for protan, deutan and tritan eyes; curves that could still be confused also
differ in dash pattern, so that no two entries of one legend share both colour and dash
(checked by tests/browser/test_presentation.py).  Presentation only.
"""

from __future__ import annotations

from collections.abc import Mapping

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"  # bluish green
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"  # reddish purple
GREY = "#7F7F7F"

# (colour, dash) by meaning.  Dashes: solid, dashed, dotted, dotdash, dashdot.
ROLES: Mapping[str, tuple[str, str]] = {
    # recoil spectra
    "sm": (BLUE, "solid"),
    "magnetic": (VERMILLION, "solid"),
    "charge_plus": (GREEN, "dashed"),
    "charge_minus": (PURPLE, "dotdash"),
    "total": (BLACK, "solid"),
    "electron_sm": (BLUE, "dotted"),
    "electron_magnetic": (VERMILLION, "dotted"),
    "nucleus_sm": (SKY_BLUE, "dashdot"),
    "nucleus_magnetic": (ORANGE, "dashdot"),
    # markers and reference lines
    "marker": (GREY, "dotted"),
    "threshold": (GREY, "dotted"),
    # flavour and helicity channels (oscillations)
    "eL_eL": (BLACK, "solid"),
    "eL_muL": (BLUE, "solid"),
    "eL_eR": (VERMILLION, "dashed"),
    "eL_muR": (GREEN, "dotdash"),
    # limits and bounds
    "sensitivity": (VERMILLION, "solid"),
    "estimate": (GREEN, "dashed"),
    "laboratory": (BLUE, "dotted"),
    "astrophysical": (ORANGE, "dotdash"),
    "theory": (BLACK, "solid"),
    "naturalness": (PURPLE, "dashed"),
    "bell_dirac": (SKY_BLUE, "dashdot"),
    "bell_majorana": (ORANGE, "dashdot"),
    # spin light
    "threshold_curve": (GREEN, "solid"),
    "w_threshold": (VERMILLION, "dashed"),
    "energy_line": (GREY, "dotted"),
    "rate": (BLUE, "solid"),
    "lifetime": (PURPLE, "solid"),
    "loss_time": (ORANGE, "dashed"),
}

# Reference lines of experiments: distinct (colour, dash) pairs, taken in turn; none of them
# is the look of a role above that shares a figure with them (theory lines, sensitivities).
SERIES = ((BLUE, "dotted"), (VERMILLION, "dotdash"), (GREEN, "dotted"), (ORANGE, "dotted"),
          (PURPLE, "dotdash"), (SKY_BLUE, "dotted"), (GREY, "dashdot"), (BLACK, "dotted"),
          (YELLOW, "dashed"), (BLUE, "dotdash"), (VERMILLION, "dotted"), (PURPLE, "dotted"))


def line(role: str, **extra) -> dict:
    """Bokeh line options for a curve of ``role``."""
    colour, dash = ROLES[role]
    return {"color": colour, "line_dash": dash, **extra}


def series(index: int, **extra) -> dict:
    """Line options of the ``index``-th reference line of a figure."""
    colour, dash = SERIES[index % len(SERIES)]
    return {"color": colour, "line_dash": dash, **extra}


# Type sizes (px) and line widths of the two modes: the projector mode is read from the back
# of a room.
SIZES = {
    False: {"tick": 13, "label": 14, "legend": 14, "title": 15, "readout": 15, "line": 2.0},
    True: {"tick": 16, "label": 18, "legend": 18, "title": 20, "readout": 18, "line": 3.0},
}
MUTE_HINT = "click an entry to mute it"


LEGEND_WIDTH_PX = 640  # a legend below the frame fits this width (an 800 px window)


def legend_columns(legend, font_px: int | None = None) -> int:
    """As many columns (at most 3) as the longest entry lets fit in ``LEGEND_WIDTH_PX``."""
    labels = [item.label.value if hasattr(item.label, "value") else str(item.label)
              for item in legend.items if item.visible]
    if font_px is None:  # the legend's own size ("14px")
        font_px = int(float(str(legend.label_text_font_size).removesuffix("px")))
    longest = max((len(label) for label in labels), default=10)
    entry_px = 0.6 * font_px * longest + 60  # glyph, padding and the text
    return max(1, min(3, int(LEGEND_WIDTH_PX // entry_px)))


def legend_row_px(font_px: int) -> int:
    """Height of one legend row in px: Bokeh's 20 px label box (or the text's line, if taller)
    and its 3 px spacing."""
    return max(20, round(1.25 * font_px)) + 3


def style_figure(figure, present: bool = False) -> None:
    """Type sizes, line widths and the legend's muting hint of a Bokeh figure, for a mode."""
    sizes = SIZES[present]
    for axis in [*figure.xaxis, *figure.yaxis]:
        axis.major_label_text_font_size = f"{sizes['tick']}px"
        axis.axis_label_text_font_size = f"{sizes['label']}px"
    figure.title.text_font_size = f"{sizes['title']}px"
    for legend in figure.legend:
        legend.ncols = legend_columns(legend, sizes["legend"])
        legend.label_text_font_size = f"{sizes['legend']}px"
        legend.title = MUTE_HINT
        legend.title_text_font_size = f"{sizes['tick']}px"
        legend.title_text_font_style = "italic"
        legend.click_policy = "mute"
        legend.glyph_width = 34 if present else 26  # room to show the dash pattern
    for renderer in figure.renderers:
        glyph = getattr(renderer, "glyph", None)
        if glyph is None or not hasattr(glyph, "line_width"):
            continue
        base = next((float(tag.split(":", 1)[1]) for tag in renderer.tags
                     if isinstance(tag, str) and tag.startswith("nuem-width:")), None)
        if base is None:  # the width the figure was built with, in normal mode
            base = float(glyph.line_width) if isinstance(glyph.line_width, (int, float)) else 2.0
            renderer.tags = [*renderer.tags, f"nuem-width:{base}"]
        scaled = base * (sizes["line"] / SIZES[False]["line"])
        glyph.line_width = max(scaled, sizes["line"]) if present else base
    for label in figure.center:
        if getattr(label, "text_font_size", None) is not None and type(label).__name__ == "Label":
            label.text_font_size = f"{sizes['tick']}px"
