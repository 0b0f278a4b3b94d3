"""The thread of CONVENTIONS.md, checked mechanically for every notebook.

equation (N.k) in notebook N -> a code cell that asserts something about it (the SymPy check) ->
a w2vlib docstring that says "Implements (N.k)" -> (tests of that function, in tests/).
And the other way round: every "Implements (N.k)" in the library names an equation that exists.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TAG = re.compile(r"\\tag\{(\d+\.\d+)\}")
NUM = r"\d+\.\d+"


def _cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


def _expand(text):
    """Equation numbers named in ``text``; ranges "(4.9)–(4.11)", "(2.2–2.4)" count every number between."""
    found = set(re.findall(NUM, text))
    for a, b in re.findall(rf"({NUM})\)?\s*[–-]\s*\(?({NUM})", text):
        (n, x), (m, y) = a.split("."), b.split(".")
        if n == m and int(x) < int(y):
            found |= {f"{n}.{k}" for k in range(int(x), int(y) + 1)}
    return found


def implemented():
    """Equation numbers cited after the word "Implements" (up to the end of its sentence) in w2vlib."""
    out = set()
    for f in (ROOT / "w2vlib").glob("*.py"):
        for m in re.finditer(r'Implements\b(.*?)(?:\.(?=\s|"|$)|\n\s*\n|""")', f.read_text(encoding="utf-8"), re.S):
            out |= _expand(m.group(1))
    return out


def tags_of(path):
    return {t for kind, src in _cells(path) if kind == "markdown" for t in TAG.findall(src)}


def test_expand_reads_ranges():
    assert _expand("(4.9)–(4.11) and (2.2–2.4), (1.5)") == {"4.9", "4.10", "4.11", "2.2", "2.3", "2.4", "1.5"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_tag_is_implemented_and_checked(path):
    impl = implemented()
    codes = [src for kind, src in _cells(path) if kind == "code"]
    problems = []
    for t in sorted(tags_of(path), key=lambda s: tuple(map(int, s.split(".")))):
        if t not in impl:
            problems.append(f"({t}) has no w2vlib docstring saying 'Implements ({t})'")
        if not any("assert" in c and f"({t})" in c for c in codes):
            problems.append(f"({t}) has no code cell that asserts it (mention '({t})' in its check)")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_library_cites_only_equations_that_exist():
    existing = set().union(*(tags_of(p) for p in NOTEBOOKS))
    chapters = {p.name[:2].lstrip("0") or "0" for p in NOTEBOOKS}
    dangling = sorted(t for t in implemented() if t.split(".")[0] in chapters and t not in existing)
    assert not dangling, f"w2vlib says 'Implements' for equations no notebook tags: {dangling}"
