import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from w2vlib.stable import log_sigmoid, log_softmax, sigmoid, softmax

finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)


def test_sigmoid_known_values():
    assert sigmoid(0.0) == 0.5
    np.testing.assert_allclose(sigmoid(np.log(3.0)), 0.75, rtol=1e-15)
    np.testing.assert_allclose(sigmoid(-np.log(3.0)), 0.25, rtol=1e-15)


def test_extremes_are_finite_and_exact_in_the_limit():
    x = np.array([-1e4, -745.0, -40.0, 0.0, 40.0, 745.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid(x)
        ls = log_sigmoid(x)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ls))
    assert s[0] == 0.0 and s[-1] == 1.0
    assert ls[0] == -1e4  # log σ(x) ≈ x for very negative x, not log(0)
    assert ls[-1] == 0.0


@given(finite)
def test_sigmoid_symmetry(x):
    # 1 − σ(x) = σ(−x): the identity notebook 02 relies on.
    assert abs((1.0 - sigmoid(x)) - sigmoid(-x)) <= 1e-15


@given(st.floats(min_value=-30, max_value=30))
def test_log_sigmoid_matches_direct_formula_where_safe(x):
    assert abs(log_sigmoid(x) - np.log(1.0 / (1.0 + np.exp(-x)))) <= 1e-12


@given(arrays(np.float64, st.integers(1, 8), elements=finite))
def test_softmax_is_a_distribution(z):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = softmax(z)
        lp = log_softmax(z)
    assert np.all(np.isfinite(lp))
    assert abs(p.sum() - 1.0) < 1e-12
    np.testing.assert_allclose(np.exp(lp), p, atol=1e-15)


def test_softmax_shift_invariance_and_known_value():
    z = np.array([1.0, 2.0, 3.0])
    expected = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(softmax(z), expected, rtol=1e-15)
    np.testing.assert_allclose(softmax(z + 1e4), expected, rtol=1e-12)
    np.testing.assert_allclose(log_softmax(np.array([1e4, 0.0])), [0.0, -1e4])


def test_softmax_axis():
    z = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), 1.0)
    np.testing.assert_allclose(softmax(z, axis=1).sum(axis=1), 1.0)


@pytest.mark.parametrize("f", [sigmoid, log_sigmoid])
def test_scalar_in_scalar_out(f):
    assert isinstance(f(0.3), float)


def test_package_names_are_the_functions():
    # `w2vlib.softmax` must be the function, not a submodule shadowing it.
    import w2vlib

    assert w2vlib.softmax is softmax and w2vlib.sigmoid is sigmoid
    np.testing.assert_allclose(w2vlib.softmax(np.zeros(4)), 0.25)
