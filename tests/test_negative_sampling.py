import numpy as np
import pytest
from _oracles import assert_close, check_three_oracles
from hypothesis import given, settings, strategies as st

from w2vlib import neg_sampling_loss_and_grads
from w2vlib.stable import sigmoid
from w2vlib.symbolic import neg_sampling_objective


@pytest.mark.parametrize(
    "V,d,o,neg",
    [
        (3, 2, 0, [1, 2]),
        (3, 2, 0, [1, 1]),  # a negative drawn twice
        (3, 2, 1, [1, 2]),  # the observed word drawn as a negative
        (4, 3, 2, [2, 2, 0, 2]),  # o repeated among the negatives
        (5, 1, 4, [0]),
        (3, 2, 0, []),  # K = 0: only the positive term
    ],
)
def test_three_oracles(rng, V, d, o, neg):
    args = {"v_c": rng.normal(size=d), "o": o, "neg": np.array(neg, dtype=int), "U": rng.normal(size=(V, d))}
    check_three_oracles(neg_sampling_loss_and_grads, args, ("v_c", "U"), neg_sampling_objective(V, d, o, neg))


def test_each_occurrence_is_its_own_term(rng):
    # J(neg=[k, k]) − J(neg=[k]) = −log σ(−u_k·v_c), and likewise the gradients differ by one term.
    v_c, U = rng.normal(size=3), rng.normal(size=(4, 3))
    l1, gv1, gU1 = neg_sampling_loss_and_grads(v_c, 0, [2], U)
    l2, gv2, gU2 = neg_sampling_loss_and_grads(v_c, 0, [2, 2], U)
    s = U[2] @ v_c
    assert_close(l2 - l1, -np.log(sigmoid(-s)))
    assert_close(gv2 - gv1, sigmoid(s) * U[2])
    extra = np.zeros_like(U)
    extra[2] = sigmoid(s) * v_c
    assert_close(gU2 - gU1, extra)


def test_observed_word_among_negatives_gets_both_contributions(rng):
    v_c, U = rng.normal(size=2), rng.normal(size=(3, 2))
    o = 1
    _, _, g_U = neg_sampling_loss_and_grads(v_c, o, [o], U)
    s = U[o] @ v_c
    # positive part −σ(−s) v_c plus negative part σ(s) v_c
    assert_close(g_U[o], (-sigmoid(-s) + sigmoid(s)) * v_c)
    assert_close(g_U[[0, 2]], np.zeros((2, 2)))


@settings(max_examples=40, deadline=None)
@given(
    V=st.integers(2, 7),
    d=st.integers(1, 5),
    data=st.data(),
)
def test_property_shapes_and_finite_differences(V, d, data):
    o = data.draw(st.integers(0, V - 1))
    neg = np.array(data.draw(st.lists(st.integers(0, V - 1), max_size=6)), dtype=int)
    seed = data.draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    v_c, U = rng.normal(size=d), rng.normal(size=(V, d))
    loss, g_v, g_U = neg_sampling_loss_and_grads(v_c, o, neg, U)
    assert g_v.shape == (d,) and g_U.shape == (V, d) and loss >= 0
    touched = np.zeros(V, bool)
    touched[np.r_[o, neg]] = True
    assert np.all(g_U[~touched] == 0), "rows outside o and neg must have zero gradient"
    from w2vlib.gradcheck import gradcheck

    assert gradcheck(lambda x: neg_sampling_loss_and_grads(x, o, neg, U)[:2], v_c).ok
    assert gradcheck(lambda x: neg_sampling_loss_and_grads(v_c, o, neg, x)[::2], U).ok


@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_extreme_scores_are_finite_and_exact(rng, scale):
    V, d, o, neg = 3, 2, 0, [1, 2, 2]
    U = rng.normal(size=(V, d))
    v_c = scale * U[1] / np.linalg.norm(U[1]) ** 2  # score of word 1 is exactly `scale`
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, g_v, g_U = neg_sampling_loss_and_grads(v_c, o, neg, U)
    sym_loss, sym_grads = neg_sampling_objective(V, d, o, neg).numeric({"v_c": v_c, "U": U})
    assert np.isfinite(loss)
    assert_close(loss, sym_loss, 1e-10, "loss")
    assert_close(g_v, sym_grads["v_c"], 1e-10, "grad_v_c")
    assert_close(g_U, sym_grads["U"], 1e-10, "grad_U")


def test_inputs_not_mutated(rng):
    v_c, U, neg = rng.normal(size=3), rng.normal(size=(4, 3)), np.array([1, 1, 2])
    copies = [a.copy() for a in (v_c, U, neg)]
    neg_sampling_loss_and_grads(v_c, 0, neg, U)
    assert all(np.array_equal(a, b) for a, b in zip((v_c, U, neg), copies))


@pytest.mark.parametrize(
    "neg,match",
    [
        ([0, 5], r"neg has out-of-range index 5"),
        ([[0, 1]], r"neg must be a 1-D integer array of shape \(K,\)"),
        ([0.5, 1.0], r"neg must hold integer indices"),
        ([-1], r"neg has out-of-range index -1"),
    ],
)
def test_bad_negatives(neg, match):
    with pytest.raises(ValueError, match=match):
        neg_sampling_loss_and_grads(np.zeros(2), 0, neg, np.zeros((5, 2)))


def test_bad_shapes():
    with pytest.raises(ValueError, match=r"v_c must have shape \(2,\)"):
        neg_sampling_loss_and_grads(np.zeros(3), 0, [1], np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"o=7 is out of range"):
        neg_sampling_loss_and_grads(np.zeros(2), 7, [1], np.zeros((5, 2)))


def test_scatter_rows_accumulates_repeats(rng):
    """The shared scatter-add (also the Gaussian trainer's) equals np.add.at, repeats included."""
    from w2vlib.negative_sampling import scatter_rows

    rows = np.array([2, 0, 2, 2, 1])
    values = rng.normal(size=(5, 3))
    want = np.zeros((4, 3))
    np.add.at(want, rows, values)
    assert_close(scatter_rows(4, 3, rows, values), want, 1e-15)
    assert np.array_equal(scatter_rows(4, 3, [], np.zeros((0, 3))), np.zeros((4, 3)))
