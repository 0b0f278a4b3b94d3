"""Numerically stable primitives: sigmoid, log-sigmoid, softmax, log-softmax.

Every objective in :mod:`w2vlib` is written with these four functions so that
logits as large as ±1e4 give finite losses and gradients (no ``exp``
overflow, no ``log(0)``). Notebook 00 explains the two tricks used:

* log-sum-exp: ``log Σ_j exp(z_j) = m + log Σ_j exp(z_j − m)`` with
  ``m = max_j z_j``, so the largest exponent is ``exp(0) = 1``;
* the two-branch logistic: for ``x ≥ 0`` use ``1 / (1 + e^{−x})``, for
  ``x < 0`` use ``e^{x} / (1 + e^{x})``, so ``exp`` never sees a large
  positive argument; and ``log σ(x) = −log(1 + e^{−x}) = −logaddexp(0, −x)``.
"""
import numpy as np

__all__ = ["sigmoid", "log_sigmoid", "softmax", "log_softmax"]


def sigmoid(x):
    """Logistic function σ(x) = 1 / (1 + e^{−x}), stable for any finite x.

    For x < 0 it evaluates σ(x) = e^{x} / (1 + e^{x}) = 1 − σ(−x), identity
    (2.3) of notebook 02, so e^{|x|} is never formed. Implements (2.3).

    Parameters
    ----------
    x : array_like
        Real input, any shape.

    Returns
    -------
    ndarray or float
        σ(x) in [0, 1], float64, same shape as ``x``.
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out if out.ndim else float(out)


def log_sigmoid(x):
    """log σ(x) = −log(1 + e^{−x}), computed as ``-logaddexp(0, -x)``.

    Finite for every finite ``x``: for x = −1e4 it returns −1e4 rather than
    ``log(0) = −inf``. Implements (0.2) of notebook 00.
    """
    x = np.asarray(x, dtype=np.float64)
    out = -np.logaddexp(0.0, -x)
    return out if out.ndim else float(out)


def log_softmax(z, axis=-1):
    """log softmax(z) = z − logsumexp(z) along ``axis`` (log-sum-exp trick).

    The shift ``m = max(z)`` is the constant a of (0.1), notebook 00, which
    this implements: log Σ_j e^{z_j} = a + log Σ_j e^{z_j − a}.
    Implements (0.1).
    """
    z = np.asarray(z, dtype=np.float64)
    m = np.max(z, axis=axis, keepdims=True)
    shifted = z - m
    lse = np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return shifted - lse


def softmax(z, axis=-1):
    """softmax(z)_i = exp(z_i) / Σ_j exp(z_j), computed after subtracting max(z)."""
    z = np.asarray(z, dtype=np.float64)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
