"""Language detection, the bilingual label table, the Japanese font and the glossary."""
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from w2vlib import i18n

ROOT = Path(__file__).resolve().parents[1]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # kana or kanji
TERMS = "勾配 損失関数 負例サンプリング 階層的ソフトマックス 埋め込み 連鎖律 平方完成 中心差分 相対誤差"


@pytest.fixture
def clean_lang(monkeypatch, tmp_path):
    """No W2VLIB_LANG, cwd = an empty temporary folder."""
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ----------------------------------------------------------------- current_language
def test_default_is_english(clean_lang):
    assert i18n.current_language() == "en"


def test_marker_file_in_cwd_selects_japanese(clean_lang):
    (clean_lang / i18n.MARKER_FILE).write_text("ja\n", encoding="utf-8")
    assert i18n.current_language() == "ja"


def test_marker_file_is_looked_up_in_cwd_only(clean_lang):
    sub = clean_lang / "sub"
    sub.mkdir()
    (clean_lang / i18n.MARKER_FILE).write_text("ja", encoding="utf-8")
    assert i18n.current_language(cwd=sub) == "en"
    assert i18n.current_language(cwd=clean_lang) == "ja"


def test_environment_variable_wins_over_marker(clean_lang, monkeypatch):
    (clean_lang / i18n.MARKER_FILE).write_text("ja", encoding="utf-8")
    monkeypatch.setenv(i18n.LANG_ENV, "en")
    assert i18n.current_language() == "en"
    monkeypatch.setenv(i18n.LANG_ENV, "JA ")
    assert i18n.current_language() == "ja"


def test_empty_environment_variable_is_ignored(clean_lang, monkeypatch):
    (clean_lang / i18n.MARKER_FILE).write_text("ja", encoding="utf-8")
    monkeypatch.setenv(i18n.LANG_ENV, "")
    assert i18n.current_language() == "ja"


def test_unknown_language_is_rejected(clean_lang, monkeypatch):
    monkeypatch.setenv(i18n.LANG_ENV, "fr")
    with pytest.raises(ValueError, match="W2VLIB_LANG"):
        i18n.current_language()
    monkeypatch.delenv(i18n.LANG_ENV)
    (clean_lang / i18n.MARKER_FILE).write_text("de", encoding="utf-8")
    with pytest.raises(ValueError, match="marker file"):
        i18n.current_language()


def test_committed_marker_of_the_japanese_edition():
    assert (ROOT / "notebooks" / "ja" / i18n.MARKER_FILE).read_text(encoding="utf-8").strip() == "ja"
    assert not (ROOT / "notebooks" / i18n.MARKER_FILE).exists()


# ----------------------------------------------------------------- labels
def test_every_label_has_both_languages_with_the_same_placeholders():
    for key, texts in i18n.LABELS.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(texts[lang].strip() for lang in i18n.LANGUAGES), key
        assert i18n.placeholders(texts["en"]) == i18n.placeholders(texts["ja"]), key
        assert JAPANESE.search(texts["ja"]), f"{key}: the Japanese label {texts['ja']!r} has no Japanese text"


def test_seeded_keys_exist():
    for key in ["loss", "epoch", "probability", "word", "count", "temperature", "logits", "gradient",
                "time", "vocabulary_size", "speed_up", "frequency", "variance", "density"]:
        assert key in i18n.LABELS


def test_label_follows_the_language(clean_lang, monkeypatch):
    assert i18n.label("loss") == "loss"
    assert i18n.label("loss", lang="ja") == "損失"
    monkeypatch.setenv(i18n.LANG_ENV, "ja")
    assert i18n.label("gradient") == "勾配"
    assert i18n.label("epoch_n", n=3) == "エポック 3"
    assert i18n.label("epoch_n", lang="en", n=3) == "epoch 3"


def test_label_errors_are_one_line_and_helpful(clean_lang):
    with pytest.raises(ValueError, match="did you mean 'loss'"):
        i18n.label("los")
    with pytest.raises(ValueError, match="needs values for"):
        i18n.label("epoch_n")
    with pytest.raises(ValueError, match="lang must be one of"):
        i18n.label("loss", lang="de")


# ----------------------------------------------------------------- fonts
def _render(text, family):
    """Render ``text`` alone on a small Agg canvas; return (ink image, warning messages)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure(figsize=(1, 1), dpi=40)
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, text, fontsize=24, ha="center", va="center", family=family)
        fig.canvas.draw()
    ink = 255 - np.asarray(fig.canvas.buffer_rgba())[..., 0].astype(int)
    return ink, [str(w.message) for w in caught]


def _glyph_report(family):
    chars = sorted(set(TERMS.replace(" ", "")))
    images, messages = {}, []
    for ch in chars:
        images[ch], msgs = _render(ch, family)
        messages += msgs
    return images, messages


def test_japanese_font_renders_every_glyph_without_warnings():
    import matplotlib as mpl

    with mpl.rc_context():
        assert i18n.use_japanese_font() == "IPAexGothic"
        family = mpl.rcParams["font.family"]
        images, messages = _glyph_report(family)
        _, sentence_msgs = _render(TERMS + " σ(−x) ŷ", family)
    assert not [m for m in messages + sentence_msgs if "missing from font" in m]
    assert all((img > 0).sum() > 20 for img in images.values()), "a glyph rendered (almost) empty"
    # A fallback box looks the same for every character; real glyphs differ pairwise.
    distinct = {img.tobytes() for img in images.values()}
    assert len(distinct) == len(images)


def test_the_glyph_check_catches_a_font_without_japanese():
    """DejaVu Sans has no kanji: the same check must see warnings and identical boxes."""
    images, messages = _glyph_report("DejaVu Sans")
    assert any("missing from font" in m for m in messages)
    assert len({img.tobytes() for img in images.values()}) < len(images)


def test_setup_plots_switches_font_only_for_japanese(clean_lang, monkeypatch):
    import matplotlib as mpl

    with mpl.rc_context():
        before = list(mpl.rcParams["font.family"])
        assert i18n.setup_plots() == "en"
        assert list(mpl.rcParams["font.family"]) == before
        monkeypatch.setenv(i18n.LANG_ENV, "ja")
        assert i18n.setup_plots() == "ja"
        assert mpl.rcParams["font.family"][0] == "IPAexGothic"


def test_font_path_comes_from_the_installed_package():
    path = i18n.japanese_font_path()
    assert path.name == "ipaexg.ttf" and path.stat().st_size > 1_000_000


def test_missing_font_package_gives_install_hint(monkeypatch):
    monkeypatch.setattr(i18n.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="pip install matplotlib-fontja"):
        i18n.japanese_font_path()


# ----------------------------------------------------------------- glossary
def test_glossary_rows_are_complete_and_unique():
    assert len(i18n.GLOSSARY) >= 60
    ens = [t.en for t in i18n.GLOSSARY]
    assert len(ens) == len(set(ens)), "duplicate English terms"
    for t in i18n.GLOSSARY:
        assert t.en.strip() and t.ja.strip(), t
        assert JAPANESE.search(t.ja), f"{t.en}: {t.ja!r} has no Japanese text"
        assert re.fullmatch(r"0[0-8]", t.notebook), t
        assert t.symbol.count("$") % 2 == 0, f"{t.en}: unbalanced $ in {t.symbol!r}"


def test_glossary_covers_the_series_concepts():
    by_en = {t.en: t.ja for t in i18n.GLOSSARY}
    wanted = {
        "skip-gram": "スキップグラム", "softmax": "ソフトマックス", "Jacobian": "ヤコビ行列",
        "negative sampling": "負例サンプリング", "noise distribution": "ノイズ分布",
        "hierarchical softmax": "階層的ソフトマックス", "Huffman tree": "ハフマン木",
        "shifted PMI": "シフト付き PMI", "Gaussian embedding": "ガウス埋め込み",
        "expected likelihood kernel": "期待尤度カーネル", "KL divergence": "KL ダイバージェンス",
        "completing the square": "平方完成", "Fubini's theorem": "フビニの定理",
        "attention": "注意機構", "query": "クエリ", "key": "キー", "value": "バリュー",
        "learning-rate decay": "学習率の減衰", "dynamic window": "動的ウィンドウ",
        "gradient check": "勾配チェック", "central difference": "中心差分", "gradient": "勾配",
        "loss function": "損失関数", "embedding": "埋め込み", "chain rule": "連鎖律",
        "relative error": "相対誤差",
    }
    for en, ja in wanted.items():
        assert en in by_en, f"glossary lacks {en!r}"
        assert ja in by_en[en], f"{en!r} should be rendered as {ja!r}, got {by_en[en]!r}"
    assert any(t.en.startswith("CBOW") for t in i18n.GLOSSARY)
    assert any(t.en.startswith("subsampling") for t in i18n.GLOSSARY)
    assert any("PMI" in t.en and "pointwise" in t.en for t in i18n.GLOSSARY)


def test_glossary_markdown_has_one_row_per_term_and_rejects_pipes():
    md = i18n.glossary_markdown()
    assert len(md.splitlines()) == 2 + len(i18n.GLOSSARY)
    assert "| negative sampling | 負例サンプリング |" in md
    with pytest.raises(ValueError, match="breaks the Markdown table"):
        i18n.glossary_markdown([i18n.Term("norm", "ノルム", r"$|x|$", "00")])


def test_term_spellings():
    t = i18n.Term("outside word / context word", "文脈語（周辺語）")
    assert t.en_forms() == ["outside word", "context word"]
    assert t.ja_forms() == ["文脈語", "周辺語"]
    assert i18n.Term("subsampling (of frequent words)", "（高頻度語の）サブサンプリング").en_forms() == ["subsampling"]
    assert i18n.Term("word embedding / word vector", "単語埋め込み／単語ベクトル").ja_forms() == ["単語埋め込み", "単語ベクトル"]


def test_find_terms_searches_both_languages():
    assert [t.en for t in i18n.find_terms("勾配")][:1] == ["gradient"]
    assert any(t.ja == "階層的ソフトマックス" for t in i18n.find_terms("Hierarchical"))
    assert i18n.find_terms("no such term") == []
    with pytest.raises(ValueError, match="non-empty"):
        i18n.find_terms("  ")


def test_update_glossary_notebook_rewrites_only_the_table_cell(tmp_path):
    import json

    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# 用語集"},
                    {"cell_type": "markdown", "metadata": {"w2vlib": {"glossary_table": True}}, "source": "old"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "glossary.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert i18n.update_glossary_notebook(path) is True
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert "".join(cells[1]["source"]) == i18n.glossary_markdown() and cells[0]["source"] == "# 用語集"
    assert i18n.update_glossary_notebook(path) is False
    nb["cells"].pop()
    path.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ValueError, match="exactly one Markdown cell"):
        i18n.update_glossary_notebook(path)


def test_label_with_a_format_spec(clean_lang):
    assert i18n.label("pc_variance", k=1, share=0.25) == "PC1 (25% of variance)"
    assert i18n.label("pc_variance", lang="ja", k=1, share=0.25) == "第 1 主成分（分散の 25%）"


def test_every_japanese_label_and_term_has_glyphs_in_the_font():
    import matplotlib as mpl

    text = " ".join(v["ja"] for v in i18n.LABELS.values()) + " " + " ".join(t.ja for t in i18n.GLOSSARY)
    with mpl.rc_context():
        i18n.use_japanese_font()
        _, messages = _render(text.replace("{", "").replace("}", "").replace("$", ""), mpl.rcParams["font.family"])
    assert not [m for m in messages if "missing from font" in m]
