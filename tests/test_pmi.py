"""Tests for w2vlib.pmi: counting (6.1), PMI (6.2)/(6.6), the per-pair objective (6.3)–(6.5),
and an empirical check that trained SGNS scores approach the shifted PMI.

Expected counts and PMI values are computed by hand below, never by the code under test.
"""
import math

import numpy as np
import pytest
import scipy.sparse as sps
import sympy as sp

import w2vlib
from w2vlib import pmi, sampling
from w2vlib.gradcheck import gradcheck
from w2vlib.symbolic import sigma
from w2vlib.vocab import build_vocab

from _oracles import assert_close


def _dense(corpus, window, weighting="dynamic", min_count=1, **kw):
    vocab = build_vocab(corpus, min_count)
    C = pmi.cooccurrence_counts(corpus, vocab, window, weighting, **kw)
    return C.toarray(), vocab.key_to_index


def _expect(k2i, pairs):
    out = np.zeros((len(k2i), len(k2i)))
    for (a, b), val in pairs.items():
        out[k2i[a], k2i[b]] = val
    return out


# ----------------------------------------------------------------- counting (6.1)
def test_window_weights_by_hand():
    assert_close(pmi.window_weights(5), [1.0, 0.8, 0.6, 0.4, 0.2], 1e-15)
    assert_close(pmi.window_weights(1), [1.0], 1e-15)
    assert_close(pmi.window_weights(3, "uniform"), [1.0, 1.0, 1.0], 1e-15)


def test_counts_three_words_dynamic_and_uniform():
    # a b c, m = 2: distance 1 weighs (2-1+1)/2 = 1, distance 2 weighs (2-2+1)/2 = 1/2
    C, k2i = _dense([["a", "b", "c"]], 2)
    want = _expect(k2i, {("a", "b"): 1, ("b", "a"): 1, ("b", "c"): 1, ("c", "b"): 1,
                         ("a", "c"): 0.5, ("c", "a"): 0.5})
    assert_close(C, want, 1e-15)
    C, k2i = _dense([["a", "b", "c"]], 2, "uniform")
    want = _expect(k2i, {("a", "b"): 1, ("b", "a"): 1, ("b", "c"): 1, ("c", "b"): 1,
                         ("a", "c"): 1, ("c", "a"): 1})
    assert_close(C, want, 1e-15)


def test_counts_repeated_word_and_total():
    # a a a, m = 2: distance-1 position pairs (0,1), (1,2) in both directions: 4 × 1;
    # distance 2: (0,2) both ways: 2 × 1/2. Total 5.
    C, _ = _dense([["a", "a", "a"]], 2)
    assert_close(C, [[5.0]], 1e-15)


def test_counts_stop_at_sentence_ends():
    C, k2i = _dense([["a", "b"], ["c", "a"]], 2)
    want = _expect(k2i, {("a", "b"): 1, ("b", "a"): 1, ("c", "a"): 1, ("a", "c"): 1})
    assert_close(C, want, 1e-15)
    assert C[k2i["b"], k2i["c"]] == 0


def test_counts_reach_past_words_below_min_count():
    # with min_count = 2, "x" is removed before windowing: a x b becomes a b (as in the trainer)
    corpus = [["a", "x", "b"], ["a", "b"]]
    C, k2i = _dense(corpus, 1, min_count=2)
    assert set(k2i) == {"a", "b"}
    assert_close(C, _expect(k2i, {("a", "b"): 2, ("b", "a"): 2}), 1e-15)


def test_counts_cut_long_sentences_like_the_trainer():
    C, k2i = _dense([["a", "b", "c", "d"]], 1, max_sentence_length=2)
    assert_close(C, _expect(k2i, {("a", "b"): 1, ("b", "a"): 1, ("c", "d"): 1, ("d", "c"): 1}), 1e-15)


def test_dynamic_counts_are_the_mean_of_the_trainers_random_windows():
    # Independent path: draw the trainer's windows (sampling.window_pairs, (4.6)) many times and
    # average the resulting pair counts; the mean must approach cooccurrence_counts(…, "dynamic").
    rng = np.random.default_rng(7)
    corpus = [["a", "b", "c", "a", "d", "b", "a"], ["c", "d", "a", "b"]]
    vocab = build_vocab(corpus, 1)
    ids, starts = vocab.encode(corpus)
    sentence_of = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    V, draws, m = len(vocab), 4000, 3
    total = np.zeros((V, V))
    for _ in range(draws):
        centre, context = sampling.window_pairs(sentence_of, m, rng)
        np.add.at(total, (ids[context], ids[centre]), 1.0)   # input = context word, output = centre word
    mean = total / draws
    C = pmi.cooccurrence_counts(corpus, vocab, m).toarray()
    # each entry is a sum of at most ~6 Bernoulli draws: standard error < 1.2 / sqrt(4000) ≈ 0.02
    assert np.max(np.abs(mean - C)) < 0.08
    assert np.allclose(C, C.T)


def test_counts_of_a_real_corpus_sum_to_the_expected_pairs_per_epoch(rng):
    corpus = [list(rng.choice(list("abcdefg"), size=n)) for n in (1, 2, 5, 9, 30)]
    m = 4
    C = pmi.cooccurrence_counts(corpus, build_vocab(corpus, 1), m)
    # sentence of length L: 2 Σ_j max(L − j, 0) (m − j + 1)/m
    want = sum(2 * max(len(s) - j, 0) * (m - j + 1) / m for s in corpus for j in range(1, m + 1))
    assert C.sum() == pytest.approx(want, rel=1e-14)
    assert sps.issparse(C) and C.dtype == np.float64


# ----------------------------------------------------------------- PMI (6.2), (6.6)
def test_pmi_hand_example():
    counts = np.array([[2.0, 1.0], [1.0, 0.0]])   # |D| = 4, #(w) = (3, 1), #(c) = (3, 1)
    P = pmi.pmi(counts)
    assert P.nnz == 3 and P[1, 1] == 0            # the unobserved pair is not stored
    assert P[0, 0] == pytest.approx(math.log(2 * 4 / (3 * 3)), abs=1e-15)
    assert P[0, 1] == pytest.approx(math.log(1 * 4 / (3 * 1)), abs=1e-15)
    assert P[1, 0] == pytest.approx(math.log(1 * 4 / (1 * 3)), abs=1e-15)
    S = pmi.shifted_pmi(sps.csr_array(counts), k=5)
    assert S[0, 1] == pytest.approx(math.log(4 / 3) - math.log(5), abs=1e-15)


def test_pmi_with_context_distribution_smoothing_by_hand():
    counts = np.array([[2.0, 1.0], [1.0, 0.0]])
    z = 3 ** 0.75 + 1 ** 0.75
    P = pmi.pmi(counts, cds=0.75)
    assert P[0, 0] == pytest.approx(math.log(2 / (3 * 3 ** 0.75 / z)), abs=1e-14)
    assert P[0, 1] == pytest.approx(math.log(1 / (3 * 1 / z)), abs=1e-14)
    # the trainer's P_n from corpus counts instead of the column sums
    P = pmi.pmi(counts, cds=0.75, noise_counts=[10, 2])
    z = 10 ** 0.75 + 2 ** 0.75
    assert P[1, 0] == pytest.approx(math.log(1 / (1 * 10 ** 0.75 / z)), abs=1e-14)


def test_pmi_leaves_a_non_canonical_sparse_input_untouched():
    # duplicates (row 0, col 0 twice) and an explicit zero: PMI canonicalises a copy, not the caller's arrays
    data, indices, indptr = np.array([1.0, 2.0, 0.0, 3.0]), np.array([0, 0, 1, 1]), np.array([0, 3, 4])
    counts = sps.csr_array((data.copy(), indices.copy(), indptr.copy()), shape=(2, 2))
    P = pmi.pmi(counts)
    assert np.array_equal(counts.data, data) and np.array_equal(counts.indices, indices)
    assert np.array_equal(counts.indptr, indptr)
    # |D| = 6, #(w) = (3, 3), #(c) = (3, 3): PMI(0, 0) = PMI(1, 1) = log(3 · 6 / 9)
    assert P.nnz == 2 and P[0, 0] == pytest.approx(math.log(2.0), abs=1e-15)
    assert pmi.compare_with_pmi(np.ones((2, 1)), np.ones((2, 1)), counts, 5, cds=1.0).n_pairs == 2
    assert np.array_equal(counts.indptr, indptr)


def test_shifted_pmi_equals_the_optimum_entrywise(rng):
    counts = rng.integers(0, 4, size=(6, 6)).astype(float)
    S = pmi.shifted_pmi(counts, k=3).toarray()
    D, n_w, n_c = counts.sum(), counts.sum(1), counts.sum(0)
    for w in range(6):
        for c in range(6):
            if counts[w, c] > 0:
                assert S[w, c] == pytest.approx(pmi.sgns_optimal_dot(counts[w, c], n_w[w], n_c[c], D, 3), abs=1e-13)


# ----------------------------------------------------------------- the per-pair objective (6.3)–(6.5)
X, NWC, NW, NC, D, K = sp.symbols("x n_wc n_w n_c D k", positive=True)
X = sp.Symbol("x", real=True)


def _sym_loss():
    # Levy & Goldberg (2014), sec. 3.1: ℓ(w,c) = #(w,c) log σ(w·c) + k #(w) #(c)/|D| log σ(−w·c), as a loss
    return -(NWC * sp.log(sigma(X)) + K * NW * NC / D * sp.log(sigma(-X)))


@pytest.mark.parametrize("x", [-30.0, -2.5, 0.0, 0.7, 4.0, 30.0])
def test_pair_loss_three_oracles(x):
    vals = {NWC: 3.0, NW: 40.0, NC: 25.0, D: 1000.0, K: 5.0}
    loss, grad = pmi.sgns_pair_loss(x, 3.0, 40.0, 25.0, 1000.0, 5)
    sym = _sym_loss().subs(vals)
    assert_close(loss, float(sym.subs(X, x).evalf(30)), 1e-12, "loss vs SymPy loss")
    assert_close(grad, float(sp.diff(sym, X).subs(X, x).evalf(30)), 1e-12, "derivative vs SymPy derivative")
    report = gradcheck(lambda v: (pmi.sgns_pair_loss(v[0], 3.0, 40.0, 25.0, 1000.0, 5)[0],
                                  np.array([pmi.sgns_pair_loss(v[0], 3.0, 40.0, 25.0, 1000.0, 5)[1]])),
                       np.array([x]))
    assert report.ok, report


def test_derivative_vanishes_at_shifted_pmi_symbolically():
    ell = _sym_loss()
    x_star = sp.log(NWC * D / (NW * NC)) - sp.log(K)
    assert sp.simplify(sp.diff(ell, X).subs(X, x_star)) == 0
    # and ℓ is strictly convex in x, so x* is the unique minimum
    second = sp.simplify(sp.diff(ell, X, 2))
    assert second.subs({NWC: 1, NW: 2, NC: 3, D: 7, K: 5, X: 0.3}) > 0
    assert sp.simplify(second - (NWC + K * NW * NC / D) * sigma(X) * sigma(-X)) == 0


def test_optimal_dot_is_the_numeric_minimiser():
    from scipy.optimize import minimize_scalar
    for args in [(3.0, 40.0, 25.0, 1000.0, 5), (0.2, 7.0, 900.0, 1e4, 15), (120.0, 500.0, 300.0, 2e4, 1)]:
        res = minimize_scalar(lambda x: pmi.sgns_pair_loss(x, *args)[0], bracket=(-20, 20), tol=1e-12)
        assert pmi.sgns_optimal_dot(*args) == pytest.approx(res.x, abs=1e-5)
        assert abs(pmi.sgns_pair_loss(pmi.sgns_optimal_dot(*args), *args)[1]) < 1e-10 * max(1, args[0])


def test_optimal_dot_hand_values_and_arrays():
    assert pmi.sgns_optimal_dot(1, 1, 1, 1, 1) == 0.0
    assert pmi.sgns_optimal_dot(2, 4, 5, 100, 5) == pytest.approx(math.log(2 * 100 / 20) - math.log(5), abs=1e-15)
    out = pmi.sgns_optimal_dot(np.array([1.0, 2.0]), 4, 5, 100, 5)
    assert out.shape == (2,) and out[1] - out[0] == pytest.approx(math.log(2), abs=1e-15)


# ----------------------------------------------------------------- validation
@pytest.mark.parametrize("bad, match", [
    (lambda: pmi.window_weights(0), "window"),
    (lambda: pmi.window_weights(True), "window"),
    (lambda: pmi.window_weights(3, "triangular"), "weighting"),
    (lambda: pmi.cooccurrence_counts([["a"]], {"a": 0}), "vocab"),
    (lambda: pmi.cooccurrence_counts("a b", build_vocab([["a", "b"]], 1)), "corpus"),
    (lambda: pmi.pmi([[1.0, -1.0], [0.0, 1.0]]), "non-negative"),
    (lambda: pmi.pmi(np.zeros((2, 2))), "no positive entry"),
    (lambda: pmi.pmi(np.ones(3)), "2-D"),
    (lambda: pmi.pmi(np.ones((2, 2)), cds=0), "cds"),
    (lambda: pmi.pmi(np.ones((2, 2)), cds=1.5), "cds"),
    (lambda: pmi.pmi(np.ones((2, 2)), noise_counts=[1, 2, 3]), "noise_counts"),
    (lambda: pmi.pmi(np.ones((2, 2)), noise_counts=[1, 0]), "noise_counts"),
    (lambda: pmi.pmi(np.ones((2, 2)), noise_counts=[0, 0]), "noise_counts"),   # not 0/0 = NaN PMI
    (lambda: pmi.shifted_pmi(np.ones((2, 2)), k=0), "k must"),
    (lambda: pmi.shifted_pmi(np.ones((2, 2)), k=float("nan")), "k must"),
    (lambda: pmi.sgns_optimal_dot(0, 1, 1, 1, 5), "n_wc"),
    (lambda: pmi.sgns_optimal_dot(1, -1, 1, 1, 5), "n_w"),
    (lambda: pmi.sgns_optimal_dot(1, 1, 1, 1, -5), "k must"),
    (lambda: pmi.sgns_pair_loss(0.0, -1, 1, 1, 1, 5), "n_wc"),
    (lambda: pmi.sgns_pair_loss(float("inf"), 1, 1, 1, 1, 5), "x must"),
    (lambda: pmi.trained_dots(np.ones((2, 3)), np.ones((2, 4)), [0], [0]), "same number of columns"),
    (lambda: pmi.trained_dots(np.ones((2, 3)), np.ones((4, 3)), [-1], [0]), "rows has out-of-range index -1"),
    (lambda: pmi.trained_dots(np.ones((2, 3)), np.ones((4, 3)), [0], [4]), "cols has out-of-range index 4"),
    (lambda: pmi.trained_dots(np.ones((2, 3)), np.ones((4, 3)), [0.0], [1.0]), "rows must hold integer"),
    (lambda: pmi.compare_with_pmi(np.ones((3, 2)), np.ones((2, 2)), np.ones((2, 2)), 5), "one row per"),
    (lambda: pmi.compare_with_pmi(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)), 5, buckets=(0, 3, 1)),
     "buckets"),
    (lambda: pmi.plot_pmi_comparison("not a comparison"), "PMIComparison"),
])
def test_bad_input_raises_one_line_value_error(bad, match):
    with pytest.raises(ValueError, match=match) as err:
        bad()
    assert "\n" not in str(err.value)


# ----------------------------------------------------------------- the empirical claim
def _markov_corpus(seed, V=20, n_tokens=10_000, length=50):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.full(V, 0.3), size=V)     # sparse-ish transitions: PMI spreads over several nats
    x, toks = 0, []
    for _ in range(n_tokens):
        x = rng.choice(V, p=P[x])
        toks.append(f"w{x}")
    return [toks[i:i + length] for i in range(0, n_tokens, length)]


def test_trained_sgns_scores_approach_shifted_pmi():
    """SGNS with d ≥ V on a 20-word Markov-chain corpus: v_w·u_c ≈ PMI_0.75(w,c) − log k.

    Measured with these seeds: Pearson 0.991, Spearman 0.993, mean gap +0.008 nats (corpus seeds
    1 and 2 with model seed = corpus seed: Pearson 0.985, 0.985). A control — the same vectors
    against the counts of a *different* chain — measured Pearson −0.06 and must fail the thresholds.
    """
    corpus = _markov_corpus(0)
    k, m = 5, 2
    model = w2vlib.Word2Vec(corpus, vector_size=32, window=m, negative=k, sample=0, min_count=1, epochs=10,
                            seed=3, progress=False, dtype=np.float64)
    C = pmi.cooccurrence_counts(corpus, model.vocab, m)
    cmp = pmi.compare_with_pmi(model.wv.vectors, model.syn1neg, C, k, cds=0.75, noise_counts=model.vocab.counts)
    assert cmp.n_pairs == 400
    assert cmp.pearson > 0.95 and cmp.spearman > 0.95, cmp
    assert abs(cmp.mean_gap) < 0.1, cmp

    other = _markov_corpus(1)
    C_other = pmi.cooccurrence_counts(other, model.vocab, m)
    control = pmi.compare_with_pmi(model.wv.vectors, model.syn1neg, C_other, k, cds=0.75,
                                   noise_counts=model.vocab.counts)
    assert control.pearson < 0.6, control


def test_comparison_buckets_partition_the_pairs(rng):
    counts = sps.random(30, 30, density=0.3, random_state=1, data_rvs=lambda n: rng.uniform(0.1, 50, n))
    V_in, U = rng.normal(size=(30, 4)), rng.normal(size=(30, 4))
    cmp = pmi.compare_with_pmi(V_in, U, counts, 5, cds=1.0)
    assert sum(b["n_pairs"] for b in cmp.buckets) == cmp.n_pairs == counts.nnz
    # dots are the plain v_w·u_c of the stored pairs, in CSR order
    C = sps.csr_array(counts)
    rows = np.repeat(np.arange(30), np.diff(C.indptr))
    assert_close(cmp.dots, [V_in[w] @ U[c] for w, c in zip(rows, C.indices)], 1e-13)
    assert "Pearson" in str(cmp)


def test_plot_pmi_comparison_uses_labels(monkeypatch, rng):
    import matplotlib
    matplotlib.use("Agg")
    monkeypatch.setenv("W2VLIB_LANG", "en")
    counts = rng.uniform(0.5, 40, size=(10, 10))
    cmp = pmi.compare_with_pmi(rng.normal(size=(10, 3)), rng.normal(size=(10, 3)), counts, 5)
    ax = pmi.plot_pmi_comparison(cmp)
    assert "shifted PMI" in ax.get_xlabel() and "v_w·u_c" in ax.get_ylabel()
