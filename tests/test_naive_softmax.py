import numpy as np
import pytest
from _oracles import assert_close, check_three_oracles

from w2vlib import softmax_loss_and_grads
from w2vlib.gradcheck import numeric_gradient, relative_error
from w2vlib.naive_softmax import softmax_jacobian
from w2vlib.stable import softmax
from w2vlib.symbolic import softmax_objective


@pytest.mark.parametrize("V,d,o", [(3, 2, 0), (3, 2, 2), (4, 3, 1), (5, 1, 4), (2, 4, 1)])
def test_three_oracles(rng, V, d, o):
    args = {"v_c": rng.normal(size=d), "o": o, "U": rng.normal(size=(V, d))}
    check_three_oracles(softmax_loss_and_grads, args, ("v_c", "U"), softmax_objective(V, d, o))


def test_uniform_prediction_known_values(rng):
    # U = 0 gives y_hat uniform: J = log V, ∂J/∂v_c = 0, ∂J/∂U = (1/V − y) v_cᵀ.
    V, d, o = 4, 3, 2
    v_c = rng.normal(size=d)
    loss, g_v, g_U = softmax_loss_and_grads(v_c, o, np.zeros((V, d)))
    assert_close(loss, np.log(V))
    assert_close(g_v, np.zeros(d))
    expected = np.tile(v_c / V, (V, 1))
    expected[o] -= v_c
    assert_close(g_U, expected)


@pytest.mark.parametrize("scale", [1e2, 1e4, -1e4])
def test_extreme_logits_are_finite_and_exact(rng, scale):
    V, d, o = 3, 2, 1
    U = rng.normal(size=(V, d))
    v_c = scale * U[0] / np.linalg.norm(U[0]) ** 2  # logit of word 0 is exactly `scale`
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, g_v, g_U = softmax_loss_and_grads(v_c, o, U)
    assert np.isfinite(loss) and np.all(np.isfinite(g_v)) and np.all(np.isfinite(g_U))
    sym_loss, sym_grads = softmax_objective(V, d, o).numeric({"v_c": v_c, "U": U})  # mpmath
    assert_close(loss, sym_loss, 1e-10, "loss")
    assert_close(g_v, sym_grads["v_c"], 1e-10, "grad_v_c")
    assert_close(g_U, sym_grads["U"], 1e-10, "grad_U")


def test_inputs_not_mutated(rng):
    v_c, U = rng.normal(size=3), rng.normal(size=(4, 3))
    v0, U0 = v_c.copy(), U.copy()
    softmax_loss_and_grads(v_c, 1, U)
    assert np.array_equal(v_c, v0) and np.array_equal(U, U0)


def test_accepts_lists_and_returns_float64():
    loss, g_v, g_U = softmax_loss_and_grads([1, 0], 0, [[1, 2], [3, 4], [0, 1]])
    assert isinstance(loss, float) and g_v.dtype == np.float64 and g_U.shape == (3, 2)


@pytest.mark.parametrize(
    "v_c,o,U,match",
    [
        (np.zeros(3), 0, np.zeros((4, 2)), r"v_c must have shape \(2,\)"),
        (np.zeros(2), 4, np.zeros((4, 2)), r"o=4 is out of range"),
        (np.zeros(2), -1, np.zeros((4, 2)), r"o=-1 is out of range"),
        (np.zeros(2), 1.5, np.zeros((4, 2)), r"o must be a single integer"),
        (np.zeros(2), 0, np.zeros(4), r"U must have shape \(V, d\)"),
        (np.zeros(2), [0, 1], np.zeros((4, 2)), r"o must be a single integer"),
    ],
)
def test_bad_input_names_the_argument(v_c, o, U, match):
    with pytest.raises(ValueError, match=match):
        softmax_loss_and_grads(v_c, o, U)


def test_softmax_jacobian_against_sympy_and_finite_differences(rng):
    """(1.3): SymPy differentiates exp(z_i)/Σ_k exp(z_k); central differences of softmax agree."""
    import sympy as sp

    V = 4
    z = rng.normal(size=V) * 3
    zs = sp.symbols(f"z0:{V}", real=True)
    y_sym = [sp.exp(zi) / sum(sp.exp(zk) for zk in zs) for zi in zs]
    J_sym = sp.Matrix(V, V, lambda i, j: sp.diff(y_sym[i], zs[j]))
    J_num = np.array(J_sym.subs(dict(zip(zs, z))).evalf(30), dtype=np.float64)
    J = softmax_jacobian(z)
    np.testing.assert_allclose(J, J_num, atol=1e-15)
    fd = np.array([numeric_gradient(lambda s, i=i: softmax(s)[i], z) for i in range(V)])
    assert relative_error(J, fd).max() < 1e-9


def test_softmax_jacobian_is_finite_for_huge_logits_and_rejects_bad_shapes():
    J = softmax_jacobian([1e4, 0.0, -1e4])
    assert np.all(np.isfinite(J)) and np.allclose(J, 0.0)  # a saturated softmax has a zero Jacobian
    with pytest.raises(ValueError, match="z must be"):
        softmax_jacobian(np.zeros((2, 2)))
