"""Every notebook is stored without outputs and executes from top to bottom.

The exercise solutions are ordinary (collapsed) code cells, so executing a
notebook also runs its solutions through the exercise checker.
"""
import json
import re
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("[0-9][0-9]_*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]


def _ids(paths):
    return [str(p.relative_to(ROOT / "notebooks")) for p in paths]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        i for i, cell in enumerate(nb["cells"])
        if cell.get("outputs") or cell.get("execution_count") is not None
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; run nbstripout on it"


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_executes(path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(str(path), as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()


ALL_NOTEBOOKS = [p for p in sorted((ROOT / "notebooks").rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
LINK = re.compile(r"\]\(([^)#\s]+\.(?:ipynb|md))(?:#[^)]*)?\)")


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=_ids(ALL_NOTEBOOKS))
def test_links_between_notebooks_resolve(path):
    """A Markdown link to another notebook or page must name a file that exists (the book build fails otherwise)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    targets = {t for c in nb["cells"] if c["cell_type"] == "markdown" for t in LINK.findall("".join(c["source"]))}
    broken = sorted(t for t in targets if "://" not in t and not (path.parent / t).is_file())
    assert not broken, f"{path.name} links to missing files: {broken}"
