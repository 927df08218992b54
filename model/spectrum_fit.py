"""A limit from a measured spectrum: best fit and 90% CL limits on mu_nu and q_nu by profile
likelihood, from reactor ON/OFF counts or from an ON - OFF residual.

CSV format (``read_spectrum_csv``; one row per energy bin, bins in keV on the detector's axis,
keVee for germanium; ``#`` lines are comments)::

    # on_days = 755.6
    # off_days = 187.0
    T_low_keV,T_high_keV,on_counts,off_counts
    2.8,3.8,5120,1250
    3.8,4.8,4980,1230
    ...

* ``T_low_keV``, ``T_high_keV``: bin edges, increasing, not overlapping (gaps are allowed);
* ``on_counts``, ``off_counts``: counts (>= 0) with the reactor ON and OFF in that bin;
* live times ``on_days`` and ``off_days`` (days, > 0) as ``# on_days = ...`` comment lines, as
  DataFrame ``attrs``, or as columns with one value repeated on every row.

or, a residual with uncertainties (no live times needed)::

    T_low_keV,T_high_keV,residual,sigma
    2.8,3.8,0.051,0.034

* ``residual``: ON - OFF rate, counts/(keV kg day); ``sigma``: its standard deviation (> 0).

``validate_spectrum`` refuses, with a ValueError naming the problem: missing columns,
non-numeric or empty cells, negative counts, non-positive sigma or live times, bins with
T_high <= T_low, unsorted or overlapping bins, more than ``MAX_SPECTRUM_BINS`` bins;
``read_spectrum_csv`` also files larger than 10 MB.

Statistics (:mod:`model.profile_likelihood`): ON/OFF counts, the background profiled in each
bin; residuals, chi^2.  Signal shapes, flux, target and mass come from the ``detector`` (a
:class:`model.ReactorSensitivity`).  The fitted x = mu^2 may come out negative (a downward
fluctuation: reported as ``mu2_best``, with its 68% interval); the 90% CL upper limit on mu_nu
respects the physical boundary x >= 0 (x-hat set to 0 when negative, then -2 ln lambda = 1.642,
as the expected limits of ``ReactorSensitivity`` assume).  q_nu: the 90% CL interval
-2 ln lambda <= 2.706 around the best fit.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .profile_likelihood import (
    DELTA_CHI2_TWO_SIDED_90, Z_ONE_SIDED_90, GaussianResidualLikelihood, OnOffLikelihood,
    SignalModel, best_fit, crossing)
from .sensitivity import COMPONENTS, LOG10_RANGES

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_SPECTRUM_BINS = 2000
ON_OFF_COLUMNS = ("T_low_keV", "T_high_keV", "on_counts", "off_counts")
RESIDUAL_COLUMNS = ("T_low_keV", "T_high_keV", "residual", "sigma")
LIVE_TIMES = ("on_days", "off_days")
CURVE_POINTS = 201
_HEADER = re.compile(r"^\s*#\s*(on_days|off_days)\s*[=:]\s*(\S+)\s*$")


# --- reading and validation --------------------------------------------------------------------
def read_spectrum_csv(file_or_bytes) -> pd.DataFrame:
    """Read and validate a spectrum CSV (module docstring) from a path, bytes or a file object."""
    if isinstance(file_or_bytes, (bytes, bytearray)):
        raw = bytes(file_or_bytes)
    elif hasattr(file_or_bytes, "read"):
        raw = file_or_bytes.read(MAX_FILE_BYTES + 1)
        raw = raw.encode() if isinstance(raw, str) else raw
    else:
        with open(file_or_bytes, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"file larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("file is not UTF-8 text") from None
    attrs = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            attrs[match.group(1)] = match.group(2)
    try:
        frame = pd.read_csv(io.StringIO(text), comment="#", skipinitialspace=True, dtype=str)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ValueError(f"not a readable CSV table: {str(error).splitlines()[0]}") from None
    frame.columns = [str(name).strip() for name in frame.columns]
    frame.attrs.update(attrs)
    return validate_spectrum(frame)


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(frame[column].astype(str).str.strip()
                           if frame[column].dtype == object else frame[column], errors="coerce")
    bad = values.isna() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        row = int(np.argmax(bad.to_numpy()))
        raise ValueError(f"column {column!r}: non-numeric or empty cell in data row {row + 1} "
                         f"({frame[column].iloc[row]!r})")
    return values.to_numpy(dtype=float)


def _live_time(frame: pd.DataFrame, name: str) -> float:
    if name in frame.columns:
        values = _numeric(frame, name)
        if np.any(values != values[0]):
            raise ValueError(f"column {name!r} must hold one live time, repeated on every row")
        value = values[0]
    elif name in frame.attrs:
        try:
            value = float(frame.attrs[name])
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, not {frame.attrs[name]!r}") from None
    else:
        raise ValueError(f"missing live time {name!r}: give it as a '# {name} = ...' line, a "
                         f"column or DataFrame.attrs[{name!r}]")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number of days, not {value!r}")
    return float(value)


def validate_spectrum(data: pd.DataFrame) -> pd.DataFrame:
    """A clean copy of a spectrum table (float columns; ``attrs`` "kind" = "on_off" or
    "residual", and the live times), or ValueError naming what is wrong."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError("data must be a pandas DataFrame")
    columns = {str(name).strip() for name in data.columns}
    if set(ON_OFF_COLUMNS) <= columns:
        kind, required = "on_off", ON_OFF_COLUMNS
    elif set(RESIDUAL_COLUMNS) <= columns:
        kind, required = "residual", RESIDUAL_COLUMNS
    else:
        missing_on_off = [c for c in ON_OFF_COLUMNS if c not in columns]
        missing_residual = [c for c in RESIDUAL_COLUMNS if c not in columns]
        raise ValueError(f"missing columns: {missing_on_off} (for ON/OFF counts) or "
                         f"{missing_residual} (for a residual)")
    frame = data.rename(columns=lambda name: str(name).strip())
    if len(frame) == 0:
        raise ValueError("no data rows")
    if len(frame) > MAX_SPECTRUM_BINS:
        raise ValueError(f"{len(frame)} bins: at most {MAX_SPECTRUM_BINS}")
    clean = pd.DataFrame({column: _numeric(frame, column) for column in required})
    low, high = clean["T_low_keV"].to_numpy(), clean["T_high_keV"].to_numpy()
    if np.any(low <= 0):
        raise ValueError(f"T_low_keV must be positive (row {int(np.argmax(low <= 0)) + 1})")
    if np.any(high <= low):
        raise ValueError(f"bin with T_high_keV <= T_low_keV (row {int(np.argmax(high <= low)) + 1})")
    if np.any(low[1:] < high[:-1]):
        row = int(np.argmax(low[1:] < high[:-1])) + 2
        raise ValueError(f"bins must be sorted and not overlap: row {row} starts below the end "
                         "of the row before")
    clean.attrs["kind"] = kind
    if kind == "on_off":
        for column in ("on_counts", "off_counts"):
            values = clean[column].to_numpy()
            if np.any(values < 0):
                raise ValueError(f"negative counts in column {column!r} "
                                 f"(row {int(np.argmax(values < 0)) + 1})")
        for name in LIVE_TIMES:
            clean.attrs[name] = _live_time(frame, name)
    else:
        sigma = clean["sigma"].to_numpy()
        if np.any(sigma <= 0):
            raise ValueError(f"sigma must be positive (row {int(np.argmax(sigma <= 0)) + 1})")
    return clean


# --- the fit -----------------------------------------------------------------------------------
@dataclass
class SpectrumFit:
    """Result of :func:`fit_spectrum`.  Strengths: x = mu^2 in mu_B^2, q in e0."""

    kind: str
    bins: int
    mu2_best: float
    """Best-fit mu^2 (mu_B^2), unconstrained: negative when the data fluctuated low."""
    mu2_interval_68: tuple[float, float]
    """-2 ln lambda <= 1 around mu2_best."""
    mu_best: float
    """sqrt(max(mu2_best, 0)), mu_B."""
    mu_limit: float
    """90% CL upper limit on mu_nu (mu_B), with the boundary mu^2 >= 0."""
    q_best: float
    q_interval: tuple[float, float]
    """90% CL interval on q_nu (e0)."""
    q_limit: float
    """max(|q_low|, q_high)."""
    mu2_grid: np.ndarray = field(repr=False)
    mu2_delta_chi2: np.ndarray = field(repr=False)
    """-2 ln lambda(mu^2) relative to the unconstrained best fit."""
    q_grid: np.ndarray = field(repr=False)
    q_delta_chi2: np.ndarray = field(repr=False)
    expected: pd.DataFrame = field(repr=False)
    """Per bin: T_low_keV, T_high_keV, the Standard-Model and magnetic (per mu_B^2) rates in
    counts/(keV kg day) and the measured ON - OFF rate."""

    @property
    def mu2_sigma(self) -> float:
        low, high = self.mu2_interval_68
        return 0.5 * (high - low)

    def curve(self) -> pd.DataFrame:
        """The likelihood curve of mu^2 as a DataFrame (mu2, delta_chi2)."""
        return pd.DataFrame({"mu2": self.mu2_grid, "delta_chi2": self.mu2_delta_chi2})


def _bin_rates(detector, low, high) -> dict[str, np.ndarray]:
    """Per-bin rates (1, bins) per kg day of the detector's COMPONENTS in the given bins."""
    T, cumulative = detector._shapes()
    flux = detector.total_flux_cm2_s()
    at_low = np.stack([np.interp(low, T, row) for row in cumulative])
    at_high = np.stack([np.interp(high, T, row) for row in cumulative])
    per_bin = (at_high - at_low) * flux
    return {name: per_bin[i][None, :] for i, name in enumerate(COMPONENTS)}


def fit_rows(likelihood, rates, reach_sigmas: float = 12.0) -> dict[str, np.ndarray]:
    """Best fits and limits of mu^2 and q for every row of a likelihood (vectorised: one row
    per data set, e.g. toys).  Returns arrays (rows,)."""
    rows = rates["magnetic"].shape[0]
    magnetic = SignalModel(rates["magnetic"], None, "one_sided", LOG10_RANGES["mu_nu"])
    sigma_x = likelihood.linear_sigma(rates["magnetic"])
    x_best, x_min = best_fit(likelihood, magnetic, -reach_sigmas * sigma_x, reach_sigmas * sigma_x)
    one_sigma = SignalModel(rates["magnetic"], None, "one_sided", LOG10_RANGES["mu_nu"])
    one_sigma.critical = 1.0
    x_low = crossing(likelihood, one_sigma, -np.ones(rows), start=x_best, baseline=x_min)
    x_high = crossing(likelihood, one_sigma, np.ones(rows), start=x_best, baseline=x_min)
    physical = np.maximum(x_best, 0.0)
    baseline = np.where(x_best > 0, x_min, likelihood.deviance(magnetic(physical)))
    x_up = crossing(likelihood, magnetic, np.ones(rows), start=physical, baseline=baseline)
    charge = SignalModel(rates["charge_linear"], rates["charge_quadratic"], "two_sided",
                         LOG10_RANGES["q_nu"])
    sigma_q = likelihood.linear_sigma(rates["charge_linear"])
    q_best, q_min = best_fit(likelihood, charge, -reach_sigmas * sigma_q, reach_sigmas * sigma_q)
    q_low = crossing(likelihood, charge, -np.ones(rows), start=q_best, baseline=q_min)
    q_high = crossing(likelihood, charge, np.ones(rows), start=q_best, baseline=q_min)
    return {"x_best": x_best, "x_min": x_min, "x_low": x_low, "x_high": x_high, "x_up": x_up,
            "sigma_x": sigma_x, "q_best": q_best, "q_min": q_min, "q_low": q_low,
            "q_high": q_high}


def fit_spectrum(data: pd.DataFrame, detector) -> SpectrumFit:
    """Best fit, 90% CL limits on mu_nu and q_nu and the likelihood curves of a measured
    spectrum (module docstring for the format and the statistics).

    ``detector``: a :class:`model.ReactorSensitivity` giving the mass, flux, target, binding,
    channel and resolution (its threshold and window are not used: the data's bins are).
    """
    spectrum = validate_spectrum(data)
    low = spectrum["T_low_keV"].to_numpy()
    high = spectrum["T_high_keV"].to_numpy()
    end = detector.max_recoil_keV()
    if low[0] >= end:
        raise ValueError(f"the data's bins start above the kinematic end point ({end:.4g} keV)")
    rates = _bin_rates(detector, low, high)
    if not np.any(rates["magnetic"] > 0):
        raise ValueError("no electromagnetic signal in the data's bins")
    widths = (high - low)[None, :]
    if spectrum.attrs["kind"] == "on_off":
        X_on = detector.mass_kg * spectrum.attrs["on_days"]
        X_off = detector.mass_kg * spectrum.attrs["off_days"]
        n_on = spectrum["on_counts"].to_numpy()[None, :]
        n_off = spectrum["off_counts"].to_numpy()[None, :]
        likelihood = OnOffLikelihood(rates["sm"], n_off / X_off, np.array([X_on]),
                                     np.array([X_off]), n_on, n_off)
        measured = (n_on / X_on - n_off / X_off) / widths
    else:
        residual = spectrum["residual"].to_numpy()[None, :]
        likelihood = GaussianResidualLikelihood(rates["sm"], widths, residual,
                                                spectrum["sigma"].to_numpy()[None, :])
        measured = residual
    result = {k: float(v[0]) for k, v in fit_rows(likelihood, rates).items()}

    def curve(signal: SignalModel, centre, half_width, minimum):
        grid = centre + half_width * np.linspace(-1.0, 1.0, CURVE_POINTS)
        return grid, likelihood.deviance(signal(grid[:, None]))[:, 0] - minimum

    magnetic = SignalModel(rates["magnetic"], None, "one_sided", LOG10_RANGES["mu_nu"])
    span = max(result["x_up"] - result["x_best"], 3.0 * result["sigma_x"])
    mu2_grid, mu2_curve = curve(magnetic, result["x_best"], 1.5 * span, result["x_min"])
    charge = SignalModel(rates["charge_linear"], rates["charge_quadratic"], "two_sided",
                         LOG10_RANGES["q_nu"])
    q_span = max(result["q_high"] - result["q_best"], result["q_best"] - result["q_low"])
    q_grid, q_curve = curve(charge, result["q_best"], 1.5 * q_span, result["q_min"])
    expected = pd.DataFrame({
        "T_low_keV": low, "T_high_keV": high,
        "sm_per_keV_kg_day": rates["sm"][0] / widths[0],
        "magnetic_per_keV_kg_day_per_mu2": rates["magnetic"][0] / widths[0],
        "measured_per_keV_kg_day": measured[0]})
    return SpectrumFit(
        kind=spectrum.attrs["kind"], bins=len(spectrum),
        mu2_best=result["x_best"], mu2_interval_68=(result["x_low"], result["x_high"]),
        mu_best=math.sqrt(max(result["x_best"], 0.0)), mu_limit=math.sqrt(result["x_up"]),
        q_best=result["q_best"], q_interval=(result["q_low"], result["q_high"]),
        q_limit=max(-result["q_low"], result["q_high"]),
        mu2_grid=mu2_grid, mu2_delta_chi2=mu2_curve, q_grid=q_grid, q_delta_chi2=q_curve,
        expected=expected)


__all__ = ["fit_spectrum", "fit_rows", "read_spectrum_csv", "validate_spectrum", "SpectrumFit",
           "MAX_FILE_BYTES", "MAX_SPECTRUM_BINS", "DELTA_CHI2_TWO_SIDED_90", "Z_ONE_SIDED_90"]
