"""The catalogue of published limits on neutrino electromagnetic properties.

One row per result in ``assets/limits.csv`` (every row of REFERENCE.md section 6): quantity
(``mu_nu`` in mu_B, ``q_nu`` in e0, ``charge_radius`` in cm^2), the allowed range (``low``
is empty for one-sided upper limits), CL, flavour or beam (``solar_eff``: the effective
moment of the solar flux; ``any``: astrophysical bounds), year, experiment, method,
reference and ``evidence``, the provenance tag of REFERENCE.md:

* ``S``: the number was seen in the named source;
* ``R``: recalled, not yet checked against the paper;
* ``B``: from the seeds, not confirmed independently.

Astrophysical bounds carry ``astrophysical`` in their note.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

CATALOGUE = Path(__file__).resolve().parents[1] / "assets" / "limits.csv"
QUANTITIES = ("mu_nu", "q_nu", "charge_radius")
EVIDENCE = {"S": "seen in the source", "R": "recalled, unchecked", "B": "from the seeds, unconfirmed"}


@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    frame = pd.read_csv(CATALOGUE, dtype={"experiment": str, "reference": str})
    frame["note"] = frame["note"].fillna("")
    frame["astrophysical"] = frame["note"].str.contains("astrophysical")
    unknown = set(frame["quantity"]) - set(QUANTITIES) | set(frame["evidence"]) - set(EVIDENCE)
    if unknown:
        raise ValueError(f"{CATALOGUE.name}: unknown quantity or evidence tags {sorted(unknown)}")
    return frame


def load(quantity: str | None = None) -> pd.DataFrame:
    """The catalogue as a DataFrame (a copy), optionally only one ``quantity``."""
    frame = _catalogue()
    if quantity is not None:
        if quantity not in QUANTITIES:
            raise ValueError(f"quantity must be one of {list(QUANTITIES)}, not {quantity!r}")
        frame = frame[frame["quantity"] == quantity]
    return frame.reset_index(drop=True).copy()


def published_limit(quantity: str, experiment: str, year: int) -> float:
    """The upper limit one experiment published in one year (ValueError if not catalogued)."""
    frame = load(quantity)
    rows = frame[(frame["experiment"] == experiment) & (frame["year"] == year)]
    if len(rows) != 1:
        raise ValueError(f"no unique {quantity} limit of {experiment!r} in {year} in the catalogue")
    value = float(rows["high"].iloc[0])
    if math.isnan(value):  # catalogued without its number (found by fuzzing: it returned nan)
        raise ValueError(f"the {quantity} limit of {experiment!r} in {year} is catalogued without "
                         f"a number: {rows['note'].iloc[0]}")
    return value
