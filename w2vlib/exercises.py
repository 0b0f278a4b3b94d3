"""Exercise registry and diagnostic checker used at the end of every notebook.

``check(exercise_id, answer)`` does not stop at "assert failed": it says
*which* common mistake the answer makes (a flipped sign, a transposed matrix,
a softmax without its normaliser, a dropped σ, repeated negatives counted
once, a wrong CBOW 1/2m, a missing term, a constant factor…) and where to look.

Two kinds of exercise
---------------------
numeric
    ``answer`` is a Python function with the same arguments as the reference
    (e.g. ``answer(v_c, o, U)``) that returns the asked gradient. It is called
    on several seeded random inputs, among them inputs with duplicate
    negatives, ``o`` inside ``neg``, repeated context words and a real
    Huffman path. The diagnosis is made from its *behaviour*: the results are
    compared with the reference and with known wrong variants built from the
    reference's ingredients, a least-squares ratio over all inputs decides
    sign and constant factors, and inputs with and without repeated indices
    are compared to catch duplicates counted once.
symbolic
    ``answer`` is a SymPy expression (or a string SymPy can read). Symbols
    are matched by *name* (``Symbol('x', positive=True)`` counts as ``x``),
    σ may be written ``1/(1 + exp(-x))`` or as a function named ``sigma``/``σ``.
    Equivalence is decided by evaluation at seeded random points with 30
    significant digits (``sympy.simplify`` decides where a form cannot be
    evaluated); sign, constant factors and missing terms are diagnosed.

Every message and hint exists in English and Japanese; ``lang=None`` uses
:func:`w2vlib.i18n.resolve_language`, so a notebook run from ``notebooks/ja``
answers in Japanese. Neither :func:`check` nor :func:`hint` raises on learner
input: wrong types, shapes, exceptions, NaN and unknown ids all come back as
a :class:`Feedback` (or hint text) that says what happened.

Example
-------
>>> import numpy as np
>>> from w2vlib.stable import softmax
>>> def grad_v_c(v_c, o, U):
...     y_hat = softmax(U @ v_c)
...     y_hat[o] -= 1.0
...     return U.T @ y_hat
>>> check("softmax_grad_v_c", grad_v_c, lang="en").correct
True
>>> check("softmax_grad_v_c", lambda v_c, o, U: -grad_v_c(v_c, o, U), lang="en").mistake
'sign'
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import i18n
from .attention import attention_grads, softmax_rows_backward as _softmax_backward
from .negative_sampling import neg_sampling_error
from .stable import sigmoid, softmax

__all__ = [
    "Feedback",
    "check",
    "hint",
    "EXERCISES",
    "EXERCISE_IDS",
    "NUMERIC_IDS",
    "SYMBOLIC_IDS",
    "MISTAKES",
    "MESSAGES",
    "HINTS",
]

#: Every value ``Feedback.mistake`` can take besides ``None``.
MISTAKES = (
    "sign",
    "transpose",
    "missing_normaliser",
    "dropped_sigmoid",
    "duplicates_once",
    "cbow_scale",
    "missing_term",
    "off_by_factor",
    "not_finite",
    "error",
    "unknown",
)


# =============================================================================== Feedback
@dataclass
class Feedback:
    """Result of :func:`check`.

    Attributes
    ----------
    correct : bool
        True when the answer agrees with the reference on every test input.
    mistake : str or None
        ``None`` when correct, else one of :data:`MISTAKES`.
    message : str
        One or two sentences: what is wrong and where to look (never the solution).
    """

    correct: bool
    mistake: str | None
    message: str

    def __str__(self):
        if self.correct:
            return f"✓ {self.message}"
        return f"✗ [{self.mistake}] {self.message}"

    def __bool__(self):
        return bool(self.correct)

    def _repr_pretty_(self, p, cycle):  # IPython / Jupyter display
        p.text(str(self))

    def _repr_markdown_(self):
        mark = "✅" if self.correct else f"❌ `{self.mistake}`"
        return f"{mark} {self.message}"


# =============================================================================== messages
# key -> {"en": ..., "ja": ...}. Placeholders must be identical in both languages
# (tests/test_exercises.py checks every entry). Mathematical symbols stay as they are.
MESSAGES: dict[str, dict[str, str]] = {
    # ---- general
    "correct": {
        "en": "Correct: your answer agrees with the reference on all {n} test inputs.",
        "ja": "正解です。{n} 個のテスト入力すべてで参照実装と一致しました。",
    },
    "correct_mutated": {
        "en": "Correct values, but your function changed its input {arg} in place; work on a copy so the caller's arrays stay intact.",
        "ja": "値は正しいのですが、関数が入力 {arg} をその場で書き換えています。呼び出し側の配列を壊さないよう、コピーに対して計算してください。",
    },
    "unknown_id": {
        "en": "Unknown exercise id {given}. Valid ids: {ids}.",
        "ja": "演習 ID {given} は存在しません。有効な ID: {ids}。",
    },
    "lang_fallback": {
        "en": "(Unknown language {given}; showing English.)",
        "ja": "（言語 {given} は未対応のため英語で表示しています。）",
    },
    "hint_no_level": {
        "en": "Hint level {given} is not a number; showing hint 1.",
        "ja": "ヒントのレベル {given} は数値ではありません。ヒント 1 を表示します。",
    },
    # ---- numeric: the answer could not be evaluated
    "not_callable": {
        "en": "This exercise expects a function {signature} that returns {quantity}; you passed an object of type {type}.",
        "ja": "この演習では {quantity} を返す関数 {signature} を渡してください。渡されたのは {type} です。",
    },
    "error": {
        "en": "Your function raised {exc_type}: {exc_text} (on a test input with {shapes}); look at the line that raised it.",
        "ja": "関数が {exc_type} を送出しました: {exc_text}（テスト入力 {shapes}）。例外が発生した行を確認してください。",
    },
    "error_shapes": {
        "en": "Your function raised {exc_type}: {exc_text} (on a test input with {shapes}): the shapes in a product or sum do not fit; write down the shape of each factor on that line — a matrix where its transpose belongs (U for Uᵀ) or a swapped product is the usual cause.",
        "ja": "関数が {exc_type} を送出しました: {exc_text}（テスト入力 {shapes}）。積や和の形状が合っていません。その行の各因子の形状を書き出してみてください。転置を使うべきところで行列そのもの（Uᵀ の代わりに U）を使っているか、積の順序が逆になっているのがよくある原因です。",
    },
    "returned_none": {
        "en": "Your function returned None: is a `return` statement missing? It should return {quantity}.",
        "ja": "関数が None を返しました。`return` 文を書き忘れていませんか。返すべきものは {quantity} です。",
    },
    "returned_tuple": {
        "en": "Your function returned a tuple of {n} items; return only {quantity}, an array of shape {expected}.",
        "ja": "関数が {n} 個の要素をもつタプルを返しました。形状 {expected} の配列である {quantity} だけを返してください。",
    },
    "not_array": {
        "en": "Your function returned an object of type {type}, which is not an array of real numbers; return {quantity}, an array of shape {expected}.",
        "ja": "関数の戻り値 {type} は実数の配列ではありません。形状 {expected} の配列である {quantity} を返してください。",
    },
    "not_finite": {
        "en": "Your result contains NaN or inf on a test input with moderate values; look for a division by zero, a log(0) or an overflowing exp.",
        "ja": "穏当な値のテスト入力に対して結果に NaN または inf が含まれています。ゼロ除算、log(0)、exp のオーバーフローがないか確認してください。",
    },
    # ---- numeric: shapes
    "transposed": {
        "en": "Your result has shape {shape}, the transpose of the expected {expected}: a gradient with respect to a matrix has that matrix's shape; check the order of your outer product or matrix product.",
        "ja": "結果の形状 {shape} は期待される {expected} の転置です。行列についての勾配はその行列と同じ形状になります。外積や行列積の順序を確認してください。",
    },
    "wrong_shape": {
        "en": "Your result has shape {shape} but {quantity} has shape {expected}; check which dimensions your products combine.",
        "ja": "結果の形状は {shape} ですが、{quantity} の形状は {expected} です。積でどの次元どうしを組み合わせているか確認してください。",
    },
    # ---- numeric: values
    "sign": {
        "en": "Your result equals −1 × the correct one: check the sign of {where}.",
        "ja": "結果が正解の −1 倍になっています。{where} の符号を確認してください。",
    },
    "sign_factor": {
        "en": "Your result equals {factor} × the correct one: the sign is wrong and the size is off; check the sign of {where} first.",
        "ja": "結果が正解の {factor} 倍になっています。符号が逆で、大きさもずれています。まず {where} の符号を確認してください。",
    },
    "off_by_factor": {
        "en": "Your result points the right way but is {factor} × the correct one: look for a missing or extra constant factor.",
        "ja": "向きは正しいのですが、結果が正解の {factor} 倍です。定数倍の係数が抜けているか余分でないか確認してください。",
    },
    "off_by_factor_varying": {
        "en": "Your result is a positive multiple of the correct one, but the factor changes with the input sizes ({factors}): look for a factor that depends on the dimensions.",
        "ja": "結果は正解の正の定数倍ですが、その倍率が入力の大きさによって変わります（{factors}）。次元に依存する係数を確認してください。",
    },
    "duplicates_once": {
        "en": "Right when all indices differ, wrong when an index repeats (a repeated negative, or o among the negatives): an update like `G[idx] += rows` adds a repeated row only once; every occurrence must accumulate.",
        "ja": "添字がすべて異なるときは正しく、添字が重複するとき（負例の重複や負例に o が含まれる場合）に誤ります。`G[idx] += rows` のような更新は重複した行を一度しか加算しません。出現ごとに加算されるようにしてください。",
    },
    "cbow_duplicates_once": {
        "en": "Right when the context words differ, wrong when a word repeats in the window: an update like `G[context] += rows` adds a repeated row only once; each occurrence must receive its share.",
        "ja": "文脈語がすべて異なるときは正しく、同じ語がウィンドウ内で繰り返されると誤ります。`G[context] += rows` のような更新は重複した行を一度しか加算しません。出現ごとにその分を加えてください。",
    },
    "cbow_scale": {
        "en": "Your gradient has the right direction but the wrong scale: h is the mean of the 2m context vectors (3.1), so look at how the 1/2m factor reaches each context row (3.2).",
        "ja": "勾配の向きは正しいのですが大きさが違います。h は 2m 個の文脈ベクトルの平均 (3.1) なので、係数 1/2m が各文脈語の行にどう掛かるか (3.2) を確認してください。",
    },
    "unknown": {
        "en": "Your result does not match the reference and is not one of the common mistakes the checker knows; compare it with the derivation on a small example (w2vlib.gradcheck helps).",
        "ja": "結果は参照実装と一致せず、チェッカーが知っている典型的な誤りにも当てはまりません。小さな例で導出と一つずつ照らし合わせてください（w2vlib.gradcheck が役に立ちます）。",
    },
    "all_zero": {
        "en": "Your function returns only zeros; the gradient is not zero on these inputs, so a term or the accumulation into the result is missing.",
        "ja": "関数がゼロだけを返しています。これらの入力で勾配はゼロではないので、項か結果への加算が抜けています。",
    },
    # ---- numeric: exercise-specific variants
    "softmax_missing_normaliser": {
        "en": "You used exp(z) where the softmax ŷ = exp(z) / Σ_w exp(z_w) belongs: the normaliser is missing in ŷ − y (1.4).",
        "ja": "softmax ŷ = exp(z) / Σ_w exp(z_w) を使うべきところで exp(z) を使っています。ŷ − y (1.4) で正規化項が抜けています。",
    },
    "softmax_missing_y": {
        "en": "The −y part of ŷ − y (1.4) is missing: the observed word o must also contribute through the −u_o·v_c term of the loss.",
        "ja": "ŷ − y (1.4) の −y の部分が抜けています。観測された語 o も損失の −u_o·v_c の項を通して寄与します。",
    },
    "softmax_missing_y_hat": {
        "en": "Only the −y part is there: the log Σ_w exp(u_w·v_c) term of the loss (1.2) also has a gradient, the ŷ in ŷ − y.",
        "ja": "−y の部分しかありません。損失 (1.2) の log Σ_w exp(u_w·v_c) の項にも勾配があり、それが ŷ − y の ŷ です。",
    },
    "softmax_only_row_o": {
        "en": "Only row o of your result is non-zero, but every u_w enters the loss through the normaliser Σ_w exp(u_w·v_c), so every row of ∂J/∂U has a gradient (1.6).",
        "ja": "結果で非ゼロなのは第 o 行だけですが、すべての u_w が正規化項 Σ_w exp(u_w·v_c) を通して損失に現れるので、∂J/∂U のすべての行に勾配があります (1.6)。",
    },
    "softmax_rows_of_U": {
        "en": "Row w of your result is a multiple of u_w itself: check which vector the derivative of the score u_w·v_c with respect to u_w is (1.6).",
        "ja": "結果の第 w 行が u_w 自身の定数倍になっています。スコア u_w·v_c を u_w で微分するとどのベクトルになるかを確認してください (1.6)。",
    },
    "sgns_dropped_sigmoid": {
        "en": "A σ factor is missing: the derivative of −log σ(s) still contains σ, it is not a constant or the score itself (2.4); check both the positive and the negative terms.",
        "ja": "σ の因子が抜けています。−log σ(s) の微分には σ が残り、定数やスコアそのものにはなりません (2.4)。正例と負例の両方の項を確認してください。",
    },
    "sgns_only_positive": {
        "en": "Only the positive (observed word) term is there: each of the K negative samples adds its own term (2.5).",
        "ja": "正例（観測語）の項しかありません。K 個の負例もそれぞれ自分の項を加えます (2.5)。",
    },
    "sgns_only_negative": {
        "en": "Only the negative-sample terms are there: the observed word o contributes a term as well (2.5).",
        "ja": "負例の項しかありません。観測語 o も項を一つ加えます (2.5)。",
    },
    "sgns_missing_label": {
        "en": "The observed word's term is missing a constant: ∂J/∂s_o must go to 0 when σ(s_o) → 1 (the pair is already predicted perfectly); redo (2.4) for −log σ(s_o).",
        "ja": "観測語の項で定数が抜けています。σ(s_o) → 1（そのペアがすでに完全に予測されている）のとき ∂J/∂s_o は 0 に近づくはずです。−log σ(s_o) について (2.4) をやり直してください。",
    },
    "sgns_sign_positive": {
        "en": "The observed word's term has the wrong sign: a descent step must raise the score s_o = u_o·v_c, so ∂J/∂s_o must be negative (2.4).",
        "ja": "観測語の項の符号が逆です。降下のステップはスコア s_o = u_o·v_c を上げなければならないので、∂J/∂s_o は負になるはずです (2.4)。",
    },
    "sgns_sign_negative": {
        "en": "The negative samples' terms have the wrong sign: a descent step must lower each score s_k, so ∂J/∂s_k must be positive (2.4).",
        "ja": "負例の項の符号が逆です。降下のステップは各スコア s_k を下げなければならないので、∂J/∂s_k は正になるはずです (2.4)。",
    },
    "sgns_sigma_prime": {
        "en": "You differentiated σ instead of log σ: the loss (2.1) takes the logarithm of each σ, so the chain rule also divides by σ (§2.2, (2.4)).",
        "ja": "log σ ではなく σ を微分しています。損失 (2.1) は各 σ の対数をとるので、連鎖律により σ でも割ることになります（§2.2、(2.4)）。",
    },
    "sgns_mean_negatives": {
        "en": "The negative terms are averaged over the K draws: (2.1) replaces each expectation by one draw and sums the K terms, each with weight 1.",
        "ja": "負例の項を K 回の抽出で平均しています。(2.1) では各期待値を一回の抽出で置き換え、K 個の項を重み 1 でそのまま足し合わせます。",
    },
    "sgns_skip_o": {
        "en": "You left out the negatives equal to o (word2vec.c skips such draws), but the objective (2.1) as written keeps them: each such draw is a term of its own (2.7).",
        "ja": "o と等しい負例を除外しています（word2vec.c はそのような抽出を飛ばします）が、ここで扱う目的関数 (2.1) はそれらを残します。そのような抽出もそれぞれ一つの項です (2.7)。",
    },
    "sgns_v_c_duplicates_once": {
        "en": "Right when all negatives differ, wrong when a word is drawn twice or o is among the negatives: every entry of neg is a term of (2.1) of its own, so a word drawn twice contributes twice.",
        "ja": "負例がすべて異なるときは正しく、同じ語が二回引かれたときや負例に o が含まれるときに誤ります。neg の各要素はそれぞれ (2.1) の独立した項なので、二回引かれた語は二回寄与します。",
    },
    "sgns_sign_inside": {
        "en": "A sign inside σ is wrong: the positive and the negative terms of (2.1) have σ of opposite arguments; redo (2.4) for each.",
        "ja": "σ の中の符号が違います。(2.1) の正例の項と負例の項では σ の引数の符号が逆です。それぞれについて (2.4) をやり直してください。",
    },
    "cbow_missing_normaliser": {
        "en": "You used exp(z) where the softmax ŷ belongs: the normaliser Σ_w exp(u_w·h) is missing in ŷ − y.",
        "ja": "softmax ŷ を使うべきところで exp(z) を使っています。ŷ − y の正規化項 Σ_w exp(u_w·h) が抜けています。",
    },
    "cbow_sum_not_mean": {
        "en": "Your h is the sum of the context vectors, but CBOW's h is their mean (3.1): the forward pass changes, not only the factor in the gradient.",
        "ja": "h が文脈ベクトルの和になっていますが、CBOW の h はそれらの平均です (3.1)。勾配の係数だけでなく、順伝播の計算も変わります。",
    },
    "hs_dropped_sigmoid": {
        "en": "A σ factor is missing in the per-node derivative g_j (3.7): it depends on the score through σ, it is not a constant or the score itself.",
        "ja": "ノードごとの微分 g_j (3.7) で σ の因子が抜けています。g_j は σ を通してスコアに依存し、定数やスコアそのものではありません。",
    },
    "hs_code_convention": {
        "en": "The branch convention is flipped: in word2vec.c's convention code 0 means sign +1, so sign_j = 1 − 2·code_j (3.5).",
        "ja": "分岐の符号の規約が逆です。word2vec.c の規約では符号 0 が +1 に対応し、sign_j = 1 − 2·code_j です (3.5)。",
    },
    "hs_missing_node": {
        "en": "A node of the path is missing: the loss (3.6) sums over every inner node on the root-to-leaf path, so the gradient does too.",
        "ja": "経路上のノードが抜けています。損失 (3.6) は根から葉までの経路上のすべての内部ノードについての和なので、勾配もそうなります。",
    },
    "hs_missing_inner_sign": {
        "en": "Your g_j is right at the bit-0 nodes and wrong at the bit-1 nodes: the score enters (3.6) as sign_j·s_j, so the chain rule multiplies by an inner derivative (3.7).",
        "ja": "g_j はビット 0 のノードでは正しく、ビット 1 のノードで誤っています。スコアは (3.6) に sign_j·s_j の形で入るので、連鎖律により内側の微分が掛かります (3.7)。",
    },
    "gauss_missing_variance": {
        "en": "Only one of the two variances is there: the covariance of μ_i − μ_j involves both Σ_i and Σ_j.",
        "ja": "二つの分散のうち一方しか入っていません。μ_i − μ_j の共分散には Σ_i と Σ_j の両方が関わります。",
    },
    "attention_missing_normaliser": {
        "en": "You used unnormalised scores (exp(S) or S itself) where the attention weights A = softmax(S) belong; the row-wise softmax normaliser is missing.",
        "ja": "注意の重み A = softmax(S) を使うべきところで正規化されていないスコア（exp(S) または S そのもの）を使っています。行ごとの softmax の正規化が抜けています。",
    },
    "attention_scale": {
        "en": "The scale 1/√d_k is missing or misplaced: the scores are S = Q Kᵀ/√d_k, and that factor also appears when you differentiate S.",
        "ja": "スケール 1/√d_k が抜けているか、位置が違います。スコアは S = Q Kᵀ/√d_k であり、S を微分するときにもこの係数が現れます。",
    },
    "attention_missing_jacobian_term": {
        "en": "The softmax Jacobian diag(a) − a aᵀ lost its −a aᵀ part: every weight in a row depends on every score of that row.",
        "ja": "softmax のヤコビ行列 diag(a) − a aᵀ の −a aᵀ の部分が抜けています。各行の重みはその行のすべてのスコアに依存します。",
    },
    "attention_softmax_axis": {
        "en": "The softmax is taken over the wrong axis: A = softmax(S) row by row, so that the weights of each query (a row of A) sum to 1.",
        "ja": "softmax をとる軸が違います。A = softmax(S) は行ごとにとり、各クエリの重み（A の各行）の和が 1 になるようにします。",
    },
    "batch_mean": {
        "en": "Your result is the batch mean of the per-pair gradients: J_B (4.9) is the sum of its terms, so every pair adds its full contribution (no 1/B).",
        "ja": "結果は各ペアの勾配のバッチ平均になっています。J_B (4.9) は項の和なので、各ペアは寄与をそのまま加えます（1/B は掛かりません）。",
    },
    "batch_one_example": {
        "en": "Only one pair of the batch contributes: the gradient of J_B (4.9) collects the terms of all B pairs; is the result overwritten inside your loop instead of accumulated?",
        "ja": "バッチの中の一つのペアしか寄与していません。J_B (4.9) の勾配は B 個すべてのペアの項を集めます。ループの中で結果を加算せずに上書きしていませんか。",
    },
    "batch_duplicates_once": {
        "en": "Right when every index in the batch differs, wrong when a word repeats (twice as a negative, in two pairs, or o among the negatives): an update like `G[targets] += rows` adds a repeated row only once; the scatter-add Gᵀ H of (4.10) must accumulate every term.",
        "ja": "バッチ内の添字がすべて異なるときは正しく、語が重複するとき（負例として二回、二つのペアにまたがって、または負例に o が含まれる場合）に誤ります。`G[targets] += rows` のような更新は重複した行を一度しか加算しません。(4.10) の散布加算 Gᵀ H ではすべての項を累積する必要があります。",
    },
    # ---- where to look, used in "sign" messages
    "where.batch_sgns": {
        "en": "g_τ = ∂J/∂(u_r·h) for the positive and the negative terms (2.4)",
        "ja": "正例と負例の項の g_τ = ∂J/∂(u_r·h) (2.4)",
    },
    "where.subsampling_keep_probability": {
        "en": "the whole expression: a probability is never negative", "ja": "式全体（確率は負になりません）"},
    "where.window_distance_weight": {
        "en": "the whole expression: a probability is never negative", "ja": "式全体（確率は負になりません）"},
    "where.softmax": {"en": "ŷ − y (1.4)", "ja": "ŷ − y (1.4)"},
    "where.sgns": {
        "en": "∂J/∂s_o and ∂J/∂s_k (2.4)",
        "ja": "∂J/∂s_o と ∂J/∂s_k (2.4)",
    },
    "where.hs": {"en": "g_j (3.7) and of sign_j = 1 − 2·code_j", "ja": "g_j (3.7) と sign_j = 1 − 2·code_j"},
    "where.gauss": {
        "en": "the derivative of −½ (μ_i − μ_j)ᵀ (Σ_i + Σ_j)⁻¹ (μ_i − μ_j)",
        "ja": "−½ (μ_i − μ_j)ᵀ (Σ_i + Σ_j)⁻¹ (μ_i − μ_j) の微分",
    },
    "where.attention": {"en": "the upstream gradient d_out and the softmax backward step", "ja": "上流の勾配 d_out と softmax の逆伝播"},
    "where.symbolic": {"en": "your expression", "ja": "式"},
    "where.sigmoid_derivative": {
        "en": "the inner derivative of e^{−x} (chain rule)", "ja": "e^{−x} の内側の微分（連鎖律）"},
    "where.log_sigmoid_derivative": {
        "en": "σ′(x)/σ(x) (log σ(x) increases with x)", "ja": "σ′(x)/σ(x)（log σ(x) は x の増加関数）"},
    "where.softmax_jacobian_entry": {
        "en": "the quotient rule for exp(z_i) / Σ_k exp(z_k)", "ja": "exp(z_i) / Σ_k exp(z_k) の商の微分法"},
    "where.neg_sampling_scalar_grad": {
        "en": "the minus in J = −log σ(x) (J decreases as x grows)", "ja": "J = −log σ(x) のマイナス（J は x の減少関数）"},
    "where.gaussian_product_integral": {
        "en": "the exponent after completing the square (a density is positive)", "ja": "平方完成した後の指数部（確率密度は正）"},
    "where.sgns_optimal_dot": {
        "en": "the stationarity condition of the objective", "ja": "目的関数の停留条件"},
    # ---- symbolic
    "sym_not_expression": {
        "en": "This exercise expects a SymPy expression (or a string SymPy can read) in {expected}; could not read your {type}: {exc_text}.",
        "ja": "この演習では {expected} を使った SymPy の式（または SymPy が読める文字列）を渡してください。渡された {type} を読めませんでした: {exc_text}。",
    },
    "sym_or_indexed": {
        "en": "(or the logits {base}[i] of an IndexedBase with a Sum over the vocabulary)",
        "ja": "（または IndexedBase のロジット {base}[i] と語彙全体にわたる Sum）",
    },
    "sym_unexpected_symbols": {
        "en": "Your expression uses {unexpected}, which this exercise does not know; write it with {expected}.",
        "ja": "式に、この演習では使わない記号 {unexpected} が含まれています。{expected} を使って書いてください。",
    },
    "sym_not_finite": {
        "en": "Your expression is not a finite real number at some admissible values (e.g. {point}); look for a division by zero or a log of a negative number.",
        "ja": "許される値（例: {point}）で式が有限の実数になりません。ゼロ除算や負の数の対数がないか確認してください。",
    },
    "sym_sign": {
        "en": "Your expression equals −1 × the correct one: check the sign of {where}.",
        "ja": "式が正解の −1 倍になっています。{where} の符号を確認してください。",
    },
    "sym_factor": {
        "en": "Your expression is {factor} × the correct one: look for a missing or extra constant factor.",
        "ja": "式が正解の {factor} 倍になっています。定数倍の係数が抜けているか余分でないか確認してください。",
    },
    "sym_unknown": {
        "en": "Your expression is not equivalent to the expected result (they differ at {point}); redo the derivation step by step and let SymPy check each step.",
        "ja": "式が期待される結果と等価ではありません（{point} で値が異なります）。導出を一歩ずつやり直し、各段階を SymPy で確かめてください。",
    },
    "sigmoid_missing_factor": {
        "en": "One factor is missing: σ′(x) is a product of two factors, σ(x) and one more (write σ = 1/(1 + e^{−x}) and differentiate).",
        "ja": "因子が一つ足りません。σ′(x) は σ(x) ともう一つの因子の積です（σ = 1/(1 + e^{−x}) と書いて微分してみてください）。",
    },
    "sigmoid_sign_inside": {
        "en": "A sign inside is wrong: σ′(x) is positive everywhere and vanishes for large |x|; check the second factor.",
        "ja": "内側の符号が違います。σ′(x) は至る所で正で、|x| が大きいと 0 に近づきます。二つ目の因子を確認してください。",
    },
    "sigmoid_missing_inner": {
        "en": "The inner derivative is missing: σ(x) = (1 + e^{−x})^{−1} is a function of 1 + e^{−x}, so the chain rule multiplies by the derivative of 1 + e^{−x}.",
        "ja": "内側の微分が抜けています。σ(x) = (1 + e^{−x})^{−1} は 1 + e^{−x} の関数なので、連鎖律により 1 + e^{−x} の微分が掛かります。",
    },
    "log_sigmoid_missing_chain": {
        "en": "The chain rule is incomplete: d/dx log σ(x) = σ′(x)/σ(x); one of the two factors is missing.",
        "ja": "連鎖律が不完全です。d/dx log σ(x) = σ′(x)/σ(x) であり、二つの因子のどちらかが抜けています。",
    },
    "log_sigmoid_sign_inside": {
        "en": "The argument's sign is wrong: for large positive x, log σ(x) is flat, so its derivative must go to 0 there.",
        "ja": "引数の符号が違います。x が大きな正の値のとき log σ(x) は平坦なので、その微分は 0 に近づくはずです。",
    },
    "jacobian_missing_offdiag": {
        "en": "The −ŷ_i ŷ_j part is missing: every z_j changes the normaliser, so off-diagonal entries are not zero.",
        "ja": "−ŷ_i ŷ_j の部分が抜けています。どの z_j も正規化項を変えるので、非対角成分はゼロではありません。",
    },
    "jacobian_missing_delta": {
        "en": "The diagonal term is missing or has no Kronecker delta: only for j = i does z_j appear in the numerator exp(z_i).",
        "ja": "対角項が抜けているか、クロネッカーのデルタがありません。分子 exp(z_i) に z_j が現れるのは j = i のときだけです。",
    },
    "scalar_grad_missing_one": {
        "en": "The constant part is missing: for J = −log σ(x), ∂J/∂x → 0 as x → +∞ (the pair is already well predicted).",
        "ja": "定数の部分が抜けています。J = −log σ(x) では x → +∞ のとき ∂J/∂x → 0 となるはずです（そのペアはすでによく予測されています）。",
    },
    "scalar_grad_dropped_sigmoid": {
        "en": "The σ is gone: the result must depend on x through σ(x); differentiate −log σ(x) with the chain rule.",
        "ja": "σ が消えています。結果は σ(x) を通して x に依存するはずです。連鎖律で −log σ(x) を微分してください。",
    },
    "scalar_grad_sign_inside": {
        "en": "The sign inside σ is wrong: when x = u_o·v_c is large the pair is already well predicted, so the gradient must go to 0 as x → +∞.",
        "ja": "σ の中の符号が違います。x = u_o·v_c が大きいときそのペアはすでによく予測されているので、x → +∞ で勾配は 0 に近づくはずです。",
    },
    "scalar_grad_missing_chain": {
        "en": "The chain rule stopped halfway: −1/σ(x) must still be multiplied by σ′(x).",
        "ja": "連鎖律が途中で止まっています。−1/σ(x) にさらに σ′(x) を掛ける必要があります。",
    },
    "gauss_missing_normaliser": {
        "en": "The Gaussian normaliser is missing: integrating a Gaussian bump over x leaves a factor 1/√(2π·variance), and the result is itself a density.",
        "ja": "ガウス分布の正規化定数が抜けています。ガウス関数を x で積分すると係数 1/√(2π·分散) が残り、結果はそれ自体が確率密度になります。",
    },
    "gauss_variance_product": {
        "en": "The variances combine by addition, not multiplication: check how var_i and var_j enter after completing the square.",
        "ja": "分散は掛け算ではなく足し算で組み合わさります。平方完成した後で var_i と var_j がどう入るか確認してください。",
    },
    "sgns_missing_shift": {
        "en": "Almost: that is the PMI, but the k negative samples shift the optimum; look at what k does to the stationarity condition.",
        "ja": "あと一歩です。それは PMI ですが、k 個の負例によって最適値がずれます。k が停留条件にどう効くかを確認してください。",
    },
    "sgns_shift_sign": {
        "en": "The shift has the wrong sign: more negative samples push the dot product down, not up.",
        "ja": "シフトの符号が逆です。負例を増やすと内積は上がるのではなく下がります。",
    },
    "sgns_missing_log": {
        "en": "That is e^x, not x: the stationarity condition gives the ratio for e^x, so take its logarithm.",
        "ja": "それは x ではなく e^x です。停留条件から得られるのは e^x についての比なので、その対数をとってください。",
    },
    "subsampling_paper_rule": {
        "en": "That is the paper's rule (4.3), not word2vec.c's: the C code computes `ran` differently and keeps every word more often. Rewrite its `ran` with z_w = n_w/N and multiply out the bracket.",
        "ja": "それは論文の規則 (4.3) で、word2vec.c の規則ではありません。C のコードは `ran` を別の式で計算し、どの語も論文より高い確率で残します。`ran` を z_w = n_w/N で書き直し、括弧を展開してください。",
    },
    "subsampling_one_term": {
        "en": "One term is missing: multiplying out the bracket of `ran` gives two terms, one for each term inside the bracket.",
        "ja": "項が一つ抜けています。`ran` の括弧を展開すると、括弧の中の各項に対応して二つの項が出ます。",
    },
    "subsampling_missing_factor": {
        "en": "That is only the bracket of `ran`: the C code multiplies it by (sample · train_words) / cn, i.e. by a factor in t and z_w.",
        "ja": "それは `ran` の括弧の部分だけです。C のコードではこれに (sample · train_words) / cn、すなわち t と z_w による係数を掛けています。",
    },
    "subsampling_discard": {
        "en": "That is a probability of discarding (the paper states its rule that way); the exercise asks for the probability of keeping an occurrence.",
        "ja": "それは捨てる確率です（論文は規則をその形で述べています）。この演習で求めるのは、出現を残す確率です。",
    },
    "subsampling_swapped": {
        "en": "z and t are swapped: a more frequent word (larger z_w) must be kept less often, so the probability must fall as z grows.",
        "ja": "z と t が入れ替わっています。頻度の高い語（z_w が大きい語）ほど残りにくいはずなので、確率は z が大きくなると減るはずです。",
    },
    "subsampling_min": {
        "en": "Right inside, but leave out the min(1, ·): the exercise asks for the expression inside it (the clipping to 1 is a separate step).",
        "ja": "中身は正しいのですが、min(1, ·) は外してください。この演習で求めるのはその中の式です（1 での打ち切りは別の段階です）。",
    },
    "window_off_by_one": {
        "en": "Off by one: check j = m. The farthest word is used when b = 0, so its probability is not 0; count the values of b with j ≤ m − b again.",
        "ja": "一つずれています。j = m で確かめてください。最も遠い語も b = 0 のときには使われるので、その確率は 0 ではありません。j ≤ m − b を満たす b の個数を数え直してください。",
    },
    "window_count_values": {
        "en": "The denominator should count the equally likely values of b: b = next_random % window takes the values 0, …, m − 1; check j = 1, which is always used.",
        "ja": "分母は等確率でとる b の値の個数になるはずです。b = next_random % window は 0, …, m − 1 の値をとります。常に使われる j = 1 で確かめてください。",
    },
    "window_inverted": {
        "en": "Your weight grows with the distance, but near words are used more often: distance 1 is inside the window for every b.",
        "ja": "重みが距離とともに増えていますが、近い語ほど多く使われるはずです。距離 1 はどの b でもウィンドウの中にあります。",
    },
    "window_one_value": {
        "en": "That is the probability of a single value of b; distance j is used for several values of b, so count all b with j ≤ m − b.",
        "ja": "それは b の一つの値の確率です。距離 j は複数の b の値で使われるので、j ≤ m − b を満たす b をすべて数えてください。",
    },
    "sgns_missing_D": {
        "en": "A count is missing in the PMI: probabilities are counts divided by the total D, so D appears in the ratio.",
        "ja": "PMI の中の頻度が一つ抜けています。確率は頻度を総数 D で割ったものなので、比の中に D が現れます。",
    },
}

#: exercise id -> hints of increasing detail, each {"en": ..., "ja": ...}; the last is the clearest.
HINTS: dict[str, list[dict[str, str]]] = {
    "softmax_grad_v_c": [
        {"en": "Write the loss with the logits z = U v_c: J = −z_o + log Σ_w exp(z_w), then use the chain rule through z.",
         "ja": "ロジット z = U v_c を使って損失を J = −z_o + log Σ_w exp(z_w) と書き、z を経由する連鎖律を使いましょう。"},
        {"en": "∂J/∂z = ŷ − y (1.4): the softmax minus the one-hot vector of o. Since z = U v_c, ∂z/∂v_c = U.",
         "ja": "∂J/∂z = ŷ − y (1.4)、つまり softmax から o のワンホットベクトルを引いたものです。z = U v_c なので ∂z/∂v_c = U です。"},
        {"en": "∂J/∂v_c = Uᵀ (ŷ − y) (1.5): compute ŷ with w2vlib.softmax, subtract 1 at index o (on a copy) and multiply by Uᵀ.",
         "ja": "∂J/∂v_c = Uᵀ (ŷ − y) (1.5)。w2vlib.softmax で ŷ を計算し、（コピーの）添字 o の成分から 1 を引いて Uᵀ を掛けます。"},
    ],
    "softmax_grad_U": [
        {"en": "Row w of U only enters the loss through z_w = u_w·v_c.",
         "ja": "U の第 w 行は z_w = u_w·v_c を通してのみ損失に現れます。"},
        {"en": "∂J/∂u_w = (ŷ_w − y_w) v_c for every word w, not only for o.",
         "ja": "すべての語 w について ∂J/∂u_w = (ŷ_w − y_w) v_c です（o だけではありません）。"},
        {"en": "∂J/∂U = (ŷ − y) v_cᵀ (1.6), an outer product of shape (V, d): np.outer(error vector, v_c).",
         "ja": "∂J/∂U = (ŷ − y) v_cᵀ (1.6)、形状 (V, d) の外積です: np.outer(誤差ベクトル, v_c)。"},
    ],
    "neg_sampling_grad_v_c": [
        {"en": "Differentiate each term of (2.1) separately with the scores s_o = u_o·v_c and s_k = u_k·v_c; use σ′ = σ(1 − σ).",
         "ja": "スコア s_o = u_o·v_c と s_k = u_k·v_c を使って (2.1) の各項を別々に微分しましょう。σ′ = σ(1 − σ) を使います。"},
        {"en": "∂J/∂s_o = σ(s_o) − 1 = −σ(−s_o) and ∂J/∂s_k = σ(s_k) (2.4); every entry of neg is its own term, repeats included.",
         "ja": "∂J/∂s_o = σ(s_o) − 1 = −σ(−s_o)、∂J/∂s_k = σ(s_k) (2.4) です。neg の各要素は重複も含めてそれぞれ独立した項です。"},
        {"en": "∂J/∂v_c = −σ(−s_o) u_o + Σ_k σ(s_k) u_k (2.5); with s = U[neg] @ v_c the sum is σ(s) @ U[neg].",
         "ja": "∂J/∂v_c = −σ(−s_o) u_o + Σ_k σ(s_k) u_k (2.5)。s = U[neg] @ v_c とすると、和は σ(s) @ U[neg] です。"},
    ],
    "neg_sampling_grad_U": [
        {"en": "Only the rows o and neg of U appear in the loss (2.1); all other rows of the gradient are zero.",
         "ja": "損失 (2.1) に現れるのは U の第 o 行と neg の行だけです。勾配のその他の行はゼロです。"},
        {"en": "Row o gets −σ(−s_o) v_c and row neg_k gets σ(s_k) v_c (2.6); a word drawn twice gets two contributions, and o may be among the negatives.",
         "ja": "第 o 行には −σ(−s_o) v_c、第 neg_k 行には σ(s_k) v_c が入ります (2.6)。二回引かれた語には二回分が加わり、o が負例に含まれることもあります。"},
        {"en": "Start from np.zeros_like(U), add the row for o, and accumulate the negative rows with np.add.at(G, neg, np.outer(σ(s), v_c)).",
         "ja": "np.zeros_like(U) から始め、o の行を加え、負例の行は np.add.at(G, neg, np.outer(σ(s), v_c)) で累積します。"},
    ],
    "cbow_softmax_grad_V_in": [
        {"en": "CBOW is skip-gram with v_c replaced by the context mean h (3.1); start from ∂J/∂h.",
         "ja": "CBOW はスキップグラムの v_c を文脈ベクトルの平均 h (3.1) に置き換えたものです。∂J/∂h から始めましょう。"},
        {"en": "∂J/∂h = Uᵀ(ŷ − y) with ŷ = softmax(U h); each context occurrence contributed 1/2m of h.",
         "ja": "ŷ = softmax(U h) として ∂J/∂h = Uᵀ(ŷ − y) です。文脈語の各出現は h に 1/2m ずつ寄与しています。"},
        {"en": "∂J/∂V_in[w] = (n_w/2m) ∂J/∂h (3.2): add ∂J/∂h / len(context) once per occurrence, e.g. with np.add.at; other rows stay zero.",
         "ja": "∂J/∂V_in[w] = (n_w/2m) ∂J/∂h (3.2)。出現ごとに ∂J/∂h / len(context) を加えます（例: np.add.at）。その他の行はゼロのままです。"},
    ],
    "hs_grad_h": [
        {"en": "The loss (3.6) is a sum of −log σ(sign_j · W[points_j]·h) over the path, with sign_j = 1 − 2·code_j.",
         "ja": "損失 (3.6) は経路上の −log σ(sign_j · W[points_j]·h) の和で、sign_j = 1 − 2·code_j です。"},
        {"en": "Per node, d/dx[−log σ(x)] = −σ(−x); with x = sign_j·s_j the chain rule adds a factor sign_j (3.7).",
         "ja": "ノードごとに d/dx[−log σ(x)] = −σ(−x) です。x = sign_j·s_j なので連鎖律で係数 sign_j が掛かります (3.7)。"},
        {"en": "g_j = −sign_j·σ(−sign_j·W[points_j]·h) and ∂J/∂h = Σ_j g_j W[points_j] (3.8), i.e. g @ W[points].",
         "ja": "g_j = −sign_j·σ(−sign_j·W[points_j]·h)、∂J/∂h = Σ_j g_j W[points_j] (3.8)、すなわち g @ W[points] です。"},
    ],
    "log_expected_likelihood_grad_mu_i": [
        {"en": "Write log N(0; μ_i − μ_j, Σ) with Σ = diag(var_i + var_j): only the quadratic form depends on μ_i.",
         "ja": "Σ = diag(var_i + var_j) として log N(0; μ_i − μ_j, Σ) を書きましょう。μ_i に依存するのは二次形式だけです。"},
        {"en": "The quadratic form is −½ (μ_i − μ_j)ᵀ Σ⁻¹ (μ_i − μ_j); its gradient in μ_i is linear in μ_i − μ_j.",
         "ja": "二次形式は −½ (μ_i − μ_j)ᵀ Σ⁻¹ (μ_i − μ_j) です。その μ_i についての勾配は μ_i − μ_j の一次式です。"},
        {"en": "With a diagonal Σ the gradient is −(μ_i − μ_j) / (var_i + var_j), elementwise.",
         "ja": "Σ が対角なので、勾配は要素ごとに −(μ_i − μ_j) / (var_i + var_j) です。"},
    ],
    "attention_grad_V": [
        {"en": "out = A V with A = softmax(Q Kᵀ/√d_k) row-wise; A does not depend on V.",
         "ja": "out = A V、A = softmax(Q Kᵀ/√d_k)（行ごと）です。A は V に依存しません。"},
        {"en": "For out = A V, the gradient with respect to V is a product of Aᵀ and the upstream gradient.",
         "ja": "out = A V のとき、V についての勾配は Aᵀ と上流の勾配の積です。"},
        {"en": "dV = Aᵀ d_out, shape (n_k, d_v); compute A with w2vlib.softmax(S, axis=1).",
         "ja": "dV = Aᵀ d_out（形状 (n_k, d_v)）。A は w2vlib.softmax(S, axis=1) で計算します。"},
    ],
    "attention_grad_Q": [
        {"en": "Go backwards: out = A V, A = softmax(S) row-wise, S = Q Kᵀ/√d_k. Find dA, then dS, then dQ.",
         "ja": "逆向きにたどりましょう: out = A V、A = softmax(S)（行ごと）、S = Q Kᵀ/√d_k。dA、dS、dQ の順に求めます。"},
        {"en": "dA = d_out Vᵀ; each row goes through the softmax Jacobian diag(a) − a aᵀ.",
         "ja": "dA = d_out Vᵀ。各行は softmax のヤコビ行列 diag(a) − a aᵀ を通ります。"},
        {"en": "dS = A ⊙ (dA − rowsum(dA ⊙ A)) and dQ = dS K / √d_k.",
         "ja": "dS = A ⊙ (dA − rowsum(dA ⊙ A))、dQ = dS K / √d_k です。"},
    ],
    "sigmoid_derivative": [
        {"en": "Write σ(x) = (1 + e^{−x})^{−1} and use the chain rule.",
         "ja": "σ(x) = (1 + e^{−x})^{−1} と書いて連鎖律を使いましょう。"},
        {"en": "You get e^{−x} / (1 + e^{−x})²; split it as 1/(1 + e^{−x}) · e^{−x}/(1 + e^{−x}).",
         "ja": "e^{−x} / (1 + e^{−x})² が得られます。これを 1/(1 + e^{−x}) · e^{−x}/(1 + e^{−x}) と分けてみましょう。"},
        {"en": "e^{−x}/(1 + e^{−x}) = 1 − σ(x), so σ′(x) = σ(x)(1 − σ(x)); answer e.g. sigma(x)*(1 - sigma(x)).",
         "ja": "e^{−x}/(1 + e^{−x}) = 1 − σ(x) なので σ′(x) = σ(x)(1 − σ(x)) です。例えば sigma(x)*(1 - sigma(x)) と答えます。"},
    ],
    "log_sigmoid_derivative": [
        {"en": "Chain rule: d/dx log u(x) = u′(x)/u(x).",
         "ja": "連鎖律: d/dx log u(x) = u′(x)/u(x) です。"},
        {"en": "Use σ′(x) = σ(x)(1 − σ(x)) from the previous exercise.",
         "ja": "前の演習の σ′(x) = σ(x)(1 − σ(x)) を使いましょう。"},
        {"en": "σ′/σ = 1 − σ(x) = σ(−x).",
         "ja": "σ′/σ = 1 − σ(x) = σ(−x) です。"},
    ],
    "softmax_jacobian_entry": [
        {"en": "ŷ_i = exp(z_i) / Σ_k exp(z_k): use the quotient rule; z_j appears in the denominator always, in the numerator only if j = i.",
         "ja": "ŷ_i = exp(z_i) / Σ_k exp(z_k) に商の微分法を使います。z_j は分母には常に、分子には j = i のときだけ現れます。"},
        {"en": "The numerator gives δ_ij ŷ_i, the denominator gives −ŷ_i ŷ_j; write δ_ij as KroneckerDelta(i, j).",
         "ja": "分子からは δ_ij ŷ_i、分母からは −ŷ_i ŷ_j が出ます。δ_ij は KroneckerDelta(i, j) と書きます。"},
        {"en": "∂ŷ_i/∂z_j = ŷ_i (δ_ij − ŷ_j): y_i*(KroneckerDelta(i, j) - y_j).",
         "ja": "∂ŷ_i/∂z_j = ŷ_i (δ_ij − ŷ_j)、すなわち y_i*(KroneckerDelta(i, j) - y_j) です。"},
    ],
    "neg_sampling_scalar_grad": [
        {"en": "J = −log σ(x) with x = u_o·v_c; differentiate with respect to x.",
         "ja": "x = u_o·v_c として J = −log σ(x) を x について微分します。"},
        {"en": "d/dx log σ(x) = 1 − σ(x) (the log-sigmoid exercise); mind the minus in J.",
         "ja": "d/dx log σ(x) = 1 − σ(x) です（log σ の演習）。J のマイナスに注意しましょう。"},
        {"en": "∂J/∂x = σ(x) − 1 = −σ(−x) (2.4).",
         "ja": "∂J/∂x = σ(x) − 1 = −σ(−x) (2.4) です。"},
    ],
    "gaussian_product_integral": [
        {"en": "Multiply the two densities and collect the terms in x: the exponent is a quadratic in x.",
         "ja": "二つの密度を掛けて x の項をまとめましょう。指数部は x の二次式になります。"},
        {"en": "Complete the square in x; the x-integral of a Gaussian bump is its normaliser, and what is left depends only on μ_i − μ_j.",
         "ja": "x について平方完成します。ガウス関数の x についての積分は正規化定数になり、残りは μ_i − μ_j だけに依存します。"},
        {"en": "The result is the normal density of μ_i − μ_j with variance var_i + var_j: N(μ_i; μ_j, var_i + var_j).",
         "ja": "結果は分散 var_i + var_j をもつ μ_i − μ_j の正規密度 N(μ_i; μ_j, var_i + var_j) です。"},
    ],
    "sgns_optimal_dot": [
        {"en": "Differentiate n_wc log σ(x) + (k n_w n_c / D) log σ(−x) with respect to x and set it to zero.",
         "ja": "n_wc log σ(x) + (k n_w n_c / D) log σ(−x) を x で微分して 0 とおきます。"},
        {"en": "With d/dx log σ(x) = σ(−x) and d/dx log σ(−x) = −σ(x), the condition is n_wc σ(−x) = (k n_w n_c / D) σ(x), i.e. an equation for e^x.",
         "ja": "d/dx log σ(x) = σ(−x)、d/dx log σ(−x) = −σ(x) より、条件は n_wc σ(−x) = (k n_w n_c / D) σ(x)、つまり e^x についての方程式です。"},
        {"en": "e^x = n_wc D / (k n_w n_c), so x = PMI(w, c) − log k (Levy & Goldberg 2014).",
         "ja": "e^x = n_wc D / (k n_w n_c) なので x = PMI(w, c) − log k です（Levy & Goldberg 2014）。"},
    ],
    "subsampling_keep_probability": [
        {"en": "In word2vec.c, cn is the count n_w, train_words is N and sample is t; the frequency is z = n_w/N.",
         "ja": "word2vec.c の cn は頻度 n_w、train_words は N、sample は t です。相対頻度は z = n_w/N です。"},
        {"en": "Divide numerator and denominator by N: cn/(sample·train_words) = z/t and (sample·train_words)/cn = t/z.",
         "ja": "分子と分母を N で割ります: cn/(sample·train_words) = z/t、(sample·train_words)/cn = t/z です。"},
        {"en": "ran = (√(z/t) + 1)·t/z and √(z/t)·t/z = √(t/z), so P_keep = sqrt(t/z) + t/z before the min(1, ·) (4.2).",
         "ja": "ran = (√(z/t) + 1)·t/z で、√(z/t)·t/z = √(t/z) なので、min(1, ·) の前の P_keep は sqrt(t/z) + t/z です (4.2)。"},
    ],
    "window_distance_weight": [
        {"en": "b = next_random % window is uniform on {0, …, m − 1}, and the window actually used is m − b.",
         "ja": "b = next_random % window は {0, …, m − 1} 上の一様分布に従い、実際に使われるウィンドウは m − b です。"},
        {"en": "Distance j is used exactly when j ≤ m − b, i.e. b ≤ m − j: count those values of b and divide by m.",
         "ja": "距離 j が使われるのは j ≤ m − b、すなわち b ≤ m − j のときです。そのような b の個数を数えて m で割ります。"},
        {"en": "b = 0, 1, …, m − j are m − j + 1 values, so P = (m − j + 1)/m (4.6).",
         "ja": "b = 0, 1, …, m − j は m − j + 1 個の値なので、P = (m − j + 1)/m です (4.6)。"},
    ],
    "batch_neg_sampling_grad_U": [
        {"en": "J_B is the sum over the pairs b of the SGNS loss (2.1) with v_c = h_b, so ∂J_B/∂U is the sum of the per-pair gradients (2.6).",
         "ja": "J_B は v_c = h_b とした SGNS の損失 (2.1) をペア b について足したものなので、∂J_B/∂U はペアごとの勾配 (2.6) の和です。"},
        {"en": "Pair b adds −σ(−u_{o_b}·h_b) h_b to row o_b and σ(u_k·h_b) h_b to row k for every entry k of neg[b]; repeated words add up (4.10).",
         "ja": "ペア b は第 o_b 行に −σ(−u_{o_b}·h_b) h_b を、neg[b] の各要素 k について第 k 行に σ(u_k·h_b) h_b を加えます。重複した語の寄与は足し合わされます (4.10)。"},
        {"en": "targets = np.concatenate([o[:, None], neg], axis=1); compute g of shape (B, K + 1) (2.4) and accumulate np.add.at(G, targets, g[:, :, None] * H[:, None, :]).",
         "ja": "targets = np.concatenate([o[:, None], neg], axis=1) とし、形状 (B, K + 1) の g (2.4) を計算して np.add.at(G, targets, g[:, :, None] * H[:, None, :]) で累積します。"},
    ],
}


def _msg(key, lang, **fields):
    """The message ``key`` in ``lang`` with its placeholders filled."""
    text = MESSAGES[key][lang]
    return text.format(**fields) if fields else text


def _lang(lang):
    """(language, note): never raises; an unknown language falls back to English with a note."""
    try:
        return i18n.resolve_language(lang), ""
    except Exception:  # bad argument or bad W2VLIB_LANG / marker file
        given = repr(lang) if lang is not None else "$" + i18n.LANG_ENV
        return "en", " " + _msg("lang_fallback", "en", given=given)


# =============================================================================== numeric cases
@dataclass
class _Case:
    args: tuple
    dup: bool = False  # has repeated indices (duplicate negatives, o in neg, repeated context words)


def _copy_args(args):
    """Fresh copies for the learner: float64 arrays stay float64, ints stay Python ints."""
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _skipgram_cases():
    cases = []
    for seed, (V, d) in enumerate([(7, 3), (5, 4), (9, 2), (6, 5), (8, 3)]):
        r = np.random.default_rng(4100 + seed)
        U = r.normal(0.0, 0.7, (V, d))
        v_c = r.normal(0.0, 1.0, d)
        cases.append(_Case((v_c, int(r.integers(V)), U)))
    return cases


def _sgns_cases():
    """Distinct negatives, repeated negatives, o among the negatives, and both."""
    specs = [  # (V, d, o, neg, dup)
        (8, 3, 2, [0, 5, 6, 3], False),
        (7, 4, 6, [1, 2, 4], False),
        (9, 3, 1, [4, 7, 4, 0, 4], True),
        (8, 2, 3, [5, 3, 0, 6], True),
        (10, 5, 7, [7, 2, 9, 2, 7, 1], True),
        (6, 3, 0, [2, 2], True),
    ]
    cases = []
    for seed, (V, d, o, neg, dup) in enumerate(specs):
        r = np.random.default_rng(4200 + seed)
        U = r.normal(0.0, 0.8, (V, d))
        v_c = r.normal(0.0, 1.0, d)
        cases.append(_Case((v_c, o, np.array(neg, dtype=np.int64), U), dup))
    return cases


def _cbow_cases():
    """Windows 2m = 2, 4, 6; distinct context words and repeated ones."""
    specs = [  # (V, d, context, c, dup)
        (8, 3, [1, 4, 6, 2], 0, False),
        (7, 4, [3, 5], 2, False),
        (9, 2, [0, 8, 7, 5, 2, 4], 3, False),
        (8, 3, [2, 5, 2, 6], 1, True),
        (10, 4, [4, 4, 9, 1, 4, 3], 7, True),
        (6, 5, [1, 1], 2, True),
    ]
    cases = []
    for seed, (V, d, context, c, dup) in enumerate(specs):
        r = np.random.default_rng(4300 + seed)
        V_in = r.normal(0.0, 0.8, (V, d))
        U = r.normal(0.0, 0.8, (V, d))
        cases.append(_Case((np.array(context, dtype=np.int64), c, V_in, U), dup))
    return cases


def _hs_cases():
    """Real Huffman paths (w2vlib.huffman_codes) with both branch bits on them."""
    from .hierarchical import huffman_codes

    cases = []
    for seed, (V, d) in enumerate([(9, 3), (12, 4), (7, 2), (16, 3), (10, 5)]):
        r = np.random.default_rng(4400 + seed)
        counts = np.sort(r.integers(1, 200, V))[::-1]
        paths = huffman_codes(counts)
        mixed = [w for w, (p, c) in enumerate(paths) if len(p) >= 2 and 0 < c.sum() < len(c)]
        w = mixed[int(r.integers(len(mixed)))] if mixed else int(np.argmax([len(p) for p, _ in paths]))
        points, codes = paths[w]
        W = r.normal(0.0, 0.8, (V - 1, d))
        h = r.normal(0.0, 1.0, d)
        cases.append(_Case((h, points.astype(np.int64), codes.astype(np.int64), W)))
    return cases


def _gauss_cases():
    cases = []
    for seed, d in enumerate([3, 4, 2, 5]):
        r = np.random.default_rng(4500 + seed)
        cases.append(_Case((r.normal(0, 1, d), r.uniform(0.3, 2.0, d), r.normal(0, 1, d), r.uniform(0.3, 2.0, d))))
    return cases


def _attention_cases():
    """(n_q, n_k, d_k, d_v) all different, so every transpose changes the shape."""
    cases = []
    for seed, (n_q, n_k, d_k, d_v) in enumerate([(2, 3, 4, 5), (3, 5, 2, 4), (4, 2, 3, 6), (5, 4, 6, 3)]):
        r = np.random.default_rng(4600 + seed)
        cases.append(_Case((r.normal(0, 1, (n_q, d_k)), r.normal(0, 1, (n_k, d_k)),
                            r.normal(0, 1, (n_k, d_v)), r.normal(0, 1, (n_q, d_v)))))
    return cases


def _batch_sgns_cases():
    """Minibatches of B skip-gram pairs (H, o, neg, U); B, K, V and d differ between inputs.

    The first two have all B·(K + 1) target indices distinct; the others repeat
    a negative within a row, across rows, use o as its own or another row's
    negative, and share o between rows (each of these is its own term of (4.9)).
    """
    specs = [  # (V, d, o, neg, dup)
        (12, 3, [0, 4, 9], [[1, 2], [5, 6], [10, 11]], False),
        (10, 4, [7, 2], [[0, 3, 5], [8, 1, 9]], False),
        (9, 3, [2, 2, 5, 1], [[4, 4], [2, 7], [5, 0], [4, 1]], True),
        (8, 2, [3, 6], [[3, 3, 3], [0, 6, 3]], True),
        (11, 5, [1, 3, 1, 0, 3], [[2, 3, 2, 1], [3, 0, 1, 2], [0, 0, 4, 2], [1, 2, 2, 3], [4, 3, 1, 1]], True),
        (7, 3, [1], [[1, 1]], True),
    ]
    cases = []
    for seed, (V, d, o, neg, dup) in enumerate(specs):
        r = np.random.default_rng(4700 + seed)
        H = r.normal(0.0, 1.0, (len(o), d))
        U = r.normal(0.0, 0.8, (V, d))
        cases.append(_Case((H, np.array(o, dtype=np.int64), np.array(neg, dtype=np.int64), U), dup))
    return cases


# =============================================================================== references
def _softmax_parts(h, o, U):
    z = U @ h
    y = np.zeros(U.shape[0])
    y[o] = 1.0
    return z, softmax(z), y


def _ref_softmax_v_c(v_c, o, U):
    from .naive_softmax import softmax_loss_and_grads

    return softmax_loss_and_grads(v_c, o, U)[1]


def _ref_softmax_U(v_c, o, U):
    from .naive_softmax import softmax_loss_and_grads

    return softmax_loss_and_grads(v_c, o, U)[2]


def _ref_sgns_v_c(v_c, o, neg, U):
    from .negative_sampling import neg_sampling_loss_and_grads

    return neg_sampling_loss_and_grads(v_c, o, neg, U)[1]


def _ref_sgns_U(v_c, o, neg, U):
    from .negative_sampling import neg_sampling_loss_and_grads

    return neg_sampling_loss_and_grads(v_c, o, neg, U)[2]


def _ref_cbow(context, c, V_in, U):
    from .cbow import cbow_softmax_loss_and_grads

    return cbow_softmax_loss_and_grads(context, c, V_in, U)[1]


def _ref_hs(h, points, codes, W):
    from .hierarchical import hs_loss_and_grads

    return hs_loss_and_grads(h, points, codes, W)[1]


def _ref_gauss(mu_i, var_i, mu_j, var_j):
    """∂E/∂μ_i of w2vlib.gaussian.log_expected_likelihood (7.3)."""
    from .gaussian import log_expected_likelihood

    return np.asarray(log_expected_likelihood(mu_i, var_i, mu_j, var_j)[1][0], dtype=np.float64)


def _ref_attention(Q, K, V, d_out):
    """(dQ, dK, dV) of w2vlib.attention.attention_grads (8.2)–(8.4)."""
    return attention_grads(Q, K, V, d_out)


def _ref_batch_sgns_U(H, o, neg, U):
    """∂J_B/∂U (4.10) of w2vlib.batched.sg_neg_sampling_batch, with H as the input matrix and c = 0..B−1."""
    from .batched import sg_neg_sampling_batch

    return sg_neg_sampling_batch(H, U, np.arange(H.shape[0]), o, neg)[2]


# =============================================================================== wrong variants
# Each builder returns a list of (mistake, message_key, array) for one input.
def _var_softmax(which):
    def build(v_c, o, U):
        z, y_hat, y = _softmax_parts(v_c, o, U)
        deltas = [
            ("missing_normaliser", "softmax_missing_normaliser", np.exp(z) - y),
            ("missing_normaliser", "softmax_missing_normaliser", np.exp(z - z.max()) - y),
            ("missing_term", "softmax_missing_y", y_hat),
            ("missing_term", "softmax_missing_y_hat", -y),
        ]
        if which == "v_c":
            return [(m, k, U.T @ delta) for m, k, delta in deltas]
        out = [(m, k, np.outer(delta, v_c)) for m, k, delta in deltas]
        only_o = np.zeros_like(U)
        only_o[o] = (y_hat[o] - 1.0) * v_c                       # as if only u_o had a gradient
        out.append(("missing_term", "softmax_only_row_o", only_o))
        out.append(("unknown", "softmax_rows_of_U", (y_hat - y)[:, None] * U))  # ∂(u_w·v_c)/∂u_w taken as u_w
        return out

    return build


def _sgns_coefficients(v_c, o, neg, U):
    """(label, key, g_o, g_neg) for the correct and the wrong per-score derivatives."""
    s_o = float(U[o] @ v_c)
    s_k = U[neg] @ v_c
    _, right_o, right_k = neg_sampling_error(v_c, o, neg, U)       # (2.4), the library's own
    # σ(·) − 1 or σ(·) replaced by a constant or by the score itself
    dropped_o = [-1.0, 1.0, s_o - 1.0, s_o, -s_o]
    dropped_k = [np.ones_like(s_k), -np.ones_like(s_k), s_k, 1.0 + s_k, -s_k]
    out = []
    for go in [right_o] + dropped_o:
        for gk in [right_k] + dropped_k:
            if go is right_o and gk is right_k:
                continue
            out.append(("dropped_sigmoid", "sgns_dropped_sigmoid", go, gk))
    out.append(("sign", "sgns_sign_inside", -sigmoid(s_o), np.atleast_1d(sigmoid(-s_k))))
    out.append(("sign", "sgns_sign_inside", -sigmoid(s_o), right_k))
    out.append(("sign", "sgns_sign_inside", right_o, np.atleast_1d(sigmoid(-s_k))))
    out.append(("missing_term", "sgns_only_positive", right_o, np.zeros_like(s_k)))
    out.append(("missing_term", "sgns_only_negative", 0.0, right_k))
    out.append(("missing_term", "sgns_missing_label", sigmoid(s_o), right_k))          # σ(s_o) for σ(s_o) − 1
    out.append(("sign", "sgns_sign_positive", sigmoid(-s_o), right_k))                 # 1 − σ(s_o)
    out.append(("sign", "sgns_sign_negative", right_o, -right_k))
    out.append(("missing_term", "sgns_sigma_prime", -sigmoid(s_o) * sigmoid(-s_o), right_k * sigmoid(-s_k)))
    out.append(("off_by_factor", "sgns_mean_negatives", right_o, right_k / len(right_k)))  # E[·] read as a mean
    return out, right_o, right_k


def _scatter(V, d, rows, values, mode="add_at"):
    G = np.zeros((V, d))
    if mode == "add_at":
        np.add.at(G, rows, values)
    elif mode == "fancy":
        G[rows] += values
    elif mode == "assign":
        G[rows] = values
    return G


def _var_sgns(which):
    def build(v_c, o, neg, U):
        V, d = U.shape
        coeffs, right_o, right_k = _sgns_coefficients(v_c, o, neg, U)
        out = []
        for m, key, go, gk in coeffs:
            if which == "v_c":
                out.append((m, key, go * U[o] + gk @ U[neg]))
            else:
                G = _scatter(V, d, neg, np.outer(gk, v_c))
                G[o] += go * v_c
                out.append((m, key, G))
        kept = np.asarray(neg)[np.asarray(neg) != o]          # word2vec.c skips a negative equal to o
        if which == "v_c":
            uniq = np.unique(neg)
            out.append(("duplicates_once", "sgns_v_c_duplicates_once",
                        right_o * U[o] + sigmoid(U[uniq] @ v_c) @ U[uniq]))
            out.append(("duplicates_once", "sgns_skip_o", right_o * U[o] + sigmoid(U[kept] @ v_c) @ U[kept]))
        else:
            G = _scatter(V, d, kept, np.outer(sigmoid(U[kept] @ v_c), v_c))
            G[o] += right_o * v_c
            out.append(("duplicates_once", "sgns_skip_o", G))
            rows = np.concatenate(([o], neg))
            coef = np.concatenate(([right_o], right_k))
            for mode in ("fancy", "assign"):
                out.append(("duplicates_once", "duplicates_once", _scatter(V, d, rows, np.outer(coef, v_c), mode)))
            G = np.zeros((V, d))
            G[o] += right_o * v_c
            G[neg] += np.outer(right_k, v_c)
            out.append(("duplicates_once", "duplicates_once", G))
            G = np.zeros((V, d))
            G[o] = right_o * v_c
            G[neg] = np.outer(right_k, v_c)
            out.append(("duplicates_once", "duplicates_once", G))
        return out

    return build


def _var_cbow(context, c, V_in, U):
    V, d = V_in.shape
    n = len(context)
    h = V_in[context].mean(axis=0)
    z, y_hat, y = _softmax_parts(h, c, U)
    grad_h = U.T @ (y_hat - y)
    n_unique = len(np.unique(context))
    out = []
    for scale in (1.0, 2.0 / n, 1.0 / n ** 2, 1.0 / n_unique):  # none, 1/m, 1/(2m)², 1/#distinct words
        out.append(("cbow_scale", "cbow_scale", _scatter(V, d, context, np.tile(scale * grad_h, (n, 1)))))
    for mode in ("fancy", "assign"):
        out.append(("duplicates_once", "cbow_duplicates_once",
                    _scatter(V, d, context, np.tile(grad_h / n, (n, 1)), mode)))
    for m, key, delta in [
        ("missing_normaliser", "cbow_missing_normaliser", np.exp(z) - y),
        ("missing_normaliser", "cbow_missing_normaliser", np.exp(z - z.max()) - y),
        ("missing_term", "softmax_missing_y", y_hat),
        ("missing_term", "softmax_missing_y_hat", -y),
    ]:
        out.append((m, key, _scatter(V, d, context, np.tile(U.T @ delta / n, (n, 1)))))
    h_sum = V_in[context].sum(axis=0)                          # h = Σ v_w instead of the mean (3.1)
    _, y_hat_sum, _ = _softmax_parts(h_sum, c, U)
    grad_h_sum = U.T @ (y_hat_sum - y)
    for scale in (1.0, 1.0 / n):
        out.append(("cbow_scale", "cbow_sum_not_mean", _scatter(V, d, context, np.tile(scale * grad_h_sum, (n, 1)))))
    return out


def _var_hs(h, points, codes, W):
    sign = 1.0 - 2.0 * codes
    s = W[points] @ h
    Wp = W[points]
    right = -sign * sigmoid(-sign * s)
    out = []
    for g in (-sign, sign, s - (1.0 - codes), -(1.0 - codes), 1.0 - codes, s, -s, s - sign,
              -sign * (1.0 - sign * s), (1.0 - codes) - s):
        out.append(("dropped_sigmoid", "hs_dropped_sigmoid", g @ Wp))
    out.append(("sign", "hs_code_convention", (sign * sigmoid(sign * s)) @ Wp))
    out.append(("sign", "hs_code_convention", (-sign * sigmoid(sign * s)) @ Wp))
    out.append(("sign", "hs_code_convention", (sign * sigmoid(-sign * s)) * np.where(codes == 1, -1.0, 1.0) @ Wp))
    for keep in (slice(1, None), slice(None, -1), slice(0, 1), slice(-1, None)):
        out.append(("missing_term", "hs_missing_node", right[keep] @ Wp[keep]))
    out.append(("sign", "hs_missing_inner_sign", -sigmoid(-sign * s) @ Wp))   # −σ(−sign_j s_j), no factor sign_j
    return out


def _var_gauss(mu_i, var_i, mu_j, var_j):
    delta = mu_i - mu_j
    return [
        ("missing_term", "gauss_missing_variance", -delta / var_i),
        ("missing_term", "gauss_missing_variance", -delta / var_j),
        ("unknown", "gauss_variance_product", -delta / (var_i * var_j)),
    ]


def _var_batch_sgns(H, o, neg, U):
    """Wrong ∂J_B/∂U: the per-pair variants of (2.6) summed over the batch, the batch mean,
    one example only, and fancy-indexed scatters that count a repeated row once."""
    V, d = U.shape
    B = H.shape[0]
    per_row = [_sgns_coefficients(H[b], int(o[b]), neg[b], U) for b in range(B)]
    out = []
    for i, (m, key, _, _) in enumerate(per_row[0][0]):
        G = np.zeros((V, d))
        for b, (coeffs, _, _) in enumerate(per_row):
            _, _, go, gk = coeffs[i]
            np.add.at(G, neg[b], np.outer(gk, H[b]))
            G[o[b]] += go * H[b]
        out.append((m, key, G))
    right_o = np.array([ro for _, ro, _ in per_row])                  # (B,)
    right_k = np.array([rk for _, _, rk in per_row])                  # (B, K)
    rows = np.concatenate((o[:, None], neg), axis=1)                  # (B, K + 1) targets
    coef = np.concatenate((right_o[:, None], right_k), axis=1)
    terms = coef[:, :, None] * H[:, None, :]                          # (B, K + 1, d), one row per term
    ref = _scatter(V, d, rows.ravel(), terms.reshape(-1, d))
    out.append(("off_by_factor", "batch_mean", ref / B))
    for b in (0, B - 1):
        G = _scatter(V, d, rows[b], terms[b])
        out.append(("missing_term", "batch_one_example", G))
    for mode in ("fancy", "assign"):
        out.append(("duplicates_once", "batch_duplicates_once", _scatter(V, d, rows.ravel(), terms.reshape(-1, d),
                                                                          mode)))
    G = np.zeros((V, d))
    G[o] += right_o[:, None] * H
    G[neg] += right_k[:, :, None] * H[:, None, :]
    out.append(("duplicates_once", "batch_duplicates_once", G))
    G = np.zeros((V, d))
    G[o] = right_o[:, None] * H
    G[neg] = right_k[:, :, None] * H[:, None, :]
    out.append(("duplicates_once", "batch_duplicates_once", G))
    return out


def _attention_forward_parts(Q, K, V, d_out, scale=True):
    d_k = Q.shape[1]
    S = Q @ K.T / (math.sqrt(d_k) if scale else 1.0)
    return S, softmax(S, axis=1), d_out @ V.T


def _var_attention(which):
    def build(Q, K, V, d_out):
        d_k = Q.shape[1]
        r = math.sqrt(d_k)
        S, A, dA = _attention_forward_parts(Q, K, V, d_out)
        E, E_shift = np.exp(S), np.exp(S - S.max(axis=1, keepdims=True))
        S1, A1, _ = _attention_forward_parts(Q, K, V, d_out, scale=False)
        A0 = softmax(S, axis=0)                      # normalised over the keys' axis instead of each row
        Ad = softmax(Q @ K.T / d_k, axis=1)          # scaled by d_k instead of √d_k
        out = []
        if which == "V":
            for P in (E, E_shift, S):
                out.append(("missing_normaliser", "attention_missing_normaliser", P.T @ d_out))
            out.append(("off_by_factor", "attention_scale", A1.T @ d_out))
            out.append(("off_by_factor", "attention_scale", Ad.T @ d_out))
            out.append(("missing_normaliser", "attention_softmax_axis", A0.T @ d_out))
            return out
        out.append(("missing_normaliser", "attention_softmax_axis", (A0 * (dA - np.sum(dA * A0, axis=0))) @ K / r))
        out.append(("missing_normaliser", "attention_softmax_axis", (A * (dA - np.sum(dA * A, axis=0))) @ K / r))
        for P in (E, E_shift):
            out.append(("missing_normaliser", "attention_missing_normaliser", _softmax_backward(P, dA) @ K / r))
            out.append(("missing_normaliser", "attention_missing_normaliser", (P * dA) @ K / r))
        out.append(("missing_normaliser", "attention_missing_normaliser", dA @ K / r))
        out.append(("missing_normaliser", "attention_missing_normaliser", dA @ K))
        out.append(("missing_term", "attention_missing_jacobian_term", (A * dA) @ K / r))
        out.append(("off_by_factor", "attention_scale", _softmax_backward(A1, dA) @ K))
        out.append(("off_by_factor", "attention_scale", _softmax_backward(A1, dA) @ K / r))
        out.append(("off_by_factor", "attention_scale", _softmax_backward(A, dA) @ K))
        out.append(("off_by_factor", "attention_scale", _softmax_backward(A, dA) @ K / d_k))
        return out

    return build


# =============================================================================== registry
@dataclass
class _Numeric:
    id: str
    args: tuple            # argument names, for messages
    quantity: dict         # {"en": ..., "ja": ...} what the function returns
    shape: Callable        # args -> expected shape (tuple)
    shape_text: str        # e.g. "(V, d)"
    reference: Callable
    variants: Callable
    cases: Callable
    where: str             # MESSAGES key used in "sign" messages
    scale_mistake: str = "off_by_factor"  # what a positive constant factor is called
    dup_key: str = "duplicates_once"      # MESSAGES key when only inputs with repeated indices fail
    notebook: str = ""
    kind: str = "numeric"

    @property
    def signature(self):
        return f"f({', '.join(self.args)})"


def _q(en, ja):
    return {"en": en, "ja": ja}


NUMERIC = {
    "softmax_grad_v_c": _Numeric(
        "softmax_grad_v_c", ("v_c", "o", "U"), _q("∂J/∂v_c (1.5)", "∂J/∂v_c (1.5)"),
        lambda v_c, o, U: v_c.shape, "(d,)", _ref_softmax_v_c, _var_softmax("v_c"), _skipgram_cases,
        "where.softmax", notebook="01"),
    "softmax_grad_U": _Numeric(
        "softmax_grad_U", ("v_c", "o", "U"), _q("∂J/∂U (1.6)", "∂J/∂U (1.6)"),
        lambda v_c, o, U: U.shape, "(V, d)", _ref_softmax_U, _var_softmax("U"), _skipgram_cases,
        "where.softmax", notebook="01"),
    "neg_sampling_grad_v_c": _Numeric(
        "neg_sampling_grad_v_c", ("v_c", "o", "neg", "U"), _q("∂J/∂v_c (2.5)", "∂J/∂v_c (2.5)"),
        lambda v_c, o, neg, U: v_c.shape, "(d,)", _ref_sgns_v_c, _var_sgns("v_c"), _sgns_cases,
        "where.sgns", dup_key="sgns_v_c_duplicates_once", notebook="02"),
    "neg_sampling_grad_U": _Numeric(
        "neg_sampling_grad_U", ("v_c", "o", "neg", "U"), _q("∂J/∂U (2.6)", "∂J/∂U (2.6)"),
        lambda v_c, o, neg, U: U.shape, "(V, d)", _ref_sgns_U, _var_sgns("U"), _sgns_cases,
        "where.sgns", notebook="02"),
    "cbow_softmax_grad_V_in": _Numeric(
        "cbow_softmax_grad_V_in", ("context", "c", "V_in", "U"), _q("∂J/∂V_in (3.2)", "∂J/∂V_in (3.2)"),
        lambda context, c, V_in, U: V_in.shape, "(V, d)", _ref_cbow, _var_cbow, _cbow_cases,
        "where.softmax", scale_mistake="cbow_scale", dup_key="cbow_duplicates_once", notebook="03"),
    "hs_grad_h": _Numeric(
        "hs_grad_h", ("h", "points", "codes", "W"), _q("∂J/∂h (3.8)", "∂J/∂h (3.8)"),
        lambda h, points, codes, W: h.shape, "(d,)", _ref_hs, _var_hs, _hs_cases,
        "where.hs", notebook="03"),
    "log_expected_likelihood_grad_mu_i": _Numeric(
        "log_expected_likelihood_grad_mu_i", ("mu_i", "var_i", "mu_j", "var_j"),
        _q("∂/∂μ_i log N(0; μ_i − μ_j, Σ_i + Σ_j)", "∂/∂μ_i log N(0; μ_i − μ_j, Σ_i + Σ_j)"),
        lambda mu_i, var_i, mu_j, var_j: mu_i.shape, "(d,)", _ref_gauss, _var_gauss, _gauss_cases,
        "where.gauss", notebook="07"),
    "attention_grad_V": _Numeric(
        "attention_grad_V", ("Q", "K", "V", "d_out"), _q("dV = ∂L/∂V", "dV = ∂L/∂V"),
        lambda Q, K, V, d_out: V.shape, "(n_k, d_v)", lambda *a: _ref_attention(*a)[2], _var_attention("V"),
        _attention_cases, "where.attention", notebook="08"),
    "attention_grad_Q": _Numeric(
        "attention_grad_Q", ("Q", "K", "V", "d_out"), _q("dQ = ∂L/∂Q", "dQ = ∂L/∂Q"),
        lambda Q, K, V, d_out: Q.shape, "(n_q, d_k)", lambda *a: _ref_attention(*a)[0], _var_attention("Q"),
        _attention_cases, "where.attention", notebook="08"),
    "batch_neg_sampling_grad_U": _Numeric(
        "batch_neg_sampling_grad_U", ("H", "o", "neg", "U"), _q("∂J_B/∂U (4.10)", "∂J_B/∂U (4.10)"),
        lambda H, o, neg, U: U.shape, "(V, d)", _ref_batch_sgns_U, _var_batch_sgns, _batch_sgns_cases,
        "where.batch_sgns", dup_key="batch_duplicates_once", notebook="04"),
}


# =============================================================================== numeric checking
def _describe_shapes(args, names):
    parts = []
    for n, a in zip(names, args):
        parts.append(f"{n}.shape={a.shape}" if isinstance(a, np.ndarray) else f"{n}={a!r}")
    return ", ".join(parts)


def _to_array(value):
    """(array, None) or (None, (message_key, fields))."""
    if value is None:
        return None, ("returned_none", {})
    if isinstance(value, tuple) and len(value) > 1:
        return None, ("returned_tuple", {"n": len(value)})
    try:
        arr = np.asarray(value)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise TypeError
        if np.iscomplexobj(arr):
            if np.any(np.abs(arr.imag) > 0):
                raise TypeError
            arr = arr.real
        return arr.astype(np.float64), None
    except Exception:
        return None, ("not_array", {"type": type(value).__name__})


def _is_shape_error(exc):
    """A NumPy product or broadcast whose operand shapes do not fit (e.g. ``U @ delta`` for ``U.T @ delta``)."""
    text = str(exc)
    return isinstance(exc, ValueError) and any(
        t in text for t in ("mismatch in its core dimension", "not aligned", "could not be broadcast"))


def _close(a, b, rtol=1e-5):
    return a.shape == b.shape and np.linalg.norm(a - b) <= rtol * np.linalg.norm(b) + 1e-12


def _ratio(answers, refs):
    """Least-squares α with answers ≈ α·refs, or None when they are not proportional."""
    num = sum(float(np.vdot(a, r)) for a, r in zip(answers, refs))
    den = sum(float(np.vdot(r, r)) for r in refs)
    if den == 0.0:
        return None
    alpha = num / den
    if abs(alpha) < 1e-9:
        return None
    resid = math.sqrt(sum(float(np.sum((a - alpha * r) ** 2)) for a, r in zip(answers, refs)))
    return alpha if resid <= 1e-5 * abs(alpha) * math.sqrt(den) else None


def _fmt(x):
    return f"{x:.4g}"


def _diagnose_values(ex, answers, refs, variants, lang):
    """Variants first, then proportionality (global, then per input). (mistake, message) or None."""
    for i, (mistake, key, _) in enumerate(variants[0]):
        if all(_close(a, var[i][2]) for a, var in zip(answers, variants)):
            return mistake, _msg(key, lang)
    where = _msg(ex.where, lang)
    alpha = _ratio(answers, refs)
    if alpha is not None:
        if alpha < 0:
            if abs(alpha + 1) < 1e-5:
                return "sign", _msg("sign", lang, where=where)
            return "sign", _msg("sign_factor", lang, factor=_fmt(alpha), where=where)
        if ex.scale_mistake == "cbow_scale":
            return "cbow_scale", _msg("cbow_scale", lang)
        return "off_by_factor", _msg("off_by_factor", lang, factor=_fmt(alpha))
    alphas = [_ratio([a], [r]) for a, r in zip(answers, refs)]
    if all(al is not None for al in alphas):
        if all(al > 0 for al in alphas):
            if ex.scale_mistake == "cbow_scale":
                return "cbow_scale", _msg("cbow_scale", lang)
            return "off_by_factor", _msg("off_by_factor_varying", lang, factors=", ".join(_fmt(al) for al in alphas))
        if all(al < 0 for al in alphas):
            return "sign", _msg("sign_factor", lang, factor=", ".join(_fmt(al) for al in alphas), where=where)
    return None


def _check_numeric(ex, answer, lang):
    quantity = ex.quantity[lang]
    if not callable(answer):
        return Feedback(False, "error", _msg("not_callable", lang, signature=ex.signature,
                                             quantity=quantity, type=type(answer).__name__))
    cases = ex.cases()
    refs, answers, mutated = [], [], None
    for case in cases:
        ref = np.asarray(ex.reference(*_copy_args(case.args)), dtype=np.float64)
        refs.append(ref)
        call_args = _copy_args(case.args)
        try:
            with np.errstate(all="ignore"):  # NaN/inf are reported below, without warning noise
                value = answer(*call_args)
        except Exception as exc:  # the learner's function failed: report it, never raise
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else "(no message)"
            key = "error_shapes" if _is_shape_error(exc) else "error"
            return Feedback(False, "error", _msg(key, lang, exc_type=type(exc).__name__, exc_text=text,
                                                 shapes=_describe_shapes(case.args, ex.args)))
        for name, before, after in zip(ex.args, case.args, call_args):
            if isinstance(before, np.ndarray) and mutated is None:
                try:
                    same = np.array_equal(before, after)
                except Exception:
                    same = False
                if not same:
                    mutated = name
        arr, problem = _to_array(value)
        if problem is not None:
            key, fields = problem
            return Feedback(False, "unknown", _msg(key, lang, quantity=quantity, expected=ex.shape_text, **fields))
        answers.append(arr)

    # shapes
    for arr, ref in zip(answers, refs):
        if arr.shape != ref.shape:
            if arr.ndim == 2 and arr.shape == ref.shape[::-1]:
                return Feedback(False, "transpose", _msg("transposed", lang, shape=arr.shape, expected=ref.shape))
            return Feedback(False, "transpose", _msg("wrong_shape", lang, shape=arr.shape, expected=ref.shape,
                                                     quantity=quantity))
    if not all(np.all(np.isfinite(a)) for a in answers):
        return Feedback(False, "not_finite", _msg("not_finite", lang))

    if all(_close(a, r) for a, r in zip(answers, refs)):
        if mutated is not None:
            return Feedback(True, None, _msg("correct_mutated", lang, arg=mutated))
        return Feedback(True, None, _msg("correct", lang, n=len(cases)))

    # a transposed answer that happens to have the right (square) shape
    if all(a.ndim == 2 and a.shape[0] == a.shape[1] for a in answers) and all(
            _close(a, r.T) for a, r in zip(answers, refs)):
        return Feedback(False, "transpose", _msg("transposed", lang, shape=answers[0].shape, expected=refs[0].shape))

    variants = [ex.variants(*_copy_args(c.args)) for c in cases]
    found = _diagnose_values(ex, answers, refs, variants, lang)
    if found:
        return Feedback(False, *found)

    # right on every input without repeated indices, wrong with them
    plain = [i for i, c in enumerate(cases) if not c.dup]
    if len(plain) < len(cases) and all(_close(answers[i], refs[i]) for i in plain):
        return Feedback(False, "duplicates_once", _msg(ex.dup_key, lang))
    # two mistakes at once (e.g. a dropped σ plus duplicates): name the one seen without repeats
    if len(plain) < len(cases):
        found = _diagnose_values(ex, [answers[i] for i in plain], [refs[i] for i in plain],
                                 [variants[i] for i in plain], lang)
        if found:
            return Feedback(False, *found)
    if all(not np.any(a) for a in answers):
        return Feedback(False, "unknown", _msg("all_zero", lang))
    return Feedback(False, "unknown", _msg("unknown", lang))


# =============================================================================== public API
def _all_ids():
    return list(NUMERIC) + list(SYMBOLIC)


def check(exercise_id, answer, lang=None) -> Feedback:
    """Check a learner's answer and diagnose the mistake.

    Parameters
    ----------
    exercise_id : str
        One of :data:`EXERCISE_IDS`.
    answer : callable or sympy expression
        For a numeric exercise, a function with the reference's arguments
        returning the asked gradient; for a symbolic one, a SymPy expression
        (or a string) in the exercise's symbols.
    lang : {"en", "ja"}, optional
        Language of the message; ``None`` follows :func:`w2vlib.i18n.resolve_language`.

    Returns
    -------
    Feedback
        ``correct``, ``mistake`` (``None`` or one of :data:`MISTAKES`) and ``message``.
        Never raises on learner input.
    """
    lang, note = _lang(lang)
    try:
        if isinstance(exercise_id, str) and exercise_id in NUMERIC:
            fb = _check_numeric(NUMERIC[exercise_id], answer, lang)
        elif isinstance(exercise_id, str) and exercise_id in SYMBOLIC:
            fb = _check_symbolic(SYMBOLIC[exercise_id], answer, lang)
        else:
            return Feedback(False, "unknown", _msg("unknown_id", lang, given=repr(exercise_id),
                                                   ids=", ".join(_all_ids())) + note)
    except Exception as exc:  # pragma: no cover - last line of defence: never raise on learner input
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else "(no message)"
        fb = Feedback(False, "error", _msg("error", lang, exc_type=type(exc).__name__, exc_text=text, shapes="-"))
    if note:
        fb.message += note
    return fb


def hint(exercise_id, level=1, lang=None) -> str:
    """Hint number ``level`` (1, 2, …: increasing detail) for an exercise.

    A level past the last one returns the last (most explicit) hint; a level
    below 1 returns the first. An unknown id returns a message listing the
    valid ids. Never raises on learner input.
    """
    lang, note = _lang(lang)
    if not (isinstance(exercise_id, str) and exercise_id in HINTS):
        return _msg("unknown_id", lang, given=repr(exercise_id), ids=", ".join(_all_ids())) + note
    hints = HINTS[exercise_id]
    try:
        n = int(level)
    except Exception:
        return _msg("hint_no_level", lang, given=repr(level)) + " " + hints[0][lang] + note
    n = min(max(n, 1), len(hints))
    return hints[n - 1][lang] + note


# =============================================================================== symbolic exercises
#: Names under which σ may appear as an undefined SymPy function (replaced by 1/(1 + exp(−x))).
SIGMA_NAMES = ("sigma", "σ", "sigmoid", "logistic", "expit")


@dataclass
class _Symbolic:
    id: str
    symbols: tuple         # canonical symbol names, in the order a callable answer receives them
    build: Callable        # sympy module -> dict(canon=..., ref=..., variants=[(mistake, key, expr)], points=[...])
    notebook: str = ""
    kind: str = "symbolic"
    _built: dict | None = None

    @property
    def where(self):
        return f"where.{self.id}"

    def spec(self):
        if self._built is None:
            import sympy

            self._built = self.build(sympy)
        return self._built


def _sigma_expr(sp, x):
    return 1 / (1 + sp.exp(-x))


def _uniform_points(names, lows, highs, n=8, seed=0, integers=()):
    rng = np.random.default_rng(seed)
    pts = []
    for _ in range(n):
        pts.append({nm: (int(rng.integers(lo, hi + 1)) if nm in integers else float(rng.uniform(lo, hi)))
                    for nm, lo, hi in zip(names, lows, highs)})
    return pts


def _build_sigmoid_derivative(sp):
    x = sp.Symbol("x", real=True)
    s = _sigma_expr(sp, x)
    return dict(
        canon={"x": x}, ref=s * (1 - s),
        variants=[("missing_term", "sigmoid_missing_factor", s),
                  ("missing_term", "sigmoid_missing_factor", 1 - s),
                  ("missing_term", "sigmoid_missing_factor", sp.exp(-x)),
                  ("sign", "sigmoid_sign_inside", s * (1 + s)),
                  ("missing_term", "sigmoid_missing_inner", -s ** 2),     # d/dx (1 + e^{−x})^{−1} without the inner factor
                  ("missing_term", "sigmoid_missing_inner", s ** 2)],
        points=_uniform_points(["x"], [-3], [3], seed=5101))


def _build_log_sigmoid_derivative(sp):
    x = sp.Symbol("x", real=True)
    s = _sigma_expr(sp, x)
    return dict(
        canon={"x": x}, ref=1 - s,
        variants=[("sign", "log_sigmoid_sign_inside", s),
                  ("missing_term", "log_sigmoid_missing_chain", 1 / s),
                  ("missing_term", "log_sigmoid_missing_chain", s * (1 - s))],
        points=_uniform_points(["x"], [-3], [3], seed=5102))


def _build_softmax_jacobian_entry(sp):
    y_i, y_j = sp.Symbol("y_i", positive=True), sp.Symbol("y_j", positive=True)
    i, j = sp.Symbol("i", integer=True), sp.Symbol("j", integer=True)
    delta = sp.KroneckerDelta(i, j)
    rng = np.random.default_rng(5103)
    points = []
    for n in range(10):  # j = i (then ŷ_j = ŷ_i) and j != i
        yi = float(rng.uniform(0.05, 0.9))
        if n % 2 == 0:
            points.append({"i": 1 + n, "j": 1 + n, "y_i": yi, "y_j": yi})
        else:
            points.append({"i": 1 + n, "j": 2 + n, "y_i": yi, "y_j": float(rng.uniform(0.05, 1 - yi))})
    return dict(
        canon={"y_i": y_i, "y_j": y_j, "i": i, "j": j}, ref=y_i * (delta - y_j),
        indexed="z",  # also accepted: exp(z[i]) / Sum(exp(z[k]), (k, 0, V - 1)) written with IndexedBase("z")
        variants=[("missing_term", "jacobian_missing_offdiag", y_i * delta),
                  ("missing_term", "jacobian_missing_offdiag", y_i * delta * (1 - y_j)),
                  ("missing_term", "jacobian_missing_delta", -y_i * y_j),
                  ("missing_term", "jacobian_missing_delta", y_i * (1 - y_j))],
        points=points)


def _build_neg_sampling_scalar_grad(sp):
    x = sp.Symbol("x", real=True)
    s = _sigma_expr(sp, x)
    return dict(
        canon={"x": x}, ref=s - 1,
        variants=[("missing_term", "scalar_grad_missing_one", s),
                  ("missing_term", "scalar_grad_missing_chain", -1 / s),
                  ("dropped_sigmoid", "scalar_grad_dropped_sigmoid", sp.Integer(-1)),
                  ("dropped_sigmoid", "scalar_grad_dropped_sigmoid", x - 1),
                  ("sign", "scalar_grad_sign_inside", _sigma_expr(sp, -x) - 1),
                  ("missing_term", "sgns_sigma_prime", -s * (1 - s))],
        points=_uniform_points(["x"], [-3], [3], seed=5104))


def _build_gaussian_product_integral(sp):
    mu_i, mu_j = sp.Symbol("mu_i", real=True), sp.Symbol("mu_j", real=True)
    var_i, var_j = sp.Symbol("var_i", positive=True), sp.Symbol("var_j", positive=True)
    S = var_i + var_j
    kernel = sp.exp(-(mu_i - mu_j) ** 2 / (2 * S))
    P = var_i * var_j
    return dict(
        canon={"mu_i": mu_i, "mu_j": mu_j, "var_i": var_i, "var_j": var_j},
        ref=kernel / sp.sqrt(2 * sp.pi * S),
        variants=[("missing_normaliser", "gauss_missing_normaliser", kernel),
                  ("unknown", "gauss_variance_product", sp.exp(-(mu_i - mu_j) ** 2 / (2 * P)) / sp.sqrt(2 * sp.pi * P)),
                  ("unknown", "gauss_variance_product", kernel / sp.sqrt(2 * sp.pi * P))],
        points=_uniform_points(["mu_i", "mu_j", "var_i", "var_j"], [-2, -2, 0.3, 0.3], [2, 2, 3, 3], seed=5105))


def _build_sgns_optimal_dot(sp):
    n_wc, n_w, n_c, D, k = (sp.Symbol(n, positive=True) for n in ("n_wc", "n_w", "n_c", "D", "k"))
    pmi = sp.log(n_wc * D / (n_w * n_c))
    rng = np.random.default_rng(5106)
    points = []
    for _ in range(8):
        nw, nc = rng.uniform(5, 300, 2)
        points.append({"n_w": float(nw), "n_c": float(nc), "n_wc": float(rng.uniform(1, min(nw, nc))),
                       "D": float(rng.uniform(1e3, 1e5)), "k": int(rng.integers(2, 16))})
    return dict(
        canon={"n_wc": n_wc, "n_w": n_w, "n_c": n_c, "D": D, "k": k}, ref=pmi - sp.log(k),
        variants=[("missing_term", "sgns_missing_shift", pmi),
                  ("sign", "sgns_shift_sign", pmi + sp.log(k)),
                  ("missing_term", "sgns_missing_D", sp.log(n_wc / (n_w * n_c)) - sp.log(k)),
                  ("missing_term", "sgns_missing_D", sp.log(n_wc / (n_w * n_c * k))),
                  ("unknown", "sgns_missing_log", n_wc * D / (n_w * n_c * k)),
                  ("unknown", "sgns_missing_log", n_wc * D / (n_w * n_c))],
        points=points)


def _build_subsampling_keep_probability(sp):
    z, t = sp.Symbol("z", positive=True), sp.Symbol("t", positive=True)
    keep = sp.sqrt(t / z) + t / z
    paper = sp.sqrt(t / z)
    rng = np.random.default_rng(5108)
    points = []
    for n in range(10):  # z/t below φ² (the code keeps always, keep > 1) and well above
        tt = float(10 ** rng.uniform(-5, -2))
        ratio = float(rng.uniform(0.4, 2.5)) if n % 3 == 0 else float(10 ** rng.uniform(0.5, 2.5))
        points.append({"z": tt * ratio, "t": tt})
    return dict(
        canon={"z": z, "t": t}, ref=keep,
        variants=[("missing_term", "subsampling_paper_rule", paper),
                  ("missing_term", "subsampling_paper_rule", sp.Min(1, paper)),
                  ("unknown", "subsampling_min", sp.Min(1, keep)),
                  ("missing_term", "subsampling_one_term", t / z),
                  ("missing_term", "subsampling_missing_factor", sp.sqrt(z / t) + 1),
                  ("unknown", "subsampling_discard", 1 - paper),
                  ("unknown", "subsampling_discard", 1 - keep),
                  ("unknown", "subsampling_discard", 1 - sp.Min(1, keep)),
                  ("unknown", "subsampling_swapped", sp.sqrt(z / t) + z / t),
                  ("unknown", "subsampling_swapped", sp.sqrt(z / t))],
        points=points)


def _build_window_distance_weight(sp):
    j, m = sp.Symbol("j", integer=True, positive=True), sp.Symbol("m", integer=True, positive=True)
    # every distance of small windows, j = m (only b = 0) and j = 1 (every b) included
    pairs = [(1, 1), (2, 1), (2, 2), (3, 2), (5, 1), (5, 3), (5, 5), (7, 4), (8, 8), (10, 6)]
    return dict(
        canon={"j": j, "m": m}, ref=(m - j + 1) / m,
        variants=[("unknown", "window_off_by_one", (m - j) / m),
                  ("unknown", "window_off_by_one", (m - j - 1) / m),
                  ("unknown", "window_off_by_one", (m - j + 2) / m),
                  ("unknown", "window_count_values", (m - j + 1) / (m + 1)),
                  ("unknown", "window_count_values", (m - j) / (m + 1)),
                  ("unknown", "window_inverted", j / m),
                  ("unknown", "window_inverted", (j - 1) / m),
                  ("unknown", "window_one_value", 1 / m)],
        points=[{"j": jj, "m": mm} for mm, jj in pairs])


SYMBOLIC: dict[str, _Symbolic] = {
    "sigmoid_derivative": _Symbolic("sigmoid_derivative", ("x",), _build_sigmoid_derivative, "02"),
    "log_sigmoid_derivative": _Symbolic("log_sigmoid_derivative", ("x",), _build_log_sigmoid_derivative, "02"),
    "softmax_jacobian_entry": _Symbolic("softmax_jacobian_entry", ("y_i", "y_j", "i", "j"),
                                        _build_softmax_jacobian_entry, "01"),
    "neg_sampling_scalar_grad": _Symbolic("neg_sampling_scalar_grad", ("x",), _build_neg_sampling_scalar_grad, "02"),
    "gaussian_product_integral": _Symbolic("gaussian_product_integral", ("mu_i", "mu_j", "var_i", "var_j"),
                                           _build_gaussian_product_integral, "07"),
    "sgns_optimal_dot": _Symbolic("sgns_optimal_dot", ("n_wc", "n_w", "n_c", "D", "k"), _build_sgns_optimal_dot, "06"),
    "subsampling_keep_probability": _Symbolic("subsampling_keep_probability", ("z", "t"),
                                              _build_subsampling_keep_probability, "04"),
    "window_distance_weight": _Symbolic("window_distance_weight", ("j", "m"), _build_window_distance_weight, "04"),
}


def _first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _read_expression(ex, answer, spec, sp, lang=None):
    """(expr, None) or (None, (message_key, fields)). Symbols are rebuilt by name."""
    canon = spec["canon"]
    from sympy.core.function import AppliedUndef

    expected = ", ".join(ex.symbols)
    local = dict(canon)
    local.update({n: sp.Function(n) for n in SIGMA_NAMES})
    local.update({"KroneckerDelta": sp.KroneckerDelta, "delta": sp.KroneckerDelta, "δ": sp.KroneckerDelta})
    try:
        if isinstance(answer, sp.Basic):
            expr = answer
        elif isinstance(answer, str):
            expr = sp.sympify(answer, locals=local)
        elif callable(answer):
            expr = sp.sympify(answer(*[canon[n] for n in ex.symbols]))
        elif isinstance(answer, (int, float, np.number)) and not isinstance(answer, bool):
            expr = sp.sympify(answer)
        else:
            raise TypeError(f"{type(answer).__name__} is not an expression")
        if isinstance(expr, sp.Equality):
            expr = expr.rhs
        if not isinstance(expr, sp.Expr):
            raise TypeError(f"{type(expr).__name__} is not a scalar expression")
        expr = expr.replace(
            lambda e: isinstance(e, AppliedUndef) and e.func.__name__ in SIGMA_NAMES and len(e.args) == 1,
            lambda e: _sigma_expr(sp, e.args[0]))
        if expr.has(sp.Derivative):
            expr = expr.doit()
    except Exception as exc:
        return None, ("sym_not_expression", {"expected": expected, "type": type(answer).__name__,
                                             "exc_text": _first_line(exc)})
    allowed = set(canon)
    indexed = spec.get("indexed")
    if indexed:
        expected += ("" if lang == "ja" else " ") + _msg("sym_or_indexed", lang or "en", base=indexed)
    if indexed and _indexed_atoms(expr, indexed, sp):  # e.g. exp(z[i]) / Sum(exp(z[k]), (k, 0, V - 1))
        allowed |= {indexed} | {str(a) for a in _indexed_atoms(expr, indexed, sp)} | {
            s.name for s in _sum_limit_symbols(expr, sp)}
    unexpected = sorted({str(s) for s in expr.free_symbols if str(s) not in allowed}
                        | {f"{f.func.__name__}(…)" for f in expr.atoms(AppliedUndef)})
    if unexpected:
        return None, ("sym_unexpected_symbols", {"unexpected": ", ".join(unexpected), "expected": expected})
    return expr.xreplace({s: canon[s.name] for s in expr.free_symbols
                          if isinstance(s, sp.Symbol) and s.name in canon}), None


def _indexed_atoms(expr, base, sp):
    return {a for a in expr.atoms(sp.Indexed) if str(a.base.label) == base}


def _sum_limit_symbols(expr, sp):
    """Free symbols in the limits of the Sums in expr (the vocabulary size, e.g. V or n)."""
    out = set()
    for sm in expr.atoms(sp.Sum):
        for _, lo, hi in sm.limits:
            out |= sp.sympify(lo).free_symbols | sp.sympify(hi).free_symbols
    return {x for x in out if isinstance(x, sp.Symbol)}


def _indexed_points(expr, spec, sp, n_points=8, size=6, seed=5107):
    """Evaluation points for an answer written with indexed logits z[·] and a Sum normaliser.

    Returns (raw canonical points for the reference, answer values). The Sum's
    own limits (after setting the size symbol to ``size``) decide which z
    entries exist, so both 0-based and 1-based sums work.
    """
    canon = spec["canon"]
    base = next(iter(_indexed_atoms(expr, spec["indexed"], sp))).base
    size_syms = {x for x in _sum_limit_symbols(expr, sp) if x.name not in canon}
    sub_size = {x: sp.Integer(size) for x in size_syms}
    lo, hi = 0, size - 1
    sums = expr.xreplace(sub_size).atoms(sp.Sum)
    if sums:
        _, a, b = next(iter(sums)).limits[0]
        lo, hi = int(a), int(b)
    rng = np.random.default_rng(seed)
    raw, values = [], []
    for n in range(n_points):
        zs = rng.normal(0.0, 1.0, hi - lo + 1)
        ii = int(rng.integers(lo, hi + 1))
        jj = ii if n % 2 == 0 else int(rng.choice([t for t in range(lo, hi + 1) if t != ii]))
        y = softmax(zs)
        raw.append({"i": ii, "j": jj, "y_i": float(y[ii - lo]), "y_j": float(y[jj - lo])})
        e = expr.xreplace({**sub_size, canon["i"]: sp.Integer(ii), canon["j"]: sp.Integer(jj)}).doit()
        e = e.xreplace({base[sp.Integer(t)]: sp.Float(float(zs[t - lo]), 30) for t in range(lo, hi + 1)})
        values.append(_evaluate(e, {}, sp))
    return raw, values


def _evaluate(expr, point, sp):
    """Value of expr at a point (name -> number) as a Python complex, or None if not a finite number."""
    try:
        subs = {sym: (sp.Integer(v) if isinstance(v, int) else sp.Float(v, 30)) for sym, v in point.items()}
        val = sp.N(expr.xreplace(subs), 30)
        if val.free_symbols:
            return None
        z = complex(val)
    except Exception:
        return None
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        return None
    return z


def _simplifies_to_zero(expr, sp):
    """sympy.simplify(expr) == 0 for expressions small enough to simplify quickly."""
    try:
        return sp.count_ops(expr) < 200 and sp.simplify(expr) == 0
    except Exception:
        return False


def _same(a, b, tol=1e-9):
    return all(abs(x - y) <= tol * max(1.0, abs(y)) for x, y in zip(a, b))


def _show_point(point):
    return "(" + ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in point.items()) + ")"


def _check_symbolic(ex, answer, lang):
    import sympy as sp

    spec = ex.spec()
    canon = spec["canon"]
    expr, problem = _read_expression(ex, answer, spec, sp, lang)
    if problem is not None:
        key, fields = problem
        return Feedback(False, "unknown", _msg(key, lang, **fields))
    if spec.get("indexed") and _indexed_atoms(expr, spec["indexed"], sp):
        raw_points, raw_values = _indexed_points(expr, spec, sp)
    else:
        raw_points, raw_values = spec["points"], None
    points = [{canon[n]: v for n, v in p.items()} for p in raw_points]
    ref_vals = [_evaluate(spec["ref"], p, sp) for p in points]
    ans_vals = []
    for n, (p, raw) in enumerate(zip(points, raw_points)):
        v = _evaluate(expr, p, sp) if raw_values is None else raw_values[n]
        if v is None or abs(v.imag) > 1e-9 * max(1.0, abs(v)):
            if _simplifies_to_zero(expr - spec["ref"], sp):  # e.g. a form SymPy cannot evaluate there
                return Feedback(True, None, _msg("correct", lang, n=len(points)))
            return Feedback(False, "not_finite", _msg("sym_not_finite", lang, point=_show_point(raw)))
        ans_vals.append(v.real)
    ref_vals = [v.real for v in ref_vals]
    if _same(ans_vals, ref_vals):
        return Feedback(True, None, _msg("correct", lang, n=len(points)))

    for mistake, key, var in spec["variants"]:
        var_vals = [_evaluate(var, p, sp) for p in points]
        if all(v is not None for v in var_vals) and _same(ans_vals, [v.real for v in var_vals]):
            return Feedback(False, mistake, _msg(key, lang))
    a, r = np.array(ans_vals), np.array(ref_vals)
    den = float(r @ r)
    if den > 0:
        alpha = float(a @ r) / den
        if abs(alpha) > 1e-9 and np.linalg.norm(a - alpha * r) <= 1e-7 * abs(alpha) * math.sqrt(den):
            where = _msg(ex.where, lang)
            if abs(alpha + 1) < 1e-7:
                return Feedback(False, "sign", _msg("sym_sign", lang, where=where))
            mistake = "sign" if alpha < 0 else "off_by_factor"
            return Feedback(False, mistake, _msg("sym_factor", lang, factor=_fmt(alpha)))
    worst = int(np.argmax(np.abs(a - r)))
    return Feedback(False, "unknown", _msg("sym_unknown", lang, point=_show_point(raw_points[worst])))


#: exercise id -> {"kind": "numeric" | "symbolic", "notebook": "NN", "signature"/"symbols": ...}
EXERCISES: dict[str, dict] = {
    **{k: {"kind": "numeric", "notebook": ex.notebook, "signature": ex.signature, "returns": ex.shape_text}
       for k, ex in NUMERIC.items()},
    **{k: {"kind": "symbolic", "notebook": ex.notebook, "symbols": list(ex.symbols)} for k, ex in SYMBOLIC.items()},
}
#: all exercise ids, numeric first
EXERCISE_IDS: list[str] = list(EXERCISES)
NUMERIC_IDS: list[str] = list(NUMERIC)
SYMBOLIC_IDS: list[str] = list(SYMBOLIC)
