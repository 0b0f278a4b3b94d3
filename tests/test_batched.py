"""Batched objectives (4.9)–(4.11) equal the sum of the per-example objectives.

Oracle: the per-pair / per-window functions of w2vlib (themselves tested
against SymPy and finite differences), summed in a Python loop. Batches are
built to contain duplicates: repeated centres, repeated negatives, the
positive word among its own negatives, repeated context words.
"""
import numpy as np
import pytest

from w2vlib import batched as bt
from w2vlib.cbow import cbow_neg_sampling_loss_and_grads
from w2vlib.gradcheck import gradcheck
from w2vlib.hierarchical import hs_loss_and_grads, huffman_codes
from w2vlib.negative_sampling import neg_sampling_loss_and_grads

V, d = 7, 4


@pytest.fixture
def params(rng):
    return rng.normal(size=(V, d)), rng.normal(size=(V, d))


def _pairs():
    c = np.array([0, 0, 3, 6, 3, 1])
    o = np.array([1, 2, 3, 0, 2, 1])            # o == c for one pair
    neg = np.array([[2, 2, 5], [1, 0, 0], [3, 4, 3], [6, 6, 6], [2, 1, 0], [5, 5, 1]])  # o inside neg too
    return c, o, neg


def _windows():
    lengths = np.array([2, 4, 1, 3])
    members = np.array([1, 2, 0, 0, 5, 0, 6, 4, 4, 1])  # repeated context words
    c = np.array([3, 3, 6, 4])
    neg = np.array([[0, 0], [3, 1], [6, 2], [4, 4]])
    return lengths, members, c, neg


def _split(lengths, members):
    ends = np.cumsum(lengths)
    return [members[e - n:e] for n, e in zip(lengths, ends)]


def test_sg_neg_sampling_batch_is_sum_of_pairs(params):
    V_in, U = params
    c, o, neg = _pairs()
    loss, g_in, g_out = bt.sg_neg_sampling_batch(V_in, U, c, o, neg)
    want_loss, want_in, want_out = 0.0, np.zeros((V, d)), np.zeros((V, d))
    for ci, oi, ni in zip(c, o, neg):
        l, gv, gu = neg_sampling_loss_and_grads(V_in[ci], oi, ni, U)
        want_loss += l
        want_in[ci] += gv
        want_out += gu
    assert loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(g_in, want_in, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g_out, want_out, rtol=1e-12, atol=1e-14)


def test_cbow_neg_sampling_batch_is_sum_of_windows(params):
    V_in, U = params
    lengths, members, c, neg = _windows()
    loss, g_in, g_out = bt.cbow_neg_sampling_batch(V_in, U, lengths, members, c, neg)
    want_loss, want_in, want_out = 0.0, np.zeros((V, d)), np.zeros((V, d))
    for ctx, ci, ni in zip(_split(lengths, members), c, neg):
        l, gv, gu = cbow_neg_sampling_loss_and_grads(ctx, ci, ni, V_in, U)
        want_loss += l
        want_in += gv
        want_out += gu
    assert loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(g_in, want_in, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g_out, want_out, rtol=1e-12, atol=1e-14)


@pytest.fixture
def tree(rng):
    counts = np.array([40, 30, 9, 9, 5, 2, 1])
    return huffman_codes(counts), rng.normal(size=(V - 1, d))


def test_sg_hs_batch_is_sum_of_pairs(params, tree):
    V_in, _ = params
    paths, W = tree
    c, o, _ = _pairs()
    loss, g_in, g_W = bt.sg_hs_batch(V_in, W, c, o, bt.HuffmanPaths(paths))
    want_loss, want_in, want_W = 0.0, np.zeros((V, d)), np.zeros_like(W)
    for ci, oi in zip(c, o):
        l, gh, gw = hs_loss_and_grads(V_in[ci], *paths[oi], W)
        want_loss += l
        want_in[ci] += gh
        want_W += gw
    assert loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(g_in, want_in, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g_W, want_W, rtol=1e-12, atol=1e-14)


def test_cbow_hs_batch_is_sum_of_windows(params, tree):
    V_in, _ = params
    paths, W = tree
    lengths, members, c, _ = _windows()
    loss, g_in, g_W = bt.cbow_hs_batch(V_in, W, lengths, members, c, bt.HuffmanPaths(paths))
    want_loss, want_in, want_W = 0.0, np.zeros((V, d)), np.zeros_like(W)
    for ctx, ci in zip(_split(lengths, members), c):
        h = V_in[ctx].mean(axis=0)                        # (3.1)
        l, gh, gw = hs_loss_and_grads(h, *paths[ci], W)
        want_loss += l
        np.add.at(want_in, ctx, gh / len(ctx))            # (3.2)
        want_W += gw
    assert loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(g_in, want_in, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g_W, want_W, rtol=1e-12, atol=1e-14)


def test_batched_gradient_passes_finite_differences(params):
    V_in, U = params
    c, o, neg = _pairs()
    report = gradcheck(lambda X: bt.sg_neg_sampling_batch(X, U, c, o, neg)[:2], V_in)
    assert report.ok, report
    report = gradcheck(lambda X: (bt.sg_neg_sampling_batch(V_in, X, c, o, neg)[0],
                                  bt.sg_neg_sampling_batch(V_in, X, c, o, neg)[2]), U)
    assert report.ok, report


@pytest.mark.parametrize("kind", ["sg_ns", "cbow_ns", "sg_hs", "cbow_hs"])
def test_sgd_step_equals_dense_gradient_step(params, tree, kind):
    """The in-place step (scatter on the touched rows only) equals θ − lr·∇θ."""
    V_in, U = params
    paths, W = tree
    hp = bt.HuffmanPaths(paths)
    c, o, neg = _pairs()
    lengths, members, cc, cneg = _windows()
    out = W if kind.endswith("hs") else U
    call = {
        "sg_ns": lambda a, b, lr=None: bt.sg_neg_sampling_batch(a, b, c, o, neg, lr=lr),
        "cbow_ns": lambda a, b, lr=None: bt.cbow_neg_sampling_batch(a, b, lengths, members, cc, cneg, lr=lr),
        "sg_hs": lambda a, b, lr=None: bt.sg_hs_batch(a, b, c, o, hp, lr=lr),
        "cbow_hs": lambda a, b, lr=None: bt.cbow_hs_batch(a, b, lengths, members, cc, hp, lr=lr),
    }[kind]
    loss, g_in, g_out = call(V_in, out)
    A, Bm = V_in.copy(), out.copy()
    step_loss = call(A, Bm, lr=0.1)
    assert step_loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(A, V_in - 0.1 * g_in, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(Bm, out - 0.1 * g_out, rtol=1e-12, atol=1e-14)


def test_duplicates_accumulate_rather_than_overwrite(params):
    """Catches the classic bug M[idx] -= lr * rows (last write wins)."""
    V_in, U = params
    c = np.array([2, 2])
    o = np.array([1, 1])
    neg = np.array([[4], [4]])
    _, g_in, g_out = bt.sg_neg_sampling_batch(V_in, U, c, o, neg)
    _, g1_in, g1_out = bt.sg_neg_sampling_batch(V_in, U, c[:1], o[:1], neg[:1])
    np.testing.assert_allclose(g_in, 2 * g1_in)
    np.testing.assert_allclose(g_out, 2 * g1_out)
    A = V_in.copy()
    bt.sg_neg_sampling_batch(A, U.copy(), c, o, neg, lr=1.0)
    np.testing.assert_allclose(A[2], V_in[2] - 2 * g1_in[2])


def test_logistic_terms_extreme_scores_are_finite():
    scores = np.array([1e4, -1e4, 0.0])
    loss, g = bt.logistic_terms(scores, np.array([1.0, 1.0, -1.0]))
    assert np.isfinite(loss) and np.all(np.isfinite(g))
    assert loss == pytest.approx(1e4 + np.log(2))
    np.testing.assert_allclose(g, [0.0, -1.0, 0.5], atol=1e-300)


def test_bad_index_arrays_raise(params):
    V_in, U = params
    with pytest.raises(ValueError, match="neg must be a 2-D integer array"):
        bt.sg_neg_sampling_batch(V_in, U, [0], [1], [2, 3])
    with pytest.raises(ValueError, match="lengths must all be >= 1"):
        bt.cbow_neg_sampling_batch(V_in, U, [0, 1], [2], [0, 1], [[1], [2]])


def test_word2vec_spread_is_context_size_times_the_gradient(params):
    """word2vec.c's CBOW update gives each context word ∂J/∂h, i.e. |ctx|·(3.2)."""
    V_in, U = params
    lengths, members, c, neg = _windows()
    want = np.zeros((V, d))
    for ctx, ci, ni in zip(_split(lengths, members), c, neg):
        _, gv, _ = cbow_neg_sampling_loss_and_grads(ctx, ci, ni, V_in, U)
        want += len(ctx) * gv
    A = V_in.copy()
    bt.cbow_neg_sampling_batch(A, U.copy(), lengths, members, c, neg, lr=1.0, spread="word2vec")
    np.testing.assert_allclose(A, V_in - want, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="spread must be"):
        bt.cbow_neg_sampling_batch(V_in, U, lengths, members, c, neg, spread="sum")


def test_public_fallback_scatter_equals_kernel(params, rng):
    """The public sparse-product path and SciPy's in-place kernel give the same step."""
    _, U = params
    rows = np.array([3, 3, 0, 6, 3, 1])
    indptr = np.array([0, 2, 3, 6])
    coef = rng.normal(size=6)
    X = rng.normal(size=(3, d))
    A, B = U.copy(), U.copy()
    bt.sparse_step(A, rows, indptr, coef, X, lr=0.5, use_kernel=True)
    bt.sparse_step(B, rows, indptr, coef, X, lr=0.5, use_kernel=False)
    dense = bt.sparse_step(U, rows, indptr, coef, X)
    want = U.copy()
    for a in range(3):
        for t in range(indptr[a], indptr[a + 1]):
            want[rows[t]] -= 0.5 * coef[t] * X[a]
    np.testing.assert_allclose(A, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(B, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(U - 0.5 * dense, want, rtol=1e-12, atol=1e-14)


def test_workspace_reuse_gives_identical_results(params):
    V_in, U = params
    c, o, neg = _pairs()
    A1, U1, A2, U2 = V_in.copy(), U.copy(), V_in.copy(), U.copy()
    ws = bt.Workspace()
    for _ in range(3):
        l1 = bt.sg_neg_sampling_batch(A1, U1, c, o, neg, lr=0.1)
        l2 = bt.sg_neg_sampling_batch(A2, U2, c, o, neg, lr=0.1, ws=ws)
        assert l1 == l2
    assert np.array_equal(A1, A2) and np.array_equal(U1, U2)


@pytest.mark.parametrize("kind", ["sg_ns", "cbow_hs"])
def test_float32_step_matches_float64_step(params, tree, kind):
    V_in, U = params
    paths, W = tree
    hp = bt.HuffmanPaths(paths)
    c, o, neg = _pairs()
    lengths, members, cc, _ = _windows()
    out = W if kind == "cbow_hs" else U
    call = {
        "sg_ns": lambda a, b, ws: bt.sg_neg_sampling_batch(a, b, c, o, neg, lr=0.1, ws=ws),
        "cbow_hs": lambda a, b, ws: bt.cbow_hs_batch(a, b, lengths, members, cc, hp, lr=0.1),
    }[kind]
    A64, B64 = V_in.copy(), out.copy()
    A32, B32 = V_in.astype(np.float32), out.astype(np.float32)
    l64 = call(A64, B64, bt.Workspace())
    l32 = call(A32, B32, bt.Workspace())
    assert A32.dtype == B32.dtype == np.float32
    assert l32 == pytest.approx(l64, rel=1e-5)
    np.testing.assert_allclose(A32, A64, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(B32, B64, rtol=1e-4, atol=1e-5)
