"""Nothing shipped cites the project's internal material: every citation is a public paper.

Scans every file that ships (model/, dashboard/, bench/, assets/, docs/, README.md,
pyproject.toml) and every file under tests/ (except this one, which holds the forbidden
patterns as fixtures) for citations of the internal source documents ("seed 002",
"the seed's", "seeds/"), of the internal notes (REFERENCE.md) and for absolute paths of a
development machine (/work/, /tmp/, /home/, /root/).  A failure names file:line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("model", "dashboard", "bench", "assets", "docs", "README.md", "pyproject.toml")
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints"}
# What the benches write on this machine (git-ignored, never shipped): their logs hold paths.
NOT_SHIPPED = ("bench/results/",)
TESTS = "tests"
THIS_FILE = Path(__file__).resolve()
# Test files whose code holds a forbidden pattern as data, and which patterns they may hold:
# test_formula_notes.py searches the formula notes for machine paths with a regex.
TEST_FIXTURES = {
    "tests/dashboard/test_formula_notes.py": {"a machine path"},
}
FORBIDDEN = {
    "an internal source document": re.compile(
        r"\bseeds?\s*\d{3}\b|\bseeds?/|\bthe seeds?\b|\bthe seed's\b"
        r"|\bseeds?(?:'s)?\s+(?:table|talk|paper|papers|figure|review|formula|value|number|eq)",
        re.IGNORECASE),
    "the internal notes": re.compile(r"REFERENCE\.md", re.IGNORECASE),
    "a machine path": re.compile(r"(?<![\w.~:/-])/(?:work|tmp|home|root)/"),
}


def shipped_files() -> list[Path]:
    files = []
    for name in SHIPPED:
        path = ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in sorted(path.rglob("*"))
                         if p.is_file() and not SKIPPED_PARTS & set(p.parts)
                         and not p.relative_to(ROOT).as_posix().startswith(NOT_SHIPPED))
    return files


def files_under_tests() -> list[Path]:
    """Every file under tests/ but this one (its fixtures are the forbidden patterns)."""
    return [p for p in sorted((ROOT / TESTS).rglob("*"))
            if p.is_file() and not SKIPPED_PARTS & set(p.parts) and p.resolve() != THIS_FILE]


def violations(path: Path, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:  # images and other binary files carry no citations
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for what, pattern in FORBIDDEN.items():
            if what not in allowed and pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: cites {what}: {line.strip()[:100]}")
    return found


def test_the_scan_finds_what_it_must(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("x = 1  # seed 002 eq. (21)\n# see REFERENCE.md section 3\n"
                      "path = '/work/shared/seeds/000.txt'\nthe seed's tau\n"
                      "rng = random.Random(seed)  # fine\nurl = 'https://example.org/home/x'\n",
                      encoding="utf-8")
    lines = []
    for number, line in enumerate(sample.read_text().splitlines(), start=1):
        if any(p.search(line) for p in FORBIDDEN.values()):
            lines.append(number)
    assert lines == [1, 2, 3, 4]


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_file_cites_only_public_sources(path):
    found = violations(path)
    assert not found, "\n".join(found)


def test_the_test_scan_skips_only_this_file():
    files = files_under_tests()
    assert THIS_FILE not in {p.resolve() for p in files}
    assert ROOT / "tests" / "model" / "test_spin_light.py" in files
    assert all(ROOT / name in files for name in TEST_FIXTURES)


@pytest.mark.parametrize("path", files_under_tests(), ids=lambda p: str(p.relative_to(ROOT)))
def test_test_file_cites_only_public_sources(path):
    found = violations(path, TEST_FIXTURES.get(path.relative_to(ROOT).as_posix(), set()))
    assert not found, "\n".join(found)


def test_every_bracketed_key_is_in_the_bibliography():
    """Docstrings cite by key, e.g. [giunti_studenikin_2015]: each key must exist."""
    from model.references import REFERENCES
    key = re.compile(r"\[([a-z][a-z_]*_\d{4}[a-z_]*)\]")
    missing = []
    for path in shipped_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            missing += [f"{path.relative_to(ROOT)}:{number}: [{k}]" for k in key.findall(line)
                        if k not in REFERENCES]
    assert not missing, "\n".join(missing)


def test_references_format():
    from model.references import REFERENCES, cite
    assert cite("giunti_studenikin_2015", eq=3, sec="IV.C") == (
        "Giunti & Studenikin, Rev. Mod. Phys. 87, 531 (2015), arXiv:1403.6344, Sec. IV.C, eq. (3)")
    for name, entry in REFERENCES.items():
        assert entry.authors and entry.title and 1900 < entry.year < 2100, name
        assert entry.journal or entry.arxiv or entry.note, f"{name}: nothing to find it by"
        if entry.arxiv:
            assert re.fullmatch(r"\d{4}\.\d{4,5}|[a-z-]+/\d{7}", entry.arxiv), name
    with pytest.raises(ValueError, match="unknown reference"):
        cite("nobody_1900")
