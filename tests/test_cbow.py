import numpy as np
import pytest
from _oracles import assert_close, check_three_oracles

from w2vlib import (
    cbow_neg_sampling_loss_and_grads,
    cbow_softmax_loss_and_grads,
    neg_sampling_loss_and_grads,
    softmax_loss_and_grads,
)
from w2vlib.symbolic import cbow_neg_sampling_objective, cbow_softmax_objective

CONTEXTS = [([0, 2], 1), ([1, 1, 2, 0], 3), ([2, 2, 2, 2], 2), ([3], 0)]


@pytest.mark.parametrize("context,c", CONTEXTS)
def test_softmax_three_oracles(rng, context, c):
    V, d = 4, 2
    args = {"context": np.array(context), "c": c, "V_in": rng.normal(size=(V, d)), "U": rng.normal(size=(V, d))}
    check_three_oracles(cbow_softmax_loss_and_grads, args, ("V_in", "U"), cbow_softmax_objective(V, d, context, c))


@pytest.mark.parametrize("context,c", CONTEXTS)
@pytest.mark.parametrize("neg", [[1, 3], [c for c in [0, 0, 0]], []])
def test_neg_sampling_three_oracles(rng, context, c, neg):
    V, d = 4, 3
    args = {
        "context": np.array(context), "c": c, "neg": np.array(neg, dtype=int),
        "V_in": rng.normal(size=(V, d)), "U": rng.normal(size=(V, d)),
    }
    sym = cbow_neg_sampling_objective(V, d, context, c, neg)
    check_three_oracles(cbow_neg_sampling_loss_and_grads, args, ("V_in", "U"), sym)


def test_reduces_to_skipgram_objective_at_the_mean(rng):
    # Chain rule (3.2): each context occurrence receives ∂J/∂h / 2m.
    V, d = 5, 3
    V_in, U = rng.normal(size=(V, d)), rng.normal(size=(V, d))
    context, c, neg = np.array([0, 4, 4, 1]), 2, np.array([3, 3])
    h = V_in[context].mean(axis=0)
    for cbow_f, sg_f, extra in [
        (cbow_softmax_loss_and_grads, softmax_loss_and_grads, ()),
        (cbow_neg_sampling_loss_and_grads, neg_sampling_loss_and_grads, (neg,)),
    ]:
        loss, g_V_in, g_U = cbow_f(context, c, *extra, V_in, U)
        sg_loss, g_h, sg_g_U = sg_f(h, c, *extra, U)
        assert_close(loss, sg_loss)
        assert_close(g_U, sg_g_U)
        assert_close(g_V_in[4], 2 * g_h / 4)  # word 4 appears twice
        assert_close(g_V_in[0], g_h / 4)
        assert_close(g_V_in[[2, 3]], np.zeros((2, d)))


def test_inputs_not_mutated(rng):
    V_in, U, ctx, neg = rng.normal(size=(4, 2)), rng.normal(size=(4, 2)), np.array([0, 0, 1]), np.array([2, 2])
    copies = [a.copy() for a in (V_in, U, ctx, neg)]
    cbow_neg_sampling_loss_and_grads(ctx, 3, neg, V_in, U)
    cbow_softmax_loss_and_grads(ctx, 3, V_in, U)
    assert all(np.array_equal(a, b) for a, b in zip((V_in, U, ctx, neg), copies))


def test_extreme_values_finite(rng):
    V_in, U = rng.normal(size=(4, 2)) * 1e3, rng.normal(size=(4, 2)) * 1e3
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for out in (cbow_softmax_loss_and_grads([0, 1], 2, V_in, U), cbow_neg_sampling_loss_and_grads([0, 1], 2, [3], V_in, U)):
            assert np.isfinite(out[0]) and np.all(np.isfinite(out[1])) and np.all(np.isfinite(out[2]))


@pytest.mark.parametrize(
    "context,c,V_in,U,match",
    [
        ([], 0, np.zeros((4, 2)), np.zeros((4, 2)), r"context must contain at least one index"),
        ([0, 9], 0, np.zeros((4, 2)), np.zeros((4, 2)), r"context has out-of-range index 9"),
        ([0], 4, np.zeros((4, 2)), np.zeros((4, 2)), r"c=4 is out of range"),
        ([0], 0, np.zeros((4, 2)), np.zeros((3, 2)), r"U must have shape \(4, 2\)"),
        ([0], 0, np.zeros((4, 2)), np.zeros((4, 3)), r"U must have shape \(4, 2\)"),
    ],
)
def test_bad_input(context, c, V_in, U, match):
    with pytest.raises(ValueError, match=match):
        cbow_softmax_loss_and_grads(context, c, V_in, U)
    with pytest.raises(ValueError, match=match):
        cbow_neg_sampling_loss_and_grads(context, c, [1], V_in, U)
