"""The formula notes of the tabs: content checked against the model, and typeset offline.

Server-side: every tab has a note, each cites published papers with equation numbers and
no internal notes or machine paths, the numbers a note
quotes are the model's, the card starts collapsed, and the TeX reaches the page intact.
Browser (headless Debian Chromium): the notes are built lazily in dynamic tabs, as in the
app, and expanding a card typesets every formula with the MathJax that the Panel server
serves itself: no error, nothing left untypeset, no request off the server's origin.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import panel as pn
import pytest

from dashboard.formula_notes import CARD_TITLE, formula_note, math_plugin
from dashboard.tabs import TABS
from model.electron_scattering import em_vector_coupling_shift, magnetic_sm_crossover_keV
from model.sensitivity import DELTA_CHI2_TWO_SIDED_90, Z_ONE_SIDED_90
from model.theory import dirac_moment_sm, millicharge_bound_from_moment
from tests.browser_support import TIMEOUT_MS, PageProblems, served

NOTES = {tab.title: tab.note for tab in TABS}  # each tab declares its note
NOTE_TITLES = tuple(NOTES)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"\\\((.+?)\\\)", re.S)


def math_segments(page_html: str) -> tuple[list[str], list[str], str]:
    """(display TeX, inline TeX, the HTML without them), as Bokeh's MathJax finds them."""
    display = DISPLAY_MATH.findall(page_html)
    inline = INLINE_MATH.findall(page_html)
    rest = INLINE_MATH.sub("", DISPLAY_MATH.sub("", page_html))
    return display, inline, rest


def has(title: str, *fragments: str) -> bool:
    """Whether the note of ``title`` holds every fragment, whitespace ignored (TeX math does
    not depend on it, and the notes break long formulas over lines)."""
    note = re.sub(r"\s+", "", NOTES[title])
    return all(re.sub(r"\s+", "", fragment) in note for fragment in fragments)


def note_html(title: str) -> str:
    """The HTML the browser receives for the note (Panel sends it escaped once)."""
    return html.unescape(formula_note(NOTES[title]).objects[0].get_root().text)


# --- which notes ---------------------------------------------------------------------------
def test_every_tab_has_a_note():
    for tab in TABS:
        assert tab.note.strip(), f"{tab.title}: no formula note"
        assert formula_note(tab.note).objects[0].object == tab.note


def test_card_is_collapsed_with_the_notes_title():
    card = formula_note(NOTES["Recoil spectra"])
    assert isinstance(card, pn.layout.Card)
    assert card.collapsed is True
    assert card.title == CARD_TITLE
    (body,) = card.objects
    assert isinstance(body, pn.pane.Markdown)
    assert body.object == NOTES["Recoil spectra"]


ICHEP_REVIEW = "Studenikin, Nucl. Part. Phys. Proc. 273–275, 1711 (2016)"


@pytest.mark.parametrize("title", NOTE_TITLES)
def test_each_note_cites_public_papers(title):
    note = NOTES[title]
    assert not re.search(r"\bseeds?\b|REFERENCE\.md|/work/|/home/|/tmp/", note, re.I)
    assert re.search(r"\b(PR[CDL]|PLB|EPJC|Phys\. Rev\.|Rev\. Mod\. Phys\.|Nucl\. Part\. Phys\."
                     r" Proc\.)[^()]*\(\d{4}\)|arXiv:\d{4}\.\d{4,5}", note), "no paper cited"
    assert re.search(r"\beqs?\. \(\d+\)|Sec\. [\dIVX]", note), "no equation number or section"


# --- the formulas are the model's ----------------------------------------------------------
def test_recoil_note_states_the_electron_formulas_of_the_code():
    title = "Recoil spectra"
    # Studenikin, Nucl. Part. Phys. Proc. 273-275, 1711 (2016) (ICHEP_REVIEW), eqs. (21), (25):
    # the weak bracket and the exact magnetic term with 1/T - 1/E
    assert has(title, r"\frac{G_F^2m_e}{2\pi}\left[(g_V + g_A)^2 + (g_V - g_A)^2"
                      r"\left(1 - \frac{T}{E}\right)^2 + (g_A^2 - g_V^2)\frac{m_eT}{E^2}\right]")
    assert has(title, r"\left(\frac{d\sigma}{dT}\right)_{\mu_\nu} = \frac{\pi\alpha^2}{m_e^2}"
                      r"\left(\frac{\mu_\nu}{\mu_B}\right)^2\left(\frac{1}{T} - \frac{1}{E}\right)")
    assert has(title, f"{ICHEP_REVIEW}, eq. (21)", "eq. (25)", "eq. (27)")
    # the photon-exchange shift of g_V and the Heaviside-Lorentz millicharge term (alpha^2)
    assert has(title, r"\delta g_V = \frac{\sqrt2\,\pi\alpha}{G_F}"
                      r"\left[\frac{\langle r^2\rangle}{3} - \frac{q_\nu}{m_eT}\right]")
    assert has(title, r"\frac{2\pi\alpha^2q_\nu^2}{m_eT^2}\left[1 - \frac{T}{E} + \frac{T^2}{2E^2}"
                      r" - \frac{m_eT}{2E^2}\right]")
    # stepping approximation and the crossover with the sin^4 term (the review, eq. (27), prints sin^2)
    assert has(title, r"\sum_i n_i\,\theta(T - B_i)")
    assert has(title, r"\left(1 + 4\sin^2\theta_W + 8\sin^4\theta_W\right)\mu_B^2")


def test_recoil_note_numbers_are_the_models():
    title = "Recoil spectra"
    # delta g_V per 1e-32 cm^2 and the nu_bar_e crossover at 1e-11 mu_B (docs/physics.md, Sec. 2)
    shift = em_vector_coupling_shift(1.0, charge_radius_cm2=1e-32)
    assert has(title, f"{shift:.4f} per $10^{{-32}}$")
    assert has(title, f"≈ {magnetic_sm_crossover_keV(1e-11):.1f} keV at $10^{{-11}}\\mu_B$")


def test_recoil_note_states_the_nucleus_formulas_of_the_code():
    title = "Recoil spectra"
    assert has(title, r"\frac{G_F^2M}{4\pi}Q_W^2\left[1 - \frac{T}{E} - \frac{MT}{2E^2}\right]",
               r"Z^2\left(\frac{1}{T} - \frac{1}{E}\right)\right\}F^2(q)")
    assert has(title, r"Q_W = N - (1 - 4\sin^2\theta_W)Z")
    assert has(title, r"2Z\frac{\sqrt2\pi\alpha}{G_F}\left[\frac{\langle r^2\rangle}{3}"
                      r" - \frac{q_\nu}{MT}\right]")
    assert has(title, r"c = 1.23A^{1/3} - 0.60", r"k = 0.133Z^{2/3}A^{-1/2}")


def test_sensitivity_note_states_the_statistics_of_the_code():
    title = "Reactor sensitivity"
    assert has(title, "Asimov", "median expected", "90% CL")
    assert has(title, f"= {Z_ONE_SIDED_90**2:.3f}$")       # one-sided mu_nu limit
    assert has(title, f"= {DELTA_CHI2_TWO_SIDED_90:.3f}$")  # q_nu, each sign
    assert has(title, r"|q_\nu| \lesssim \sqrt{\frac{T_{th}}{2m_e}}\;\frac{\mu_\nu}{\mu_B}\;e_0")
    assert has(title, f"{ICHEP_REVIEW}, eq. (32)", "(eq. (33))")
    # GEMMA: 2.9e-11 mu_B at 2.8 keV -> 1.5e-12 e0 (Studenikin (2016), eq. (33))
    gemma = millicharge_bound_from_moment(2.9e-11, 2.8)
    assert has(title, f"{gemma * 1e12:.1f}\\times10^{{-12}}e_0")


def test_spin_light_note_states_the_rates_and_thresholds_of_the_code():
    title = "Spin light"
    assert has(title, r"\Gamma = 4\mu_\nu^2\tilde n^2p", r"I = \tfrac43\mu_\nu^2\tilde n^2p^2",
               r"t_{\rm loss} = \frac{E}{I} = \frac{3}{\Gamma}")
    assert has(title, r"p_{th} = \frac{m_\gamma^2 + 2m_\gamma m_\nu}{4\tilde n}")
    assert has(title, r"\tilde n = G_Fn_n/(2\sqrt2)")
    assert has(title, r"\varepsilon_W = \frac{m_W^2 - m_e^2}{2(\mu_e + p_F)}")
    # the hot plasma: the one-loop plasmon mass and its relativistic limit
    assert has(title, r"m_\gamma^2 = \frac{4\alpha}{\pi}\int_0^\infty dp\,\frac{p^2}{E}\,(f_- + f_+)",
               r"\tfrac{2\alpha}{\pi}(\mu^2 + \pi^2T^2/3) = \tfrac32\omega_p^2", "PRD 48, 1478 (1993)")


def test_reactor_note_states_the_normalisation_of_the_code():
    from model.reactor import antineutrinos_per_fission
    title = "Recoil spectra"
    assert has(title, f"{antineutrinos_per_fission():.2f} $\\bar\\nu$ per fission in all",
               f"{antineutrinos_per_fission(E_min_MeV=2.0):.2f} above 2 MeV")
    assert has(title, r"\frac{N_{\bar\nu}/{\rm fission}}{\langle\varepsilon_{\rm fission}\rangle}")


def test_theory_note_states_the_moments_of_the_code():
    title = "Theory"
    assert has(title, r"\mu_{ii} = \frac{3eG_Fm_i}{8\sqrt2\pi^2}", f"{ICHEP_REVIEW}, eq. (8)")
    assert has(title, f"{dirac_moment_sm(1.0) * 1e19:.1f}\\times10^{{-19}}")
    for equation in ("(11)", "(13)", "(16)", "(17)", "(19)", "(32)"):
        assert has(title, f"eq. {equation}") or has(title, f"eqs. {equation}")
    assert has(title, r"\mu_{\nu_a}^2 \le \mu_{\nu_b}^2 + \mu_{\nu_c}^2")


def test_oscillation_note_states_the_formulas_of_the_code():
    title = "Oscillations"
    assert has(title, r"L_{\rm eff} = \frac{\pi}{\sqrt{E_{\rm eff}^2 + \Delta_{\rm eff}^2}}")
    assert has(title, "arXiv:1603.00337, eq. (27)", "arXiv:1902.08195")
    assert has(title, r"\Delta_{LR} = \frac{\Delta m^2}{2}(\cos2\theta + 1) - 2EV_e + 2E\phi'")
    assert has(title, r"V_e = \sqrt2G_F(n_e - n_n/2)")


# --- what the browser receives -------------------------------------------------------------
@pytest.mark.parametrize("title", NOTE_TITLES)
def test_tex_reaches_the_page_intact(title):
    display, inline, rest = math_segments(note_html(title))
    source = NOTES[title]
    assert len(display) == source.count("$$") // 2
    assert len(display) + len(inline) == len(re.findall(r"\$\$.+?\$\$|\$[^$]+?\$", source, re.S))
    assert "$" not in rest, "a $ was not taken as math"
    assert "<a " not in rest, "a link (e.g. a file name taken for a domain) would leave the app"
    # markdown-it applied no escapes or emphasis inside the TeX: it is the source's, verbatim
    for formula in display + inline:
        assert formula.strip() in source


def test_angle_brackets_in_tex_are_refused():
    pane = pn.pane.Markdown("$a < b$", plugins=[math_plugin])
    with pytest.raises(ValueError, match=r"\\lt"):
        pane.get_root()


def test_the_app_loads_mathjax():
    """The app's tabs are built lazily: only pn.extension("mathjax") puts MathJax in the page
    for certain (formula_notes module docstring).  A fresh interpreter, so that the extension
    call of the browser test below cannot leak in."""
    code = ("import panel as pn, dashboard.app; "
            "print('mathjax' in pn.extension._loaded_extensions)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True, cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip().splitlines()[-1] == "True", (
        'dashboard/app.py must call pn.extension("mathjax", ...)')


# --- in the browser ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def notes_url():
    """Every note in dynamic tabs, each built when its tab opens (as the app builds its
    views), without a template or any Markdown in the first render: MathJax is in the page
    only because of the extension call."""
    pn.extension("mathjax")

    def notes_app():
        lazy = [(title, pn.panel(lambda title=title: pn.Column(formula_note(NOTES[title])), lazy=True))
                for title in NOTE_TITLES]
        return pn.Tabs(("start", pn.Spacer(height=10)), *lazy, dynamic=True)

    with served({"notes": notes_app}) as url:
        yield url


JS_SHADOW_TEXT = "(element) => (element.shadowRoot ?? element).textContent"


@pytest.mark.browser
def test_expanded_notes_are_typeset_offline(page, notes_url):
    from playwright.sync_api import expect

    problems = PageProblems(page, notes_url)
    page.goto(f"{notes_url}/notes")
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT_MS)
    for title in NOTE_TITLES:
        display, inline, _ = math_segments(note_html(title))
        page.get_by_text(title, exact=True).first.click()
        header = page.locator(".card-header:visible")
        expect(header).to_have_count(1, timeout=TIMEOUT_MS)
        expect(header).to_contain_text(CARD_TITLE)
        typeset = page.locator("mjx-container:visible")
        expect(typeset).to_have_count(0)  # collapsed: nothing shown yet
        header.click()
        expect(typeset).to_have_count(len(display) + len(inline), timeout=TIMEOUT_MS)
        assert page.locator("mjx-merror, [data-mjx-error]").count() == 0, f"{title}: TeX error"
        text = page.locator(".markdown:visible").evaluate(JS_SHADOW_TEXT)
        assert "$$" not in text and "\\(" not in text, f"{title}: TeX left untypeset"
        assert page.locator("mjx-container:visible > svg").count() == len(display) + len(inline)
    problems.assert_clean()
