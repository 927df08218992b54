"""The catalogue of published limits on neutrino electromagnetic properties.

One row per published result in ``model/data/limits.csv`` (package data, read on first use).
Every value is stored in **one convention per quantity**, that of the model:

* ``mu_nu``: (effective) magnetic moment in Bohr magnetons, ``unit`` = ``mu_B``;
* ``q_nu``: millicharge in units of the elementary charge e0, ``unit`` = ``e0``;
* ``charge_radius``: <r^2> in cm^2, ``unit`` = ``cm2``, in the Giunti-Studenikin
  convention of :mod:`model.electron_scattering`: g_V -> g_V + sqrt2 pi alpha <r^2>/(3 G_F)
  (Giunti & Studenikin, Rev. Mod. Phys. 87, 531 (2015), arXiv:1403.6344, Sec. VII.B).
  Papers following Vogel & Engel (Phys. Rev. D 39, 3378 (1989)) shift sin^2 theta_W by
  sqrt2 pi alpha <r^2>/(3 G_F), i.e. g_V by twice as much per unit <r^2>: the same data give
  half the <r^2>.  Their published range is kept in ``published_low``/``published_high``
  with ``published_convention`` = ``vogel_engel`` and the stored range is ``factor_applied``
  (= 2) times it.

Columns: ``quantity``; ``low``/``high`` the allowed range (``low`` empty for an upper limit on
|value|); ``unit``; ``cl`` the confidence level (empty for ``kind`` = ``estimate``: an
order-of-magnitude or astrophysical argument published without one); ``kind`` (``limit`` or
``estimate``); ``flavour`` of the beam (``anti_nu_e``, ``nu_e``, ``nu_mu``, ``nu_tau``;
``solar_eff``: the effective moment of the oscillated solar flux; ``any``: astrophysical
bounds on all flavours); ``year``; ``experiment``; ``method``; ``reference`` (authors,
journal, volume, page, year) and ``arxiv``; ``published_low``/``published_high``,
``published_convention`` and ``factor_applied`` as above (``mu_B``/``e0`` and 1 for moments
and charges); ``astrophysical``; ``evidence``, how the number was checked (``EVIDENCE``);
``note``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import pandas as pd

CATALOGUE = resources.files("model") / "data" / "limits.csv"
"""The catalogue file (package data; opened only when the catalogue is first used)."""

QUANTITIES = ("mu_nu", "q_nu", "charge_radius")
UNITS = {"mu_nu": "mu_B", "q_nu": "e0", "charge_radius": "cm2"}
"""The one unit each quantity is stored in."""
FLAVOURS = ("anti_nu_e", "nu_e", "nu_mu", "nu_tau", "solar_eff", "any")
"""Beam labels of the catalogue (``flavour`` column)."""
KINDS = ("limit", "estimate")
CONVENTIONS = {
    "mu_B": "magnetic moment in Bohr magnetons mu_B = e0/(2 m_e)",
    "e0": "charge in units of the elementary charge e0",
    "giunti_studenikin": "g_V -> g_V + sqrt2 pi alpha <r^2> / (3 G_F) (the model's convention)",
    "vogel_engel": "sin^2 theta_W -> sin^2 theta_W + sqrt2 pi alpha <r^2> / (3 G_F), "
                   "twice the shift of g_V per unit <r^2>",
}
CONVENTION_FACTOR = {"mu_B": 1.0, "e0": 1.0, "giunti_studenikin": 1.0, "vogel_engel": 2.0}
"""Factor from a published value in each convention to the model's convention."""
EVIDENCE = {
    "A": "number checked in the abstract of the cited paper",
    "T": "number as tabulated or quoted in a cited review (named in the note)",
    "R": "recalled from the cited paper, not re-checked: verify before relying on it",
}


@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    text = CATALOGUE.read_text(encoding="utf-8")
    frame = pd.read_csv(io.StringIO(text), dtype={"experiment": str, "reference": str,
                                                  "arxiv": str, "note": str})
    for column in ("arxiv", "note"):
        frame[column] = frame[column].fillna("")
    frame["astrophysical"] = frame["astrophysical"].astype(bool)
    unknown = ((set(frame["quantity"]) - set(QUANTITIES)) | (set(frame["evidence"]) - set(EVIDENCE))
               | (set(frame["flavour"]) - set(FLAVOURS)) | (set(frame["kind"]) - set(KINDS))
               | (set(frame["published_convention"]) - set(CONVENTIONS)))
    if unknown:
        raise ValueError(f"{CATALOGUE.name}: unknown quantity, flavour, kind, convention or "
                         f"evidence tags {sorted(unknown)}")
    return frame


def _as_set(name: str, value, allowed) -> set[str]:
    values = {value} if isinstance(value, str) else set(value)
    unknown = values - set(allowed)
    if unknown:
        raise ValueError(f"{name} must be among {list(allowed)}, not {sorted(unknown)}")
    return values


def load(quantity: str | None = None, flavour: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The catalogue as a DataFrame (a copy), optionally one ``quantity`` and the rows of
    one or several ``flavour`` labels (``FLAVOURS``; e.g. ``("nu_e", "anti_nu_e")``)."""
    frame = _catalogue()
    if quantity is not None:
        if quantity not in QUANTITIES:
            raise ValueError(f"quantity must be one of {list(QUANTITIES)}, not {quantity!r}")
        frame = frame[frame["quantity"] == quantity]
    if flavour is not None:
        frame = frame[frame["flavour"].isin(_as_set("flavour", flavour, FLAVOURS))]
    return frame.reset_index(drop=True).copy()


def flavours(quantity: str | None = None) -> list[str]:
    """The flavour labels present in the catalogue (for one ``quantity``), in ``FLAVOURS`` order."""
    present = set(load(quantity)["flavour"])
    return [f for f in FLAVOURS if f in present]


@lru_cache(maxsize=None)  # package data: one read per quantity (the dashboard asks per move)
def astrophysical_span(quantity: str) -> tuple[float, float] | None:
    """(lowest, highest) upper bound of the catalogue's astrophysical rows on ``quantity``
    (all flavours; the model's convention), None if it has none."""
    rows = load(quantity, flavour="any")
    values = rows.loc[rows["astrophysical"], "high"].dropna()
    return (float(values.min()), float(values.max())) if len(values) else None


def published_limit(quantity: str, experiment: str, year: int) -> float:
    """The upper limit (model convention) one experiment published in one year
    (ValueError if not catalogued or not unique)."""
    frame = load(quantity)
    rows = frame[(frame["experiment"] == experiment) & (frame["year"] == year)]
    if len(rows) != 1:
        raise ValueError(f"no unique {quantity} limit of {experiment!r} in {year} in the catalogue")
    value = float(rows["high"].iloc[0])
    if math.isnan(value):  # every row carries a number; kept as a guard for edited files
        raise ValueError(f"the {quantity} limit of {experiment!r} in {year} is catalogued without "
                         f"a number: {rows['note'].iloc[0]}")
    return value
