"""Write assets/sample_spectrum.csv: the sample measured spectrum of the "Reactor sensitivity"
tab's upload, a Poisson toy of the GEMMA-2012 preset without electromagnetic signal.

    .venv/bin/python scripts/make_sample_spectrum.py [--random-state 2012] [--out assets/sample_spectrum.csv]

Per analysis bin of the preset (2.8-100 keV, 1-keV bins), ON counts ~ Poisson((b + sm) X_on)
and OFF counts ~ Poisson(b X_off), with the preset's background b, Standard-Model rate sm and
exposures X = 1.5 kg x 755.6 / 187.0 days (A. G. Beda et al., Adv. High Energy Phys. 2012,
350150), as the toys of tests/model/test_bands_and_fits.py.  Fitted with the GEMMA-2012 preset
(the tab's default detector) it gives a limit near the median expected one.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from model import ReactorSensitivity
from model.sensitivity import analysis_edges

OUT = Path(__file__).resolve().parents[1] / "assets" / "sample_spectrum.csv"
PRESET = "GEMMA-2012"


def sample_spectrum(random_state: int) -> str:
    """The CSV text of one toy of the preset (module docstring)."""
    detector = ReactorSensitivity.preset(PRESET)
    inputs = detector._inputs_object()  # the binned expectation of the preset's own analysis
    rates = {name: values[0] for name, values in inputs.rates.items()}
    X_on, X_off = inputs.exposures["X_on"][0], inputs.exposures["X_off"][0]
    edges = analysis_edges(np.array([detector.threshold_keV]), detector.window_max_keV,
                           detector.bin_width_keV)[0]
    rng = np.random.default_rng(random_state)
    on = rng.poisson((rates["background"] + rates["sm"]) * X_on)
    off = rng.poisson(rates["background"] * X_off)
    lines = [
        f"# Sample spectrum for the nuEM Explorer upload: a Poisson toy of the {PRESET} preset "
        "(reactor ON and OFF counts, no electromagnetic signal),",
        f"# made by `python scripts/make_sample_spectrum.py --random-state {random_state}`; fit it with the "
        f"{PRESET} detector (mass {detector.mass_kg:g} kg, flux {detector.flux_cm2_s:g} /cm2/s).",
        f"# on_days = {detector.days_on:.10g}",
        f"# off_days = {detector.days_off:.10g}",
        "T_low_keV,T_high_keV,on_counts,off_counts",
    ]
    lines += [f"{low:.6g},{high:.6g},{n_on},{n_off}"
              for low, high, n_on, n_off in zip(edges[:-1], edges[1:], on, off)]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random-state", type=int, default=2012)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.write_text(sample_spectrum(args.random_state), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
