"""Language of the running notebook, bilingual plot labels, a Japanese font, the glossary.

The Japanese edition (``notebooks/ja/``) has code cells that are byte-identical
to the English ones, so a cell cannot say ``lang="ja"``. Instead the language is
picked up from the surroundings:

1. the environment variable ``W2VLIB_LANG`` (``en`` or ``ja``), if set;
2. else a marker file ``w2vlib-lang.txt`` in the current working directory
   (``notebooks/ja/w2vlib-lang.txt`` contains ``ja``; JupyterLab, nbclient and
   the book build all run a notebook with its own folder as working directory);
3. else English.

Plotting code in ``w2vlib`` calls :func:`setup_plots` once and takes every axis
label and title from :func:`label`, so the same cell draws English labels in
``notebooks/`` and Japanese labels, set in IPAexGothic, in ``notebooks/ja/``.

The term table :data:`GLOSSARY` is the single source of the glossary notebook
(``notebooks/ja/glossary.ipynb``) and of the tests that keep the terminology of
the two editions in step.
"""
from __future__ import annotations

import difflib
import importlib.util
import os
import re
import string
from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("en", "ja")
LANG_ENV = "W2VLIB_LANG"
MARKER_FILE = "w2vlib-lang.txt"
JAPANESE_FONT = "IPAexGothic"
FONT_PACKAGE = "matplotlib-fontja"


def _check_lang(lang, where):
    lang = str(lang).strip().lower()
    if lang not in LANGUAGES:
        raise ValueError(f"{where} must be one of {LANGUAGES}, got {lang!r}")
    return lang


def current_language(cwd=None) -> str:
    """The language of the running notebook: ``"en"`` or ``"ja"``.

    Parameters
    ----------
    cwd : path-like, optional
        Folder to look for the marker file in; defaults to the current working
        directory.

    Returns
    -------
    str
        ``$W2VLIB_LANG`` if set and non-empty, else the content of
        ``w2vlib-lang.txt`` in ``cwd`` if that file exists, else ``"en"``.

    Raises
    ------
    ValueError
        If the variable or the marker file names a language other than
        ``en``/``ja``.
    """
    env = os.environ.get(LANG_ENV, "").strip()
    if env:
        return _check_lang(env, f"${LANG_ENV}")
    marker = Path(os.getcwd() if cwd is None else cwd) / MARKER_FILE
    if marker.is_file():
        return _check_lang(marker.read_text(encoding="utf-8"), f"the marker file {marker}")
    return "en"


def resolve_language(lang=None) -> str:
    """``lang`` checked against :data:`LANGUAGES`, or :func:`current_language` if ``None``."""
    return current_language() if lang is None else _check_lang(lang, "lang")


# --------------------------------------------------------------------------- labels
# key -> {"en": ..., "ja": ...}. Placeholders ({n}, {K}, ...) must be the same in
# both languages (tests/test_i18n.py enforces it). Mathematical symbols stay as
# they are in Japanese text; only the words are translated.
LABELS: dict[str, dict[str, str]] = {
    "loss": {"en": "loss", "ja": "損失"},
    "training_loss": {"en": "training loss", "ja": "訓練損失"},
    "mean_loss": {"en": "mean loss", "ja": "平均損失"},
    "epoch": {"en": "epoch", "ja": "エポック"},
    "step": {"en": "step", "ja": "ステップ"},
    "iteration": {"en": "iteration", "ja": "反復回数"},
    "probability": {"en": "probability", "ja": "確率"},
    "word": {"en": "word", "ja": "単語"},
    "words": {"en": "words", "ja": "単語"},
    "count": {"en": "count", "ja": "出現回数"},
    "frequency": {"en": "frequency", "ja": "頻度"},
    "rank": {"en": "rank", "ja": "順位"},
    "temperature": {"en": "temperature", "ja": "温度"},
    "logits": {"en": "logits", "ja": "ロジット"},
    "logit": {"en": "logit", "ja": "ロジット"},
    "score": {"en": "score", "ja": "スコア"},
    "gradient": {"en": "gradient", "ja": "勾配"},
    "gradient_norm": {"en": "gradient norm", "ja": "勾配のノルム"},
    "loss_function": {"en": "loss function", "ja": "損失関数"},
    "time": {"en": "time", "ja": "時間"},
    "time_s": {"en": "time (s)", "ja": "時間（秒）"},
    "time_ms": {"en": "time (ms)", "ja": "時間（ミリ秒）"},
    "vocabulary_size": {"en": "vocabulary size V", "ja": "語彙サイズ V"},
    "embedding_dimension": {"en": "embedding dimension d", "ja": "埋め込み次元 d"},
    "dimension": {"en": "dimension", "ja": "次元"},
    "speed_up": {"en": "speed-up", "ja": "高速化率"},
    "speed_up_over": {"en": "speed-up over {baseline}", "ja": "{baseline} に対する高速化率"},
    "words_per_second": {"en": "words per second", "ja": "毎秒の処理単語数"},
    "variance": {"en": "variance", "ja": "分散"},
    "mean": {"en": "mean", "ja": "平均"},
    "density": {"en": "density", "ja": "確率密度"},
    "similarity": {"en": "similarity", "ja": "類似度"},
    "cosine_similarity": {"en": "cosine similarity", "ja": "コサイン類似度"},
    "human_judgement": {"en": "human judgement", "ja": "人手による評価"},
    "spearman": {"en": "Spearman ρ", "ja": "スピアマンの順位相関 ρ"},
    "accuracy": {"en": "accuracy", "ja": "正解率"},
    "learning_rate": {"en": "learning rate", "ja": "学習率"},
    "relative_error": {"en": "relative error", "ja": "相対誤差"},
    "step_size": {"en": "step size ε", "ja": "刻み幅 ε"},
    "central_difference": {"en": "central difference", "ja": "中心差分"},
    "forward_difference": {"en": "forward difference", "ja": "前進差分"},
    "negative_samples": {"en": "negative samples K", "ja": "負例の数 K"},
    "negative_sampling": {"en": "negative sampling", "ja": "負例サンプリング"},
    "hierarchical_softmax": {"en": "hierarchical softmax", "ja": "階層的ソフトマックス"},
    "full_softmax": {"en": "full softmax", "ja": "全語彙ソフトマックス"},
    "softmax": {"en": "softmax", "ja": "ソフトマックス"},
    "sigmoid": {"en": "sigmoid", "ja": "シグモイド"},
    "noise_distribution": {"en": "noise distribution", "ja": "ノイズ分布"},
    "unigram": {"en": "unigram", "ja": "ユニグラム"},
    "keep_probability": {"en": "keep probability", "ja": "保持確率"},
    "subsampling_threshold": {"en": "subsampling threshold t", "ja": "サブサンプリングの閾値 t"},
    "window_size": {"en": "window size", "ja": "ウィンドウ幅"},
    "window_offset": {"en": "offset from the centre word", "ja": "中心語からの距離"},
    "path_length": {"en": "path length (tree depth)", "ja": "経路長（木の深さ）"},
    "code_length": {"en": "code length", "ja": "符号長"},
    # notebook 03 (code lengths of the Lee vocabulary's Huffman tree)
    "code_length_mean_types": {"en": "mean over the V words = {L}", "ja": "語彙の V 語についての平均 = {L}"},
    "code_length_mean_tokens": {"en": "mean per token Σ p_w L_w = {L}", "ja": "1 トークンあたりの平均 Σ p_w L_w = {L}"},
    "unigram_frequency": {"en": "unigram frequency p_w = n_w / N", "ja": "ユニグラム頻度 p_w = n_w / N"},
    "hs_prob_at_zero": {"en": "P(w | h) = 2^(−L_w) at W = 0", "ja": "W = 0 での P(w | h) = 2^(−L_w)"},
    "huffman_lengths_title": {"en": "Huffman codes of the Lee corpus vocabulary (V = {V})",
                              "ja": "Lee コーパスの語彙のハフマン符号（V = {V}）"},
    "pmi": {"en": "PMI", "ja": "PMI（自己相互情報量）"},
    "shifted_pmi": {"en": "shifted PMI", "ja": "シフト付き PMI"},
    "dot_product": {"en": "dot product u·v", "ja": "内積 u·v"},
    "attention_weight": {"en": "attention weight", "ja": "注意の重み"},
    "query": {"en": "query", "ja": "クエリ"},
    "key": {"en": "key", "ja": "キー"},
    "value": {"en": "value", "ja": "バリュー"},
    "position": {"en": "position", "ja": "位置"},
    "predicted": {"en": "predicted", "ja": "予測"},
    "observed": {"en": "observed", "ja": "観測"},
    "sampled": {"en": "sampled", "ja": "サンプル"},
    "expected": {"en": "expected", "ja": "期待値"},
    "exact": {"en": "exact", "ja": "厳密値"},
    "estimate": {"en": "estimate", "ja": "推定値"},
    "numerical": {"en": "numerical", "ja": "数値計算"},
    "symbolic": {"en": "symbolic", "ja": "記号計算"},
    "component": {"en": "component {k}", "ja": "第 {k} 成分"},
    "principal_component": {"en": "principal component {k}", "ja": "第 {k} 主成分"},
    "epoch_n": {"en": "epoch {n}", "ja": "エポック {n}"},
    "epochs": {"en": "epochs", "ja": "エポック数"},
    "paper_eq": {"en": "paper ({eq})", "ja": "論文の式 ({eq})"},
    "frequency_over_t": {"en": "frequency / t", "ja": "頻度 / t"},
    "p_keep": {"en": "P(keep)", "ja": "保持確率 P(keep)"},
    "subsampling_title": {"en": "subsampling, t = {t}", "ja": "サブサンプリング（t = {t}）"},
    "mean_sgns_loss_per_pair": {"en": "mean SGNS loss per pair (2.1)", "ja": "1 ペアあたりの平均 SGNS 損失 (2.1)"},
    "pc_variance": {"en": "PC{k} ({share:.0%} of variance)", "ja": "第 {k} 主成分（分散の {share:.0%}）"},
    "seed_n": {"en": "seed {n}", "ja": "シード {n}"},
    # notebook 06 (SGNS as shifted PMI, w2vlib.pmi.plot_pmi_comparison)
    "pair_count_bucket": {"en": "#(w,c) in ({lo}, {hi}]: r = {r:.2f}", "ja": "#(w,c) が ({lo}, {hi}]：r = {r:.2f}"},
    "shifted_pmi_cds": {"en": "shifted PMI: PMI_α(w,c) − log k  (k = {k}, α = {cds})",
                        "ja": "シフト付き PMI：PMI_α(w,c) − log k（k = {k}, α = {cds}）"},
    "trained_dot": {"en": "trained score v_w·u_c", "ja": "学習後のスコア v_w·u_c"},
    "pearson_r": {"en": "Pearson r", "ja": "ピアソンの相関係数 r"},
    "pair_count": {"en": "pair count #(w,c) per epoch", "ja": "1 エポックあたりのペア数 #(w,c)"},
    # notebook 07 (Gaussian embeddings, w2vlib.gaussian plots)
    "gaussian_ellipses_title": {"en": "word Gaussians (d = {d}): ellipses at ±{k} standard deviations",
                                "ja": "単語のガウス分布（d = {d}）：±{k} 標準偏差の楕円"},
    "log_count": {"en": "log count log n_w", "ja": "出現回数の対数 log n_w"},
    "mean_log_variance": {"en": "mean log variance (1/d) Σ_k log σ²_wk",
                          "ja": "分散の対数の平均 (1/d) Σ_k log σ²_wk"},
    "variance_frequency_title": {"en": "Spearman ρ = {rho:.2f} over {n} words",
                                 "ja": "{n} 語についてのスピアマンの順位相関 ρ = {rho:.2f}"},
    "eval_ranking_loss": {"en": "mean ranking loss (7.6) on a fixed sample",
                          "ja": "固定サンプルでの平均ランキング損失 (7.6)"},
    "product_area": {"en": "product (area = {area:.4f})", "ja": "密度の積（面積 = {area:.4f}）"},
    # notebook 08 (scaled dot-product attention: why 1/√d_k)
    "key_dimension": {"en": "key dimension d_k", "ja": "キーの次元 d_k"},
    "score_variance": {"en": "variance of the scores", "ja": "スコアの分散"},
    "variance_equals_d": {"en": "Var(q·k) = d_k (8.5)", "ja": "分散 Var(q·k) = d_k (8.5)"},
    "saturated_rows": {"en": "rows with max weight > {p}", "ja": "最大の重みが {p} を超える行の割合"},
    "score_grad_median": {"en": "median ‖∂L/∂s_i‖", "ja": "‖∂L/∂s_i‖ の中央値"},
    "scaled_scores": {"en": "scaled: q·k / √d_k", "ja": "スケールあり：q·k / √d_k"},
    "unscaled_scores": {"en": "unscaled: q·k", "ja": "スケールなし：q·k"},
    "attention_weights_title": {"en": "weights of one query over {n} keys, d_k = {d}",
                                "ja": "1 つのクエリの {n} 個のキーへの重み（d_k = {d}）"},
    # notebook 01 (w2vlib.widgets.softmax_explorer)
    "softmax_temperature_title": {"en": "$\\hat y$ = softmax(z / T), T = {T:.1f}",
                                  "ja": "予測分布 $\\hat y$ = softmax(z / T)（温度 T = {T:.1f}）"},
    "error_vector": {"en": "$\\hat y - y$ (gradient w.r.t. z / T)", "ja": "$\\hat y - y$（z / T に関する勾配）"},
    "observed_word_marked": {"en": "orange: observed word o = {word}", "ja": "橙色：観測された単語 o = {word}"},
    "loss_readout": {"en": "loss J = −log ŷ_o = <b>{loss}</b>", "ja": "損失 J = −log ŷ_o = <b>{loss}</b>"},
    # notebooks 02, 03 (w2vlib.widgets noise / Huffman explorers)
    "noise_alpha": {"en": "P_n ∝ n_w^α, α = {alpha}", "ja": "ノイズ分布 P_n ∝ n_w^α（α = {alpha}）"},
    "unigram_alpha_one": {"en": "unigram (α = 1)", "ja": "ユニグラム（α = 1）"},
    "noise_power_title": {"en": "noise distribution P_n(w) ∝ n_w^α, α = {alpha}",
                          "ja": "ノイズ分布 P_n(w) ∝ n_w^α（α = {alpha}）"},
    "noise_summary": {
        "en": "The {top} most frequent words get <b>{top_mass}</b> of the noise draws ({top_mass_unigram} at α = 1); "
              "the rarer half of the {V} words gets <b>{rare_mass}</b> ({rare_mass_unigram} at α = 1, ×{boost}); "
              "effective number of noise words exp(H) = {perplexity}.",
        "ja": "最頻出の {top} 語がノイズの抽出の <b>{top_mass}</b> を占めます（α = 1 では {top_mass_unigram}）。"
              "{V} 語のうち出現頻度の低い半分が得る確率は <b>{rare_mass}</b> です（α = 1 では {rare_mass_unigram}、{boost} 倍）。"
              "実効的なノイズ語数 exp(H) = {perplexity}。"},
    "huffman_tree_title": {"en": "Huffman tree (word2vec.c): mean code length {L}, log₂ V = {log2V}",
                           "ja": "ハフマン木（word2vec.c）：平均符号長 {L}、log₂ V = {log2V}"},
    "count_table": {"en": "counts (word:count, …)", "ja": "出現回数（単語:回数, …）"},
    "code": {"en": "code", "ja": "符号"},
    "huffman_summary": {"en": "mean code length Σ p_w L_w = <b>{L}</b> (a balanced tree: log₂ V = {log2V})",
                        "ja": "平均符号長 Σ p_w L_w = <b>{L}</b>（平衡木なら log₂ V = {log2V}）"},
    # notebook 05 (the efficient-calculation ladder, w2vlib.efficiency)
    "time_per_pair_us": {"en": "time per pair (µs)", "ja": "1 ペアあたりの時間（マイクロ秒）"},
    "ns_per_flop": {"en": "time per modelled flop (ns)", "ja": "モデル上の 1 演算あたりの時間（ナノ秒）"},
    "method_loop": {"en": "{method}, Python loop", "ja": "{method}（Python ループ）"},
    "method_vectorised": {"en": "{method}, NumPy, one pair", "ja": "{method}（NumPy、1 ペアずつ）"},
    "method_batch": {"en": "{method}, NumPy, batch of {B}", "ja": "{method}（NumPy、{B} ペアのバッチ）"},
    "ladder_title": {"en": "one skip-gram update, d = {d}, K = {K}",
                     "ja": "スキップグラムの 1 回の更新（d = {d}, K = {K}）"},
    "proportional_to_V": {"en": "∝ V", "ja": "V に比例"},
}


def label(key: str, lang=None, **fields) -> str:
    """The plot label ``key`` in the current (or given) language.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS`, e.g. ``"loss"`` or ``"vocabulary_size"``.
    lang : {"en", "ja"}, optional
        Defaults to :func:`current_language`.
    **fields
        Values for the placeholders of labels such as ``"epoch_n"``
        (``label("epoch_n", n=3)``).

    Raises
    ------
    ValueError
        For an unknown key (the message suggests the closest keys) or a
        missing placeholder value.
    """
    if key not in LABELS:
        close = difflib.get_close_matches(str(key), LABELS, n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else "; add it to w2vlib.i18n.LABELS in both languages"
        raise ValueError(f"label key {key!r} is not in w2vlib.i18n.LABELS{hint}")
    text = LABELS[key][resolve_language(lang)]
    needed = placeholders(text)
    if needed - set(fields):
        raise ValueError(f"label {key!r} needs values for {sorted(needed - set(fields))}, e.g. label({key!r}, "
                         + ", ".join(f"{n}=..." for n in sorted(needed)) + ")")
    return text.format(**fields) if needed else text


def placeholders(text: str) -> set[str]:
    """Names of the ``{...}`` fields in a label template."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --------------------------------------------------------------------------- fonts
def japanese_font_path() -> Path:
    """Path of the IPAexGothic file that the ``matplotlib-fontja`` package ships.

    The package is located without importing it (importing it changes
    matplotlib's global font settings as a side effect).

    Raises
    ------
    ModuleNotFoundError
        If ``matplotlib-fontja`` is not installed.
    """
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"Japanese plot labels need the font package {FONT_PACKAGE}: run `pip install {FONT_PACKAGE}`")
    path = Path(list(spec.submodule_search_locations)[0]) / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        raise ModuleNotFoundError(f"{FONT_PACKAGE} is installed but {path} is missing; reinstall {FONT_PACKAGE}")
    return path


_FONT_REGISTERED = False


def use_japanese_font() -> str:
    """Make matplotlib set text in IPAexGothic (Japanese), falling back to DejaVu Sans.

    Registers the font file shipped by ``matplotlib-fontja`` with matplotlib's
    font manager (once per process) and puts it first in ``font.family``;
    DejaVu Sans stays behind it for the few symbols IPAexGothic lacks (per-glyph
    fallback, matplotlib >= 3.6). Math text (``$...$``) keeps its own fonts.

    Returns
    -------
    str
        The family name now used, ``"IPAexGothic"``.
    """
    global _FONT_REGISTERED
    import matplotlib as mpl
    from matplotlib import font_manager

    if not _FONT_REGISTERED:
        font_manager.fontManager.addfont(str(japanese_font_path()))
        _FONT_REGISTERED = True
    mpl.rcParams["font.family"] = [JAPANESE_FONT, "DejaVu Sans"]
    return JAPANESE_FONT


def setup_plots(lang=None) -> str:
    """Prepare matplotlib for the current (or given) language; return that language.

    Plotting code in ``w2vlib`` calls this before drawing. For ``"ja"`` it
    switches to the Japanese font (:func:`use_japanese_font`); for ``"en"`` it
    leaves matplotlib's settings alone.
    """
    lang = resolve_language(lang)
    if lang == "ja":
        use_japanese_font()
    return lang


# --------------------------------------------------------------------------- glossary
@dataclass(frozen=True)
class Term:
    """One glossary row: English term, Japanese term, symbol (LaTeX, may be empty), notebook.

    ``check=False`` exempts a term that is also an everyday English word ("key",
    "value", "path") from the terminology check of :mod:`w2vlib.edition`.
    Alternatives are written ``A / B`` in English and ``A／B`` or ``A（B）`` in
    Japanese; any of them counts as using the term.
    """

    en: str
    ja: str
    symbol: str = ""
    notebook: str = ""
    check: bool = True

    def en_forms(self) -> list[str]:
        """English spellings to look for: the term without its parenthetical, split at ' / '."""
        return [f.strip() for f in re.sub(r"\s*\([^)]*\)", "", self.en).split(" / ") if f.strip()]

    def ja_forms(self) -> list[str]:
        """Japanese spellings that count: the term without （…）, its ／ alternatives, and the （…） content."""
        base = re.sub(r"（[^）]*）", "", self.ja)
        return [f.strip() for f in base.split("／") + re.findall(r"（([^）]*)）", self.ja) if f.strip()]


GLOSSARY: tuple[Term, ...] = (
    # 00 notation and numerical tools
    Term("vocabulary", "語彙", r"$V$ (size)", "00"),
    Term("embedding", "埋め込み", r"$v_c$, $u_w$", "00"),
    Term("word embedding / word vector", "単語埋め込み／単語ベクトル", r"$v_c$, $u_w$", "00"),
    Term("embedding dimension", "埋め込み次元", r"$d$", "00"),
    Term("centre word", "中心語", r"$c$", "00"),
    Term("outside word / context word", "文脈語（周辺語）", r"$o$", "00"),
    Term("context window", "文脈窓（ウィンドウ）", r"$m$ (half-width)", "00"),
    Term("input vector", "入力ベクトル", r"$v_c$, $V_\text{in}$", "00"),
    Term("output vector", "出力ベクトル", r"$u_w$, $U$", "00"),
    Term("logits", "ロジット", r"$z = U v_c$", "00"),
    Term("one-hot vector", "ワンホットベクトル", r"$y$", "00"),
    Term("loss function", "損失関数", r"$J$", "00"),
    Term("gradient", "勾配", r"$\partial J/\partial v_c$", "00"),
    Term("chain rule", "連鎖律", "", "00"),
    Term("log-sum-exp", "log-sum-exp（対数和指数）", r"$\log\sum_j e^{z_j}$ (0.1)", "00"),
    Term("numerical stability", "数値的安定性", "", "00"),
    Term("overflow", "オーバーフロー", "", "00"),
    Term("gradient check", "勾配チェック（勾配検査）", "(0.3), (0.4)", "00"),
    Term("finite difference", "有限差分", "", "00"),
    Term("central difference", "中心差分", r"$\varepsilon$ (0.3)", "00"),
    Term("guarded relative error", "ガード付き相対誤差", "(0.4)", "00"),
    Term("relative error", "相対誤差", "(0.4)", "00"),
    Term("Taylor expansion", "テイラー展開", "", "00"),
    Term("oracle (independent check)", "オラクル（独立な検証手段）", "", "00"),
    # 01 skip-gram with the full softmax
    Term("skip-gram", "スキップグラム（skip-gram）", r"$P(o \mid c)$", "01"),
    Term("softmax", "ソフトマックス", r"$\operatorname{softmax}$", "01"),
    Term("naive (full) softmax", "素朴な（全語彙）ソフトマックス", r"$\hat y$", "01"),
    Term("predicted distribution", "予測分布", r"$\hat y$", "01"),
    Term("cross-entropy", "交差エントロピー", r"$-\log \hat y_o$", "01"),
    Term("Jacobian", "ヤコビ行列", r"$\partial \hat y/\partial z$", "01"),
    Term("softmax Jacobian", "ソフトマックスのヤコビ行列", r"$\operatorname{diag}(\hat y) - \hat y \hat y^\top$", "01"),
    Term("error vector", "誤差ベクトル", r"$\hat y - y$ (1.4)", "01"),
    # 02 negative sampling
    Term("negative sampling", "負例サンプリング", r"$K$, neg", "02"),
    Term("negative sample", "負例", r"$u_k$", "02"),
    Term("positive example", "正例", r"$u_o$", "02"),
    Term("logistic sigmoid", "シグモイド関数（ロジスティック関数）", r"$\sigma$", "02"),
    Term("noise distribution", "ノイズ分布", r"$P_n(w) \propto \mathrm{count}(w)^{0.75}$", "02"),
    Term("unigram distribution", "ユニグラム分布", r"$P(w)$", "02"),
    Term("noise-contrastive estimation", "ノイズ対照推定（NCE）", "", "02"),
    # 03 CBOW and hierarchical softmax
    Term("CBOW (continuous bag of words)", "CBOW（連続 bag-of-words）", r"$h$", "03"),
    Term("hidden vector", "隠れベクトル", r"$h$", "03"),
    Term("context mean", "文脈ベクトルの平均", r"$h = \frac{1}{2m}\sum v$ (3.1)", "03"),
    Term("hierarchical softmax", "階層的ソフトマックス", r"$W$", "03"),
    Term("Huffman tree", "ハフマン木", "", "03"),
    Term("Huffman code", "ハフマン符号", "", "03"),
    Term("inner node", "内部ノード", r"rows of $W$", "03"),
    Term("path (root to leaf)", "経路（根から葉まで）", "", "03", check=False),
    Term("binary tree", "二分木", "", "03"),
    # 04 training on real text
    Term("subsampling (of frequent words)", "（高頻度語の）サブサンプリング", r"$t$", "04"),
    Term("keep probability", "保持確率", "", "04"),
    Term("dynamic window", "動的ウィンドウ", "", "04"),
    Term("learning rate", "学習率", r"$\alpha$", "04"),
    Term("learning-rate decay", "学習率の減衰", r"$\alpha_t$", "04"),
    Term("stochastic gradient descent (SGD)", "確率的勾配降下法（SGD）", "", "04"),
    Term("minibatch", "ミニバッチ", "", "04"),
    Term("epoch", "エポック", "", "04"),
    Term("corpus", "コーパス", "", "04"),
    Term("token", "トークン", "", "04", check=False),
    Term("word similarity benchmark", "単語類似度ベンチマーク", "WordSim353, SimLex-999", "04"),
    Term("cosine similarity", "コサイン類似度", r"$\cos\theta$", "04"),
    Term("Spearman rank correlation", "スピアマンの順位相関係数", r"$\rho$", "04"),
    Term("word analogy", "単語の類推（アナロジー）", "", "04"),
    # 05 efficient calculation
    Term("computational complexity", "計算量", r"$O(V)$, $O(\log V)$, $O(K)$", "05"),
    Term("vectorisation", "ベクトル化", "", "05"),
    Term("speed-up", "高速化（高速化率）", "", "05"),
    Term("scatter-add", "scatter-add（添字ごとの加算）", "", "05"),
    # 06 SGNS as shifted PMI
    Term("pointwise mutual information (PMI)", "自己相互情報量（PMI）", r"$\mathrm{PMI}(w, c)$", "06"),
    Term("shifted PMI", "シフト付き PMI", r"$\mathrm{PMI}(w,c) - \log K$", "06"),
    Term("co-occurrence matrix", "共起行列", "", "06"),
    Term("implicit matrix factorisation", "暗黙的な行列分解", "", "06"),
    # 07 Gaussian embeddings
    Term("Gaussian embedding", "ガウス埋め込み", r"$\mathcal N(\mu, \Sigma)$", "07"),
    Term("covariance matrix", "共分散行列", r"$\Sigma$", "07"),
    Term("expected likelihood kernel", "期待尤度カーネル", r"$\int \mathcal N(x;\mu_i,\Sigma_i)\,\mathcal N(x;\mu_j,\Sigma_j)\,dx$", "07"),
    Term("KL divergence", "KL ダイバージェンス", r"$D_\mathrm{KL}$", "07"),
    Term("completing the square", "平方完成", "", "07"),
    Term("Fubini's theorem", "フビニの定理", "", "07"),
    Term("max-margin (hinge) loss", "マージン損失（ヒンジ損失）", r"$\max(0, m - E_+ + E_-)$", "07"),
    Term("log-determinant", "対数行列式", r"$\log\det\Sigma$", "07"),
    # 08 attention
    Term("attention", "注意機構（アテンション）", "", "08"),
    Term("query", "クエリ", r"$q$", "08", check=False),
    Term("key", "キー", r"$k_j$", "08", check=False),
    Term("value", "バリュー", r"$v_j$", "08", check=False),
    Term("attention weights", "注意の重み", r"$\operatorname{softmax}(q^\top k_j/\sqrt{d})$", "08"),
    Term("scaled dot-product attention", "スケール化内積注意", r"$1/\sqrt{d}$", "08"),
    Term("temperature", "温度", r"$T$", "08"),
)


def glossary_markdown(terms=GLOSSARY) -> str:
    """The glossary as a Markdown table (English ↔ 日本語 ↔ symbol ↔ notebook), one row per term."""
    rows = ["| English | 日本語 | 記号 (symbol) | ノートブック |", "|---|---|---|---|"]
    for t in terms:
        for field in (t.en, t.ja, t.symbol):
            if "|" in field:
                raise ValueError(f"glossary entry {t.en!r} contains '|', which breaks the Markdown table; rewrite it")
        rows.append(f"| {t.en} | {t.ja} | {t.symbol} | {t.notebook} |")
    return "\n".join(rows)


def find_terms(query: str, terms=GLOSSARY) -> list[Term]:
    """Glossary rows whose English or Japanese term contains ``query`` (case-insensitive)."""
    q = str(query).strip().lower()
    if not q:
        raise ValueError("query must be a non-empty word, e.g. find_terms('勾配') or find_terms('softmax')")
    return [t for t in terms if q in t.en.lower() or q in t.ja.lower()]


GLOSSARY_CELL = "glossary_table"


def update_glossary_notebook(path) -> bool:
    """Rewrite the table cell of ``notebooks/ja/glossary.ipynb`` from :data:`GLOSSARY`.

    The cell is the Markdown cell whose metadata has ``{"w2vlib": {"glossary_table": true}}``.
    Returns True if the file changed. Run ``python -m w2vlib.i18n notebooks/ja/glossary.ipynb``
    after editing :data:`GLOSSARY`.
    """
    import json

    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c.get("metadata", {}).get("w2vlib", {}).get(GLOSSARY_CELL)]
    if len(cells) != 1:
        raise ValueError(f"{path} must have exactly one Markdown cell with metadata w2vlib.{GLOSSARY_CELL}=true, "
                         f"found {len(cells)}")
    table = glossary_markdown()
    old = cells[0]["source"]
    if ("".join(old) if isinstance(old, list) else old) == table:
        return False
    cells[0]["source"] = table.splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


if __name__ == "__main__":
    import sys

    for arg in sys.argv[1:]:
        print(arg, "updated" if update_glossary_notebook(arg) else "already up to date")
