"""The catalogue of published limits (model.limits, model/data/limits.csv): one convention per
quantity, a number, a CL and a reference on every row."""

import math
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from model import limits

FRAME = limits.load()
ROWS = [row for _, row in FRAME.iterrows()]


def _id(row) -> str:
    return f"{row['quantity']}:{row['experiment']}:{row['year']}"


def test_columns():
    assert {"quantity", "low", "high", "unit", "cl", "kind", "flavour", "year", "experiment",
            "method", "reference", "arxiv", "published_low", "published_high",
            "published_convention", "factor_applied", "astrophysical", "evidence",
            "note"} <= set(FRAME.columns)


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_row_has_a_number_a_unit_and_a_reference(row):
    assert math.isfinite(row["high"]), "every row carries a number"
    assert row["unit"] == limits.UNITS[row["quantity"]], "one unit per quantity"
    if not math.isnan(row["low"]):
        assert row["low"] <= row["high"]
    else:
        assert row["high"] > 0, "an upper limit on |value| is positive"
    # A verifiable reference: authors, a journal with volume and year, or an arXiv number.
    assert re.search(r"\(\d{4}\)", row["reference"]), row["reference"]
    assert re.search(r"[A-Z][a-z]", row["reference"])
    if row["arxiv"]:
        assert re.fullmatch(r"\d{4}\.\d{4,5}|[a-z-]+/\d{7}", row["arxiv"]), row["arxiv"]
    if "preprint" in row["reference"]:
        assert row["arxiv"], "a preprint is cited by its arXiv number"
    assert row["evidence"] in limits.EVIDENCE
    if row["evidence"] == "T":
        assert row["note"], "a tabulated number names the review it is tabulated in"


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_row_states_its_confidence_level(row):
    if row["kind"] == "limit":
        assert row["cl"] in (0.68, 0.90, 0.95), row["cl"]
    else:  # an order-of-magnitude argument, published without a CL: said so in the row
        assert row["kind"] == "estimate" and math.isnan(row["cl"])
        assert row["note"] or row["astrophysical"] or "estimate" in row["experiment"]


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_row_is_in_the_model_convention(row):
    """Stored = factor x published, the factor being that of the published convention."""
    convention = row["published_convention"]
    factor = limits.CONVENTION_FACTOR[convention]
    assert row["factor_applied"] == factor
    if row["quantity"] == "charge_radius":
        assert convention in ("giunti_studenikin", "vogel_engel")
        np.testing.assert_allclose([row["low"], row["high"]],
                                   [factor * row["published_low"], factor * row["published_high"]],
                                   rtol=1e-12, atol=0)
    else:
        assert convention == limits.UNITS[row["quantity"]] and factor == 1.0
        assert row["high"] == row["published_high"]


def test_vogel_engel_factor_is_the_ratio_of_the_two_g_V_shifts():
    """Vogel & Engel shift sin^2 theta_W by sqrt2 pi alpha <r^2>/(3 G_F); g_V = -1/2 + 2 s^2
    moves by twice that.  The model moves g_V by sqrt2 pi alpha <r^2>/(3 G_F) (Giunti &
    Studenikin): one published <r^2> is worth two of the model's."""
    from model.electron_scattering import couplings, em_vector_coupling_shift
    r2 = 1e-32
    model_shift = float(em_vector_coupling_shift(1.0, 0.0, r2))
    ds2 = model_shift  # the Vogel-Engel sin^2 theta_W shift has the model's g_V-shift size
    vogel_engel_shift = couplings("nu_mu", 0.23 + ds2)[0] - couplings("nu_mu", 0.23)[0]
    assert vogel_engel_shift / model_shift == pytest.approx(limits.CONVENTION_FACTOR["vogel_engel"],
                                                          rel=1e-9, abs=0)


def test_the_texono_radius_is_doubled_from_its_abstract():
    # Deniz et al., PRD 81, 072001 (2010), abstract: -2.1e-32 < <r^2> < 3.3e-32 cm^2 (90% CL).
    row = FRAME[(FRAME["experiment"] == "TEXONO CsI(Tl)") & (FRAME["quantity"] == "charge_radius")]
    assert row[["low", "high"]].to_numpy().tolist() == [[-4.2e-32, 6.6e-32]]


def test_muon_and_tau_neutrinos_are_present():
    mu = limits.load("mu_nu")
    assert {"nu_mu", "nu_tau"} <= set(mu["flavour"])
    # LSND: Auerbach et al., PRD 63, 112001 (2001), abstract: mu(nu_mu) < 6.8e-10 mu_B.
    assert limits.published_limit("mu_nu", "LSND", 2001) == 6.8e-10
    # DONUT: Schwienhorst et al., PLB 513, 23 (2001): mu(nu_tau) < 3.9e-7 mu_B (90% CL).
    assert limits.published_limit("mu_nu", "DONUT", 2001) == 3.9e-7
    assert {"Krasnoyarsk", "Rovno"} <= set(mu["experiment"])
    assert "nu_tau" in set(limits.load("q_nu")["flavour"])


@pytest.mark.parametrize("quantity, experiment, year, value, cl", [
    ("mu_nu", "GEMMA", 2012, 2.9e-11, 0.90),       # Studenikin, NPPP 273-275 (2016), eq. (29)
    ("mu_nu", "MUNU", 2005, 9e-11, 0.90),          # Daraktchieva et al., PLB 615, 153 (2005)
    ("mu_nu", "Rovno", 1993, 1.9e-10, 0.95),       # Derbin et al. (1993), as in GS RMP (2015)
    ("mu_nu", "TRGB (omega Cen)", 2020, 1.2e-12, 0.95),  # Capozzi & Raffelt, abstract
    ("q_nu", "GEMMA", 2014, 2.7e-12, 0.90),        # Brudanin et al., arXiv:1411.2279, abstract
    ("q_nu", "TEXONO", 2014, 1.0e-12, 0.90),       # Chen et al., PRD 90, 011301 (2014), abstract
])
def test_catalogue_values(quantity, experiment, year, value, cl):
    assert limits.published_limit(quantity, experiment, year) == value
    frame = limits.load(quantity)
    row = frame[(frame["experiment"] == experiment) & (frame["year"] == year)].iloc[0]
    assert row["cl"] == cl


def test_munu_reference_is_the_final_result():
    row = FRAME[FRAME["experiment"] == "MUNU"].iloc[0]
    assert "Phys. Lett. B 615, 153 (2005)" in row["reference"]


def test_flavour_filter():
    tau = limits.load(flavour="nu_tau")
    assert len(tau) > 0 and set(tau["flavour"]) == {"nu_tau"}
    electron = limits.load("mu_nu", flavour=("nu_e", "anti_nu_e"))
    assert set(electron["flavour"]) == {"nu_e", "anti_nu_e"}
    assert set(electron["quantity"]) == {"mu_nu"}
    assert limits.flavours("charge_radius") == ["anti_nu_e", "nu_e", "nu_mu"]
    with pytest.raises(ValueError, match="flavour"):
        limits.load(flavour="nu_sterile")


def test_astrophysical_span_is_the_lowest_and_highest_astrophysical_bound():
    # mu_nu: 1.2e-12 mu_B, TRGB in omega Cen (Capozzi & Raffelt, PRD 102, 083007 (2020),
    # arXiv:2007.03694) to 4.5e-12 mu_B, TRGB in M5 (Viaux et al., PRL 111, 231301 (2013));
    # q_nu: 2e-14 e0 (red giants) to 6e-14 e0 (solar cooling), Raffelt, Phys. Rep. 320, 319
    # (1999), as tabulated by Giunti & Studenikin, RMP 87, 531 (2015), Sec. VII.A
    assert limits.astrophysical_span("mu_nu") == (1.2e-12, 4.5e-12)
    assert limits.astrophysical_span("q_nu") == (2e-14, 6e-14)
    assert limits.astrophysical_span("charge_radius") is None  # only laboratory limits
    with pytest.raises(ValueError, match="quantity"):
        limits.astrophysical_span("magnetic moment")


def test_catalogue_filter_and_errors():
    frame = limits.load("q_nu")
    assert set(frame["quantity"]) == {"q_nu"}
    assert isinstance(frame, pd.DataFrame)
    frame.loc[0, "high"] = -1.0  # a copy: the catalogue itself is unchanged
    assert limits.load("q_nu").loc[0, "high"] > 0
    with pytest.raises(ValueError, match="quantity"):
        limits.load("mass")
    with pytest.raises(ValueError):
        limits.published_limit("mu_nu", "GEMMA", 1999)


def test_catalogue_is_package_data_read_on_first_use():
    """Importing model (and model.theory) does not read the catalogue; load() does."""
    script = (
        "import model, model.theory\n"
        "from model import limits\n"
        "assert limits._catalogue.cache_info().currsize == 0, 'read at import'\n"
        "path = str(limits.CATALOGUE).replace(chr(92), '/')\n"
        "assert path.endswith('model/data/limits.csv'), path\n"
        "limits.load(); model.theory.MAGNETIC_MOMENT_LIMITS\n"
        "assert limits._catalogue.cache_info().currsize == 1\n")
    subprocess.run([sys.executable, "-c", script], check=True)
