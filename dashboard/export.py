"""Downloads of a plot: its data as CSV (built on the server when clicked) and the figure as PNG
or SVG (drawn by BokehJS in the browser, so they match the screen).

File names carry the key parameters (``stem``, e.g. ``recoil_Ge_reactor_mu1e-11_thr2.8keV``).
Presentation only: the CSV holds the numbers the figure plots, with the model's parameters
in ``#`` header lines (``pandas.read_csv(path, comment="#")`` reads it back).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import panel as pn
import param
from bokeh.models import CustomJS, SaveTool

from .live_plot import Deferred, LiveOverlay

RENAME_DELAY_MS = 400

# Render the figure's own view and download it as stem.kind.  PNG at twice the screen's
# resolution: the SVG export drawn onto a canvas of twice the figure's size (Bokeh's PNG export
# copies the canvas as shown, at the screen's pixel ratio).
_EXPORT_JS = """
const manager = fig.document.views_manager ?? Bokeh.index;
const view = manager == null ? null : manager.find_one(fig);
if (view == null) { return; }
const save = (blob) => {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = (tool.filename || "plot") + "." + kind;
  link.dispatchEvent(new MouseEvent("click"));
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
};
view.export("svg").to_blob().then((svg) => {
  if (kind === "svg") { save(svg); return; }
  const url = URL.createObjectURL(svg);
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = 2 * image.width;
    canvas.height = 2 * image.height;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(url);
    canvas.toBlob(save, "image/png");
  };
  image.src = url;
});
"""


class ImageButton(pn.widgets.Button):
    """A button that downloads a figure as PNG or SVG in the browser (``_EXPORT_JS``).

    The script is attached to the button's own Bokeh model (a new ``CustomJS`` per model, so
    per session), not through Panel's ``js_on_click``: a Panel link makes every later change
    of the page's layout (each tab's first visit) search the whole document for linked
    models, ~12 % of a first visit's server CPU in the load bench (bench/README.md, "Load").
    """

    export_args = param.Dict(default={}, doc="the CustomJS arguments: fig, tool, kind")

    _rename = {**pn.widgets.Button._rename, "export_args": None}

    def _get_model(self, doc, root=None, parent=None, comm=None):
        model = super()._get_model(doc, root, parent, comm)
        model.js_on_event("button_click", CustomJS(args=dict(self.export_args), code=_EXPORT_JS))
        return model


def file_stem(*parts) -> str:
    """Join name parts into a file-name-safe stem (``1e-11`` and ``2.8keV`` kept readable)."""
    text = "_".join(str(p) for p in parts if p not in (None, ""))
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", text).strip("-_") or "plot"


def number(value: float) -> str:
    """A parameter value for a file name: 3 significant digits."""
    return f"{value:.3g}"


class PlotExport:
    """CSV, PNG and SVG buttons for one :class:`LiveOverlay`.

    ``stem()`` gives the file name without extension; ``model`` is watched so that the
    browser-side PNG/SVG names follow every parameter change.  ``suffix`` tells plots of one
    view apart (``"mu"``, ``"q"``).
    """

    def __init__(self, plot: LiveOverlay, model: param.Parameterized, stem: Callable[[], str],
                 suffix: str = ""):
        self.plot, self.model, self._stem, self.suffix = plot, model, stem, suffix
        self.save_tool = next((t for t in plot.figure.tools if isinstance(t, SaveTool)), None)
        if self.save_tool is None:
            self.save_tool = SaveTool()
            plot.figure.add_tools(self.save_tool)
        self.save_tool.filename = self.stem()
        self.csv = pn.widgets.FileDownload(callback=self._csv_file, filename=self.stem() + ".csv",
                                           label="CSV", color="light", width=70,
                                           embed=False)
        self.png = self._image_button("png")
        self.svg = self._image_button("svg")
        # A tool's new property rebuilds the figure's toolbar in the browser (~10 ms): the file
        # name follows a burst of moves instead of delaying each redraw.
        self._rename_later = Deferred(self.rename, RENAME_DELAY_MS)
        model.param.watch(self._rename, [p for p in model.param if p != "name"])

    def stem(self) -> str:
        return file_stem(self._stem(), self.suffix)

    def _rename(self, *events) -> None:
        self._rename_later.request()

    def flush(self) -> None:
        """Name the downloads now if a rename is waiting."""
        self._rename_later.flush()

    def rename(self) -> None:
        """Name the downloads after the model's current parameters."""
        stem = self.stem()
        if self.save_tool.filename != stem:
            with pn.io.hold():  # a raw Bokeh model: change it where the server allows it
                self.save_tool.filename = stem

    def _image_button(self, kind: str) -> ImageButton:
        return ImageButton(label=kind.upper(), color="light", width=70,
                           export_args={"fig": self.plot.figure, "tool": self.save_tool,
                                        "kind": kind})

    def frame(self) -> pd.DataFrame:
        """The plotted curves: one x column and a column per curve when they share x,
        else long form (curve, x, y).  Curves with nothing drawn are left out."""
        curves = {label: self.plot.data(label) for label in self.plot.labels}
        curves.update(self.plot.pinned)
        curves = {label: (x, y) for label, (x, y) in curves.items()
                  if len(y) and np.isfinite(np.asarray(y, dtype=float)).any()}
        xs = [x for x, _ in curves.values()]
        if xs and all(len(x) == len(xs[0]) and np.array_equal(x, xs[0]) for x in xs):
            return pd.DataFrame({self.plot.x: xs[0], **{label: y for label, (_, y) in curves.items()}})
        return pd.concat([pd.DataFrame({"curve": label, self.plot.x: x, self.plot.y: y})
                          for label, (x, y) in curves.items()], ignore_index=True)

    def csv_text(self) -> str:
        figure = self.plot.figure
        header = [f"# νEM Explorer: {figure.title.text}",
                  f"# x: {figure.xaxis[0].axis_label}", f"# y: {figure.yaxis[0].axis_label}"]
        header += [f"# marker {label}: {glyph.location:.6g}"
                   for label, glyph in self.plot.vline_glyphs.items()
                   if isinstance(glyph.location, (int, float))]
        header += [f"# {type(self.model).__name__}.{name} = {value!r}"
                   for name, value in self.model.param.values().items() if name != "name"]
        return "\n".join(header) + "\n" + self.frame().to_csv(index=False)  # shortest exact

    def _csv_file(self) -> io.StringIO:
        self.csv.filename = self.stem() + ".csv"  # read by FileDownload after this returns
        return io.StringIO(self.csv_text())

    def buttons(self) -> pn.Row:
        return pn.Row(pn.pane.HTML("<small>Download:</small>", margin=(12, 4, 0, 10)),
                      self.csv, self.png, self.svg, sizing_mode="stretch_width")
