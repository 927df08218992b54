"""The mutation gate's list stays current: every mutant of scripts/mutants.py names an existing
file and hint tests, and its original text occurs exactly once (the gate itself refuses to run
otherwise; this makes the ordinary suite say so as soon as the code moves)."""

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

NOT_PHYSICS = {
    "__init__.py",     # re-exports
    "validation.py",   # parameter checking
    "limits.py",       # the catalogue of published limits (data, tested in test_limits.py)
    "references.py",   # the bibliography: data, not physics
}


def load_gate():
    spec = importlib.util.spec_from_file_location("mutants_gate", ROOT / "scripts" / "mutants.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_mutant_applies_exactly_once():
    gate = load_gate()
    assert len(gate.MUTANTS) >= 80
    problems = gate.check_mutants(ROOT, list(enumerate(gate.MUTANTS, start=1)))
    assert problems == [], "update scripts/mutants.py:\n" + "\n".join(problems)


def test_mutants_cover_every_physics_module():
    gate = load_gate()
    mutated = {Path(m.file).name for m in gate.MUTANTS}
    physics = {p.name for p in (ROOT / "model").glob("*.py")} - NOT_PHYSICS
    assert physics <= mutated, f"modules without a mutant: {sorted(physics - mutated)}"
    assert len({(m.file, m.old, m.new) for m in gate.MUTANTS}) == len(gate.MUTANTS)  # no duplicates


def test_every_hint_names_an_existing_test():
    """A hint given as a node id (file::test) names a test function of that file, so that a
    renamed test shows up here rather than as a usage error of the gate's baseline run."""
    gate = load_gate()
    missing = []
    for index, mutant in enumerate(gate.MUTANTS, start=1):
        for hint in mutant.tests:
            path, _, name = hint.partition("::")
            if not (ROOT / path).is_file():
                missing.append(f"#{index}: {hint}: no such file")
            elif name and not re.search(rf"^def {re.escape(name.split('[')[0])}\(",
                                        (ROOT / path).read_text(encoding="utf-8"), re.MULTILINE):
                missing.append(f"#{index}: {hint}: no such test function")
    assert missing == [], "\n".join(missing)
