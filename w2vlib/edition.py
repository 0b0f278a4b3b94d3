"""Keep the Japanese edition (``notebooks/ja/``) in step with the English notebooks.

Rules a Japanese notebook ``notebooks/ja/NN_x.ipynb`` follows (checked by
:func:`compare_editions`):

* its code cells are the English code cells: same number, order, source and
  solution/hide metadata (``tags``, ``jupyter.source_hidden``);
* its Markdown cells translate the English Markdown cells one for one, so the
  sequence of cell types is the same. A translator's note that has no English
  counterpart is allowed if its metadata says ``{"w2vlib": {"ja_only": true}}``;
* every equation tag ``\\tag{N.k}`` appears in both editions;
* each translated Markdown cell carries a stamp
  ``{"w2vlib": {"translated_from": "<hash of the English source>"}}``. When the
  English cell changes, the stamp no longer matches and the cell is reported as
  stale until it is re-translated and re-stamped;
* it links back to its English original ``../NN_x.ipynb`` and not to other
  English notebooks.

Workflow for a later session (also ``python -m w2vlib.edition --help``)::

    python -m w2vlib.edition status                 # which notebooks lack a Japanese edition
    python -m w2vlib.edition sync EN.ipynb JA.ipynb # copy code cells, list Markdown to translate
    # ... translate the listed cells ...
    python -m w2vlib.edition stamp EN.ipynb JA.ipynb          # newly translated cells
    python -m w2vlib.edition stamp EN.ipynb JA.ipynb --cells 5 # a re-translated stale cell
    python -m w2vlib.edition check EN.ipynb JA.ipynb

``sync`` on a Japanese notebook that does not exist yet creates it from the
English one with every Markdown cell marked as needing translation.
"""
from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

TAG = re.compile(r"\\tag\{([^}]*)\}")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
NOTEBOOK_LINK = re.compile(r"\]\((\.\./)?(\d\d_[^)\s#]*\.ipynb)")
META = "w2vlib"


# --------------------------------------------------------------------------- small helpers
def _load(path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"notebook {path} does not exist; check the path")
    return json.loads(path.read_text(encoding="utf-8"))


def _save(nb: dict, path) -> None:
    # Same layout as nbformat.write: indent 1, sorted keys, UTF-8 kept readable.
    Path(path).write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def source(cell) -> str:
    """A cell's source as one string (notebooks store it as a list of lines or a string)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def source_hash(text: str) -> str:
    """The stamp of an English Markdown source: first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get(META, {})


def is_ja_only(cell) -> bool:
    """True for a translator's note that has no English counterpart."""
    return cell.get("cell_type") == "markdown" and bool(_meta(cell).get("ja_only"))


def _display_meta(cell) -> dict:
    md = cell.get("metadata", {})
    return {"tags": sorted(md.get("tags", [])), "source_hidden": bool(md.get("jupyter", {}).get("source_hidden"))}


def equation_tags(nb: dict) -> list[str]:
    """Every ``\\tag{...}`` in the notebook, in order of appearance."""
    return [t.strip() for cell in nb["cells"] for t in TAG.findall(source(cell))]


def _first_difference(a: str, b: str) -> str:
    la, lb = a.splitlines(), b.splitlines()
    for n, (x, y) in enumerate(zip(la, lb), start=1):
        if x != y:
            return f"line {n}: English {x.strip()!r} vs Japanese {y.strip()!r}"
    n = min(len(la), len(lb)) + 1
    return f"line {n}: one edition has {abs(len(la) - len(lb))} extra line(s)"


_NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|```.*?```|`[^`]*`|<[^>]*>|\]\([^)]*\)", re.S)


def _prose(text: str) -> str:
    """Markdown without math, code, HTML tags and link targets: the words a translator translates."""
    return _NOT_PROSE.sub(" ", text)


def _untranslated(en_text: str, ja_text: str) -> bool:
    """A Japanese cell that still reads as English (same text, or words but no kana/kanji)."""
    words = len(LATIN_WORD.findall(_prose(en_text)))
    return words >= 3 and (ja_text == en_text or not JAPANESE.search(ja_text))


# --------------------------------------------------------------------------- compare
def compare_editions(en_path, ja_path, check_translations: bool = True) -> list[str]:
    """Everything that keeps the Japanese notebook from being in step with the English one.

    Parameters
    ----------
    en_path, ja_path : path-like
        The English notebook and its Japanese edition.
    check_translations : bool
        Also report Markdown cells that are untranslated or whose stamp does not
        match the current English source (stale translations).

    Returns
    -------
    list of str
        One sentence per problem, naming the cell (0-based index in the
        notebook) and what to do; empty when the editions are in step.
    """
    en, ja = _load(en_path), _load(ja_path)
    en_name = Path(en_path).name
    problems = []

    en_cells = en["cells"]
    ja_cells = [c for c in ja["cells"] if not is_ja_only(c)]
    ja_index = [i for i, c in enumerate(ja["cells"]) if not is_ja_only(c)]

    # 1. code cells: same count, order, source and display metadata
    en_code = [(i, c) for i, c in enumerate(en_cells) if c["cell_type"] == "code"]
    ja_code = [(ja_index[k], c) for k, c in enumerate(ja_cells) if c["cell_type"] == "code"]
    if len(en_code) != len(ja_code):
        problems.append(f"code cells: English has {len(en_code)}, Japanese has {len(ja_code)}; "
                        f"run `python -m w2vlib.edition sync` to copy them")
    for n, ((ie, ce), (ij, cj)) in enumerate(zip(en_code, ja_code)):
        if source(ce) != source(cj):
            problems.append(f"code cell #{n} (English cell {ie}, Japanese cell {ij}) differs at "
                            f"{_first_difference(source(ce), source(cj))}")
        if _display_meta(ce) != _display_meta(cj):
            problems.append(f"code cell #{n} (English cell {ie}, Japanese cell {ij}) has metadata "
                            f"{_display_meta(cj)} but the English one has {_display_meta(ce)}")

    # 2. equation tags
    en_tags, ja_tags = set(equation_tags(en)), set(equation_tags(ja))
    for tag in sorted(en_tags - ja_tags):
        problems.append(f"equation tag ({tag}) appears in the English notebook but not in the Japanese one")
    for tag in sorted(ja_tags - en_tags):
        problems.append(f"equation tag ({tag}) appears in the Japanese notebook but not in the English one")

    # 3. same cell layout, so that Markdown cells pair one for one
    en_types = [c["cell_type"] for c in en_cells]
    ja_types = [c["cell_type"] for c in ja_cells]
    if en_types != ja_types:
        problems.append(f"cell layout differs (English {len(en_types)} cells, Japanese {len(ja_types)} without "
                        f"ja_only notes); translate cell for cell or run `python -m w2vlib.edition sync`")
    elif check_translations:
        for k, (ce, cj) in enumerate(zip(en_cells, ja_cells)):
            if ce["cell_type"] != "markdown":
                continue
            ie, ij, e_src, j_src = k, ja_index[k], source(ce), source(cj)
            if _meta(cj).get("needs_translation") or _untranslated(e_src, j_src):
                problems.append(f"Markdown cell {ij} is not translated yet (English cell {ie})")
            elif _meta(cj).get("translated_from") != source_hash(e_src):
                what = "has no translation stamp" if "translated_from" not in _meta(cj) else \
                    "is stale: the English cell changed since it was translated"
                problems.append(f"Markdown cell {ij} {what} (English cell {ie}); re-translate it, then run "
                                f"`python -m w2vlib.edition stamp`")

    # 4. links: back to the English original, never sideways into English notebooks
    ja_md = "\n".join(source(c) for c in ja["cells"] if c["cell_type"] == "markdown")
    links = NOTEBOOK_LINK.findall(ja_md)
    if ("../", en_name) not in links:
        problems.append(f"the Japanese notebook does not link to its English original (../{en_name})")
    for up, name in links:
        if up and name != en_name:
            problems.append(f"link ../{name} points at an English notebook; link the Japanese edition {name} instead")
    return problems


# --------------------------------------------------------------------------- terminology
def terminology_problems(en_path, ja_path, terms=None) -> list[str]:
    """Glossary terms used in the English Markdown whose Japanese term never appears in the Japanese Markdown.

    A term counts as used in English when one of its English spellings (plural
    allowed) occurs as whole words; the Japanese edition passes when any of the
    Japanese spellings occurs anywhere in its Markdown. Terms with
    ``check=False`` (everyday words such as "key") are skipped.

    Parameters
    ----------
    en_path, ja_path : path-like
    terms : sequence of :class:`w2vlib.i18n.Term`, optional
        Defaults to :data:`w2vlib.i18n.GLOSSARY`.
    """
    from .i18n import GLOSSARY

    def markdown(path):
        return "\n".join(source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown")

    en_md, ja_md = markdown(en_path), markdown(ja_path)
    problems = []
    for term in GLOSSARY if terms is None else terms:
        if not term.check:
            continue
        used = [f for f in term.en_forms() if re.search(r"\b" + re.escape(f) + r"(?:s|es)?\b", en_md, re.I)]
        if used and not any(f in ja_md for f in term.ja_forms()):
            problems.append(f"the English text uses {used[0]!r} but the Japanese text never says "
                            f"{term.ja!r} (w2vlib.i18n.GLOSSARY); use the glossary term")
    return problems


# --------------------------------------------------------------------------- sync
@dataclass
class SyncReport:
    """What :func:`sync_code_cells` changed; indices refer to the new Japanese notebook."""

    code_updated: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    untranslated: list[int] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    created: bool = False

    @property
    def needs_translation(self) -> list[int]:
        """Markdown cells to (re-)translate, in notebook order."""
        return sorted(self.stale + self.untranslated)

    def __str__(self):
        lines = [("created from the English notebook" if self.created else "synchronised") +
                 f": {len(self.code_updated)} code cell(s) updated {self.code_updated}"]
        lines.append(f"Markdown to re-translate (English changed): {self.stale}")
        lines.append(f"Markdown to translate (new, English text inserted): {self.untranslated}")
        if self.dropped:
            lines.append("dropped Japanese cells whose English cell is gone: " + "; ".join(self.dropped))
        return "\n".join(lines)


def _key(cell, japanese: bool):
    if cell["cell_type"] != "markdown":
        return (cell["cell_type"], source(cell))
    if japanese:
        return ("markdown", _meta(cell).get("translated_from") or f"unstamped-{id(cell)}")
    return ("markdown", source_hash(source(cell)))


def _mark_untranslated(cell):
    cell = copy.deepcopy(cell)
    cell.setdefault("metadata", {})[META] = {"needs_translation": True}
    return cell


def sync_code_cells(en_path, ja_path, write: bool = True) -> SyncReport:
    """Copy the English code cells into the Japanese notebook, keep its Markdown, report what to translate.

    The two cell sequences are aligned (code cells by source, Markdown cells by
    translation stamp). Aligned Japanese Markdown is kept; Markdown whose English
    cell changed is kept and reported as stale; English Markdown cells with no
    Japanese counterpart are inserted in English, marked
    ``needs_translation``; Japanese cells whose English cell disappeared are
    dropped (translator's notes marked ``ja_only`` are kept in place). If
    ``ja_path`` does not exist it is created from the English notebook.

    Parameters
    ----------
    en_path, ja_path : path-like
    write : bool
        Write the result to ``ja_path`` (otherwise only report).

    Returns
    -------
    SyncReport
    """
    en = _load(en_path)
    created = not Path(ja_path).exists()
    ja = {"cells": [], "metadata": copy.deepcopy(en.get("metadata", {}))} if created else _load(ja_path)
    report = SyncReport(created=created)

    regular, notes = [], {}  # notes[i] = ja_only cells that follow regular cell i (-1: at the top)
    for cell in ja["cells"]:
        if is_ja_only(cell):
            notes.setdefault(len(regular) - 1, []).append(cell)
        else:
            regular.append(cell)

    en_cells = en["cells"]
    matcher = difflib.SequenceMatcher(None, [_key(c, True) for c in regular],
                                      [_key(c, False) for c in en_cells], autojunk=False)
    new = list(notes.get(-1, []))

    def place(cell, en_cell, ja_pos=None):
        cell = copy.deepcopy(cell)
        if "id" in en_cell:
            cell["id"] = en_cell["id"]
        new.append(cell)
        k = len(new) - 1
        if ja_pos is not None:
            new.extend(notes.get(ja_pos, []))
        return k

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                src = en_cells[j] if en_cells[j]["cell_type"] == "code" else regular[i]
                k = place(src, en_cells[j], i)
                if src is en_cells[j] and _display_meta(regular[i]) != _display_meta(en_cells[j]):
                    report.code_updated.append(k)
            continue
        ja_md = [i for i in range(i1, i2) if regular[i]["cell_type"] == "markdown"]
        used = set()
        for j in range(j1, j2):
            en_cell = en_cells[j]
            if en_cell["cell_type"] != "markdown":
                report.code_updated.append(place(en_cell, en_cell))
            elif ja_md:
                i = ja_md.pop(0)
                used.add(i)
                k = place(regular[i], en_cell)
                if _meta(regular[i]).get("needs_translation"):
                    report.untranslated.append(k)
                elif _meta(regular[i]).get("translated_from") != source_hash(source(en_cell)):
                    report.stale.append(k)
            else:
                report.untranslated.append(place(_mark_untranslated(en_cell), en_cell))
        for i in range(i1, i2):
            if i not in used and regular[i]["cell_type"] == "markdown":
                first = source(regular[i]).strip().splitlines()[:1]
                report.dropped.append(f"Markdown {first[0][:60] if first else '(empty)'!r}")
            new.extend(notes.get(i, []))

    # Translator's notes get ids of their own that cannot clash with the English ones.
    taken = {c.get("id") for c in en_cells}
    for n, cell in enumerate(c for c in new if is_ja_only(c)):
        if cell.get("id") in taken or "id" not in cell:
            cell["id"] = f"ja-note-{n}"
    ja_out = {**ja, "cells": new, "nbformat": en.get("nbformat", 4), "nbformat_minor": en.get("nbformat_minor", 5)}
    if write:
        Path(ja_path).parent.mkdir(parents=True, exist_ok=True)
        _save(ja_out, ja_path)
    return report


def stamp_translations(en_path, ja_path, cells=None, include_stale: bool = False) -> list[int]:
    """Mark Japanese Markdown cells as translations of the current English text.

    Parameters
    ----------
    en_path, ja_path : path-like
    cells : iterable of int, optional
        Japanese cell indices to stamp. Default: every Markdown cell that has no
        valid stamp yet and no longer reads as English. Stale cells (stamped
        from an older English text) are left alone unless ``include_stale`` is
        set or they are listed in ``cells``, so that a cell nobody re-translated
        cannot be stamped by accident.
    include_stale : bool
        Also re-stamp stale cells (after re-translating them all).

    Returns
    -------
    list of int
        The indices stamped.
    """
    en, ja = _load(en_path), _load(ja_path)
    pos = [i for i, c in enumerate(ja["cells"]) if not is_ja_only(c)]
    en_types = [c["cell_type"] for c in en["cells"]]
    if en_types != [ja["cells"][i]["cell_type"] for i in pos]:
        raise ValueError("cell layouts differ; run `python -m w2vlib.edition sync` before stamping")
    wanted = None if cells is None else {int(i) for i in cells}
    stamped, seen = [], set()
    for en_cell, i in zip(en["cells"], pos):
        cell = ja["cells"][i]
        if cell["cell_type"] != "markdown":
            continue
        seen.add(i)
        stamp, meta = source_hash(source(en_cell)), _meta(cell)
        if wanted is not None:
            if i not in wanted:
                continue
        elif meta.get("translated_from") == stamp and not meta.get("needs_translation"):
            continue                                   # already in step
        elif _untranslated(source(en_cell), source(cell)):
            continue                                   # still English
        elif "translated_from" in meta and not include_stale:
            continue                                   # stale: re-translate, then stamp explicitly
        cell.setdefault("metadata", {})[META] = {"translated_from": stamp}
        stamped.append(i)
    if wanted is not None and wanted - seen:
        raise ValueError(f"cells {sorted(wanted - seen)} are not Markdown translations of an English cell")
    _save(ja, ja_path)
    return stamped


# --------------------------------------------------------------------------- whole series
def japanese_path(en_path) -> Path:
    """``notebooks/NN_x.ipynb`` -> ``notebooks/ja/NN_x.ipynb``."""
    en_path = Path(en_path)
    return en_path.parent / "ja" / en_path.name


def english_notebooks(notebooks_dir) -> list[Path]:
    """The numbered English notebooks ``NN_*.ipynb`` directly in ``notebooks_dir``."""
    return sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))


def missing_japanese_editions(notebooks_dir) -> list[str]:
    """Names of English notebooks that have no ``ja/`` edition yet."""
    return [p.name for p in english_notebooks(notebooks_dir) if not japanese_path(p).exists()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m w2vlib.edition", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in [("check", "list problems (exit 1 if any)"), ("sync", "copy English code cells into JA"),
                       ("stamp", "stamp translated Markdown cells")]:
        p = sub.add_parser(name, help=text)
        p.add_argument("en")
        p.add_argument("ja", nargs="?", help="default: the ja/ sibling of EN")
        if name == "stamp":
            p.add_argument("--cells", type=int, nargs="*", help="Japanese cell indices (default: all newly translated)")
            p.add_argument("--include-stale", action="store_true", help="also re-stamp stale cells")
    st = sub.add_parser("status", help="which English notebooks lack a Japanese edition, and problems of the others")
    st.add_argument("notebooks", nargs="?", default="notebooks")
    args = parser.parse_args(argv)

    if args.command == "status":
        bad = 0
        for en_path in english_notebooks(args.notebooks):
            ja_path = japanese_path(en_path)
            if not ja_path.exists():
                print(f"{en_path.name}: no Japanese edition")
                continue
            problems = compare_editions(en_path, ja_path)
            bad += bool(problems)
            print(f"{en_path.name}: " + ("in step" if not problems else f"{len(problems)} problem(s)"))
            for p in problems:
                print("   ", p)
        return 1 if bad else 0
    ja_path = args.ja or japanese_path(args.en)
    if args.command == "check":
        problems = compare_editions(args.en, ja_path)
        print("\n".join(problems) if problems else "in step")
        return 1 if problems else 0
    if args.command == "sync":
        print(sync_code_cells(args.en, ja_path))
        return 0
    print("stamped cells", stamp_translations(args.en, ja_path, args.cells, args.include_stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
