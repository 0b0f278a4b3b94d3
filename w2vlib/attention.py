"""Scaled dot-product attention and its gradient, notebook 08.

Vaswani et al. (2017, eq. 1) define

    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V                     (8.1)

with the softmax taken along each row. Write it in three steps,

    S = Q Kᵀ / √d_k,     A = softmax_rows(S),     out = A V,

and let ``d_out = ∂L/∂out`` be the gradient arriving from whatever scalar
loss L sits on top. Backpropagating through the three steps gives

    dV = Aᵀ d_out,       dA = d_out Vᵀ                              (8.2)
    dS = A ⊙ (dA − rowsum(dA ⊙ A))                                  (8.3)
    dQ = dS K / √d_k,    dK = dSᵀ Q / √d_k                          (8.4)

(8.3) is the softmax Jacobian ∂ŷ_i/∂z_j = ŷ_i(δ_ij − ŷ_j) of notebook 01,
applied to every row of S at once.

Why 1/√d_k: if q and k have independent components of mean 0 and variance 1,

    Var(q·k) = d_k                                                  (8.5)

so unscaled scores spread like √d_k, the softmax saturates, its Jacobian
diag(a) − a aᵀ tends to zero and so does the gradient that reaches the
scores; :func:`scaling_experiment` measures this.

Word2vec's naive softmax is one-query attention: with q = √d·v_c, keys
K = U, values V = I (one-hot rows) and L = −log out_o, the output is the
skip-gram prediction ŷ, and with d_out = −e_o/ŷ_o

    dS = ŷ − y,   √d·dQ = Uᵀ(ŷ − y),   dK = (ŷ − y) v_cᵀ              (8.6)

i.e. (1.4), (1.5) and (1.6) of notebook 01.

Here V is the value matrix of the attention literature, not the vocabulary
size of the rest of the series.
"""
import math

import numpy as np

from .stable import softmax

__all__ = ["attention", "attention_weights", "softmax_rows_backward", "attention_grads", "scaling_experiment"]


def _matrix(name, M, want, rows=None, cols=None, rows_of="", cols_of=""):
    """2-D non-empty float64 array with optionally fixed rows/columns; one-line ValueError otherwise."""
    M = np.asarray(M, dtype=np.float64)
    ok = M.ndim == 2 and M.shape[0] > 0 and M.shape[1] > 0
    if ok and rows is not None and M.shape[0] != rows:
        ok = False
    if ok and cols is not None and M.shape[1] != cols:
        ok = False
    if not ok:
        fixed = [f"{n}={v} ({src})" for n, v, src in ((want[0], rows, rows_of), (want[1], cols, cols_of))
                 if v is not None]
        extra = f" with {', '.join(fixed)}" if fixed else ""
        raise ValueError(
            f"{name} must be a non-empty 2-D array of shape ({want[0]}, {want[1]}){extra}, got shape {M.shape}"
        )
    return M


def _scale(scale, d_k):
    if scale is None:
        return 1.0 / math.sqrt(d_k)
    scale = float(scale)
    if not math.isfinite(scale):
        raise ValueError(f"scale must be a finite number (default 1/sqrt(d_k)), got {scale}")
    return scale


def _check_qkv(Q, K, V):
    Q = _matrix("Q", Q, ("n_q", "d_k"))
    K = _matrix("K", K, ("n_k", "d_k"), cols=Q.shape[1], cols_of="the columns of Q")
    V = _matrix("V", V, ("n_k", "d_v"), rows=K.shape[0], rows_of="the rows of K")
    return Q, K, V


def attention_weights(Q, K, *, scale=None):
    """Attention weights A = softmax_rows(Q Kᵀ · scale); part of (8.1).

    Parameters
    ----------
    Q : array_like, shape (n_q, d_k)
        Queries, one per row.
    K : array_like, shape (n_k, d_k)
        Keys, one per row.
    scale : float, optional
        Factor applied to the scores; default ``1/√d_k`` (Vaswani et al. 2017),
        which by (8.5) gives the scores unit variance for unit-variance inputs.
        ``scale=1`` gives unscaled dot-product attention.

    Returns
    -------
    A : ndarray, shape (n_q, n_k)
        Each row is a probability distribution over the keys (stable softmax,
        finite for scores of ±1e4).
    """
    Q = _matrix("Q", Q, ("n_q", "d_k"))
    K = _matrix("K", K, ("n_k", "d_k"), cols=Q.shape[1], cols_of="the columns of Q")
    S = (Q @ K.T) * _scale(scale, Q.shape[1])
    return softmax(S, axis=1)


def attention(Q, K, V, *, scale=None):
    """Scaled dot-product attention softmax(Q Kᵀ/√d_k) V. Implements (8.1).

    Parameters
    ----------
    Q : array_like, shape (n_q, d_k)
        Queries.
    K : array_like, shape (n_k, d_k)
        Keys.
    V : array_like, shape (n_k, d_v)
        Values (row j belongs to key j).
    scale : float, optional
        Score factor, default ``1/√d_k``.

    Returns
    -------
    out : ndarray, shape (n_q, d_v)
        Row i is the average of the value rows weighted by ``A[i]``.

    Raises
    ------
    ValueError
        If an argument is not 2-D or the shapes do not fit together.

    Examples
    --------
    >>> import numpy as np
    >>> attention(np.zeros((1, 2)), np.eye(2), np.array([[1.0], [3.0]]))
    array([[2.]])
    """
    Q, K, V = _check_qkv(Q, K, V)
    A = attention_weights(Q, K, scale=scale)
    return A @ V


def softmax_rows_backward(A, dA):
    """Backpropagate through a row-wise softmax. Implements (8.3).

    Given ``A = softmax_rows(S)`` and the upstream gradient ``dA = ∂L/∂A``,
    returns ``dS = ∂L/∂S = A ⊙ (dA − rowsum(dA ⊙ A))``: row by row, the
    vector-Jacobian product with ∂A_i/∂S_j = A_i(δ_ij − A_j) (notebook 01).

    Parameters
    ----------
    A : array_like, shape (n, m)
        Softmax outputs (rows sum to one).
    dA : array_like, shape (n, m)
        Upstream gradient.

    Returns
    -------
    dS : ndarray, shape (n, m)
    """
    A = _matrix("A", A, ("n", "m"))
    dA = _matrix("dA", dA, ("n", "m"), rows=A.shape[0], cols=A.shape[1],
                 rows_of="the rows of A", cols_of="the columns of A")
    return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


def attention_grads(Q, K, V, d_out, *, scale=None):
    """Gradients of a scalar loss through attention. Implements (8.2), (8.3) and (8.4).

    Parameters
    ----------
    Q, K, V : array_like
        As in :func:`attention`: shapes (n_q, d_k), (n_k, d_k), (n_k, d_v).
    d_out : array_like, shape (n_q, d_v)
        Upstream gradient ∂L/∂out. For ``L = Σ d_out ⊙ out`` it is exactly
        the gradient of L.
    scale : float, optional
        Score factor, default ``1/√d_k``; must match the forward pass.

    Returns
    -------
    dQ : ndarray, shape (n_q, d_k)
        ``dS K · scale`` (8.4).
    dK : ndarray, shape (n_k, d_k)
        ``dSᵀ Q · scale`` (8.4).
    dV : ndarray, shape (n_k, d_v)
        ``Aᵀ d_out`` (8.2).

    Notes
    -----
    Implements (8.6) as a special case: word2vec's naive softmax is one query
    ``q = v_c / scale``, keys ``K = U``, values ``V = I`` (so ``out = ŷ``) and
    ``L = −log out_o``, i.e. ``d_out = −e_o / ŷ_o``; then ``dS = ŷ − y`` and
    ``dQ / scale`` and ``dK`` are ∂J/∂v_c and ∂J/∂U of notebook 01, (1.5) and (1.6).

    Raises
    ------
    ValueError
        If a shape is wrong; the message names the argument.
    """
    Q, K, V = _check_qkv(Q, K, V)
    d_out = _matrix("d_out", d_out, ("n_q", "d_v"), rows=Q.shape[0], cols=V.shape[1],
                    rows_of="the rows of Q", cols_of="the columns of V")
    c = _scale(scale, Q.shape[1])
    A = attention_weights(Q, K, scale=c)   # forward pass again: A = softmax(Q Kᵀ · c)
    dV = A.T @ d_out                       # (8.2)
    dA = d_out @ V.T                       # (8.2)
    dS = softmax_rows_backward(A, dA)      # (8.3)
    dQ = (dS @ K) * c                      # (8.4)
    dK = (dS.T @ Q) * c                    # (8.4)
    return dQ, dK, dV


def scaling_experiment(d_values, n_q=512, n_k=16, d_v=8, seed=0, saturated=0.99):
    """Measure what the 1/√d_k factor does as d_k grows. Implements the measured check of (8.5).

    For each ``d_k`` in ``d_values`` draws Q (n_q, d_k), K (n_k, d_k), V (n_k, d_v)
    and an upstream gradient d_out (n_q, d_v), all with independent N(0, 1)
    entries, and compares unscaled scores ``Q Kᵀ`` with scaled ones ``Q Kᵀ/√d_k``.

    Parameters
    ----------
    d_values : sequence of int
        Key dimensions to try (each ≥ 1).
    n_q, n_k, d_v : int
        Number of queries (= sampled score rows), keys, value columns.
    seed : int
        Seed of ``np.random.default_rng``.
    saturated : float
        A row of A counts as saturated when its largest weight exceeds this.

    Returns
    -------
    dict of ndarray
        ``"d"``; ``"var_unscaled"``, ``"var_scaled"``: empirical variance of
        the n_q·n_k scores (≈ d_k and ≈ 1 by (8.5)); ``"saturated_unscaled"``,
        ``"saturated_scaled"``: fraction of saturated rows of A;
        ``"grad_unscaled"``, ``"grad_scaled"``: median over queries of
        ‖∂L/∂s_i‖, the gradient that reaches the scores through (8.3).
    """
    d_values = np.asarray(d_values)
    if d_values.ndim != 1 or d_values.size == 0 or not np.issubdtype(d_values.dtype, np.integer) or np.any(d_values < 1):
        raise ValueError(f"d_values must be a non-empty 1-D sequence of integers >= 1, got {d_values!r}")
    for name, n in (("n_q", n_q), ("n_k", n_k), ("d_v", d_v)):
        if int(n) != n or n < 1:
            raise ValueError(f"{name} must be a positive integer, got {n!r}")
    rng = np.random.default_rng(seed)
    keys = ("var_unscaled", "var_scaled", "saturated_unscaled", "saturated_scaled", "grad_unscaled", "grad_scaled")
    res = {k: np.zeros(d_values.size) for k in keys}
    for i, d_k in enumerate(d_values.tolist()):
        Q = rng.normal(size=(n_q, d_k))
        K = rng.normal(size=(n_k, d_k))
        V = rng.normal(size=(n_k, d_v))
        d_out = rng.normal(size=(n_q, d_v))
        S = Q @ K.T
        for tag, c in (("unscaled", 1.0), ("scaled", 1.0 / math.sqrt(d_k))):
            A = softmax(S * c, axis=1)
            dS = softmax_rows_backward(A, d_out @ V.T)
            res[f"var_{tag}"][i] = np.var(S * c)
            res[f"saturated_{tag}"][i] = np.mean(A.max(axis=1) > saturated)
            res[f"grad_{tag}"][i] = np.median(np.linalg.norm(dS, axis=1))
    res["d"] = d_values.astype(np.int64)
    return res
