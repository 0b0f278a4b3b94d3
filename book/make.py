"""Stage the notebooks, build the offline book with jupyter-book 1.x, then cut lecture slides.

Usage: .venv/bin/python book/make.py [--only NN ...] [--no-slides]
(``bash book/build.sh`` installs what this needs and calls it.)

Everything the pages load at view time comes from ``book/node_modules`` (MathJax 3 for the book,
MathJax 2 + reveal.js + RequireJS + jQuery for nbconvert's slides, @jupyter-widgets/html-manager for
widgets) and is copied into the build; ``check_offline`` fails the build if any page still points at
an external script or stylesheet.
"""
from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
NB_DIR = ROOT / "notebooks"
SRC = BOOK / "_src"
OUT = BOOK / "_build"
HTML = OUT / "html"
NODE = BOOK / "node_modules"
NB_RE = re.compile(r"^\d\d_.*\.ipynb$")

# sources (relative to book/node_modules) -> destination under _static
STATIC = {
    "mathjax/es5": "mathjax",
    "@jupyter-widgets/html-manager/dist": "html-manager",
}
SLIDE_ASSETS = {
    "reveal.js/dist": "reveal.js/dist",
    "reveal.js/plugin": "reveal.js/plugin",
    "mathjax2": "mathjax2",
    "requirejs-dist/require.js": "require.js",
    "jquery/dist/jquery.min.js": "jquery.min.js",
    "@jupyter-widgets/html-manager/dist": "html-manager",
}
EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)""",
    re.I,
)


def notebooks(only=None):
    """English ``notebooks/NN_*.ipynb`` and Japanese ``notebooks/ja/NN_*.ipynb`` (+ other notebooks there)."""
    def pick(folder):  # NN_* in order, then companions such as ja/glossary.ipynb (linked from NN_*)
        nbs = sorted(folder.glob("*.ipynb"))
        return [p for p in nbs if NB_RE.match(p.name)] + [p for p in nbs if not NB_RE.match(p.name)]

    found = {"": pick(NB_DIR)}
    ja = NB_DIR / "ja"
    if ja.is_dir():
        found["ja"] = pick(ja)
    if only:
        found = {k: [p for p in v if p.name[:2] in only] for k, v in found.items()}
    return {k: v for k, v in found.items() if v}


def title_of(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def stage(groups, partial: bool = False) -> None:
    """Copy notebooks (and the files next to them) into book/_src and write _config.yml/_toc.yml."""
    if SRC.exists():
        shutil.rmtree(SRC)
    SRC.mkdir(parents=True)
    lines = ["# Word2Vec, derived\n",
             "The notebook series, executed when this book was built. Slides: `slides/` next to this page.\n",
             ]
    chapters = []
    for lang, paths in groups.items():
        dest = SRC / lang if lang else SRC
        dest.mkdir(exist_ok=True)
        # non-notebook companions (e.g. w2vlib-lang.txt marks the Japanese folder)
        src_dir = paths[0].parent
        for extra in src_dir.iterdir():
            if extra.is_file() and extra.suffix in {".txt", ".csv", ".tsv", ".json"}:
                shutil.copy2(extra, dest / extra.name)
        part = []
        for p in paths:
            shutil.copy2(p, dest / p.name)
            doc = f"{lang}/{p.stem}" if lang else p.stem
            part.append(doc)
            lines.append(f"- [{title_of(p)}]({doc}.ipynb)\n")
        chapters.append((lang, part))
    (SRC / "intro.md").write_text("\n".join(lines), encoding="utf-8")
    toc = ["format: jb-book", "root: intro", "parts:"]
    for lang, part in chapters:
        toc.append(f"  - caption: {'日本語版' if lang == 'ja' else 'Notebooks'}")
        toc.append("    chapters:")
        toc += [f"      - file: {doc}" for doc in part]
    (SRC / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    config = (BOOK / "_config.yml").read_text(encoding="utf-8")
    if partial:
        # a partial build (tests) links to notebooks that are not in it: only that warning is let through
        config = config.replace('suppress_warnings: ["mystnb.unknown_mime_type"]',
                                'suppress_warnings: ["mystnb.unknown_mime_type", "myst.xref_missing"]')
    (SRC / "_config.yml").write_text(config, encoding="utf-8")
    # not "_static": jupyter-book would add every .js below _static to every page
    static = SRC / "_vendor"
    static.mkdir()
    for src, dst in STATIC.items():
        shutil.copytree(NODE / src, static / dst)
    css = (BOOK / "offline.css").read_text(encoding="utf-8")
    font = _japanese_font()
    if font is not None:  # Japanese pages must not depend on the viewer having a CJK font
        (static / "fonts").mkdir()
        shutil.copy2(font, static / "fonts" / font.name)
        css += JA_FONT_CSS.format(name=font.name)
    (static / "offline.css").write_text(css, encoding="utf-8")
    shutil.copy2(BOOK / "offline.js", static / "offline.js")
    # a local favicon, so browsers do not log a 404 for /favicon.ico
    (static / "favicon.png").write_bytes(_png_1x1())


# IPAexGothic only for Japanese characters (unicode-range) and first in the stack: Latin text keeps the
# system font, and a CJK character never falls through to a system font without glyphs (with the font last
# in the stack, headless Chromium drew some sidebar entries as empty boxes).
JA_FONT_CSS = """
@font-face {{ font-family: "IPAexGothic"; src: url("fonts/{name}") format("truetype"); font-weight: 100 900;
  unicode-range: U+3000-30FF, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF; }}
:root, html[data-theme="light"], html[data-theme="dark"] {{
  --pst-font-family-base: "IPAexGothic", system-ui, -apple-system, "Segoe UI", "Helvetica Neue", "Noto Sans",
    "Liberation Sans", Arial, sans-serif;
  --pst-font-family-heading: var(--pst-font-family-base);
  --bs-font-sans-serif: var(--pst-font-family-base);
}}
"""


def _japanese_font():
    """IPAexGothic as shipped by the PyPI package matplotlib-fontja (also used for plot labels)."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        return None
    fonts = sorted(Path(list(spec.submodule_search_locations)[0]).rglob("ipaexg.ttf"))
    return fonts[0] if fonts else None


def _png_1x1() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x1f\x4e\x8a")) + chunk(b"IEND", b""))


def build_book() -> None:
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(SRC), "--path-output", str(OUT.parent),
           "--warningiserror", "--nitpick", "--all"]
    cmd.remove("--nitpick")  # nitpicky mode flags the theme's own references
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, env=_env())


THEBE = re.compile(
    r'\s*<script>const THEBE_JS_URL = [^<]*</script>|\s*<script async="async" src="[^"]*sphinx-thebe\.js[^"]*"></script>')


def strip_thebe(root: Path) -> int:
    """Remove sphinx-thebe's page scripts (jupyter-book 1.x always loads the extension).

    Its inline ``const THEBE_JS_URL`` is emitted twice per page (a console error) and points at a
    remote copy of thebe; the book never launches live kernels, so both go.
    """
    n = 0
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new, k = THEBE.subn("", text)
        if k:
            page.write_text(new, encoding="utf-8")
            n += k
    return n


def _env():
    import os
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    return env


# ---------------------------------------------------------------- slides
def lecture_cut(nb):
    """Mark cells for a lecture: title, Markdown with tagged equations, code cells whose output is a plot.

    Returns a copy of ``nb``; the source notebooks are never edited.
    """
    nb = copy.deepcopy(nb)
    first_md = True
    for cell in nb.cells:
        src = cell.source
        slide = "skip"
        if cell.cell_type == "markdown":
            if first_md:
                slide, first_md = "slide", False
            elif "\\tag{" in src:
                slide = "slide" if src.lstrip().startswith("#") else "subslide"
        elif cell.cell_type == "code":
            plots = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})
                     or "image/svg+xml" in o.get("data", {})]
            if plots:
                slide = "subslide"
                cell.outputs = plots  # only the figure, no text/widget chatter
                cell.metadata.setdefault("tags", [])
                cell.metadata["tags"] = list(cell.metadata["tags"]) + ["remove_input"]
                cell.metadata.setdefault("transient", {})["remove_source"] = True
        cell.metadata["slideshow"] = {"slide_type": slide}
    nb.metadata.pop("widgets", None)
    return nb


def build_slides(groups) -> list[Path]:
    import nbformat
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    out = HTML / "slides"
    out.mkdir(parents=True, exist_ok=True)
    for src, dst in SLIDE_ASSETS.items():
        target = out / "_assets" / dst
        if target.exists():
            continue
        if (NODE / src).is_dir():
            shutil.copytree(NODE / src, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(NODE / src, target)
    c = Config()
    c.SlidesExporter.reveal_url_prefix = "_assets/reveal.js"
    c.SlidesExporter.reveal_theme = "white"  # "simple" @imports remote web fonts; "white" ships its own
    c.SlidesExporter.mathjax_url = "_assets/mathjax2/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    c.SlidesExporter.require_js_url = "_assets/require.js"
    c.SlidesExporter.jquery_url = "_assets/jquery.min.js"
    c.SlidesExporter.mermaid_js_url = "_assets/none.js"
    c.SlidesExporter.widget_renderer_url = "_assets/html-manager/embed-amd.js"
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
    c.TagRemovePreprocessor.enabled = True
    exporter = SlidesExporter(config=c)
    made = []
    for lang, paths in groups.items():
        for p in paths:
            executed = OUT / "jupyter_execute" / (f"{lang}" if lang else "") / p.name
            nb = nbformat.read(str(executed), as_version=4)
            body, _ = exporter.from_notebook_node(lecture_cut(nb))
            # nbconvert's template would load mermaid as an ES module from the network; drop it.
            body = re.sub(r'<script type="module">\s*import mermaid.*?</script>', "", body, flags=re.S)
            name = (f"{lang}_" if lang else "") + p.stem + ".slides.html"
            (out / name).write_text(body, encoding="utf-8")
            made.append(out / name)
    index = ["<!DOCTYPE html><meta charset='utf-8'><title>Slides</title><h1>Slides</h1><ul>"]
    index += [f"<li><a href='{m.name}'>{m.stem.replace('.slides', '')}</a></li>" for m in made]
    (out / "index.html").write_text("\n".join(index) + "</ul>\n", encoding="utf-8")
    return made


def check_offline(root: Path | None = None) -> list[str]:
    """Every external script/stylesheet/image/iframe reference in the built HTML (should be empty)."""
    root = HTML if root is None else root
    bad = []
    for page in root.rglob("*.html"):
        for url in EXTERNAL.findall(page.read_text(encoding="utf-8", errors="replace")):
            bad.append(f"{page.relative_to(root)}: {url}")
    return bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="two-digit notebook numbers to include (default: all)")
    ap.add_argument("--no-slides", action="store_true")
    ap.add_argument("--build-dir", type=Path, default=None,
                    help="where to stage and build (default: book/_src and book/_build)")
    ap.add_argument("--notebook-dir", type=Path, default=None, help="default: notebooks/")
    args = ap.parse_args(argv)
    if args.notebook_dir is not None:
        global NB_DIR
        NB_DIR = args.notebook_dir.resolve()
    if args.build_dir is not None:
        global SRC, OUT, HTML
        SRC, OUT = args.build_dir / "_src", args.build_dir / "_build"
        HTML = OUT / "html"
    groups = notebooks(args.only)
    if not groups:
        print("no notebooks/NN_*.ipynb found", file=sys.stderr)
        return 1
    stage(groups, partial=bool(args.only))
    build_book()
    strip_thebe(HTML)
    if not args.no_slides:
        made = build_slides(groups)
        print(f"slides: {len(made)} decks in {HTML / 'slides'}")
    bad = check_offline()
    if bad:
        print("external references left in the build:\n  " + "\n  ".join(bad), file=sys.stderr)
        return 1
    print(f"book: {HTML / 'index.html'} (offline check passed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
