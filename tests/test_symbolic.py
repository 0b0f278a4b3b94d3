import numpy as np
import sympy as sp

from w2vlib import symbolic as S


def test_softmax_objective_at_zero_is_log_V():
    obj = S.softmax_objective(V=3, d=2, o=1)
    loss, grads = obj.numeric({"v_c": np.ones(2), "U": np.zeros((3, 2))})
    assert abs(loss - np.log(3)) < 1e-14
    assert np.allclose(grads["v_c"], 0)


def test_sigma_is_the_logistic_function():
    x = sp.Symbol("x")
    assert S.is_zero(sp.diff(S.sigma(x), x) - S.sigma(x) * (1 - S.sigma(x)))
    assert S.is_zero(1 - S.sigma(x) - S.sigma(-x))


def test_is_zero_rejects_nonzero():
    x = sp.Symbol("x")
    assert not S.is_zero(S.sigma(x) - S.sigma(-x))
    assert not S.is_zero(sp.exp(x) - 1 - x)


def test_gradients_have_parameter_shapes():
    obj = S.neg_sampling_objective(V=4, d=3, o=0, neg=[1, 1])
    assert obj.gradient("U").shape == (4, 3)
    assert obj.gradient("v_c").shape == (3, 1)
    # rows never touched by the loss have identically zero derivative
    assert all(e == 0 for e in obj.gradient("U").row(3))


def test_duplicates_are_separate_terms():
    once = S.neg_sampling_objective(V=3, d=1, o=0, neg=[1])
    twice = S.neg_sampling_objective(V=3, d=1, o=0, neg=[1, 1])
    values = {"v_c": [0.7], "U": [[0.1], [0.4], [-0.2]]}
    l1, _ = once.numeric(values)
    l2, _ = twice.numeric(values)
    s = 0.4 * 0.7
    assert abs((l2 - l1) - np.log1p(np.exp(s))) < 1e-14


def test_numeric_evaluation_with_numpy_backend_matches_mpmath():
    obj = S.hs_objective(n_inner=3, d=2, points=[2, 0], codes=[0, 1])
    values = {"h": [0.3, -1.2], "W": np.arange(6.0).reshape(3, 2) / 5}
    a = obj.numeric(values, modules="numpy")
    b = obj.numeric(values, modules="mpmath")
    assert abs(a[0] - b[0]) < 1e-12
    assert np.allclose(a[1]["W"], b[1]["W"], atol=1e-12)
