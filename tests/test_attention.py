"""Scaled dot-product attention (notebook 08) against three oracles.

The SymPy oracle below is written from Vaswani et al. (2017, eq. 1) entry by
entry — a softmax literally as exp(s_ij) / Σ_l exp(s_il) — and never calls
w2vlib.attention. The scalar loss is L = Σ_ij d_out_ij · out_ij, whose
gradient with respect to ``out`` is exactly ``d_out``.
"""
import math

import numpy as np
import pytest
import sympy as sp
from _oracles import assert_close
from hypothesis import given, settings, strategies as st

from w2vlib.attention import (
    attention, attention_grads, attention_weights, scaling_experiment, softmax_rows_backward,
)
from w2vlib.gradcheck import gradcheck
from w2vlib.naive_softmax import softmax_error, softmax_loss_and_grads
from w2vlib.symbolic import SymbolicObjective, matrix_symbols


def attention_objective(n_q, n_k, d_k, d_v, d_out, scale=None):
    """L = Σ d_out ⊙ softmax(Q Kᵀ/√d_k) V with symbolic Q, K, V and numeric d_out."""
    Q = matrix_symbols("q", n_q, d_k)
    K = matrix_symbols("k", n_k, d_k)
    V = matrix_symbols("v", n_k, d_v)
    c = 1 / sp.sqrt(d_k) if scale is None else sp.nsimplify(scale)
    loss = 0
    for i in range(n_q):
        s = [c * sum(Q[i, m] * K[j, m] for m in range(d_k)) for j in range(n_k)]
        Z = sum(sp.exp(s_j) for s_j in s)
        for t in range(d_v):
            out_it = sum(sp.exp(s[j]) / Z * V[j, t] for j in range(n_k))
            loss += sp.Float(float(d_out[i, t]), 30) * out_it
    return SymbolicObjective(loss, {"Q": Q, "K": K, "V": V})


def linear_loss(Q, K, V, d_out, **kw):
    return float(np.sum(d_out * attention(Q, K, V, **kw)))


def random_case(rng, n_q, n_k, d_k, d_v):
    return (rng.normal(size=(n_q, d_k)), rng.normal(size=(n_k, d_k)),
            rng.normal(size=(n_k, d_v)), rng.normal(size=(n_q, d_v)))


SHAPES = [(1, 2, 2, 1), (2, 3, 2, 2), (3, 2, 1, 3), (2, 2, 3, 1)]


@pytest.mark.parametrize("n_q,n_k,d_k,d_v", SHAPES)
def test_three_oracles(rng, n_q, n_k, d_k, d_v):
    Q, K, V, d_out = random_case(rng, n_q, n_k, d_k, d_v)
    sym = attention_objective(n_q, n_k, d_k, d_v, d_out)
    sym_loss, sym_grads = sym.numeric({"Q": Q, "K": K, "V": V})
    # 1. the SymPy loss built from the definition
    assert_close(linear_loss(Q, K, V, d_out), sym_loss, 1e-12, "loss vs SymPy loss")
    grads = dict(zip("QKV", attention_grads(Q, K, V, d_out)))
    args = {"Q": Q, "K": K, "V": V}
    for name in "QKV":
        # 2. SymPy's gradient of that loss
        assert_close(grads[name], sym_grads[name], 1e-12, f"d{name} vs SymPy gradient")

        # 3. central finite differences of the NumPy loss
        def f(x, name=name):
            a = {**args, name: x}
            return linear_loss(a["Q"], a["K"], a["V"], d_out), attention_grads(**a, d_out=d_out)["QKV".index(name)]

        report = gradcheck(f, args[name], eps=1e-6, rtol=1e-7)
        assert report.ok, f"d{name} vs finite differences: {report}"


@pytest.mark.parametrize("scale", [1.0, 0.25, 3.0])
def test_custom_scale_matches_sympy(rng, scale):
    Q, K, V, d_out = random_case(rng, 2, 3, 2, 2)
    sym_loss, sym_grads = attention_objective(2, 3, 2, 2, d_out, scale=scale).numeric({"Q": Q, "K": K, "V": V})
    assert_close(linear_loss(Q, K, V, d_out, scale=scale), sym_loss, 1e-12)
    for name, g in zip("QKV", attention_grads(Q, K, V, d_out, scale=scale)):
        assert_close(g, sym_grads[name], 1e-12, f"d{name}")


def test_forward_known_value():
    # Two keys with scores 0 and log 3 (after the 1/√d_k = 1/2 factor): weights 1/4, 3/4.
    Q = np.array([[2 * math.log(3.0), 0.0, 0.0, 0.0]])
    K = np.array([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    V = np.array([[4.0, 0.0], [0.0, 8.0]])
    np.testing.assert_allclose(attention_weights(Q, K), [[0.25, 0.75]], rtol=1e-15)
    np.testing.assert_allclose(attention(Q, K, V), [[1.0, 6.0]], rtol=1e-14)


def test_softmax_rows_backward_is_the_softmax_jacobian():
    # (8.3) against the Jacobian written out symbolically: ∂a_i/∂s_j of a_i = e^{s_i}/Σ e^{s_l}.
    n = 3
    s = sp.symbols("s_0:3", real=True)
    g = sp.symbols("g_0:3", real=True)  # upstream dA
    a = [sp.exp(si) / sum(sp.exp(sl) for sl in s) for si in s]
    for j in range(n):
        vjp = sum(g[i] * sp.diff(a[i], s[j]) for i in range(n))          # (dA)ᵀ ∂a/∂s_j
        formula = a[j] * (g[j] - sum(g[i] * a[i] for i in range(n)))     # (8.3)
        assert sp.simplify(vjp - formula) == 0
    # and numerically, row by row, against diag(a) − a aᵀ
    rng = np.random.default_rng(3)
    A = attention_weights(rng.normal(size=(4, 2)), rng.normal(size=(5, 2)))
    dA = rng.normal(size=A.shape)
    dS = softmax_rows_backward(A, dA)
    for i in range(A.shape[0]):
        J = np.diag(A[i]) - np.outer(A[i], A[i])
        np.testing.assert_allclose(dS[i], J.T @ dA[i], atol=1e-15)


@pytest.mark.parametrize("big", [1e4, -1e4])
def test_large_scores_are_finite_and_exact(big):
    # d_k = 4, factor 1/2: the scores are exactly big, −big, big/2.
    Q = np.array([[2 * big, 0.0, 0.0, 0.0], [0.0, 2 * big, 0.0, 0.0]])
    K = np.array([[1.0, 0.0, 0.0, 0.0], [-1.0, 1.0, 0.0, 0.0], [0.5, -0.5, 0.0, 0.0]])
    V = np.array([[1.0, -2.0], [3.0, 0.5], [-1.0, 1.0]])
    d_out = np.array([[0.7, -1.3], [0.2, 0.9]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = attention(Q, K, V)
        grads = attention_grads(Q, K, V, d_out)
    assert np.all(np.isfinite(out)) and all(np.all(np.isfinite(g)) for g in grads)
    # saturated: each row picks the value of its top-scoring key exactly
    top = np.argmax(Q @ K.T, axis=1)
    np.testing.assert_array_equal(out, V[top])
    sym_loss, sym_grads = attention_objective(2, 3, 4, 2, d_out).numeric({"Q": Q, "K": K, "V": V})  # mpmath
    assert_close(float(np.sum(d_out * out)), sym_loss, 1e-12)
    for name, g in zip("QKV", grads):
        assert_close(g, sym_grads[name], 1e-12, f"d{name}")


def test_word2vec_naive_softmax_is_one_query_attention(rng):
    """Skip-gram's softmax (notebook 01) is attention with one query over the vocabulary.

    Query q = √d · v_c (so that q·u_w/√d = u_w·v_c), keys K = U, values V = I
    (row w is the one-hot vector of word w): out = softmax(U v_c) = ŷ. With
    J = −log out_o the upstream gradient is d_out = ∂J/∂out = −e_o / ŷ_o, and
    then (8.3) gives dS = ŷ − y (1.4), and (8.4) gives √d·dQ = Uᵀ(ŷ − y) (1.5)
    and dK = (ŷ − y) v_cᵀ (1.6).
    """
    n_words, d, o = 6, 3, 4
    U, v_c = rng.normal(size=(n_words, d)), rng.normal(size=d)
    q = math.sqrt(d) * v_c[None, :]
    values = np.eye(n_words)
    y_hat = attention(q, U, values)[0]
    loss, grad_v_c, grad_U = softmax_loss_and_grads(v_c, o, U)
    assert_close(-math.log(y_hat[o]), loss, 1e-13, "−log out_o vs J")

    d_out = np.zeros((1, n_words))
    d_out[0, o] = -1.0 / y_hat[o]
    dA = d_out @ values.T
    dS = softmax_rows_backward(attention_weights(q, U), dA)[0]
    _, delta = softmax_error(v_c, o, U)
    assert_close(dS, delta, 1e-13, "dS vs ŷ − y")

    dQ, dK, dV = attention_grads(q, U, values, d_out)
    assert_close(math.sqrt(d) * dQ[0], grad_v_c, 1e-13, "√d dQ vs ∂J/∂v_c")
    assert_close(dK, grad_U, 1e-13, "dK vs ∂J/∂U")
    # dV[w] = ŷ_w d_out: the gradient a trainable value table would get; word2vec keeps V = I fixed.
    assert_close(dV, np.outer(y_hat, d_out[0]), 1e-13, "dV")
    # the same with scale=1 and q = v_c directly
    dQ1, dK1, _ = attention_grads(v_c[None, :], U, values, d_out, scale=1.0)
    assert_close(dQ1[0], grad_v_c, 1e-13)
    assert_close(dK1, grad_U, 1e-13)


@pytest.mark.parametrize(
    "mistake",
    ["no rowsum term", "no 1/sqrt(d_k) in dQ", "dV not transposed", "sign of dK"],
)
def test_oracles_reject_wrong_gradients(rng, mistake):
    Q, K, V, d_out = random_case(rng, 2, 3, 3, 3)  # square enough for the transposition to type-check
    A = attention_weights(Q, K)
    c = 1 / math.sqrt(3)
    dS = softmax_rows_backward(A, d_out @ V.T)
    dQ, dK, dV = dS @ K * c, dS.T @ Q * c, A.T @ d_out
    if mistake == "no rowsum term":
        wrong, name = A * (d_out @ V.T) @ K * c, "Q"
    elif mistake == "no 1/sqrt(d_k) in dQ":
        wrong, name = dS @ K, "Q"
    elif mistake == "dV not transposed":
        wrong, name = (A.T @ d_out).T, "V"
    else:
        wrong, name = -dK, "K"
    args = {"Q": Q, "K": K, "V": V}
    right = dict(zip("QKV", attention_grads(Q, K, V, d_out)))[name]  # checked by test_three_oracles
    assert_close({"Q": dQ, "K": dK, "V": dV}[name], right, 1e-14)  # the reconstruction is the right one
    assert np.max(np.abs(wrong - right)) > 1e-3

    def f(x):
        return linear_loss(**{**args, name: x}, d_out=d_out), wrong

    assert not gradcheck(f, args[name]).ok


small = st.integers(1, 4)


@settings(max_examples=40, deadline=None)
@given(small, small, small, small, st.integers(0, 2**32 - 1))
def test_properties(n_q, n_k, d_k, d_v, seed):
    rng = np.random.default_rng(seed)
    Q, K, V, d_out = random_case(rng, n_q, n_k, d_k, d_v)
    A = attention_weights(Q, K)
    out = attention(Q, K, V)
    dQ, dK, dV = attention_grads(Q, K, V, d_out)
    assert out.shape == (n_q, d_v) and A.shape == (n_q, n_k)
    assert (dQ.shape, dK.shape, dV.shape) == (Q.shape, K.shape, V.shape)
    assert out.dtype == dQ.dtype == dK.dtype == dV.dtype == np.float64
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-14)
    # each output row is a convex combination of value rows
    assert np.all(out <= V.max(axis=0) + 1e-12) and np.all(out >= V.min(axis=0) - 1e-12)
    # adding one vector b to every key shifts row i of the scores by q_i·b: A is unchanged ...
    b = rng.normal(size=d_k)
    np.testing.assert_allclose(attention_weights(Q, K + b), A, atol=1e-12)
    # ... so the loss is flat along that direction: the rows of dK sum to zero.
    np.testing.assert_allclose(dK.sum(axis=0), 0.0, atol=1e-12)


def test_inputs_not_mutated_and_lists_accepted(rng):
    Q, K, V, d_out = random_case(rng, 2, 3, 2, 2)
    copies = [x.copy() for x in (Q, K, V, d_out)]
    attention_grads(Q, K, V, d_out)
    assert all(np.array_equal(a, b) for a, b in zip((Q, K, V, d_out), copies))
    out = attention([[1, 0]], [[1, 0], [0, 1]], [[1], [2]])
    assert out.dtype == np.float64 and out.shape == (1, 1)


@pytest.mark.parametrize(
    "args,match",
    [
        ((np.zeros(3), np.zeros((2, 3)), np.zeros((2, 1))), r"Q must be a non-empty 2-D array of shape \(n_q, d_k\)"),
        ((np.zeros((1, 3)), np.zeros((2, 2)), np.zeros((2, 1))), r"K must .* shape \(n_k, d_k\) with d_k=3"),
        ((np.zeros((1, 3)), np.zeros((2, 3)), np.zeros((4, 1))), r"V must .* shape \(n_k, d_v\) with n_k=2"),
        ((np.zeros((1, 3)), np.zeros((0, 3)), np.zeros((0, 1))), r"K must be a non-empty"),
        ((np.zeros((1, 3)), np.zeros((2, 3)), np.zeros(2)), r"V must .* got shape \(2,\)"),
    ],
)
def test_bad_shapes_name_the_argument(args, match):
    with pytest.raises(ValueError, match=match):
        attention(*args)
    with pytest.raises(ValueError, match=match):
        attention_grads(*args, d_out=np.zeros((1, 1)))


@pytest.mark.parametrize("d_out_shape,match", [((2, 1), r"n_q=1"), ((1, 3), r"d_v=1"), ((1,), r"got shape \(1,\)")])
def test_bad_d_out(d_out_shape, match):
    with pytest.raises(ValueError, match=rf"d_out must .*{match}"):
        attention_grads(np.zeros((1, 3)), np.zeros((2, 3)), np.zeros((2, 1)), np.zeros(d_out_shape))


def test_bad_scale():
    with pytest.raises(ValueError, match="scale must be a finite number"):
        attention(np.zeros((1, 2)), np.zeros((2, 2)), np.zeros((2, 1)), scale=float("inf"))


def test_scaling_experiment_measures_variance_d_and_saturation():
    # (8.5): Var(q·k) = d_k for unit-variance components; 1/√d_k brings it back to 1.
    d = [1, 16, 64, 256, 1024]
    r = scaling_experiment(d, n_q=1000, n_k=64, seed=7)
    np.testing.assert_array_equal(r["d"], d)
    np.testing.assert_allclose(r["var_scaled"], r["var_unscaled"] / np.array(d), rtol=1e-12)
    ratio = r["var_unscaled"][1:] / r["d"][1:]  # d_k = 1 has too few independent key entries
    assert np.all((ratio > 0.85) & (ratio < 1.15)), ratio
    # unscaled: more and more rows of A are (almost) one-hot and the score gradient dies ...
    assert np.all(np.diff(r["saturated_unscaled"]) > 0) and r["saturated_unscaled"][-1] > 0.5
    assert r["grad_unscaled"][-1] < 1e-2 * r["grad_unscaled"][0]
    # ... scaled: neither happens, whatever d_k.
    assert np.all(r["saturated_scaled"] < 0.05)
    assert r["grad_scaled"].max() < 1.5 * r["grad_scaled"].min()


def test_scaling_experiment_is_seeded():
    a, b = scaling_experiment([2, 8], seed=3), scaling_experiment([2, 8], seed=3)
    assert all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("d_values", [[0, 4], [], [1.5], [[2, 4]]])
def test_scaling_experiment_rejects_bad_dimensions(d_values):
    with pytest.raises(ValueError, match="d_values must be"):
        scaling_experiment(d_values)
