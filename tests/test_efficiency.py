"""The efficient-calculation ladder (w2vlib.efficiency), notebook 05.

Oracles: the loop versions are compared with the vectorised functions of
w2vlib (themselves tested against SymPy) *and* with the three oracles
directly (SymPy loss from the definition, SymPy gradient, finite
differences); the new batch form (5.4) gets the three oracles with a SymPy
batch loss written here from the definition, and the sum of the per-pair
functions. Timing is only checked for its structure: no assertion about how
fast anything is (machines are noisy).
"""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from _oracles import assert_close, check_three_oracles
from hypothesis import given, settings, strategies as st

from w2vlib import efficiency as ef
from w2vlib import hs_loss_and_grads, huffman_codes, neg_sampling_loss_and_grads, softmax_loss_and_grads
from w2vlib.gradcheck import gradcheck
from w2vlib.symbolic import (SymbolicObjective, hs_objective, matrix_symbols, neg_sampling_objective,
                             softmax_objective)


def assert_same(a, b, tol=1e-12):
    """Loss and both gradients equal to rounding."""
    assert len(a) == len(b) == 3
    for x, y, what in zip(a, b, ("loss", "first gradient", "second gradient")):
        assert_close(x, y, tol, what)


# --------------------------------------------------------------------------- (5.2)
@pytest.mark.parametrize("x", [-1e4, -745.5, -40.0, -3.2, -1e-9, 0.0, 1e-9, 0.7, 36.0, 800.0, 1e4])
def test_log_sigmoid_and_complement_matches_the_definition(x):
    log_sig, sig_neg = ef.log_sigmoid_and_complement(x)
    with mpmath.workdps(60):
        s = 1 / (1 + mpmath.exp(-mpmath.mpf(x)))         # σ(x) from its definition
        want_log, want_neg = float(mpmath.log(s)), float(1 / (1 + mpmath.exp(mpmath.mpf(x))))
    assert math.isfinite(log_sig) and math.isfinite(sig_neg)
    assert log_sig == pytest.approx(want_log, rel=1e-14, abs=1e-300)
    assert sig_neg == pytest.approx(want_neg, rel=1e-14, abs=1e-300)


def test_log_sigmoid_and_complement_uses_one_exp(monkeypatch):
    calls = []
    real_exp = math.exp
    monkeypatch.setattr(ef.math, "exp", lambda t: calls.append(t) or real_exp(t))
    ef.log_sigmoid_and_complement(2.5)
    ef.log_sigmoid_and_complement(-2.5)
    assert len(calls) == 2 and all(t <= 0 for t in calls), "one exponential per term, argument <= 0"


# --------------------------------------------------------------------------- loop == vectorised
@pytest.mark.parametrize("V,d,o", [(2, 1, 0), (5, 3, 4), (9, 4, 0), (30, 7, 12)])
def test_softmax_loop_equals_vectorised(rng, V, d, o):
    v_c, U = rng.normal(size=d), rng.normal(size=(V, d))
    assert_same(ef.softmax_loss_and_grads_loop(v_c, o, U), softmax_loss_and_grads(v_c, o, U))


@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_softmax_loop_is_stable_at_extreme_logits(rng, scale):
    V, d, o = 4, 3, 1
    U = rng.normal(size=(V, d))
    v_c = scale * U[2] / np.linalg.norm(U[2]) ** 2     # z_2 = scale exactly
    with np.errstate(all="raise"):
        got = ef.softmax_loss_and_grads_loop(v_c, o, U)
    assert all(np.all(np.isfinite(g)) for g in got)
    assert_same(got, softmax_loss_and_grads(v_c, o, U), tol=1e-10)


NEG_CASES = [
    (6, 3, 0, [1, 2, 3]),          # distinct
    (6, 3, 0, [4, 4, 4, 1]),       # a negative drawn three times
    (6, 3, 2, [2, 5, 2]),          # the observed word among its negatives, twice
    (6, 3, 5, []),                 # K = 0
    (2, 1, 1, [1, 1, 0, 1]),       # tiny vocabulary, everything repeated
]


@pytest.mark.parametrize("V,d,o,neg", NEG_CASES)
def test_neg_sampling_loop_equals_vectorised(rng, V, d, o, neg):
    v_c, U = rng.normal(size=d), rng.normal(size=(V, d))
    got = ef.neg_sampling_loss_and_grads_loop(v_c, o, np.array(neg, dtype=int), U)
    assert_same(got, neg_sampling_loss_and_grads(v_c, o, np.array(neg, dtype=int), U))


@settings(max_examples=40, deadline=None)
@given(V=st.integers(2, 8), d=st.integers(1, 5), data=st.data())
def test_property_neg_sampling_loop_equals_vectorised(V, d, data):
    o = data.draw(st.integers(0, V - 1))
    neg = np.array(data.draw(st.lists(st.integers(0, V - 1), max_size=7)), dtype=int)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    v_c, U = 3 * rng.normal(size=d), 3 * rng.normal(size=(V, d))
    assert_same(ef.neg_sampling_loss_and_grads_loop(v_c, o, neg, U), neg_sampling_loss_and_grads(v_c, o, neg, U))


@pytest.mark.parametrize("V", [2, 3, 17, 64])
def test_hs_loop_equals_vectorised_on_real_huffman_paths(rng, V):
    d = 4
    counts = rng.integers(1, 1000, size=V)
    W, h = rng.normal(size=(V - 1, d)), rng.normal(size=d)
    for points, codes in huffman_codes(counts):
        assert_same(ef.hs_loss_and_grads_loop(h, points, codes, W), hs_loss_and_grads(h, points, codes, W))


def test_hs_loop_accumulates_a_repeated_node(rng):
    W, h = rng.normal(size=(3, 2)), rng.normal(size=2)
    points, codes = [2, 0, 2], [0, 1, 1]                 # not a tree path, but a valid sum of terms
    assert_same(ef.hs_loss_and_grads_loop(h, points, codes, W), hs_loss_and_grads(h, points, codes, W))


# --------------------------------------------------------------------------- three oracles for the loops
@pytest.mark.parametrize("V,d,o", [(3, 2, 0), (4, 2, 3)])
def test_softmax_loop_three_oracles(rng, V, d, o):
    args = {"v_c": rng.normal(size=d), "o": o, "U": rng.normal(size=(V, d))}
    check_three_oracles(ef.softmax_loss_and_grads_loop, args, ("v_c", "U"), softmax_objective(V, d, o))


@pytest.mark.parametrize("V,d,o,neg", [(3, 2, 0, [1, 1]), (4, 2, 1, [1, 3, 1]), (3, 2, 2, [])])
def test_neg_sampling_loop_three_oracles(rng, V, d, o, neg):
    args = {"v_c": rng.normal(size=d), "o": o, "neg": np.array(neg, dtype=int), "U": rng.normal(size=(V, d))}
    check_three_oracles(ef.neg_sampling_loss_and_grads_loop, args, ("v_c", "U"),
                        neg_sampling_objective(V, d, o, neg))


def test_hs_loop_three_oracles(rng):
    counts, d = [5, 3, 2, 2, 1], 2
    points, codes = huffman_codes(counts)[4]             # the deepest leaf
    args = {"h": rng.normal(size=d), "points": points, "codes": codes, "W": rng.normal(size=(4, d))}
    check_three_oracles(ef.hs_loss_and_grads_loop, args, ("h", "W"), hs_objective(4, d, points, codes))


def test_gradcheck_rejects_a_broken_loop_gradient(rng):
    # the checker used above can fail: drop the duplicate accumulation by hand
    v_c, U, o, neg = rng.normal(size=3), rng.normal(size=(4, 3)), 0, [2, 2]

    def once_per_row(x):
        loss, _, g = ef.neg_sampling_loss_and_grads_loop(v_c, o, neg, x)
        _, _, g_single = ef.neg_sampling_loss_and_grads_loop(v_c, o, [2], x)
        g = g.copy()
        g[2] = g_single[2]                                # as if the second draw overwrote the first
        return loss, g

    assert not gradcheck(once_per_row, U).ok


# --------------------------------------------------------------------------- (5.4) full-softmax batch
def _batch_objective(V, d, c, o):
    """J_B = Σ_b −log(exp(u_{o_b}·v_{c_b}) / Σ_w exp(u_w·v_{c_b})), from the definition."""
    V_in, U = matrix_symbols("x", V, d), matrix_symbols("u", V, d)
    loss = sp.Integer(0)
    for cb, ob in zip(c, o):
        z = [sum(U[w, i] * V_in[cb, i] for i in range(d)) for w in range(V)]
        loss -= sp.log(sp.exp(z[ob]) / sum(sp.exp(zw) for zw in z))
    return SymbolicObjective(loss, {"V_in": V_in, "U": U})


def test_softmax_batch_three_oracles(rng):
    V, d = 3, 2
    c, o = np.array([0, 2, 0, 1]), np.array([1, 2, 1, 0])  # repeated pair, o == c
    args = {"V_in": rng.normal(size=(V, d)), "U": rng.normal(size=(V, d)), "c": c, "o": o}
    check_three_oracles(ef.sg_softmax_batch, args, ("V_in", "U"), _batch_objective(V, d, c, o))


def test_softmax_batch_is_the_sum_of_pairs(rng):
    V, d = 11, 5
    V_in, U = rng.normal(size=(V, d)), rng.normal(size=(V, d))
    c, o = rng.integers(V, size=40), rng.integers(V, size=40)
    c[:5] = 3                                              # repeated centres
    loss, g_in, g_U = ef.sg_softmax_batch(V_in, U, c, o)
    want_loss, want_in, want_U = 0.0, np.zeros((V, d)), np.zeros((V, d))
    for cb, ob in zip(c, o):
        l, gv, gu = softmax_loss_and_grads(V_in[cb], ob, U)
        want_loss += l
        want_in[cb] += gv
        want_U += gu
    assert_close(loss, want_loss)
    assert_close(g_in, want_in)
    assert_close(g_U, want_U)


def test_softmax_batch_sgd_step_in_place(rng):
    V, d, lr = 6, 3, 0.1
    V_in, U = rng.normal(size=(V, d)), rng.normal(size=(V, d))
    c, o = np.array([1, 1, 4]), np.array([0, 5, 4])
    loss, g_in, g_U = ef.sg_softmax_batch(V_in, U, c, o)
    V2, U2 = V_in.copy(), U.copy()
    assert ef.sg_softmax_batch(V2, U2, c, o, lr=lr) == pytest.approx(loss, rel=1e-14)
    assert_close(V2, V_in - lr * g_in)
    assert_close(U2, U - lr * g_U)


def test_softmax_batch_validation(rng):
    V_in, U = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    with pytest.raises(ValueError, match="o must have shape"):
        ef.sg_softmax_batch(V_in, U, [0, 1], [1])
    with pytest.raises(ValueError, match="c has out-of-range index 4"):
        ef.sg_softmax_batch(V_in, U, [4], [1])
    with pytest.raises(ValueError, match="U must have shape"):
        ef.sg_softmax_batch(V_in, U[:3], [0], [1])
    with pytest.raises(ValueError, match="c must contain at least one index"):
        ef.sg_softmax_batch(V_in, U, [], [])
    with pytest.raises(ValueError, match="U must be a float64 ndarray when lr is given"):
        ef.sg_softmax_batch(V_in, U.tolist(), [0], [1], lr=0.1)


# --------------------------------------------------------------------------- validation of the loops
@pytest.mark.parametrize("loop, vec, args", [
    (ef.softmax_loss_and_grads_loop, softmax_loss_and_grads, (np.zeros(3), 5, np.zeros((4, 3)))),
    (ef.softmax_loss_and_grads_loop, softmax_loss_and_grads, (np.zeros(2), 0, np.zeros((4, 3)))),
    (ef.neg_sampling_loss_and_grads_loop, neg_sampling_loss_and_grads, (np.zeros(3), 0, [1, 9], np.zeros((4, 3)))),
    (ef.neg_sampling_loss_and_grads_loop, neg_sampling_loss_and_grads, (np.zeros(3), 0, [[1]], np.zeros((4, 3)))),
    (ef.hs_loss_and_grads_loop, hs_loss_and_grads, (np.zeros(3), [0, 1], [0, 2], np.zeros((3, 3)))),
    (ef.hs_loss_and_grads_loop, hs_loss_and_grads, (np.zeros(3), [0, 1], [0], np.zeros((3, 3)))),
    (ef.hs_loss_and_grads_loop, hs_loss_and_grads, (np.zeros(3), [], [], np.zeros((3, 3)))),
])
def test_loops_reject_bad_input_like_the_vectorised_functions(loop, vec, args):
    with pytest.raises(ValueError) as want:
        vec(*args)
    with pytest.raises(ValueError) as got:
        loop(*args)
    assert str(got.value) == str(want.value)
    assert "\n" not in str(got.value)


# --------------------------------------------------------------------------- the cost model (5.5), (5.6)
def test_operation_count_values():
    assert ef.operation_count("softmax", V=10, d=3) == {"rows": 10.0, "flops": 150.0, "exps": 10.0}
    assert ef.operation_count("ns_loop", V=10, d=3, K=5)["flops"] == 5 * 6 * 3
    assert ef.operation_count("hs_batch", V=1024, d=2)["rows"] == 10.0   # log2 V by default
    assert ef.operation_count("hs", V=1024, d=2, L=7.5)["flops"] == 5 * 7.5 * 2
    for m in ef.METHODS:
        assert ef.operation_count(m, V=8, d=2)["flops"] > 0


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "adam", "V": 10, "d": 3}, "method must be one of"),
    ({"method": "ns", "V": 1, "d": 3}, "V must be >= 2"),
    ({"method": "ns", "V": 10, "d": 0}, "d >= 1"),
    ({"method": "ns", "V": 10, "d": 3, "K": -1}, "K must be >= 0"),
])
def test_operation_count_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ef.operation_count(**kwargs)


def test_model_rows_are_the_rows_the_gradients_touch(rng):
    # R of (5.6) against the sparsity of the gradients actually returned
    V, d, K = 40, 3, 6
    v_c, U = rng.normal(size=d), rng.normal(size=(V, d))
    neg = rng.integers(V, size=K)
    _, _, g_sm = ef.softmax_loss_and_grads_loop(v_c, 7, U)
    assert np.count_nonzero(np.any(g_sm != 0, axis=1)) == ef.operation_count("softmax", V, d)["rows"]
    _, _, g_ns = ef.neg_sampling_loss_and_grads_loop(v_c, 7, neg, U)
    touched = np.count_nonzero(np.any(g_ns != 0, axis=1))
    assert touched == len(set(neg.tolist()) | {7}) <= ef.operation_count("ns", V, d, K)["rows"]
    paths = huffman_codes(rng.integers(1, 100, size=V))
    W = rng.normal(size=(V - 1, d))
    for points, codes in paths[:10]:
        _, _, g_hs = ef.hs_loss_and_grads_loop(v_c, points, codes, W)
        assert np.count_nonzero(np.any(g_hs != 0, axis=1)) == len(points)


def test_mean_path_length_by_hand():
    paths = huffman_codes([1, 1, 1, 1])                 # a complete tree: every word at depth 2
    assert ef.mean_path_length(paths) == 2.0
    paths = huffman_codes([4, 2, 1, 1])                 # depths 1, 2, 3, 3
    assert sorted(len(p) for p, _ in paths) == [1, 2, 3, 3]
    assert ef.mean_path_length(paths) == pytest.approx(9 / 4)
    assert ef.mean_path_length(paths, weights=[4, 2, 1, 1]) == pytest.approx((4 + 4 + 3 + 3) / 8)
    assert ef.mean_path_length(paths, words=[0, 0, 3]) == pytest.approx(5 / 3)
    with pytest.raises(ValueError, match="weights must have shape"):
        ef.mean_path_length(paths, weights=[1, 2])


@pytest.mark.parametrize("kwargs, message", [
    ({"words": []}, "words must be a non-empty"),               # was: NaN with a RuntimeWarning
    ({"words": [0, 4]}, r"words must be indices in \[0, 4\)"),
    ({"words": [-1]}, r"words must be indices in \[0, 4\)"),    # was: silently the last word
    ({"words": [0.5]}, "words must be a non-empty 1-D array of word indices"),
    ({"weights": [0, 0, 0, 0]}, "not all zero"),                # was: 0/0 = NaN
    ({"weights": [1, -1, 1, 1]}, "non-negative"),
])
def test_mean_path_length_rejects_bad_input(kwargs, message):
    paths = huffman_codes([4, 2, 1, 1])
    with pytest.raises(ValueError, match=message) as err:
        ef.mean_path_length(paths, **kwargs)
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="paths must contain"):
        ef.mean_path_length([])


@pytest.mark.parametrize("V", [2, 5, 100, 3000])
def test_huffman_mean_path_length_is_within_the_entropy_bound(rng, V):
    # (5.5): H(p) <= E[L] < H(p) + 1 <= log2 V + 1, with Kraft's equality Σ 2^{-L_w} = 1
    counts = rng.integers(1, 10_000, size=V).astype(float)
    paths = huffman_codes(counts)
    p = counts / counts.sum()
    H = float(-(p * np.log2(p)).sum())
    EL = ef.mean_path_length(paths, weights=counts)
    assert H - 1e-12 <= EL < H + 1 <= math.log2(V) + 1
    assert sum(sp.Rational(1, 2 ** len(pt)) for pt, _ in paths) == 1


# --------------------------------------------------------------------------- time_ladder: structure only
def test_time_ladder_structure():
    lad = ef.time_ladder([8, 16, 40], d=4, K=2, repeats=1, seed=3, pairs=2, B=4)
    assert isinstance(lad, ef.Ladder)
    assert lad.methods == ef.METHODS
    assert lad.V.tolist() == [8, 16, 40]
    assert lad.seconds.shape == lad.flops.shape == (len(ef.METHODS), 3)
    assert np.all(np.isfinite(lad.seconds)) and np.all(lad.seconds > 0)
    assert (lad.d, lad.K, lad.B, lad.pairs, lad.repeats, lad.seed) == (4, 2, 4, 2, 1, 3)
    assert np.all((lad.path_length >= 1) & (lad.path_length <= np.array([7, 15, 39])))
    for i, m in enumerate(lad.methods):
        for j, V in enumerate(lad.V):
            want = ef.operation_count(m, V, 4, 2, L=lad.path_length[j])["flops"]
            assert lad.flops[i, j] == want
    assert lad.ratio("softmax_loop", "softmax").shape == (3,)
    assert np.allclose(lad.ns_per_flop("ns"), 1e9 * lad.time("ns") / lad.flops[lad.methods.index("ns")])
    text = str(lad)
    for m in ef.METHODS:
        assert m in text
    assert "V=40" in text and "µs" not in lad.table("ms")


def test_time_ladder_skips_loops_over_budget_and_subsets():
    lad = ef.time_ladder([10, 20], d=3, K=1, repeats=1, methods=("softmax_loop", "ns"), pairs=1,
                         loop_budget=5 * 15 * 3)       # softmax_loop fits at V=10 (150 flops), not at V=20
    assert lad.methods == ("softmax_loop", "ns")
    assert np.isfinite(lad.time("softmax_loop")[0]) and np.isnan(lad.time("softmax_loop")[1])
    assert np.all(np.isnan(lad.path_length))          # no HS method, no tree
    with pytest.raises(ValueError, match="method must be one of"):
        lad.time("hs")
    with pytest.raises(ValueError, match="unit must be one of"):
        lad.table("hours")


@pytest.mark.parametrize("kwargs, message", [
    ({"V_values": [1, 8]}, "V_values must all be >= 2"),
    ({"V_values": []}, "V_values must be a non-empty"),
    ({"V_values": [8.5]}, "V_values must be a non-empty"),
    ({"V_values": [8], "d": 0}, "d must be an integer >= 1"),
    ({"V_values": [8], "K": 0}, "K must be an integer >= 1"),
    ({"V_values": [8], "repeats": 0}, "repeats must be an integer >= 1"),
    ({"V_values": [8], "pairs": 1.5}, "pairs must be an integer >= 1"),
    ({"V_values": [8], "methods": ("ns", "sgd")}, "methods must be a non-empty subset"),
    ({"V_values": [8], "methods": ()}, "methods must be a non-empty subset"),
])
def test_time_ladder_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ef.time_ladder(**kwargs)


def test_blas_threads_restores_and_validates():
    handles = ef._openblas_handles()
    before = [get() for get, _ in handles]
    with ef.blas_threads(1) as limited:
        assert limited == bool(handles)
        assert all(get() == 1 for get, _ in handles)
    assert [get() for get, _ in handles] == before
    with pytest.raises(ValueError, match="n must be an integer >= 1"):
        with ef.blas_threads(0):
            pass
