"""The gradient checker must accept right gradients and reject wrong ones."""
import numpy as np
import pytest

from w2vlib import gradcheck, neg_sampling_loss_and_grads, softmax_loss_and_grads
from w2vlib.gradcheck import numeric_gradient, relative_error


def quadratic(A):
    # f(X) = ½ Σ (A X)²  (with non-symmetric A so a transposed gradient is wrong)
    def f(X):
        R = A @ X
        return 0.5 * float(np.sum(R * R)), A.T @ R
    return f


@pytest.fixture
def setup(rng):
    A = rng.normal(size=(3, 3))
    X = rng.normal(size=(3, 3))
    return A, X


def test_accepts_correct_gradient(setup):
    A, X = setup
    report = gradcheck(quadratic(A), X)
    assert report.ok and bool(report)
    assert report.max_rel_error < 1e-8
    assert "passed" in str(report)


def test_rejects_sign_flipped(setup):
    A, X = setup
    f = quadratic(A)
    report = gradcheck(lambda x: (f(x)[0], -f(x)[1]), X)
    assert not report.ok and report.max_rel_error > 0.5
    assert "FAILED" in str(report) and "analytic" in str(report)


def test_rejects_transposed(setup):
    A, X = setup
    f = quadratic(A)
    report = gradcheck(lambda x: (f(x)[0], f(x)[1].T), X)
    assert not report.ok


def test_rejects_scaled(setup):
    A, X = setup
    f = quadratic(A)
    report = gradcheck(lambda x: (f(x)[0], 1.01 * f(x)[1]), X)
    assert not report.ok


def test_rejects_loss_missing_a_term(rng):
    # The loss forgets the negative-sample terms but the gradient keeps them.
    v_c, U, neg = rng.normal(size=3), rng.normal(size=(5, 3)), np.array([1, 2])

    def f(x):
        full_loss, g, _ = neg_sampling_loss_and_grads(x, 0, neg, U)
        positive_only = neg_sampling_loss_and_grads(x, 0, [], U)[0]
        return positive_only, g

    report = gradcheck(f, v_c)
    assert not report.ok
    assert report.worst_index is not None


def test_rejects_wrong_shape_and_nan(rng):
    x = rng.normal(size=(2, 3))
    assert "shape" in str(gradcheck(lambda z: (float(np.sum(z**2)), (2 * z).ravel()), x))
    report = gradcheck(lambda z: (float(np.sum(z**2)), np.full_like(z, np.nan)), x)
    assert not report.ok and "NaN" in str(report)


def test_worst_index_points_at_the_wrong_entry(rng):
    x = rng.normal(size=(3, 4))

    def f(z):
        g = 2 * z
        g[1, 2] += 0.5
        return float(np.sum(z**2)), g

    report = gradcheck(f, x)
    assert not report.ok and report.worst_index == (1, 2)


def test_does_not_mutate_x_and_works_on_real_objective(rng):
    v_c, U = rng.normal(size=4), rng.normal(size=(6, 4))
    U0 = U.copy()
    report = gradcheck(lambda u: softmax_loss_and_grads(v_c, 3, u)[::2], U)
    assert report.ok
    assert np.array_equal(U, U0)


def test_relative_error_is_guarded():
    assert relative_error(0.0, 1e-9) == pytest.approx(1e-9)  # absolute near zero
    assert relative_error(1e6, 1e6 + 1) == pytest.approx(1e-6)  # relative when large


def test_numeric_gradient_of_known_function():
    g = numeric_gradient(lambda x: float(np.sin(x[0]) * x[1] ** 2), np.array([0.3, 2.0]))
    np.testing.assert_allclose(g, [np.cos(0.3) * 4.0, 2 * np.sin(0.3) * 2.0], rtol=1e-8)
