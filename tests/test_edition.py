"""The edition checker finds every kind of drift, and sync/stamp repair it."""
import json

import pytest

from w2vlib import edition

SOLUTION_META = {"jupyter": {"source_hidden": True}, "tags": ["solution", "hide-input"]}


def md(text, **w2v):
    return {"cell_type": "markdown", "id": "x", "metadata": {"w2vlib": w2v} if w2v else {}, "source": text}


def code(text, metadata=None):
    return {"cell_type": "code", "id": "x", "metadata": metadata or {}, "source": text,
            "outputs": [], "execution_count": None}


def write(path, cells):
    for n, c in enumerate(cells):
        c["id"] = str(n)
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
                               ensure_ascii=False), encoding="utf-8")
    return path


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def english_cells():
    return [
        md("# 01 · Skip-gram\n\n**Navigation:** [00](00_setup.ipynb) · next: [02](02_neg.ipynb)"),
        code("import numpy as np\nrng = np.random.default_rng(0)"),
        md("The loss of one example is\n\n$$ J = -\\log \\hat y_o \\tag{1.2} $$\n\nwhich we differentiate next."),
        code("loss = 1.0\nprint(loss)"),
        md("Its gradient with respect to the logits is\n\n$$ \\hat y - y \\tag{1.4} $$ by the chain rule."),
        code("solution = 2", SOLUTION_META),
    ]


JAPANESE = {
    0: "# 01 · スキップグラム\n\n**ナビゲーション:** [00](00_setup.ipynb) · 次へ: [02](02_neg.ipynb) · 英語版: [01](../01_skip.ipynb)",
    2: "1 つの訓練例の損失は\n\n$$ J = -\\log \\hat y_o \\tag{1.2} $$\n\nです。これを次に微分します。",
    4: "ロジットについての勾配は、連鎖律により\n\n$$ \\hat y - y \\tag{1.4} $$ です。",
}


@pytest.fixture
def pair(tmp_path):
    """An English notebook and a complete, stamped Japanese edition of it."""
    (tmp_path / "ja").mkdir()
    en = write(tmp_path / "01_skip.ipynb", english_cells())
    ja = tmp_path / "ja" / "01_skip.ipynb"
    edition.sync_code_cells(en, ja)
    nb = read(ja)
    for i, text in JAPANESE.items():
        nb["cells"][i]["source"] = text
    ja.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    edition.stamp_translations(en, ja)
    return en, ja


def edit_ja(ja, fn):
    nb = read(ja)
    fn(nb["cells"])
    ja.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def edit_en(en, fn):
    cells = english_cells()
    fn(cells)
    write(en, cells)


# ----------------------------------------------------------------- compare_editions
def test_a_faithful_edition_has_no_problems(pair):
    assert edition.compare_editions(*pair) == []


def test_changed_code_cell_is_reported_with_the_line(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells[3].update(source="loss = 2.0\nprint(loss)"))
    problems = edition.compare_editions(en, ja)
    assert len(problems) == 1
    assert "code cell #1" in problems[0] and "line 1" in problems[0] and "loss = 2.0" in problems[0]


def test_whitespace_change_in_code_is_drift(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells[1].update(source="import numpy as np\nrng = np.random.default_rng(0) "))
    assert any("code cell #0" in p for p in edition.compare_editions(en, ja))


def test_missing_code_cell_is_reported(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells.pop(3))
    problems = edition.compare_editions(en, ja)
    assert any("English has 3, Japanese has 2" in p for p in problems)
    assert any("layout differs" in p for p in problems)


def test_solution_cell_must_stay_collapsed(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells[5].update(metadata={}))
    problems = edition.compare_editions(en, ja)
    assert len(problems) == 1 and "metadata" in problems[0] and "code cell #2" in problems[0]


def test_missing_and_extra_equation_tags(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells[4].update(source=cells[4]["source"].replace("1.4", "1.5")))
    problems = edition.compare_editions(en, ja, check_translations=False)
    assert any("(1.4) appears in the English notebook but not in the Japanese" in p for p in problems)
    assert any("(1.5) appears in the Japanese notebook but not in the English" in p for p in problems)


def test_stale_translation_after_english_edit(pair):
    en, ja = pair
    edit_en(en, lambda cells: cells[2].update(source=cells[2]["source"].replace("next", "below")))
    problems = edition.compare_editions(en, ja)
    assert problems == [problems[0]] and "Markdown cell 2 is stale" in problems[0]
    assert edition.compare_editions(en, ja, check_translations=False) == []


def test_untranslated_cell_is_reported(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells[2].update(source=english_cells()[2]["source"]))
    assert any("cell 2 is not translated" in p for p in edition.compare_editions(en, ja))


def test_unstamped_translation_is_reported(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells[4].update(metadata={}))
    assert any("cell 4 has no translation stamp" in p for p in edition.compare_editions(en, ja))


def test_translators_note_is_allowed_but_other_extra_cells_are_not(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells.insert(1, md("訳注：用語集を参照。", ja_only=True)))
    assert edition.compare_editions(en, ja) == []
    edit_ja(ja, lambda cells: cells.insert(1, md("訳注：もう一つ。")))
    assert any("layout differs" in p for p in edition.compare_editions(en, ja))


def test_links_back_to_original_and_not_sideways(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells[0].update(source=cells[0]["source"].replace("../01_skip.ipynb", "01_skip.ipynb")))
    assert any("does not link to its English original" in p for p in edition.compare_editions(en, ja))
    edit_ja(ja, lambda cells: cells[0].update(source=cells[0]["source"] + " [01](../01_skip.ipynb) [02](../02_neg.ipynb)"))
    problems = edition.compare_editions(en, ja, check_translations=False)
    assert problems == ["link ../02_neg.ipynb points at an English notebook; link the Japanese edition 02_neg.ipynb instead"]


def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        edition.compare_editions(tmp_path / "a.ipynb", tmp_path / "b.ipynb")


# ----------------------------------------------------------------- sync_code_cells
def test_sync_copies_changed_code_and_keeps_the_translation(pair):
    en, ja = pair
    edit_en(en, lambda cells: cells[3].update(source="loss = 3.0\nprint(loss)"))
    assert any("code cell #1" in p for p in edition.compare_editions(en, ja))
    report = edition.sync_code_cells(en, ja)
    assert report.code_updated == [3] and report.needs_translation == [] and not report.dropped
    assert edition.compare_editions(en, ja) == []
    assert "連鎖律" in edition.source(read(ja)["cells"][4])


def test_sync_restores_solution_metadata(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells[5].update(metadata={}))
    report = edition.sync_code_cells(en, ja)
    assert report.code_updated == [5]
    assert edition.compare_editions(en, ja) == []


def test_sync_inserts_new_english_cells_marked_for_translation(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells.insert(3, md("訳注：ここは大事。", ja_only=True)))

    def grow(cells):
        cells.insert(4, md("A new remark with $$ x \\tag{1.3} $$ in it."))
        cells.insert(5, code("extra = 1"))
    edit_en(en, grow)
    report = edition.sync_code_cells(en, ja)
    cells = read(ja)["cells"]
    assert [edition.source(cells[i]) for i in report.untranslated] == ["A new remark with $$ x \\tag{1.3} $$ in it."]
    assert "extra = 1" in [edition.source(c) for c in cells]
    assert "訳注：ここは大事。" == edition.source(cells[3])       # the note stays where it was
    problems = edition.compare_editions(en, ja)
    assert len(problems) == 1 and "not translated yet" in problems[0]
    assert not any("code cell" in p or "tag" in p for p in problems)


def test_sync_reports_stale_markdown_and_keeps_it(pair):
    en, ja = pair
    edit_en(en, lambda cells: cells[4].update(source=cells[4]["source"] + " Note the sign."))
    report = edition.sync_code_cells(en, ja)
    assert report.stale == [4] and report.untranslated == [] and report.code_updated == []
    assert "連鎖律" in edition.source(read(ja)["cells"][4])
    assert any("Markdown cell 4 is stale" in p for p in edition.compare_editions(en, ja))


def test_sync_drops_cells_whose_english_cell_is_gone(pair):
    en, ja = pair

    def shrink(cells):
        del cells[4:6]
    edit_en(en, shrink)
    report = edition.sync_code_cells(en, ja)
    assert len(report.dropped) == 1 and "ロジット" in report.dropped[0]
    assert len(read(ja)["cells"]) == 4
    problems = edition.compare_editions(en, ja)
    assert problems == []


def test_sync_creates_a_scaffold_and_does_not_write_when_asked(tmp_path):
    en = write(tmp_path / "01_skip.ipynb", english_cells())
    ja = tmp_path / "ja" / "01_skip.ipynb"
    dry = edition.sync_code_cells(en, ja, write=False)
    assert dry.created and not ja.exists()
    report = edition.sync_code_cells(en, ja)
    assert report.created and report.untranslated == [0, 2, 4]
    problems = edition.compare_editions(en, ja)
    assert sum("not translated yet" in p for p in problems) == 3
    assert not any("code cell" in p for p in problems)
    assert "SyncReport" not in str(report) and "[0, 2, 4]" in str(report)


# ----------------------------------------------------------------- stamp, series, CLI
def test_stamp_skips_untranslated_cells_and_rejects_bad_requests(tmp_path):
    en = write(tmp_path / "01_skip.ipynb", english_cells())
    ja = tmp_path / "ja" / "01_skip.ipynb"
    edition.sync_code_cells(en, ja)
    assert edition.stamp_translations(en, ja) == []
    with pytest.raises(ValueError, match=r"cells \[1\] are not Markdown"):
        edition.stamp_translations(en, ja, cells=[1])
    edit_ja(ja, lambda cells: cells.append(md("余分なセル")))
    with pytest.raises(ValueError, match="layouts differ"):
        edition.stamp_translations(en, ja)


def test_missing_japanese_editions(tmp_path):
    write(tmp_path / "00_a.ipynb", english_cells())
    write(tmp_path / "01_b.ipynb", english_cells())
    (tmp_path / "ja").mkdir()
    write(tmp_path / "ja" / "00_a.ipynb", english_cells())
    assert edition.missing_japanese_editions(tmp_path) == ["01_b.ipynb"]
    assert edition.japanese_path(tmp_path / "01_b.ipynb") == tmp_path / "ja" / "01_b.ipynb"


def test_cli_check_exit_codes(pair, capsys):
    en, ja = pair
    assert edition.main(["check", str(en), str(ja)]) == 0
    edit_ja(ja, lambda cells: cells[1].update(source="import numpy"))
    assert edition.main(["check", str(en)]) == 1          # ja/ sibling found by default
    assert "code cell #0" in capsys.readouterr().out
    assert edition.main(["status", str(en.parent)]) == 1


# ----------------------------------------------------------------- terminology
def test_terminology_in_step(pair):
    assert edition.terminology_problems(*pair) == []


def test_terminology_catches_a_term_rendered_differently(pair):
    en, ja = pair
    edit_ja(ja, lambda cells: cells[4].update(source=cells[4]["source"].replace("連鎖律", "チェインルール")))
    problems = edition.terminology_problems(en, ja)
    assert problems == [problems[0]] and "'chain rule'" in problems[0] and "連鎖律" in problems[0]


def test_terminology_plural_forms_and_exemptions(pair):
    from w2vlib.i18n import Term

    en, ja = pair
    # "logits" in the English text matches the term "logit"; the Japanese text says ロジット.
    assert edition.terminology_problems(en, ja, [Term("logit", "ロジット")]) == []
    assert edition.terminology_problems(en, ja, [Term("logit", "対数オッズ")]) != []
    assert edition.terminology_problems(en, ja, [Term("logit", "対数オッズ", check=False)]) == []
    # whole words only: "loss" must not match inside "glossy"
    assert edition.terminology_problems(en, ja, [Term("oss", "オス")]) == []


def test_cells_of_pure_mathematics_or_code_need_no_translation(tmp_path):
    cells = english_cells()
    cells.insert(3, md("$$ \\frac{\\partial J}{\\partial v_c} = U^\\top(\\hat y - y) \\tag{1.5} $$"))
    cells.insert(4, md("`softmax_loss_and_grads(v_c, o, U)`"))
    en = write(tmp_path / "01_skip.ipynb", cells)
    ja = tmp_path / "ja" / "01_skip.ipynb"
    edition.sync_code_cells(en, ja)
    nb = read(ja)
    for i, text in {0: JAPANESE[0], 2: JAPANESE[2], 6: JAPANESE[4]}.items():
        nb["cells"][i]["source"] = text
    ja.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    assert edition.stamp_translations(en, ja) == [0, 2, 3, 4, 6]   # the copied math/code cells count as done
    assert edition.compare_editions(en, ja) == []


def test_stamp_leaves_stale_cells_alone_unless_asked(pair):
    en, ja = pair
    edit_en(en, lambda cells: cells[4].update(source=cells[4]["source"] + " Note the sign."))
    assert edition.stamp_translations(en, ja) == []
    assert any("cell 4 is stale" in p for p in edition.compare_editions(en, ja))
    assert edition.stamp_translations(en, ja, cells=[4]) == [4]
    assert edition.compare_editions(en, ja) == []
    def two_edits(cells):
        cells[4].update(source=cells[4]["source"] + " Note the sign.")
        cells[2].update(source=cells[2]["source"] + " Really.")
    edit_en(en, two_edits)
    assert edition.stamp_translations(en, ja, include_stale=True) == [2]
    assert edition.compare_editions(en, ja) == []


def test_cli_sync_and_stamp(tmp_path, capsys):
    en = write(tmp_path / "01_skip.ipynb", english_cells())
    assert edition.main(["sync", str(en)]) == 0
    assert "Markdown to translate (new, English text inserted): [0, 2, 4]" in capsys.readouterr().out
    ja = tmp_path / "ja" / "01_skip.ipynb"
    edit_ja(ja, lambda cells: [cells[i].update(source=t) for i, t in JAPANESE.items()])
    assert edition.main(["stamp", str(en)]) == 0
    assert "[0, 2, 4]" in capsys.readouterr().out
    assert edition.main(["check", str(en)]) == 0


# ----------------------------------------------------------------- property: sync always restores the code
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_md_cell = st.builds(lambda n, tag: md(f"Some English prose number {n}" + (f" $$ x \\tag{{1.{tag}}} $$" if tag else "")),
                     st.integers(0, 50), st.one_of(st.none(), st.integers(1, 9)))
_code_cell = st.builds(lambda n: code(f"x = {n}"), st.integers(0, 50))
_notebook = st.lists(st.one_of(_md_cell, _code_cell), min_size=1, max_size=8)


def _translate(cell):
    tags = edition.TAG.findall(edition.source(cell))
    return "訳文です。" + "".join(f" $$ x \\tag{{{t}}} $$" for t in tags)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=_notebook, second=_notebook)
def test_sync_then_translate_always_restores_step(tmp_path_factory, first, second):
    tmp = tmp_path_factory.mktemp("prop")
    en, ja = tmp / "01_skip.ipynb", tmp / "ja" / "01_skip.ipynb"
    write(en, [dict(c) for c in first])
    edition.sync_code_cells(en, ja)

    def translate_all(cells, todo):
        regular = [i for i, c in enumerate(cells) if not edition.is_ja_only(c)]
        english = dict(zip(regular, read(en)["cells"]))     # layouts agree after a sync
        for i in todo:
            cells[i]["source"] = _translate(english[i])
        if not any(edition.is_ja_only(c) for c in cells):
            cells.insert(0, md("英語版: [原文](../01_skip.ipynb)", ja_only=True))
    todo = [i for i, c in enumerate(read(ja)["cells"]) if c["cell_type"] == "markdown"]
    edit_ja(ja, lambda cells: translate_all(cells, todo))
    edition.stamp_translations(en, ja)
    assert edition.compare_editions(en, ja) == []

    # The English notebook is rewritten arbitrarily; sync + translating what it lists restores step.
    write(en, [dict(c) for c in second])
    report = edition.sync_code_cells(en, ja)
    problems = edition.compare_editions(en, ja, check_translations=False)
    assert not [p for p in problems if "code cell" in p or "layout" in p], problems
    edit_ja(ja, lambda cells: translate_all(cells, report.needs_translation))
    edition.stamp_translations(en, ja, include_stale=True)
    assert edition.compare_editions(en, ja) == []
