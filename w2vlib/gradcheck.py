"""Finite-difference gradient checker (notebook 00, section 0.4).

For every coordinate i the central difference

    g_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / 2ε                         (0.3)

has error O(ε²); it is compared with the analytic gradient through the
guarded relative error

    err_i = |a_i − n_i| / max(1, |a_i|, |n_i|)                       (0.4)

which is a relative error for large entries and an absolute one for entries
near zero (where a pure relative error would divide by almost nothing).
"""
from dataclasses import dataclass, field

import numpy as np

__all__ = ["gradcheck", "GradcheckReport", "numeric_gradient", "relative_error"]


def relative_error(a, b):
    """Guarded relative error |a − b| / max(1, |a|, |b|), elementwise. Implements (0.4)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))


def numeric_gradient(fun, x, eps=1e-6):
    """Central-difference gradient of a scalar function. Implements (0.3).

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float`` (only the value is used).
    x : array_like
        Point, any shape; it is copied, never modified.
    eps : float
        Step ε.
    """
    x = np.array(x, dtype=np.float64)  # private copy
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = float(fun(x))
        flat[i] = old - eps
        f_minus = float(fun(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


@dataclass
class GradcheckReport:
    """Outcome of :func:`gradcheck`.

    Attributes
    ----------
    ok : bool
        True when every coordinate's guarded relative error is at most ``rtol``.
    max_rel_error : float
        Largest guarded relative error (``inf`` if the shapes differ or a value is not finite).
    worst_index : tuple or None
        Index (into ``x``) of that largest error.
    analytic, numeric : ndarray
        The gradient returned by ``f`` and the central-difference estimate.
    rtol : float
    problem : str or None
        Why the check failed before any comparison (shape mismatch, NaN...).
    """

    ok: bool
    max_rel_error: float
    worst_index: tuple | None
    analytic: np.ndarray = field(repr=False)
    numeric: np.ndarray = field(repr=False)
    rtol: float = 1e-5
    problem: str | None = None

    def __bool__(self):
        return self.ok

    def __str__(self):
        if self.problem:
            return f"gradcheck FAILED: {self.problem}"
        verdict = "passed" if self.ok else "FAILED"
        text = (
            f"gradcheck {verdict}: max relative error {self.max_rel_error:.3e} "
            f"(tolerance {self.rtol:.1e})"
        )
        if self.worst_index is not None:
            a = self.analytic[self.worst_index]
            n = self.numeric[self.worst_index]
            text += f" at index {self.worst_index}: analytic {a:.6g}, numeric {n:.6g}"
        return text


def gradcheck(f, x, eps=1e-6, rtol=1e-5):
    """Compare an analytic gradient with central finite differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> (value, grad)`` with ``grad`` of the same shape as ``x``.
    x : array_like
        Point at which to check; any shape. Never modified.
    eps : float
        Finite-difference step.
    rtol : float
        Largest acceptable guarded relative error (0.4).

    Returns
    -------
    GradcheckReport
        ``ok``, ``max_rel_error``, ``worst_index`` and a readable ``str``.

    Examples
    --------
    >>> import numpy as np
    >>> report = gradcheck(lambda x: (float(x @ x), 2 * x), np.array([1.0, -2.0]))
    >>> report.ok
    True
    """
    x = np.array(x, dtype=np.float64)
    _, analytic = f(x.copy())
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = numeric_gradient(lambda z: f(z)[0], x, eps=eps)

    def fail(problem):
        return GradcheckReport(False, float("inf"), None, analytic, numeric, rtol, problem)

    if analytic.shape != x.shape:
        return fail(f"gradient has shape {analytic.shape} but x has shape {x.shape}")
    if not np.all(np.isfinite(analytic)):
        return fail("the analytic gradient contains NaN or inf")
    if not np.all(np.isfinite(numeric)):
        return fail("f is not finite near x: the numeric gradient contains NaN or inf")
    err = relative_error(analytic, numeric)
    if err.size == 0:
        return GradcheckReport(True, 0.0, None, analytic, numeric, rtol)
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    max_err = float(err[worst])
    return GradcheckReport(max_err <= rtol, max_err, tuple(int(i) for i in worst), analytic, numeric, rtol)
