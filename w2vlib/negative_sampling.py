"""Skip-gram with negative sampling (SGNS), notebook 02.

Mikolov et al. (2013b, eq. 4) replace the softmax by K binary logistic
regressions: the observed outside word o against K "negative" words drawn
from a noise distribution. With ``s_o = u_o·v_c`` and ``s_k = u_{neg_k}·v_c``:

    J = −log σ(s_o) − Σ_k log σ(−s_k)                              (2.1)

Using σ′ = σ(1 − σ) and 1 − σ(x) = σ(−x) (2.2–2.3):

    ∂J/∂s_o = σ(s_o) − 1 = −σ(−s_o),   ∂J/∂s_k = σ(s_k)             (2.4)
    ∂J/∂v_c = −σ(−s_o) u_o + Σ_k σ(s_k) u_{neg_k}                  (2.5)
    ∂J/∂u_o = −σ(−s_o) v_c,   ∂J/∂u_{neg_k} = σ(s_k) v_c            (2.6)

The negatives are passed in (sampling lives in :mod:`w2vlib.sampling`).
Every occurrence in ``neg`` is its own term: a word drawn twice contributes
twice, and ``neg`` may even contain ``o``, in which case row ``o`` of the
gradient receives both its positive and its negative contributions (2.7).
"""
import numpy as np

from . import _validate
from .stable import log_sigmoid, sigmoid

__all__ = ["neg_sampling_loss_and_grads", "neg_sampling_error", "neg_sampling_core"]


def neg_sampling_error(h, o, neg, U):
    """Loss and the scalar derivatives with respect to the scores.

    The derivatives use σ′ = σ(1 − σ) (2.2) and 1 − σ(x) = σ(−x) (2.3):
    d/ds[−log σ(s)] = −(1 − σ(s)) = −σ(−s), evaluated directly as σ(−s) so
    that no cancellation 1 − σ(s) occurs for large s. Implements (2.2)–(2.4).

    Returns
    -------
    loss : float
        Implements (2.1).
    g_o : float
        ∂J/∂s_o = −σ(−s_o). Implements (2.4).
    g_neg : ndarray, shape (K,)
        ∂J/∂s_k = σ(s_k), one entry per occurrence in ``neg``. Implements (2.4).
    """
    s_o = float(U[o] @ h)
    s_neg = U[neg] @ h
    loss = -log_sigmoid(s_o) - float(np.sum(log_sigmoid(-s_neg)))
    g_o = -sigmoid(-s_o)
    g_neg = np.atleast_1d(sigmoid(s_neg))
    return loss, g_o, g_neg


def scatter_rows(V, d, rows, values):
    """Dense (V, d) matrix with ``values[i]`` added into row ``rows[i]``.

    Repeated rows accumulate, they never overwrite: a word drawn twice as a
    negative, or equal to ``o``, gets every contribution. Implements the row
    sums (2.7). Computed as one ``np.bincount`` over flat cell indices, which
    adds in the same order as ``np.add.at`` but several times faster.
    """
    rows = np.asarray(rows, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64).reshape(rows.shape[0], d)
    flat = (rows[:, None] * d + np.arange(d)).ravel()
    return np.bincount(flat, weights=values.ravel(), minlength=V * d).reshape(V, d)


def neg_sampling_loss_and_grads(v_c, o, neg, U):
    """Negative-sampling skip-gram loss for one pair and its gradients.

    Implements (2.1), (2.5) and (2.6) of notebook 02.

    Parameters
    ----------
    v_c : array_like, shape (d,)
        Input vector of the centre word.
    o : int
        Index of the observed outside word.
    neg : array_like of int, shape (K,)
        Indices of the negative words. Repeats are allowed and each counts
        as a separate term; ``o`` itself may appear.
    U : array_like, shape (V, d)
        Output vectors.

    Returns
    -------
    loss : float
    grad_v_c : ndarray, shape (d,)
    grad_U : ndarray, shape (V, d)
        Non-zero only in rows ``o`` and ``neg``; duplicates accumulate.
    """
    U = _validate.matrix("U", U)
    V, d = U.shape
    v_c = _validate.vector("v_c", v_c, d)
    o = _validate.index("o", o, V, what="rows of U")
    neg = _validate.indices("neg", neg, V, what="rows of U")
    return neg_sampling_core(v_c, o, neg, U)


def neg_sampling_core(h, o, neg, U):
    """Loss, ∂J/∂h and ∂J/∂U for validated inputs; shared with CBOW.

    Implements (2.5) and (2.6) with ``h`` in place of ``v_c``.
    """
    loss, g_o, g_neg = neg_sampling_error(h, o, neg, U)
    grad_h = g_o * U[o] + g_neg @ U[neg]
    rows = np.concatenate(([o], neg))
    coeffs = np.concatenate(([g_o], g_neg))
    grad_U = scatter_rows(U.shape[0], U.shape[1], rows, np.outer(coeffs, h))
    return loss, grad_h, grad_U
