"""The bibliography of the model: every paper a docstring, formula note or catalogue row cites.

Each entry is a :class:`Reference` keyed by a short name (first author and year, or the
experiment).  Cite with :func:`cite`::

    >>> cite("giunti_studenikin_2015", sec="IV.C")
    'Giunti & Studenikin, Rev. Mod. Phys. 87, 531 (2015), arXiv:1403.6344, Sec. IV.C'
    >>> cite("studenikin_2016_ichep", eq="25")
    'Studenikin, Nucl. Part. Phys. Proc. 273-275, 1711 (2016), eq. (25)'

Equation numbers are those of the published paper (for a conference proceeding, of the
version cited here; the arXiv version of the same text carries the same numbers).  Fields
that could not be confirmed are left empty rather than guessed: a reference then stands on
what is given (for instance the arXiv number alone).

The five documents the project started from, and what each is cited for:

* ``studenikin_2016_ichep``: Studenikin, "Electromagnetic neutrino: a short review"
  (ICHEP 2014).  Magnetic moments in gauge models (eqs. (8)-(17)), naturalness (19),
  nu-e cross sections (21)-(27), GEMMA (28)-(29), millicharge from the moment limit
  (32)-(34), astrophysical bounds (35)-(36).
* ``kouzakov_studenikin_2016``: Kouzakov & Studenikin, "Neutrino-atom collisions"
  (TAUP 2015).  Sec. 2: nu-e scattering on free and bound electrons, stepping approximation,
  atomic-recoil scale; Sec. 3: coherent nu-nucleus scattering with electromagnetic terms.
* ``studenikin_2016_taup``: Studenikin, "Status and perspectives of neutrino magnetic
  moments" (TAUP 2015).  Reactor cross sections (eqs. (11)-(18)), triangle inequalities
  (Sec. 5), spin oscillations in moving and polarised matter (eqs. (21)-(28)).
* ``kouzakov_studenikin_voloshin_2012``: Kouzakov, Studenikin & Voloshin, "Neutrino
  electromagnetic properties and new bounds on neutrino magnetic moments" (TAUP 2011).
  Stepping approximation and the refuted atomic-ionisation enhancement.
* ``studenikin_2018_quarks``: Studenikin, "Overview on electromagnetic properties of
  neutrino", talk at Quarks-2018.  A talk, so no equation numbers: cited by slide topic,
  beside the papers it summarises (spin light: ``grigoriev_2017``; oscillations in B:
  ``popov_studenikin_2019``; matter currents: ``pustoshny_studenikin_2018``).

``giunti_studenikin_2015`` (Rev. Mod. Phys.) is the comprehensive review they all rest on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """One publication.  ``authors`` as cited in text ("Giunti & Studenikin", "Huber",
    "Mueller et al."); ``journal``/``volume``/``page`` may be empty for a preprint or talk."""

    authors: str
    title: str
    year: int
    journal: str = ""
    volume: str = ""
    page: str = ""
    arxiv: str = ""
    note: str = ""

    def short(self) -> str:
        """'Authors, Journal volume, page (year), arXiv:id'."""
        parts = [self.authors]
        if self.journal:
            venue = " ".join(p for p in (self.journal, self.volume) if p)
            parts.append(f"{venue}, {self.page} ({self.year})" if self.page
                         else f"{venue} ({self.year})")
        else:
            parts.append(f"{self.note or 'preprint'} ({self.year})")
        if self.arxiv:
            parts.append(f"arXiv:{self.arxiv}")
        return ", ".join(parts)

    def full(self) -> str:
        """The short form preceded by the title in quotes."""
        return f'{self.authors}, "{self.title}", ' + self.short()[len(self.authors) + 2:]


R = Reference
REFERENCES: dict[str, Reference] = {
    # --- the reviews and proceedings the project is built from ----------------------------
    "giunti_studenikin_2015": R(
        "Giunti & Studenikin", "Neutrino electromagnetic interactions: a window to new physics",
        2015, "Rev. Mod. Phys.", "87", "531", "1403.6344"),
    "studenikin_2016_ichep": R(
        "Studenikin", "Electromagnetic neutrino: a short review", 2016,
        "Nucl. Part. Phys. Proc.", "273-275", "1711", note="ICHEP 2014 proceedings"),
    "kouzakov_studenikin_2016": R(
        "Kouzakov & Studenikin", "Neutrino-atom collisions", 2016, "J. Phys. Conf. Ser.",
        "718", "", "1603.02462", note="TAUP 2015 proceedings"),
    "studenikin_2016_taup": R(
        "Studenikin", "Status and perspectives of neutrino magnetic moments", 2016,
        "J. Phys. Conf. Ser.", "718", "", "1603.00337", note="TAUP 2015 proceedings"),
    "kouzakov_studenikin_voloshin_2012": R(
        "Kouzakov, Studenikin & Voloshin",
        "Neutrino electromagnetic properties and new bounds on neutrino magnetic moments",
        2012, "J. Phys. Conf. Ser.", "375", "042045", note="TAUP 2011 proceedings"),
    "studenikin_2018_quarks": R(
        "Studenikin", "Overview on electromagnetic properties of neutrino", 2018,
        note="talk at the XX International Seminar on High Energy Physics Quarks-2018, "
             "Valday, 28 May 2018"),
    # --- neutrino-electron and neutrino-atom scattering -----------------------------------
    "vogel_engel_1989": R("Vogel & Engel", "Neutrino electromagnetic form factors", 1989,
                          "Phys. Rev. D", "39", "3378"),
    "kouzakov_studenikin_2017": R(
        "Kouzakov & Studenikin", "Electromagnetic properties of massive neutrinos in low-energy "
        "elastic neutrino-electron scattering", 2017, "Phys. Rev. D", "95", "055013", "1703.00401"),
    "kouzakov_studenikin_voloshin_2011": R(
        "Kouzakov, Studenikin & Voloshin",
        "Neutrino-impact ionization of atoms in searches for neutrino magnetic moment", 2011,
        "Phys. Rev. D", "83", "113001", "1101.4878"),
    "kouzakov_studenikin_voloshin_2011_jetpl": R(
        "Kouzakov, Studenikin & Voloshin",
        "Testing neutrino magnetic moment in ionization of atoms by neutrino impact", 2011,
        "JETP Lett.", "93", "623", "1105.5543"),
    "kouzakov_studenikin_2014": R(
        "Kouzakov & Studenikin", "Theory of ionizing neutrino-atom collisions: the role of "
        "atomic recoil", 2014, arxiv="1412.7061", note="preprint"),
    "studenikin_2014_epl": R(
        "Studenikin", "New bounds on neutrino electric millicharge from limits on neutrino "
        "magnetic moment", 2014, "EPL", "107", "21001", "1302.1168"),
    "cadeddu_2018": R("Cadeddu et al.", "Neutrino charge radii from COHERENT elastic "
                      "neutrino-nucleus scattering", 2018, "Phys. Rev. D", "98", "113010",
                      "1810.05606"),
    "bernabeu_2004": R("Bernabeu, Papavassiliou & Binosi", "The neutrino charge radius in the "
                       "presence of fermion masses", 2005, "Nucl. Phys. B", "716", "352"),
    "erler_ramsey_musolf_2005": R("Erler & Ramsey-Musolf", "Weak mixing angle at low energies",
                                  2005, "Phys. Rev. D", "72", "073003", "hep-ph/0409169"),
    "pdg_2024": R("Navas et al. (Particle Data Group)", "Review of Particle Physics", 2024,
                  "Phys. Rev. D", "110", "030001"),
    "carlson_1975": R("Carlson", "Photoelectron and Auger Spectroscopy", 1975,
                      note="book, Plenum Press, New York"),
    # --- coherent neutrino-nucleus scattering --------------------------------------------
    "freedman_1974": R("Freedman", "Coherent effects of a weak neutral current", 1974,
                       "Phys. Rev. D", "9", "1389"),
    "lewin_smith_1996": R("Lewin & Smith", "Review of mathematics, numerical factors, and "
                          "corrections for dark matter experiments based on elastic nuclear "
                          "recoil", 1996, "Astropart. Phys.", "6", "87"),
    "lindhard_1963": R("Lindhard, Nielsen, Scharff & Thomsen", "Integral equations governing "
                       "radiation effects", 1963, "Mat. Fys. Medd. Dan. Vid. Selsk.", "33",
                       "no. 10"),
    # --- reactor antineutrinos -----------------------------------------------------------
    "huber_2011": R("Huber", "On the determination of anti-neutrino spectra from nuclear "
                    "reactors", 2011, "Phys. Rev. C", "84", "024617", "1106.0687"),
    "mueller_2011": R("Mueller et al.", "Improved predictions of reactor antineutrino spectra",
                      2011, "Phys. Rev. C", "83", "054615", "1101.2663"),
    "ma_2013": R("Ma et al.", "Improved calculation of the energy release in neutron-induced "
                 "fission", 2013, "Phys. Rev. C", "88", "014605", "1212.6625"),
    "baldoncini_2015": R("Baldoncini et al.", "Reference worldwide model for antineutrinos "
                         "from reactors", 2015, "Phys. Rev. D", "91", "065002", "1411.6475"),
    "kopeikin_2004": R("Kopeikin, Mikaelyan & Sinev", "Reactor as a source of antineutrinos: "
                       "thermal fission energy", 2004, "Phys. At. Nucl.", "67", "1892"),
    "kopeikin_2012": R("Kopeikin", "Flux and spectrum of reactor antineutrinos", 2012,
                       "Phys. At. Nucl.", "75", "143"),
    "bernstein_2010": R("Bernstein et al.", "Nuclear security applications of antineutrino "
                        "detectors: current capabilities and future prospects", 2010,
                        "Sci. Glob. Secur.", "18", "127", "0908.4338"),
    "bahcall_1989": R("Bahcall", "Neutrino Astrophysics", 1989,
                      note="book, Cambridge University Press"),
    # --- statistics ----------------------------------------------------------------------
    "cowan_2011": R("Cowan, Cranmer, Gross & Vitells", "Asymptotic formulae for "
                    "likelihood-based tests of new physics", 2011, "Eur. Phys. J. C", "71",
                    "1554", "1007.1727"),
    # --- magnetic moments in theory ------------------------------------------------------
    "fujikawa_shrock_1980": R("Fujikawa & Shrock", "Magnetic moment of a massive neutrino and "
                              "neutrino-spin rotation", 1980, "Phys. Rev. Lett.", "45", "963"),
    "shrock_1982": R("Shrock", "Electromagnetic properties and decays of Dirac and Majorana "
                     "neutrinos in a general class of gauge theories", 1982, "Nucl. Phys. B",
                     "206", "359"),
    "pal_wolfenstein_1982": R("Pal & Wolfenstein", "Radiative decays of massive neutrinos",
                              1982, "Phys. Rev. D", "25", "766"),
    "dvornikov_studenikin_2004": R("Dvornikov & Studenikin", "Electric charge and magnetic "
                                   "moment of massive neutrino", 2004, "Phys. Rev. D", "69",
                                   "073001"),
    "bell_2005": R("Bell, Cirigliano, Ramsey-Musolf, Vogel & Wise", "How magnetic is the "
                   "Dirac neutrino?", 2005, "Phys. Rev. Lett.", "95", "151802",
                   "hep-ph/0504134"),
    "bell_2006": R("Bell, Gorchtein, Ramsey-Musolf, Vogel & Wang", "Model independent bounds "
                   "on magnetic moments of Majorana neutrinos", 2006, "Phys. Lett. B", "642",
                   "377", "hep-ph/0606248"),
    "frere_heeck_mollet_2015": R("Frère, Heeck & Mollet", "Triangle inequalities for "
                                 "Majorana-neutrino magnetic moments", 2015, "Phys. Rev. D",
                                 "92", "053002"),
    "beacom_vogel_1999": R("Beacom & Vogel", "Neutrino magnetic moments, flavor mixing, and "
                           "the Super-Kamiokande solar data", 1999, "Phys. Rev. Lett.", "83",
                           "5222", "hep-ph/9907383"),
    # --- spin and spin-flavour oscillations ----------------------------------------------
    "lim_marciano_1988": R("Lim & Marciano", "Resonant spin-flavor precession of solar and "
                           "supernova neutrinos", 1988, "Phys. Rev. D", "37", "1368"),
    "akhmedov_1988": R("Akhmedov", "Resonant amplification of neutrino spin rotation in matter "
                       "and the solar-neutrino problem", 1988, "Phys. Lett. B", "213", "64"),
    "studenikin_2004": R("Studenikin", "Neutrinos in electromagnetic fields and moving media",
                         2004, "Phys. At. Nucl.", "67", "993"),
    "popov_studenikin_2019": R("Popov & Studenikin", "Neutrino eigenstates and flavour, spin "
                               "and spin-flavour oscillations in a constant magnetic field",
                               2019, "Eur. Phys. J. C", "79", "144", "1902.08195"),
    "pustoshny_studenikin_2018": R("Pustoshny & Studenikin", "Neutrino spin and spin-flavour "
                                   "oscillations in transversal matter currents with standard "
                                   "and non-standard interactions", 2018, "Phys. Rev. D", "98",
                                   "113009", "1801.08911"),
    "kurashvili_2017": R("Kurashvili, Kouzakov, Chotorlishvili & Studenikin", "Spin-flavor "
                         "oscillations of ultrahigh-energy cosmic neutrinos in interstellar "
                         "space: the role of neutrino magnetic moments", 2017, "Phys. Rev. D",
                         "96", "103017"),
    "wolfenstein_1978": R("Wolfenstein", "Neutrino oscillations in matter", 1978,
                          "Phys. Rev. D", "17", "2369"),
    # --- spin light of neutrino and plasma physics ---------------------------------------
    "lobanov_studenikin_2003": R("Lobanov & Studenikin", "Spin light of neutrino in matter "
                                 "and electromagnetic fields", 2003, "Phys. Lett. B", "564", "27",
                                 "hep-ph/0212393"),
    "studenikin_ternov_2005": R("Studenikin & Ternov", "Neutrino quantum states and spin light "
                                "in matter", 2005, "Phys. Lett. B", "608", "107",
                                "hep-ph/0412408"),
    "grigoriev_2005": R("Grigoriev, Studenikin & Ternov", "Quantum theory of neutrino spin "
                        "light in dense matter", 2005, "Phys. Lett. B", "622", "199",
                        "hep-ph/0502231"),
    "grigoriev_2012": R("Grigoriev, Lokhov, Studenikin & Ternov", "The effect of plasmon mass "
                        "on spin light of neutrino in dense matter", 2012, "Phys. Lett. B",
                        "718", "512", "1207.6396"),
    "grigoriev_2017": R("Grigoriev, Lokhov, Studenikin & Ternov", "Spin light of neutrino in "
                        "astrophysical environments", 2017, "JCAP", "11", "024", "1705.07481"),
    "kuznetsov_mikheev_2007": R("Kuznetsov & Mikheev", "A new look at the spin light of "
                                "neutrino", 2007, "Int. J. Mod. Phys. A", "22", "3211",
                                "hep-ph/0701228"),
    "braaten_segel_1993": R("Braaten & Segel", "Neutrino energy loss from the plasma process "
                            "at all temperatures and densities", 1993, "Phys. Rev. D", "48",
                            "1478", "hep-ph/9302213"),
    "raffelt_1996": R("Raffelt", "Stars as Laboratories for Fundamental Physics", 1996,
                      note="book, University of Chicago Press"),
    "raffelt_1990": R("Raffelt", "New bound on neutrino dipole moments from globular-cluster "
                      "stars", 1990, "Phys. Rev. Lett.", "64", "2856"),
}
del R


def reference(key: str) -> Reference:
    """The :class:`Reference` for ``key`` (ValueError naming the known keys if absent)."""
    try:
        return REFERENCES[key]
    except KeyError:
        raise ValueError(f"unknown reference {key!r}; known: {sorted(REFERENCES)}") from None


def cite(key: str, eq: str | int | None = None, *, sec: str | None = None,
         table: str | None = None) -> str:
    """'Authors, Journal vol, page (year), arXiv:id[, Sec. x][, eq. (n)][, Table t]'.

    ``eq`` may be one number or a range ("21-27"); it is wrapped in parentheses as printed.
    """
    text = reference(key).short()
    if sec is not None:
        text += f", Sec. {sec}"
    if eq is not None:
        numbers = str(eq)
        several = any(mark in numbers for mark in ("-", "–", ","))
        text += f", eqs. ({numbers})" if several else f", eq. ({numbers})"
    if table is not None:
        text += f", Table {table}"
    return text
