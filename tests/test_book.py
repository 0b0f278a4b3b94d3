"""The offline lecture edition (book/make.py): built pages point at nothing outside the build.

The full build (``bash book/build.sh``) executes every notebook; tests/test_notebooks.py already does
that, so to keep the suite short this builds the book and slides for notebook 00 only (~10 s).
"""
import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

pytestmark = pytest.mark.skipif(
    shutil.which("jupyter-book", path=str(Path(__import__("sys").executable).parent)) is None
    or not (BOOK / "node_modules" / "mathjax").is_dir(),
    reason="book tools not installed: run `bash book/build.sh` once (pip 'jupyter-book<2' + npm ci in book/)",
)


def _make():
    spec = importlib.util.spec_from_file_location("book_make", BOOK / "make.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    make = _make()
    out = tmp_path_factory.mktemp("book")
    assert make.main(["--only", "00", "--build-dir", str(out)]) == 0
    return out / "_build" / "html"


def test_offline_checker_rejects_external_references(tmp_path):
    make = _make()
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn.example/y.css">'
        '<script src="_static/local.js"></script><a href="https://example.org">a link is fine</a>')
    bad = make.check_offline(tmp_path)
    assert len(bad) == 2 and all("cdn.example" in b for b in bad)


def test_book_page_has_no_external_scripts_or_styles(built):
    make = _make()
    assert make.check_offline(built) == []
    page = (built / "00_notation_and_setup.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert any(s.startswith("_static/mathjax/tex-chtml.js") for s in scripts), scripts
    assert (built / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert (built / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


def test_book_page_holds_executed_outputs_and_math(built):
    page = (built / "00_notation_and_setup.html").read_text(encoding="utf-8")
    assert "cell_output" in page, "no executed outputs in the page"
    assert "\\tag{0.3}" in page or "(0.3)" in page, "equation (0.3) missing from the page"
    assert (built / "ja" / "00_notation_and_setup.html").is_file(), "Japanese edition not built"


def test_solutions_are_collapsed(built):
    nb = json.loads((ROOT / "notebooks" / "00_notation_and_setup.ipynb").read_text(encoding="utf-8"))
    n_solutions = sum("solution" in c.get("metadata", {}).get("tags", []) for c in nb["cells"])
    if not n_solutions:
        pytest.skip("notebook 00 has no solution cells")
    page = (built / "00_notation_and_setup.html").read_text(encoding="utf-8")
    cells = re.findall(r'<div class="cell [^"]*tag_solution[^"]*"', page)
    assert len(cells) == n_solutions
    assert all("tag_hide-input" in c for c in cells)


def test_slides_are_a_lecture_cut_with_local_assets(built):
    make = _make()
    deck = (built / "slides" / "00_notation_and_setup.slides.html").read_text(encoding="utf-8")
    assert "_assets/reveal.js/dist/reveal.js" in deck and "_assets/mathjax2/MathJax.js" in deck
    assert (built / "slides" / "_assets" / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (built / "slides" / "_assets" / "mathjax2" / "MathJax.js").is_file()
    assert make.check_offline(built / "slides") == []
    theme = re.search(r'href="(_assets/reveal.js/dist/theme/[a-z]+\.css)"', deck).group(1)
    assert "@import url(http" not in (built / "slides" / theme).read_text(encoding="utf-8"), theme
    assert "\\tag{0." in deck, "no tagged equation on the slides"
    nb = json.loads((ROOT / "notebooks" / "00_notation_and_setup.ipynb").read_text(encoding="utf-8"))
    n_cells = len(nb["cells"])
    n_sections = deck.count("<section")
    assert 1 < n_sections < n_cells, f"{n_sections} slides for {n_cells} cells is not a cut"


def test_lecture_cut_picks_equations_and_plots():
    nbformat = pytest.importorskip("nbformat")
    make = _make()
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("prose only"),
        nbformat.v4.new_markdown_cell("## Step\n$$ a = b \\tag{1.1} $$"),
        nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output("stream", text="1")]),
        nbformat.v4.new_code_cell("plot()", outputs=[
            nbformat.v4.new_output("stream", text="chatter"),
            nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})]),
    ])
    cut = make.lecture_cut(nb)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in cut.cells]
    assert kinds == ["slide", "skip", "slide", "skip", "subslide"]
    assert [o["output_type"] for o in cut.cells[4].outputs] == ["display_data"]
    assert "slideshow" not in nb.cells[0].metadata, "the source notebook was edited"
