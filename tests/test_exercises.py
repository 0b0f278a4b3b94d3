"""The exercise checker: right answers pass, every known mistake is named, nothing raises.

The candidate answers below are written the way a learner would write them
(loops, fancy indexing, np.add.at, formulas from the notebooks), independently
of the wrong variants that w2vlib.exercises builds internally.
"""
import re
import string

import numpy as np
import pytest

from w2vlib import exercises as ex
from w2vlib import i18n

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def sig(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def sm(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


@pytest.fixture(autouse=True)
def english(monkeypatch, tmp_path):
    """Default language English regardless of the caller's environment."""
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)


def diagnose(eid, answer, **kw):
    fb = ex.check(eid, answer, **kw)
    assert isinstance(fb, ex.Feedback)
    assert isinstance(fb.message, str) and fb.message
    assert fb.mistake is None or fb.mistake in ex.MISTAKES
    assert fb.correct == (fb.mistake is None)
    return fb


# ============================================================================ naive softmax
def sm_grad_v_c(v_c, o, U):
    y_hat = sm(U @ v_c)
    y_hat[o] -= 1.0
    return U.T @ y_hat


def sm_grad_v_c_loop(v_c, o, U):  # −u_o + Σ_w ŷ_w u_w, written as a loop with a naive softmax
    z = U @ v_c
    p = np.exp(z) / np.sum(np.exp(z))
    g = -U[o].copy()
    for w in range(U.shape[0]):
        g = g + p[w] * U[w]
    return g


def sm_grad_U(v_c, o, U):
    delta = sm(U @ v_c)
    delta[o] -= 1.0
    return np.outer(delta, v_c)


def sm_grad_U_rows(v_c, o, U):
    p = sm(U @ v_c)
    G = p[:, None] * v_c[None, :]
    G[o] -= v_c
    return G


def test_softmax_grad_v_c_correct():
    for f in (sm_grad_v_c, sm_grad_v_c_loop):
        assert diagnose("softmax_grad_v_c", f).correct


def test_softmax_grad_U_correct():
    for f in (sm_grad_U, sm_grad_U_rows):
        assert diagnose("softmax_grad_U", f).correct


@pytest.mark.parametrize("answer, mistake", [
    (lambda v_c, o, U: -sm_grad_v_c(v_c, o, U), "sign"),
    (lambda v_c, o, U: U.T @ (np.eye(U.shape[0])[o] - sm(U @ v_c)), "sign"),
    (lambda v_c, o, U: U.T @ (np.exp(U @ v_c) - np.eye(U.shape[0])[o]), "missing_normaliser"),
    (lambda v_c, o, U: U.T @ sm(U @ v_c), "missing_term"),
    (lambda v_c, o, U: -U[o], "missing_term"),
    (lambda v_c, o, U: 0.5 * sm_grad_v_c(v_c, o, U), "off_by_factor"),
    (lambda v_c, o, U: sm_grad_v_c(v_c, o, U).reshape(1, -1), "transpose"),
    (lambda v_c, o, U: sm(U @ v_c), "transpose"),  # returned ŷ, shape (V,)
    (lambda v_c, o, U: sm_grad_v_c(v_c, o, U) / 0.0, "not_finite"),
])
def test_softmax_grad_v_c_mistakes(answer, mistake):
    with np.errstate(all="ignore"):
        assert diagnose("softmax_grad_v_c", answer).mistake == mistake


@pytest.mark.parametrize("answer, mistake", [
    (lambda v_c, o, U: -sm_grad_U(v_c, o, U), "sign"),
    (lambda v_c, o, U: np.outer(v_c, sm(U @ v_c) - np.eye(U.shape[0])[o]), "transpose"),
    (lambda v_c, o, U: sm_grad_U(v_c, o, U).T, "transpose"),
    (lambda v_c, o, U: np.outer(np.exp(U @ v_c) - np.eye(U.shape[0])[o], v_c), "missing_normaliser"),
    (lambda v_c, o, U: np.outer(sm(U @ v_c), v_c), "missing_term"),
    (lambda v_c, o, U: 3 * sm_grad_U(v_c, o, U), "off_by_factor"),
])
def test_softmax_grad_U_mistakes(answer, mistake):
    assert diagnose("softmax_grad_U", answer).mistake == mistake


# ============================================================================ negative sampling
def ns_grad_v_c(v_c, o, neg, U):
    s = U[neg] @ v_c
    return -sig(-U[o] @ v_c) * U[o] + sig(s) @ U[neg]


def ns_grad_v_c_loop(v_c, o, neg, U):  # (σ(s_o) − 1) form, one term per occurrence
    g = (sig(U[o] @ v_c) - 1.0) * U[o]
    for k in neg:
        g = g + (1.0 - sig(-U[k] @ v_c)) * U[k]
    return g


def ns_grad_U(v_c, o, neg, U):
    G = np.zeros_like(U)
    G[o] += -sig(-U[o] @ v_c) * v_c
    np.add.at(G, neg, np.outer(sig(U[neg] @ v_c), v_c))
    return G


def ns_grad_U_loop(v_c, o, neg, U):
    G = np.zeros(U.shape)
    G[o] = G[o] + (sig(U[o] @ v_c) - 1) * v_c
    for k in neg:
        G[k] = G[k] + sig(U[k] @ v_c) * v_c
    return G


def test_neg_sampling_correct():
    for f in (ns_grad_v_c, ns_grad_v_c_loop):
        assert diagnose("neg_sampling_grad_v_c", f).correct
    for f in (ns_grad_U, ns_grad_U_loop):
        assert diagnose("neg_sampling_grad_U", f).correct


def _ns_v_c(pos, negf):
    """∂J/∂v_c with per-score derivatives pos(s_o), negf(s_k)."""
    return lambda v_c, o, neg, U: pos(U[o] @ v_c) * U[o] + negf(U[neg] @ v_c) @ U[neg]


def _ns_U(pos, negf, accumulate=True):
    def f(v_c, o, neg, U):
        G = np.zeros_like(U)
        G[o] += pos(U[o] @ v_c) * v_c
        if accumulate:
            np.add.at(G, neg, np.outer(negf(U[neg] @ v_c), v_c))
        else:
            G[neg] += np.outer(negf(U[neg] @ v_c), v_c)
        return G
    return f


RIGHT_POS = lambda s: -sig(-s)  # noqa: E731
RIGHT_NEG = lambda s: sig(s)  # noqa: E731
NS_MISTAKES = [
    ("sign", lambda s: sig(-s), lambda s: -sig(s)),
    ("dropped_sigmoid", lambda s: -1.0, RIGHT_NEG),                     # σ(s_o) − 1 → (1) − 1 … written −1
    ("dropped_sigmoid", lambda s: s - 1.0, RIGHT_NEG),                  # score instead of σ
    ("dropped_sigmoid", RIGHT_POS, lambda s: np.ones_like(s)),
    ("dropped_sigmoid", RIGHT_POS, lambda s: s),
    ("dropped_sigmoid", lambda s: -1.0, lambda s: np.ones_like(s)),
    ("missing_term", RIGHT_POS, lambda s: np.zeros_like(s)),           # only the positive term
    ("missing_term", lambda s: 0.0, RIGHT_NEG),                         # only the negatives
    ("off_by_factor", lambda s: -2 * sig(-s), lambda s: 2 * sig(s)),
]


@pytest.mark.parametrize("mistake, pos, negf", NS_MISTAKES)
def test_neg_sampling_grad_v_c_mistakes(mistake, pos, negf):
    assert diagnose("neg_sampling_grad_v_c", _ns_v_c(pos, negf)).mistake == mistake


@pytest.mark.parametrize("mistake, pos, negf", NS_MISTAKES)
def test_neg_sampling_grad_U_mistakes(mistake, pos, negf):
    assert diagnose("neg_sampling_grad_U", _ns_U(pos, negf)).mistake == mistake


def test_neg_sampling_only_positive_term_written_as_learner_would():
    fb = diagnose("neg_sampling_grad_v_c", lambda v_c, o, neg, U: -sig(-U[o] @ v_c) * U[o])
    assert fb.mistake == "missing_term"
    assert "negative" in fb.message


def test_neg_sampling_grad_U_fancy_assignment_is_duplicates_once():
    fb = diagnose("neg_sampling_grad_U", _ns_U(RIGHT_POS, RIGHT_NEG, accumulate=False))
    assert fb.mistake == "duplicates_once"

    def concat_fancy(v_c, o, neg, U):  # rows o and neg in one fancy update
        rows = np.r_[o, neg]
        coef = np.r_[-sig(-U[o] @ v_c), sig(U[neg] @ v_c)]
        G = np.zeros_like(U)
        G[rows] += np.outer(coef, v_c)
        return G
    assert diagnose("neg_sampling_grad_U", concat_fancy).mistake == "duplicates_once"

    def overwrite(v_c, o, neg, U):  # G[neg] = … overwrites row o when o is among the negatives
        G = np.zeros_like(U)
        G[o] = -sig(-U[o] @ v_c) * v_c
        for k in neg:
            G[k] += sig(U[k] @ v_c) * v_c
        for k in neg:
            if k == o:
                G[k] = sig(U[k] @ v_c) * v_c
        return G
    assert diagnose("neg_sampling_grad_U", overwrite).mistake == "duplicates_once"


def test_neg_sampling_grad_v_c_unique_negatives_is_duplicates_once():
    def unique(v_c, o, neg, U):
        n = np.unique(neg)
        return -sig(-U[o] @ v_c) * U[o] + sig(U[n] @ v_c) @ U[n]
    assert diagnose("neg_sampling_grad_v_c", unique).mistake == "duplicates_once"


def test_two_mistakes_name_the_one_visible_without_duplicates():
    f = _ns_U(RIGHT_POS, lambda s: np.ones_like(s), accumulate=False)  # dropped σ AND fancy update
    assert diagnose("neg_sampling_grad_U", f).mistake == "dropped_sigmoid"


def test_neg_sampling_grad_U_transposed():
    assert diagnose("neg_sampling_grad_U", lambda *a: ns_grad_U(*a).T).mistake == "transpose"


# ============================================================================ CBOW
def cbow_grad(context, c, V_in, U):
    h = V_in[context].mean(axis=0)
    delta = sm(U @ h)
    delta[c] -= 1
    G = np.zeros_like(V_in)
    np.add.at(G, context, U.T @ delta / len(context))
    return G


def cbow_grad_loop(context, c, V_in, U):
    two_m = len(context)
    h = sum(V_in[w] for w in context) / two_m
    p = np.exp(U @ h) / np.exp(U @ h).sum()
    grad_h = U.T @ p - U[c]
    G = np.zeros(V_in.shape)
    for w in context:
        G[w] += grad_h / two_m
    return G


def _cbow(scale=lambda n: 1.0 / n, accumulate=True, error=lambda z, c: sm(z) - np.eye(len(z))[c]):
    def f(context, c, V_in, U):
        n = len(context)
        h = V_in[context].mean(axis=0)
        grad_h = U.T @ error(U @ h, c)
        G = np.zeros_like(V_in)
        if accumulate:
            np.add.at(G, context, scale(n) * grad_h)
        else:
            G[context] += scale(n) * grad_h
        return G
    return f


def test_cbow_correct():
    for f in (cbow_grad, cbow_grad_loop):
        assert diagnose("cbow_softmax_grad_V_in", f).correct


@pytest.mark.parametrize("answer, mistake", [
    (_cbow(scale=lambda n: 1.0), "cbow_scale"),                 # no 1/2m
    (_cbow(scale=lambda n: 2.0 / n), "cbow_scale"),             # divided by m
    (_cbow(scale=lambda n: 1.0 / n ** 2), "cbow_scale"),        # divided twice
    (_cbow(accumulate=False), "duplicates_once"),
    (_cbow(error=lambda z, c: np.exp(z) - np.eye(len(z))[c]), "missing_normaliser"),
    (_cbow(error=lambda z, c: sm(z)), "missing_term"),
    (_cbow(error=lambda z, c: np.eye(len(z))[c] - sm(z)), "sign"),
    (lambda *a: cbow_grad(*a).T, "transpose"),
])
def test_cbow_mistakes(answer, mistake):
    assert diagnose("cbow_softmax_grad_V_in", answer).mistake == mistake


# ============================================================================ hierarchical softmax
def hs_grad(h, points, codes, W):
    sign = 1 - 2 * codes
    g = -sign * sig(-sign * (W[points] @ h))
    return g @ W[points]


def hs_grad_word2vec_c(h, points, codes, W):  # word2vec.c: g = (1 − code − σ(f)), grad = −g·W
    grad = np.zeros(W.shape[1])
    for p, c in zip(points, codes):
        f = sig(W[p] @ h)
        grad -= (1 - c - f) * W[p]
    return grad


def _hs(per_node):
    return lambda h, points, codes, W: per_node(W[points] @ h, codes) @ W[points]


def test_hs_correct():
    for f in (hs_grad, hs_grad_word2vec_c):
        assert diagnose("hs_grad_h", f).correct


@pytest.mark.parametrize("answer, mistake", [
    (_hs(lambda s, c: -(1 - 2 * c)), "dropped_sigmoid"),            # σ(−x) → 1
    (_hs(lambda s, c: s - (1 - c)), "dropped_sigmoid"),             # word2vec.c form, σ(f) → f
    (_hs(lambda s, c: (1 - 2 * c) * sig(-(1 - 2 * c) * s)), "sign"),
    (_hs(lambda s, c: -(2 * c - 1) * sig(-(2 * c - 1) * s)), "sign"),  # code convention flipped
    (lambda h, p, c, W: hs_grad(h, p[:-1], c[:-1], W), "missing_term"),
    (lambda *a: 0.5 * hs_grad(*a), "off_by_factor"),
    (lambda *a: hs_grad(*a)[:, None], "transpose"),
])
def test_hs_mistakes(answer, mistake):
    assert diagnose("hs_grad_h", answer).mistake == mistake


# ============================================================================ never raises
@pytest.mark.parametrize("answer", [None, [1, 2, 3], "U.T @ (y_hat - y)", 3.0, np.zeros(3)])
def test_non_callable_answers(answer):
    fb = diagnose("softmax_grad_v_c", answer)
    assert not fb.correct and fb.mistake == "error"
    assert "f(v_c, o, U)" in fb.message


@pytest.mark.parametrize("answer, key", [
    (lambda v_c, o, U: None, "return"),
    (lambda v_c, o, U: "gradient", "str"),
    (lambda v_c, o, U: (1.0, v_c, U), "tuple"),
    (lambda v_c, o, U: [object()] * 3, "list"),
    (lambda v_c, o, U: v_c + 1j, "complex"),
])
def test_bad_return_values(answer, key):
    fb = diagnose("softmax_grad_v_c", answer)
    assert not fb.correct and fb.mistake == "unknown"


def test_exception_is_reported_with_type_and_text():
    def broken(v_c, o, U):
        return U @ (sm(U @ v_c) - 1)  # (V, d) @ (V,) fails for V != d
    fb = diagnose("softmax_grad_v_c", broken)
    assert fb.mistake == "error" and "ValueError" in fb.message and "matmul" in fb.message

    fb = diagnose("neg_sampling_grad_U", lambda *a: (_ for _ in ()).throw(KeyError("boom")))
    assert fb.mistake == "error" and "KeyError" in fb.message and "boom" in fb.message


def test_wrong_arity_is_an_error_not_a_crash():
    fb = diagnose("neg_sampling_grad_v_c", lambda v_c, o, U: v_c)
    assert fb.mistake == "error" and "TypeError" in fb.message


def test_inputs_are_float_copies():
    seen = []

    def spy(v_c, o, U):
        seen.append((v_c.dtype, type(o), U.dtype))
        U[:] = 0.0  # vandalise the input; the reference must not see it
        return sm_grad_v_c(v_c, o, U)
    fb = diagnose("softmax_grad_v_c", spy)
    assert not fb.correct  # computed on the zeroed U, so it is wrong
    assert all(a == np.float64 and t is int and b == np.float64 for a, t, b in seen)

    def mutating(v_c, o, U):
        g = sm_grad_v_c(v_c, o, U)
        v_c *= 2.0
        return g
    fb = diagnose("softmax_grad_v_c", mutating)
    assert fb.correct and "v_c" in fb.message and "in place" in fb.message


def test_zero_answer():
    fb = diagnose("neg_sampling_grad_U", lambda v_c, o, neg, U: np.zeros_like(U))
    assert fb.mistake == "unknown" and "zero" in fb.message


def test_unrelated_answer_is_unknown():
    fb = diagnose("softmax_grad_v_c", lambda v_c, o, U: np.sin(U).sum(axis=0) + v_c)
    assert fb.mistake == "unknown"


@pytest.mark.parametrize("eid", [None, 3, "softmax_grad", "SOFTMAX_GRAD_V_C", ["softmax_grad_v_c"]])
def test_unknown_id_lists_valid_ids(eid):
    fb = ex.check(eid, sm_grad_v_c)
    assert not fb.correct
    assert all(i in fb.message for i in ex.EXERCISE_IDS)
    text = ex.hint(eid, 1)
    assert all(i in text for i in ex.EXERCISE_IDS)


# ============================================================================ hints
def test_hints_exist_for_every_exercise_and_grow():
    assert set(ex.HINTS) == set(ex.EXERCISE_IDS)
    for eid, levels in ex.HINTS.items():
        assert len(levels) >= 2, eid
        for lang in i18n.LANGUAGES:
            texts = [ex.hint(eid, n, lang=lang) for n in range(1, len(levels) + 1)]
            assert len(set(texts)) == len(texts), eid


def test_hint_levels_out_of_range_never_raise():
    eid = "softmax_grad_v_c"
    last = ex.hint(eid, len(ex.HINTS[eid]))
    assert ex.hint(eid, 99) == last
    assert ex.hint(eid, 0) == ex.hint(eid, 1) == ex.hint(eid, -5)
    assert ex.hint(eid, "2") == ex.hint(eid, 2)
    assert ex.hint(eid, 2.0) == ex.hint(eid, 2)
    assert ex.hint(eid, "two").endswith(ex.hint(eid, 1))


# ============================================================================ languages
def _all_message_keys():
    return sorted(ex.MESSAGES)


@pytest.mark.parametrize("key", _all_message_keys())
def test_every_message_in_both_languages_with_same_placeholders(key):
    entry = ex.MESSAGES[key]
    assert set(entry) == set(i18n.LANGUAGES)
    fields = [{n for _, n, _, _ in string.Formatter().parse(entry[lang]) if n} for lang in i18n.LANGUAGES]
    assert fields[0] == fields[1], key
    assert entry["en"].strip() and entry["ja"].strip()
    if not key.startswith("where."):  # short formula fragments may be pure mathematics
        assert JAPANESE.search(entry["ja"]), key
        assert not JAPANESE.search(entry["en"]), key


def test_every_hint_in_both_languages():
    for eid, levels in ex.HINTS.items():
        for level in levels:
            assert set(level) == set(i18n.LANGUAGES), eid
            assert JAPANESE.search(level["ja"]) and not JAPANESE.search(level["en"]), eid


def test_japanese_feedback():
    fb = ex.check("softmax_grad_v_c", lambda *a: -sm_grad_v_c(*a), lang="ja")
    assert fb.mistake == "sign" and JAPANESE.search(fb.message)
    assert JAPANESE.search(ex.check("softmax_grad_v_c", sm_grad_v_c, lang="ja").message)
    assert JAPANESE.search(ex.hint("hs_grad_h", 1, lang="ja"))
    assert not JAPANESE.search(ex.check("softmax_grad_v_c", sm_grad_v_c, lang="en").message)


def test_lang_none_follows_environment(monkeypatch):
    monkeypatch.setenv(i18n.LANG_ENV, "ja")
    assert JAPANESE.search(ex.check("softmax_grad_v_c", sm_grad_v_c).message)
    assert JAPANESE.search(ex.hint("softmax_grad_v_c", 1))
    monkeypatch.setenv(i18n.LANG_ENV, "en")
    assert not JAPANESE.search(ex.check("softmax_grad_v_c", sm_grad_v_c).message)


def test_lang_none_follows_marker_file(tmp_path):
    (tmp_path / i18n.MARKER_FILE).write_text("ja", encoding="utf-8")  # cwd is tmp_path (fixture)
    assert JAPANESE.search(ex.check("softmax_grad_U", sm_grad_U).message)


def test_unknown_language_falls_back_to_english(monkeypatch):
    fb = ex.check("softmax_grad_v_c", sm_grad_v_c, lang="fr")
    assert fb.correct and "'fr'" in fb.message and not JAPANESE.search(fb.message)
    monkeypatch.setenv(i18n.LANG_ENV, "xx")
    assert "English" in ex.hint("softmax_grad_v_c", 1)


def test_feedback_is_readable():
    fb = ex.check("softmax_grad_v_c", lambda *a: -sm_grad_v_c(*a))
    assert str(fb).startswith("✗ [sign]")
    assert str(ex.check("softmax_grad_v_c", sm_grad_v_c)).startswith("✓")
    assert "sign" in fb._repr_markdown_()


def test_registry():
    assert set(ex.NUMERIC_IDS) | set(ex.SYMBOLIC_IDS) == set(ex.EXERCISE_IDS) == set(ex.EXERCISES)
    for eid in ["softmax_grad_v_c", "softmax_grad_U", "neg_sampling_grad_v_c", "neg_sampling_grad_U",
                "cbow_softmax_grad_V_in", "hs_grad_h", "log_expected_likelihood_grad_mu_i",
                "attention_grad_V", "attention_grad_Q", "batch_neg_sampling_grad_U"]:
        assert ex.EXERCISES[eid]["kind"] == "numeric"


# ============================================================================ Gaussian embeddings
def gauss_grad(mu_i, var_i, mu_j, var_j):
    return (mu_j - mu_i) / (var_i + var_j)


def gauss_grad_matrix(mu_i, var_i, mu_j, var_j):  # through the full diagonal covariance
    Sigma = np.diag(var_i + var_j)
    return -np.linalg.solve(Sigma, mu_i - mu_j)


def test_gaussian_reference_matches_finite_differences():
    """The checker's reference is right: central differences of log N(0; μ_i − μ_j, diag(var_i + var_j))."""
    def log_el(mu_i, var_i, mu_j, var_j):
        s = var_i + var_j
        return -0.5 * np.sum(np.log(2 * np.pi * s) + (mu_i - mu_j) ** 2 / s)
    for case in ex.NUMERIC["log_expected_likelihood_grad_mu_i"].cases():
        mu_i, var_i, mu_j, var_j = case.args
        eps = 1e-6
        fd = np.array([(log_el(mu_i + eps * e, var_i, mu_j, var_j) - log_el(mu_i - eps * e, var_i, mu_j, var_j))
                       / (2 * eps) for e in np.eye(len(mu_i))])
        ref = ex.NUMERIC["log_expected_likelihood_grad_mu_i"].reference(*case.args)
        assert np.allclose(ref, fd, atol=1e-7)


def test_gaussian_correct():
    for f in (gauss_grad, gauss_grad_matrix):
        assert diagnose("log_expected_likelihood_grad_mu_i", f).correct


@pytest.mark.parametrize("answer, mistake", [
    (lambda mi, vi, mj, vj: (mi - mj) / (vi + vj), "sign"),
    (lambda mi, vi, mj, vj: 2 * (mj - mi) / (vi + vj), "off_by_factor"),       # factor 2 kept from the square
    (lambda mi, vi, mj, vj: 0.5 * (mj - mi) / (vi + vj), "off_by_factor"),
    (lambda mi, vi, mj, vj: (mj - mi) / vi, "missing_term"),                    # only Σ_i
    (lambda mi, vi, mj, vj: ((mj - mi) / (vi + vj))[:, None], "transpose"),
    (lambda mi, vi, mj, vj: (mj - mi) / (vi - vi), "not_finite"),
    (lambda mi, vi, mj, vj: (mj - mi) * (vi + vj), "unknown"),                  # multiplied by Σ
])
def test_gaussian_mistakes(answer, mistake):
    with np.errstate(all="ignore"):
        assert diagnose("log_expected_likelihood_grad_mu_i", answer).mistake == mistake


# ============================================================================ attention
def attn_parts(Q, K, V, d_out, scale=True, normalise=True):
    S = Q @ K.T / (np.sqrt(Q.shape[1]) if scale else 1.0)
    E = np.exp(S - S.max(axis=1, keepdims=True)) if normalise else np.exp(S)
    A = E / E.sum(axis=1, keepdims=True) if normalise else E
    return S, A


def attn_grad_V(Q, K, V, d_out):
    return attn_parts(Q, K, V, d_out)[1].T @ d_out


def attn_grad_V_loop(Q, K, V, d_out):
    A = attn_parts(Q, K, V, d_out)[1]
    dV = np.zeros_like(V)
    for q in range(Q.shape[0]):
        dV += np.outer(A[q], d_out[q])
    return dV


def attn_grad_Q(Q, K, V, d_out, scale=True, backward_scale=True, normalise=True, jacobian_term=True):
    S, A = attn_parts(Q, K, V, d_out, scale=scale, normalise=normalise)
    dA = d_out @ V.T
    dS = A * (dA - np.sum(dA * A, axis=1, keepdims=True)) if jacobian_term else A * dA
    return dS @ K / (np.sqrt(Q.shape[1]) if backward_scale else 1.0)


def attn_grad_Q_jacobian(Q, K, V, d_out):  # row by row with the explicit Jacobian diag(a) − a aᵀ
    S, A = attn_parts(Q, K, V, d_out)
    dQ = np.zeros_like(Q)
    for q in range(Q.shape[0]):
        a = A[q]
        J = np.diag(a) - np.outer(a, a)
        dQ[q] = (J @ (V @ d_out[q])) @ K / np.sqrt(Q.shape[1])
    return dQ


def test_attention_reference_matches_finite_differences():
    ex_q, ex_v = ex.NUMERIC["attention_grad_Q"], ex.NUMERIC["attention_grad_V"]
    for case in ex_q.cases():
        Q, K, V, d_out = case.args

        def loss(Q_, V_):
            return float(np.sum(attn_parts(Q_, K, V_, d_out)[1] @ V_ * d_out))
        eps = 1e-6
        fdQ = np.zeros_like(Q)
        for idx in np.ndindex(Q.shape):
            e = np.zeros_like(Q)
            e[idx] = eps
            fdQ[idx] = (loss(Q + e, V) - loss(Q - e, V)) / (2 * eps)
        fdV = np.zeros_like(V)
        for idx in np.ndindex(V.shape):
            e = np.zeros_like(V)
            e[idx] = eps
            fdV[idx] = (loss(Q, V + e) - loss(Q, V - e)) / (2 * eps)
        assert np.allclose(ex_q.reference(*case.args), fdQ, atol=1e-7)
        assert np.allclose(ex_v.reference(*case.args), fdV, atol=1e-7)


def test_attention_correct():
    for f in (attn_grad_V, attn_grad_V_loop):
        assert diagnose("attention_grad_V", f).correct
    for f in (attn_grad_Q, attn_grad_Q_jacobian):
        assert diagnose("attention_grad_Q", f).correct


@pytest.mark.parametrize("answer, mistake", [
    (lambda *a: -attn_grad_V(*a), "sign"),
    (lambda Q, K, V, d: d.T @ attn_parts(Q, K, V, d)[1], "transpose"),
    (lambda Q, K, V, d: attn_parts(Q, K, V, d, normalise=False)[1].T @ d, "missing_normaliser"),
    (lambda Q, K, V, d: (Q @ K.T / np.sqrt(Q.shape[1])).T @ d, "missing_normaliser"),  # raw scores
    (lambda Q, K, V, d: attn_parts(Q, K, V, d, scale=False)[1].T @ d, "off_by_factor"),  # no 1/√d_k
    (lambda *a: 2 * attn_grad_V(*a), "off_by_factor"),
])
def test_attention_grad_V_mistakes(answer, mistake):
    assert diagnose("attention_grad_V", answer).mistake == mistake


@pytest.mark.parametrize("answer, mistake", [
    (lambda *a: -attn_grad_Q(*a), "sign"),
    (lambda *a: attn_grad_Q(*a).T, "transpose"),
    (lambda *a: attn_grad_Q(*a, normalise=False), "missing_normaliser"),
    (lambda *a: attn_grad_Q(*a, backward_scale=False), "off_by_factor"),           # factor √d_k, varies
    (lambda *a: attn_grad_Q(*a, scale=False, backward_scale=False), "off_by_factor"),
    (lambda *a: attn_grad_Q(*a, jacobian_term=False), "missing_term"),
    (lambda Q, K, V, d: np.zeros((K.shape[0], Q.shape[1])), "transpose"),          # shape of dK
])
def test_attention_grad_Q_mistakes(answer, mistake):
    assert diagnose("attention_grad_Q", answer).mistake == mistake


# ============================================================================ minibatch SGNS (notebook 04)
def _batch_terms(H, o, neg, U):
    """targets (B, K + 1) with o in column 0, and the per-term derivatives g (2.4)."""
    targets = np.concatenate([o[:, None], neg], axis=1)
    s = np.einsum("bkd,bd->bk", U[targets], H)
    sign = np.where(np.arange(targets.shape[1]) == 0, 1.0, -1.0)
    return targets, -sign * sig(-sign * s)


def batch_grad_U(H, o, neg, U):
    targets, g = _batch_terms(H, o, neg, U)
    G = np.zeros_like(U)
    np.add.at(G, targets, g[:, :, None] * H[:, None, :])
    return G


def batch_grad_U_loop(H, o, neg, U):  # one pair at a time, with the per-pair answer of notebook 02
    G = np.zeros(U.shape)
    for b in range(H.shape[0]):
        G += ns_grad_U_loop(H[b], int(o[b]), neg[b], U)
    return G


def batch_grad_U_sparse(H, o, neg, U):  # (4.10) literally: G as a sparse (B, V) matrix, then Gᵀ H
    import scipy.sparse

    targets, g = _batch_terms(H, o, neg, U)
    B, T = targets.shape
    G = scipy.sparse.csr_matrix((g.ravel(), targets.ravel(), np.arange(0, B * T + 1, T)), shape=(B, U.shape[0]))
    return G.T @ H


def test_batch_reference_matches_finite_differences():
    """The checker's reference is ∂J_B/∂U of J_B = Σ_b [−log σ(u_o·h_b) − Σ_k log σ(−u_k·h_b)], by central differences."""
    def J_B(H, o, neg, U):
        total = 0.0
        for b in range(H.shape[0]):
            total -= np.log(sig(U[o[b]] @ H[b]))
            total -= np.sum(np.log(sig(-(U[neg[b]] @ H[b]))))
        return total
    eid = "batch_neg_sampling_grad_U"
    for case in ex.NUMERIC[eid].cases():
        H, o, neg, U = case.args
        eps = 1e-6
        fd = np.zeros_like(U)
        for idx in np.ndindex(U.shape):
            e = np.zeros_like(U)
            e[idx] = eps
            fd[idx] = (J_B(H, o, neg, U + e) - J_B(H, o, neg, U - e)) / (2 * eps)
        assert np.allclose(ex.NUMERIC[eid].reference(*case.args), fd, atol=1e-7)


def test_batch_cases_cover_repeats():
    cases = ex.NUMERIC["batch_neg_sampling_grad_U"].cases()
    plain = [c for c in cases if not c.dup]
    assert plain and len(plain) < len(cases)
    for c in plain:  # really no repeated index among the B·(K + 1) targets
        _, o, neg, _ = c.args
        targets = np.concatenate([o[:, None], neg], axis=1).ravel()
        assert len(np.unique(targets)) == targets.size
    kinds = set()
    for c in cases:
        _, o, neg, _ = c.args
        kinds |= {"within row" for row in neg if len(set(row)) < len(row)}
        kinds |= {"o in own row" for ob, row in zip(o, neg) if ob in row}
        kinds |= {"shared o"} if len(set(o)) < len(o) else set()
        kinds |= {"across rows" for a in range(len(o)) for b in range(a + 1, len(o)) if set(neg[a]) & set(neg[b])}
    assert kinds == {"within row", "o in own row", "shared o", "across rows"}
    assert len({c.args[0].shape[0] for c in cases}) > 2  # B varies, so 1/B is not one constant


def test_batch_correct():
    for f in (batch_grad_U, batch_grad_U_loop, batch_grad_U_sparse):
        assert diagnose("batch_neg_sampling_grad_U", f).correct


def _batch(pos, negf, scatter="add_at", scale=lambda B: 1.0):
    """∂J_B/∂U with per-score derivatives pos(s_o) and negf(s_k), scattered in different ways."""
    def f(H, o, neg, U):
        targets = np.concatenate([o[:, None], neg], axis=1)
        s = np.einsum("bkd,bd->bk", U[targets], H)
        g = np.concatenate([pos(s[:, :1]) * np.ones((len(o), 1)), negf(s[:, 1:]) * np.ones_like(s[:, 1:])], axis=1)
        rows = g[:, :, None] * H[:, None, :] * scale(len(o))
        G = np.zeros_like(U)
        if scatter == "add_at":
            np.add.at(G, targets, rows)
        elif scatter == "fancy":                      # G[targets] += …: a repeated target counts once
            G[targets] += rows
        elif scatter == "two_fancy":
            G[o] += rows[:, 0]
            G[neg] += rows[:, 1:]
        elif scatter == "row_fancy":                  # accumulates across rows, not within one
            for b in range(len(o)):
                G[targets[b]] += rows[b]
        elif scatter == "assign":
            G[targets] = rows
        return G
    return f


@pytest.mark.parametrize("mistake, pos, negf", NS_MISTAKES)
def test_batch_per_score_mistakes(mistake, pos, negf):
    assert diagnose("batch_neg_sampling_grad_U", _batch(pos, negf)).mistake == mistake


@pytest.mark.parametrize("scatter", ["fancy", "two_fancy", "row_fancy", "assign"])
def test_batch_fancy_scatter_is_duplicates_once(scatter):
    fb = diagnose("batch_neg_sampling_grad_U", _batch(RIGHT_POS, RIGHT_NEG, scatter=scatter))
    assert fb.mistake == "duplicates_once"
    assert "G[targets] +=" in fb.message and "(4.10)" in fb.message


def test_batch_mean_instead_of_sum():
    fb = diagnose("batch_neg_sampling_grad_U", _batch(RIGHT_POS, RIGHT_NEG, scale=lambda B: 1.0 / B))
    assert fb.mistake == "off_by_factor" and "mean" in fb.message and "1/B" in fb.message


def test_batch_overwritten_in_loop_is_missing_term():
    def overwrite(H, o, neg, U):
        for b in range(H.shape[0]):
            G = ns_grad_U(H[b], int(o[b]), neg[b], U)
        return G
    fb = diagnose("batch_neg_sampling_grad_U", overwrite)
    assert fb.mistake == "missing_term" and "overwritten" in fb.message


@pytest.mark.parametrize("answer, mistake", [
    (lambda *a: -batch_grad_U(*a), "sign"),
    (lambda *a: batch_grad_U(*a).T, "transpose"),
    (lambda H, o, neg, U: H.T @ np.zeros((H.shape[0], U.shape[0])), "transpose"),   # Hᵀ G instead of Gᵀ H
    (lambda H, o, neg, U: np.zeros_like(H), "transpose"),                             # shape of ∂J_B/∂H
    (lambda *a: 2 * batch_grad_U(*a), "off_by_factor"),
    (lambda H, o, neg, U: batch_grad_U(H, o, neg, U) / neg.shape[1], "off_by_factor"),  # divided by K
    (lambda H, o, neg, U: np.zeros_like(U), "unknown"),
])
def test_batch_mistakes(answer, mistake):
    assert diagnose("batch_neg_sampling_grad_U", answer).mistake == mistake


def test_batch_feedback_in_japanese():
    fb = ex.check("batch_neg_sampling_grad_U", _batch(RIGHT_POS, RIGHT_NEG, scatter="fancy"), lang="ja")
    assert fb.mistake == "duplicates_once" and JAPANESE.search(fb.message)


# ============================================================================ symbolic
import sympy as sp  # noqa: E402

x = sp.Symbol("x")
sigma_f = sp.Function("sigma")


def sig_expr(t):
    return 1 / (1 + sp.exp(-t))


SYMBOLIC_CORRECT = {
    "sigmoid_derivative": [sp.diff(sig_expr(x), x), sigma_f(x) * (1 - sigma_f(x)), "σ(x)*σ(-x)",
                           sp.Derivative(sigma_f(sp.Symbol("x", positive=True)), sp.Symbol("x", positive=True))],
    "log_sigmoid_derivative": [sp.diff(sp.log(sig_expr(x)), x), "1 - sigma(x)", sig_expr(-sp.Symbol("x", real=True))],
    "softmax_jacobian_entry": [
        "y_i*(KroneckerDelta(i, j) - y_j)",
        sp.Symbol("y_i", positive=True) * sp.KroneckerDelta(sp.Symbol("i", integer=True), sp.Symbol("j", integer=True))
        - sp.Symbol("y_i") * sp.Symbol("y_j"),
        sp.Symbol("y_j") * (sp.KroneckerDelta(sp.Symbol("i"), sp.Symbol("j")) - sp.Symbol("y_i")),  # same at i = j
    ],
    "neg_sampling_scalar_grad": [sp.diff(-sp.log(sig_expr(x)), x), "-sigma(-x)", "sigma(x) - 1"],
    "gaussian_product_integral": [
        "exp(-(mu_i - mu_j)**2 / (2*(var_i + var_j))) / sqrt(2*pi*(var_i + var_j))",
        "1/sqrt(2*pi*var_i + 2*pi*var_j) * exp(-(mu_j - mu_i)^2/(2*var_i + 2*var_j))",
    ],
    "sgns_optimal_dot": ["log(n_wc*D/(n_w*n_c)) - log(k)", "log(n_wc) + log(D) - log(n_w) - log(n_c) - log(k)",
                         sp.log(sp.Symbol("n_wc", positive=True) * sp.Symbol("D") / (sp.Symbol("k") * sp.Symbol("n_w")
                                                                                     * sp.Symbol("n_c")))],
    "subsampling_keep_probability": [
        "sqrt(t/z) + t/z", "(sqrt(z/t) + 1)*t/z",                        # word2vec.c's ran, as written in C
        (sp.sqrt(sp.Symbol("z") / sp.Symbol("t")) + 1) * sp.Symbol("t") / sp.Symbol("z"),
        "t/z*(1 + sqrt(z/t))", "(sqrt(z*t) + t)/z",
    ],
    "window_distance_weight": [
        "(m - j + 1)/m", "1 - (j - 1)/m", "1 + 1/m - j/m",
        sp.Sum(sp.Piecewise((1, sp.Symbol("j") <= sp.Symbol("m") - sp.Symbol("b", integer=True)), (0, True)),
               (sp.Symbol("b", integer=True), 0, sp.Symbol("m") - 1)) / sp.Symbol("m"),   # the definition (4.6)
    ],
}


@pytest.mark.parametrize("eid, answer", [(e, a) for e, answers in SYMBOLIC_CORRECT.items() for a in answers])
def test_symbolic_correct(eid, answer):
    fb = diagnose(eid, answer)
    assert fb.correct, fb.message


def test_symbolic_gaussian_integral_reference_matches_quadrature():
    """The checker's reference equals ∫ N(t; μ_i, var_i) N(t; μ_j, var_j) dt computed numerically."""
    spec = ex.SYMBOLIC["gaussian_product_integral"].spec()
    t = np.linspace(-40.0, 40.0, 400_001)
    for mu_i, mu_j, var_i, var_j in [(0.3, -1.2, 0.5, 2.0), (1.0, 1.0, 1.0, 1.0), (-2.0, 1.5, 0.3, 0.7)]:
        def normal(m, v):
            return np.exp(-(t - m) ** 2 / (2 * v)) / np.sqrt(2 * np.pi * v)
        numeric = np.trapezoid(normal(mu_i, var_i) * normal(mu_j, var_j), t)
        c = spec["canon"]
        ref = float(spec["ref"].subs({c["mu_i"]: mu_i, c["mu_j"]: mu_j, c["var_i"]: var_i, c["var_j"]: var_j}))
        assert ref == pytest.approx(numeric, rel=1e-9)


def test_symbolic_sgns_optimum_from_sympy():
    xx = sp.Symbol("x", real=True)
    n_wc, n_w, n_c, D, k = sp.symbols("n_wc n_w n_c D k", positive=True)
    objective = n_wc * sp.log(sig_expr(xx)) + k * n_w * n_c / D * sp.log(sig_expr(-xx))
    solutions = sp.solve(sp.diff(objective, xx), xx)
    assert solutions and diagnose("sgns_optimal_dot", solutions[0]).correct


@pytest.mark.parametrize("eid, answer, mistake", [
    ("sigmoid_derivative", "-sigma(x)*(1 - sigma(x))", "sign"),
    ("sigmoid_derivative", "2*sigma(x)*(1 - sigma(x))", "off_by_factor"),
    ("sigmoid_derivative", "sigma(x)", "missing_term"),
    ("log_sigmoid_derivative", "sigma(-x) - 0*x - 1 + 1 - 2*sigma(-x)", "sign"),
    ("log_sigmoid_derivative", "1/sigma(x)", "missing_term"),
    ("softmax_jacobian_entry", "y_i*KroneckerDelta(i, j)", "missing_term"),
    ("softmax_jacobian_entry", "-y_i*y_j", "missing_term"),
    ("softmax_jacobian_entry", "y_i*(y_j - KroneckerDelta(i, j))", "sign"),
    ("neg_sampling_scalar_grad", "1 - sigma(x)", "sign"),
    ("neg_sampling_scalar_grad", "sigma(x)", "missing_term"),
    ("neg_sampling_scalar_grad", "-1", "dropped_sigmoid"),
    ("neg_sampling_scalar_grad", "x - 1", "dropped_sigmoid"),
    ("gaussian_product_integral", "exp(-(mu_i - mu_j)**2 / (2*(var_i + var_j)))", "missing_normaliser"),
    ("gaussian_product_integral", "exp(-(mu_i - mu_j)**2 / (2*(var_i + var_j))) / sqrt(var_i + var_j)",
     "off_by_factor"),
    ("gaussian_product_integral", "-exp(-(mu_i - mu_j)**2 / (2*(var_i + var_j))) / sqrt(2*pi*(var_i + var_j))",
     "sign"),
    ("sgns_optimal_dot", "log(n_wc*D/(n_w*n_c))", "missing_term"),
    ("sgns_optimal_dot", "log(n_wc*D/(n_w*n_c)) + log(k)", "sign"),
    ("sgns_optimal_dot", "2*(log(n_wc*D/(n_w*n_c)) - log(k))", "off_by_factor"),
    ("subsampling_keep_probability", "sqrt(t/z)", "missing_term"),               # the paper's (4.3)
    ("subsampling_keep_probability", "Min(1, sqrt(t/z))", "missing_term"),
    ("subsampling_keep_probability", "t/z", "missing_term"),
    ("subsampling_keep_probability", "sqrt(z/t) + 1", "missing_term"),
    ("subsampling_keep_probability", "-sqrt(t/z) - t/z", "sign"),
    ("subsampling_keep_probability", "2*sqrt(t/z) + 2*t/z", "off_by_factor"),
    ("subsampling_keep_probability", "Min(1, sqrt(t/z) + t/z)", "unknown"),
    ("subsampling_keep_probability", "1 - sqrt(t/z)", "unknown"),
    ("subsampling_keep_probability", "sqrt(z/t) + z/t", "unknown"),
    ("window_distance_weight", "(m - j)/m", "unknown"),
    ("window_distance_weight", "(m - j + 1)/(m + 1)", "unknown"),
    ("window_distance_weight", "j/m", "unknown"),
    ("window_distance_weight", "1/m", "unknown"),
    ("window_distance_weight", "-(m - j + 1)/m", "sign"),
    ("window_distance_weight", "(m - j + 1)/(2*m)", "off_by_factor"),
    ("window_distance_weight", "(m - j + 1)/(m - 1)", "not_finite"),            # m = 1 is a window too
])
def test_symbolic_mistakes(eid, answer, mistake):
    assert diagnose(eid, answer).mistake == mistake


def test_symbolic_missing_shift_message_points_at_k():
    fb = diagnose("sgns_optimal_dot", "log(n_wc*D/(n_w*n_c))")
    assert "PMI" in fb.message and "k" in fb.message


def test_symbolic_assumptions_do_not_matter():
    for assumptions in ({}, {"positive": True}, {"real": True}, {"negative": True}, {"integer": True}):
        xs = sp.Symbol("x", **assumptions)
        assert diagnose("neg_sampling_scalar_grad", sig_expr(xs) - 1).correct, assumptions


@pytest.mark.parametrize("eid, answer, named", [
    ("sigmoid_derivative", sp.Symbol("z") * (1 - sp.Symbol("z")), "z"),
    ("softmax_jacobian_entry", "yhat_i*(KroneckerDelta(i, j) - yhat_j)", "yhat_i"),
    ("gaussian_product_integral", "exp(-(mu_i - mu_j)**2/(2*(s_i**2 + s_j**2)))", "s_i"),
    ("sigmoid_derivative", sp.Function("f")(x), "f"),
])
def test_symbolic_unexpected_symbols_are_named(eid, answer, named):
    fb = diagnose(eid, answer)
    assert fb.mistake == "unknown" and named in fb.message
    assert all(s in fb.message for s in ex.SYMBOLIC[eid].symbols)


@pytest.mark.parametrize("answer", [None, "sigma(x", [1, 2], sp.Matrix([x]), object()])
def test_symbolic_bad_input_never_raises(answer):
    fb = diagnose("sigmoid_derivative", answer)
    assert not fb.correct


def test_symbolic_not_finite():
    assert diagnose("sigmoid_derivative", "log(-1 - x**2)").mistake == "not_finite"
    assert diagnose("sigmoid_derivative", "1/(x - x)").mistake == "not_finite"


def test_symbolic_japanese():
    fb = ex.check("sgns_optimal_dot", "log(n_wc*D/(n_w*n_c))", lang="ja")
    assert fb.mistake == "missing_term" and JAPANESE.search(fb.message)
    assert JAPANESE.search(ex.check("sigmoid_derivative", "sigma(x)*(1-sigma(x))", lang="ja").message)


def test_symbolic_callable_answer():
    assert diagnose("sigmoid_derivative", lambda t: sig_expr(t) * (1 - sig_expr(t))).correct


def test_registry_symbolic():
    for eid in ["sigmoid_derivative", "log_sigmoid_derivative", "softmax_jacobian_entry",
                "neg_sampling_scalar_grad", "gaussian_product_integral", "sgns_optimal_dot",
                "subsampling_keep_probability", "window_distance_weight"]:
        assert ex.EXERCISES[eid]["kind"] == "symbolic"


def test_softmax_jacobian_in_the_exp_form_with_indexed_logits():
    z = sp.IndexedBase("z")
    i, j, k = sp.symbols("i j k", integer=True)
    for size, lo, hi in [(sp.Symbol("V", integer=True, positive=True),) * 1 + (0, sp.Symbol("V") - 1),
                         (sp.Symbol("n"), 1, sp.Symbol("n"))]:
        def y(a):
            return sp.exp(z[a]) / sp.Sum(sp.exp(z[k]), (k, lo, hi))
        assert diagnose("softmax_jacobian_entry", sp.diff(y(i), z[j])).correct  # SymPy's own derivative
        assert diagnose("softmax_jacobian_entry", y(i) * (sp.KroneckerDelta(i, j) - y(j))).correct
        assert diagnose("softmax_jacobian_entry", -y(i) * y(j)).mistake == "missing_term"
        assert diagnose("softmax_jacobian_entry", y(j) * (y(i) - sp.KroneckerDelta(i, j))).mistake == "sign"


def test_float32_learner_code_is_accepted():
    def f32(v_c, o, U):
        return sm_grad_v_c(v_c.astype(np.float32), o, U.astype(np.float32))
    assert diagnose("softmax_grad_v_c", f32).correct


# ============================================================================ every numeric id, generic mistakes
CORRECT_NUMERIC = {
    "softmax_grad_v_c": sm_grad_v_c, "softmax_grad_U": sm_grad_U,
    "neg_sampling_grad_v_c": ns_grad_v_c, "neg_sampling_grad_U": ns_grad_U,
    "cbow_softmax_grad_V_in": cbow_grad, "hs_grad_h": hs_grad,
    "log_expected_likelihood_grad_mu_i": gauss_grad,
    "attention_grad_V": attn_grad_V, "attention_grad_Q": attn_grad_Q,
    "batch_neg_sampling_grad_U": batch_grad_U,
}


def _raise(*args):
    raise IndexError("index 99 is out of bounds")


@pytest.mark.parametrize("eid", sorted(CORRECT_NUMERIC))
@pytest.mark.parametrize("wrap, mistake", [
    (lambda f: f, None),
    (lambda f: lambda *a: -f(*a), "sign"),
    (lambda f: lambda *a: 1.5 * f(*a), "cbow_scale|off_by_factor"),
    (lambda f: lambda *a: f(*a)[..., None], "transpose"),
    (lambda f: lambda *a: np.asarray(f(*a)).T if np.ndim(f(*a)) == 2 else np.atleast_2d(f(*a)), "transpose"),
    (lambda f: lambda *a: f(*a) * np.inf, "not_finite"),
    (lambda f: _raise, "error"),
    (lambda f: lambda *a: None, "unknown"),
])
def test_generic_mistakes_for_every_numeric_exercise(eid, wrap, mistake):
    fb = diagnose(eid, wrap(CORRECT_NUMERIC[eid]))
    if mistake is None:
        assert fb.correct
    else:
        assert fb.mistake in mistake.split("|")
        if eid.startswith("cbow") and "cbow_scale" in mistake:
            assert fb.mistake == "cbow_scale"
    if mistake == "error":
        assert "IndexError" in fb.message and "99" in fb.message


def test_neg_sampling_grad_v_c_wrong_shape():
    assert diagnose("neg_sampling_grad_v_c", lambda *a: ns_grad_v_c(*a)[None, :]).mistake == "transpose"


# ============================================================================ notebook 04: subsampling and window
def test_symbolic_keep_probability_reference_is_word2vec_c():
    """The reference equals word2vec.c's `ran` computed from counts, where it is below 1."""
    spec = ex.SYMBOLIC["subsampling_keep_probability"].spec()
    c = spec["canon"]
    N, sample = 469_133, 1e-3
    for cn in [5, 200, 1_000, 5_000, 30_000]:
        ran = (np.sqrt(cn / (sample * N)) + 1) * (sample * N) / cn       # word2vec.c, TrainModelThread
        ref = float(spec["ref"].subs({c["z"]: cn / N, c["t"]: sample}))
        assert ref == pytest.approx(ran, rel=1e-12)
    values = [float(spec["ref"].subs({c["z"]: p["z"], c["t"]: p["t"]})) for p in spec["points"]]
    assert min(values) < 1 < max(values)  # test points on both sides of the min(1, ·)


def test_symbolic_window_reference_counts_word2vec_c_windows():
    """The reference equals the share of b = 0..m−1 whose window `for (a = b; a < 2m + 1 − b; a++)` reaches j."""
    spec = ex.SYMBOLIC["window_distance_weight"].spec()
    c = spec["canon"]
    for m in range(1, 9):
        for j in range(1, m + 1):
            used = sum(1 for b in range(m) if any(abs(a - m) == j for a in range(b, 2 * m + 1 - b) if a != m))
            assert spec["ref"].subs({c["m"]: m, c["j"]: j}) == sp.Rational(used, m)
    assert any(p["j"] == p["m"] > 1 for p in spec["points"]) and any(p["j"] == 1 for p in spec["points"])


def test_symbolic_paper_rule_message_names_the_difference_not_the_formula():
    fb = diagnose("subsampling_keep_probability", "sqrt(t/z)")
    assert fb.mistake == "missing_term"
    assert "paper" in fb.message and "word2vec.c" in fb.message and "(4.3)" in fb.message
    assert "t/z" not in fb.message and "√(t/z) +" not in fb.message
    fb = ex.check("subsampling_keep_probability", "sqrt(t/z)", lang="ja")
    assert fb.mistake == "missing_term" and "論文" in fb.message


@pytest.mark.parametrize("answer, words", [
    ("Min(1, sqrt(t/z) + t/z)", ["min(1, ·)"]),
    ("1 - sqrt(t/z)", ["discarding"]),
    ("1 - sqrt(t/z) - t/z", ["discarding"]),
    ("sqrt(z/t) + z/t", ["swapped"]),
    ("t/z", ["two terms"]),
])
def test_symbolic_keep_probability_specific_messages(answer, words):
    fb = diagnose("subsampling_keep_probability", answer)
    assert not fb.correct and all(w in fb.message for w in words)


@pytest.mark.parametrize("answer, words", [
    ("(m - j)/m", ["j = m", "b = 0"]),
    ("1 - j/m", ["j = m", "b = 0"]),
    ("(m - j - 1)/m", ["j = m"]),
    ("(m - j + 1)/(m + 1)", ["0, …, m − 1", "j = 1"]),
    ("j/m", ["distance 1"]),
    ("(j - 1)/m", ["distance 1"]),
    ("1/m", ["single value of b"]),
])
def test_symbolic_window_specific_messages(answer, words):
    fb = diagnose("window_distance_weight", answer)
    assert fb.mistake == "unknown" and all(w in fb.message for w in words), fb.message
    assert "(m − j + 1)" not in fb.message and "m - j + 1" not in fb.message


def test_symbolic_window_unexpected_symbol():
    fb = diagnose("window_distance_weight", "(m - b)/m")
    assert fb.mistake == "unknown" and "b" in fb.message and "j, m" in fb.message


def test_new_exercises_have_hints_and_notebook():
    for eid in ["subsampling_keep_probability", "window_distance_weight", "batch_neg_sampling_grad_U"]:
        assert ex.EXERCISES[eid]["notebook"] == "04"
        assert JAPANESE.search(ex.hint(eid, 1, lang="ja")) and not JAPANESE.search(ex.hint(eid, 3, lang="en"))


# ============================================================================ learners' natural mistakes (review)
# Each answer is written the way a learner would write the mistake; the test asserts the
# diagnosis, that the message points at the right place, and that it does not contain the answer.
SGNS_ANSWER_FRAGMENTS = ("σ(s_o) − 1", "−σ(−s_o)", "σ(s_o) - 1")


def _no_solution(fb, *fragments):
    assert not any(f in fb.message for f in fragments), fb.message


@pytest.mark.parametrize("eid, answer", [
    ("neg_sampling_grad_v_c", _ns_v_c(lambda s: sig(s), RIGHT_NEG)),
    ("neg_sampling_grad_U", _ns_U(lambda s: sig(s), RIGHT_NEG)),
    ("batch_neg_sampling_grad_U", _batch(lambda s: sig(s), RIGHT_NEG)),
])
def test_sgns_positive_term_without_its_minus_one(eid, answer):
    """σ(s_o) where σ(s_o) − 1 belongs: was 'unknown' before the review."""
    fb = diagnose(eid, answer)
    assert fb.mistake == "missing_term" and "observed word" in fb.message and "(2.4)" in fb.message
    _no_solution(fb, *SGNS_ANSWER_FRAGMENTS)


@pytest.mark.parametrize("eid, build", [("neg_sampling_grad_v_c", _ns_v_c), ("neg_sampling_grad_U", _ns_U)])
def test_sgns_one_term_with_the_wrong_sign(eid, build):
    fb = diagnose(eid, build(lambda s: 1.0 - sig(s), RIGHT_NEG))      # minus of J = −log σ lost
    assert fb.mistake == "sign" and "observed word" in fb.message and "negative" in fb.message
    fb = diagnose(eid, build(RIGHT_POS, lambda s: -sig(s)))           # negatives pushed the wrong way
    assert fb.mistake == "sign" and "negative samples" in fb.message


@pytest.mark.parametrize("eid, build", [("neg_sampling_grad_v_c", _ns_v_c), ("neg_sampling_grad_U", _ns_U)])
def test_sgns_sigma_prime_instead_of_log_derivative(eid, build):
    d_sigma = lambda s: sig(s) * (1 - sig(s))  # noqa: E731
    fb = diagnose(eid, build(lambda s: -d_sigma(s), lambda s: d_sigma(s)))
    assert fb.mistake == "missing_term" and "log σ" in fb.message


def test_sgns_negatives_averaged_like_an_expectation():
    def mean_of_negatives(v_c, o, neg, U):
        return -sig(-U[o] @ v_c) * U[o] + np.mean(sig(U[neg] @ v_c)[:, None] * U[neg], axis=0)
    fb = diagnose("neg_sampling_grad_v_c", mean_of_negatives)
    assert fb.mistake == "off_by_factor" and "averaged" in fb.message


def test_sgns_skipping_o_among_negatives_like_word2vec_c():
    def skip_v_c(v_c, o, neg, U):
        g = -sig(-U[o] @ v_c) * U[o]
        for k in neg:
            if k != o:
                g = g + sig(U[k] @ v_c) * U[k]
        return g

    def skip_U(v_c, o, neg, U):
        G = np.zeros_like(U)
        G[o] += -sig(-U[o] @ v_c) * v_c
        for k in neg:
            if k != o:
                G[k] += sig(U[k] @ v_c) * v_c
        return G
    for eid, f in [("neg_sampling_grad_v_c", skip_v_c), ("neg_sampling_grad_U", skip_U)]:
        fb = diagnose(eid, f)
        assert fb.mistake == "duplicates_once" and "word2vec.c" in fb.message and "(2.1)" in fb.message


def test_sgns_v_c_duplicates_message_does_not_talk_about_scatters():
    def unique(v_c, o, neg, U):
        g = -sig(-U[o] @ v_c) * U[o]
        for k in set(neg.tolist()):
            g = g + sig(U[k] @ v_c) * U[k]
        return g
    fb = diagnose("neg_sampling_grad_v_c", unique)
    assert fb.mistake == "duplicates_once" and "G[" not in fb.message and "drawn twice" in fb.message


def test_softmax_grad_U_only_row_o():
    def only_o(v_c, o, U):
        G = np.zeros_like(U)
        G[o] = (sm(U @ v_c)[o] - 1.0) * v_c
        return G
    fb = diagnose("softmax_grad_U", only_o)
    assert fb.mistake == "missing_term" and "every row" in fb.message and "normaliser" in fb.message


def test_softmax_grad_U_rows_of_U_instead_of_v_c():
    def rows_of_U(v_c, o, U):
        delta = sm(U @ v_c)
        delta[o] -= 1.0
        return delta[:, None] * U
    fb = diagnose("softmax_grad_U", rows_of_U)
    assert fb.mistake == "unknown" and "u_w" in fb.message and "(1.6)" in fb.message
    _no_solution(fb, "v_cᵀ", "np.outer")


@pytest.mark.parametrize("spread", [lambda n: 1.0, lambda n: 1.0 / n])
def test_cbow_sum_instead_of_mean(spread):
    def summed(context, c, V_in, U):
        h = V_in[context].sum(axis=0)                 # Σ v_w, not the mean (3.1)
        delta = sm(U @ h)
        delta[c] -= 1.0
        G = np.zeros_like(V_in)
        np.add.at(G, context, spread(len(context)) * (U.T @ delta))
        return G
    fb = diagnose("cbow_softmax_grad_V_in", summed)
    assert fb.mistake == "cbow_scale" and "sum" in fb.message and "mean" in fb.message


def test_cbow_divided_by_m_instead_of_2m():
    fb = diagnose("cbow_softmax_grad_V_in", _cbow(scale=lambda n: 1.0 / (n // 2)))
    assert fb.mistake == "cbow_scale" and "1/2m" in fb.message
    _no_solution(fb, "len(context)", "n_w/2m")


def test_hs_chain_rule_factor_sign_j_forgotten():
    # d/ds[−log σ(sign·s)] written as −σ(−sign·s): right at bit 0, wrong at bit 1
    fb = diagnose("hs_grad_h", _hs(lambda s, c: -sig(-(1 - 2 * c) * s)))
    assert fb.mistake == "sign" and "bit-1" in fb.message and "(3.7)" in fb.message


@pytest.mark.parametrize("per_node", [
    lambda s, c: sig(s) - c,                                  # target code_j instead of 1 − code_j
    lambda s, c: -(2 * c - 1) * sig(-(2 * c - 1) * s),       # sign_j = 2·code_j − 1
])
def test_hs_flipped_code_convention(per_node):
    fb = diagnose("hs_grad_h", _hs(per_node))
    assert fb.mistake == "sign" and "convention" in fb.message


def test_gaussian_variances_multiplied():
    fb = diagnose("log_expected_likelihood_grad_mu_i", lambda mi, vi, mj, vj: (mj - mi) / (vi * vj))
    assert fb.mistake == "unknown" and "addition" in fb.message


def test_attention_softmax_over_the_wrong_axis():
    def grad_V(Q, K, V, d_out):
        S = Q @ K.T / np.sqrt(Q.shape[1])
        A = np.exp(S) / np.exp(S).sum(axis=0, keepdims=True)      # columns instead of rows
        return A.T @ d_out
    fb = diagnose("attention_grad_V", grad_V)
    assert fb.mistake == "missing_normaliser" and "axis" in fb.message

    def grad_Q(Q, K, V, d_out):
        S, A = attn_parts(Q, K, V, d_out)
        dA = d_out @ V.T
        dS = A * (dA - np.sum(dA * A, axis=0))                    # Jacobian step summed over the wrong axis
        return dS @ K / np.sqrt(Q.shape[1])
    fb = diagnose("attention_grad_Q", grad_Q)
    assert fb.mistake == "missing_normaliser" and "axis" in fb.message


def test_attention_scaled_by_d_k_instead_of_its_root():
    def grad_V(Q, K, V, d_out):
        S = Q @ K.T / Q.shape[1]
        A = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
        return A.T @ d_out
    fb = diagnose("attention_grad_V", grad_V)
    assert fb.mistake == "off_by_factor" and "√d_k" in fb.message


def test_review_messages_in_japanese():
    fb = ex.check("neg_sampling_grad_v_c", _ns_v_c(lambda s: sig(s), RIGHT_NEG), lang="ja")
    assert fb.mistake == "missing_term" and JAPANESE.search(fb.message)
    fb = ex.check("hs_grad_h", _hs(lambda s, c: -sig(-(1 - 2 * c) * s)), lang="ja")
    assert fb.mistake == "sign" and JAPANESE.search(fb.message)


@pytest.mark.parametrize("answer", ["-1/(1 + exp(-x))**2", "sigma(x)**2"])
def test_sigmoid_derivative_without_the_inner_derivative(answer):
    fb = diagnose("sigmoid_derivative", answer)   # d/dx (1 + e^{−x})^{−1} with the inner factor forgotten
    assert fb.mistake == "missing_term" and "inner derivative" in fb.message
    _no_solution(fb, "σ(x)(1 − σ(x))", "1 − σ(x)")


def test_scalar_grad_sigma_prime_instead_of_log_derivative():
    fb = diagnose("neg_sampling_scalar_grad", "-sigma(x)*(1 - sigma(x))")
    assert fb.mistake == "missing_term" and "log σ" in fb.message


@pytest.mark.parametrize("eid, answer", [
    ("softmax_grad_v_c", lambda v_c, o, U: U @ (sm(U @ v_c) - np.eye(U.shape[0])[o])),               # U for Uᵀ
    ("neg_sampling_grad_v_c", lambda v_c, o, neg, U: -sig(-U[o] @ v_c) * U[o] + sig(U[neg] @ v_c) @ U[neg].T),
    ("softmax_grad_U", lambda v_c, o, U: (sm(U @ v_c) - np.eye(U.shape[0])[o]) * v_c),                 # no outer product
])
def test_shape_errors_point_at_the_transpose(eid, answer):
    fb = diagnose(eid, answer)
    assert fb.mistake == "error" and "ValueError" in fb.message and "transpose" in fb.message


def test_other_exceptions_keep_the_plain_message():
    fb = diagnose("softmax_grad_v_c", lambda v_c, o, U: 1 / 0)
    assert fb.mistake == "error" and "ZeroDivisionError" in fb.message and "transpose" not in fb.message
