"""Batched forms of the objectives: many windows in one NumPy step, notebook 04.

Negative sampling (2.1) and hierarchical softmax (3.6) are both sums of
*logistic terms*: term t pairs a hidden vector h_{a_t} (row a_t of a batch H)
with an output row w_{r_t} (of U, or of the inner-node matrix W) and a sign
s_t ∈ {+1, −1}:

    J_B = Σ_t −log σ(s_t · w_{r_t}·h_{a_t})                              (4.9)

For SGNS a pair (c, o) with negatives k₁…k_K gives the K + 1 terms
(o, +1), (k₁, −1), …, (k_K, −1); for hierarchical softmax a word gives one
term per inner node on its Huffman path with s = 1 − 2·code. With
g_t = ∂J/∂(w_{r_t}·h_{a_t}) = −s_t σ(−s_t · w_{r_t}·h_{a_t})  ((2.4), (3.7)),
collect the g_t in a sparse matrix G (rows: batch rows a, columns: output
rows r; entries with the same (a, r) *add up*). Then

    ∂J_B/∂H = G W,        ∂J_B/∂W = Gᵀ H                                  (4.10)

— both gradients of the whole batch are sparse × dense products, and a word
that occurs twice (twice as a negative, or as positive and negative) gets
both contributions, exactly as in (2.7). Scattering the hidden-vector
gradients back to the input vectors is one more such product: for skip-gram
H = S V_in with S the (B × V) 0/1 selection matrix of the centre words, for
CBOW H = A V_in with A_{a,w} = n_{a,w} / |context_a| the context mean (3.1);
by the chain rule

    ∂J_B/∂V_in = Sᵀ ∂J_B/∂H   (skip-gram),   Aᵀ ∂J_B/∂H   (CBOW, (3.2))  (4.11)

This module computes (4.9)–(4.11) for a batch; the trainer then takes one
plain SGD step on the summed gradient (all gradients of the batch are
computed at the same parameters, then applied).

Speed notes (measured on the reference workload, see PERFORMANCE.md and
``benchmarks/train_vs_gensim.py``): the scatter of (4.10)/(4.11) is a sparse
product written straight into the parameter matrix by SciPy's own kernel
(``sparse_step``), far cheaper than ``np.add.at``; the large per-batch
temporaries live in a reused :class:`Workspace`; and σ(−z) is obtained from
the loss itself, σ(−z) = 1 − e^{log σ(z)} = −expm1(log σ(z)), so one
``logaddexp`` serves the loss and the gradient and stays accurate for any z. Every result equals the sum of the
per-example functions of :mod:`w2vlib.negative_sampling`,
:mod:`w2vlib.hierarchical` and :mod:`w2vlib.cbow` (tested).
"""
import numpy as np
import scipy.sparse as sp

from .stable import log_sigmoid

__all__ = [
    "logistic_terms", "HuffmanPaths", "sparse_step", "Workspace",
    "sg_neg_sampling_batch", "cbow_neg_sampling_batch", "sg_hs_batch", "cbow_hs_batch",
]


def logistic_terms(scores, signs):
    """Loss and score derivatives of a set of logistic terms.

    Implements (4.9) term by term and the derivative of (2.4)/(3.7).

    Parameters
    ----------
    scores : ndarray
        The dot products w_r · h_a, any shape.
    signs : ndarray, broadcastable to ``scores``
        +1 for a positive (observed / code-0) term, −1 otherwise.

    Returns
    -------
    loss : float
        Σ −log σ(s · score).
    g : ndarray, shape of ``scores``
        ∂loss/∂score = −s · σ(−s · score), computed as s · expm1(log σ(s · score)).
    """
    ls = log_sigmoid(signs * scores)
    return -float(ls.sum()), signs * np.expm1(ls)


try:  # SciPy's own kernel behind ``csc_matrix @ dense``: Y += A X, in place
    from scipy.sparse._sparsetools import csc_matvecs as _csc_matvecs
except ImportError:  # private name; fall back to the public product
    _csc_matvecs = None


def sparse_step(M, rows, indptr, coef, X, lr=None, use_kernel=True):
    """Scatter-add ``Gᵀ X`` into M, or return it as a dense gradient.

    Implements the scatter of (4.10)/(4.11). G is the sparse
    (len(indptr) − 1) × rows(M) matrix in CSR form whose row a holds the
    coefficients ``coef[indptr[a]:indptr[a+1]]`` in the columns
    ``rows[indptr[a]:indptr[a+1]]``; entries with the same (a, column) add.

    Parameters
    ----------
    M : ndarray, shape (n, d), C-contiguous float64 or float32
        The parameter matrix the gradient belongs to.
    rows, coef : ndarray, shape (nnz,)
    indptr : ndarray, shape (B + 1,)
    X : ndarray, shape (B, d)
    lr : float or None
        None: return the dense gradient ``Gᵀ X`` of shape (n, d).
        Otherwise: ``M -= lr · Gᵀ X`` in place and return None.
    use_kernel : bool, default True
        Gᵀ is G's arrays read as a CSC matrix, and SciPy's ``csc_matvecs``
        kernel (the one ``csc_matrix @ ndarray`` calls) computes Y += Gᵀ X
        straight into M: no temporary, no fancy indexing, repeated rows
        accumulate. It is a private SciPy name, so when it is missing (or
        ``use_kernel=False``) the same step is done with the public
        ``csr_matrix.T @ X`` restricted to the rows that occur.
    """
    B = indptr.shape[0] - 1
    n, d = M.shape
    if lr is None:
        G = sp.csr_matrix((coef, rows, indptr), shape=(B, n))
        return np.asarray(G.T @ X)
    if use_kernel and _csc_matvecs is not None and M.flags.c_contiguous and M.dtype in (np.float64, np.float32):
        idx_dtype = np.int64 if max(n, rows.shape[0]) > np.iinfo(np.int32).max else np.int32
        X = np.ascontiguousarray(X, dtype=M.dtype)
        _csc_matvecs(n, B, d, indptr.astype(idx_dtype, copy=False), rows.astype(idx_dtype, copy=False),
                     (np.asarray(coef) * -lr).astype(M.dtype, copy=False), X.ravel(), M.reshape(-1))
        return None
    mark = np.zeros(n, dtype=bool)  # rows that occur, without sorting
    mark[rows] = True
    uniq = np.flatnonzero(mark)
    pos = np.empty(n, dtype=np.int64)
    pos[uniq] = np.arange(uniq.shape[0])
    G = sp.csr_matrix(((coef * -lr).astype(M.dtype, copy=False), pos[rows], indptr), shape=(B, uniq.shape[0]))
    M[uniq] += G.T @ X
    return None


class HuffmanPaths:
    """Huffman paths of all words as flat arrays, for batched lookup.

    Parameters
    ----------
    paths : list of (points, codes)
        As returned by :func:`w2vlib.huffman_codes`.
    """

    def __init__(self, paths):
        self.lengths = np.array([len(p) for p, _ in paths], dtype=np.int64)
        self.starts = np.zeros(len(paths) + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=self.starts[1:])
        self.points = np.concatenate([p for p, _ in paths]).astype(np.int64)
        self.signs = 1.0 - 2.0 * np.concatenate([c for _, c in paths]).astype(np.float64)

    def gather(self, words):
        """Terms of the paths of ``words``, concatenated.

        Returns
        -------
        indptr : ndarray, shape (len(words) + 1,)
            Word i owns terms ``indptr[i]:indptr[i+1]``.
        points : ndarray of int64
            Inner-node rows of W.
        signs : ndarray of float64
            1 − 2·code.
        """
        words = np.asarray(words)
        lengths = self.lengths[words]
        indptr = np.zeros(words.shape[0] + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        flat = np.repeat(self.starts[words] - indptr[:-1], lengths) + np.arange(indptr[-1])
        return indptr, self.points[flat], self.signs[flat]


class Workspace:
    """Reusable scratch arrays for the batched steps.

    Allocating the large per-batch temporaries afresh (the gathered output
    rows are B·(K+1)·d floats, ~10 MB for B = 2048) made glibc hand memory
    back to the kernel and fault it in again on every batch: on the
    reference workload that was 2.7 million page faults and more than half
    of the run time. Keeping the buffers between batches removes it.
    """

    def __init__(self):
        self._buffers = {}

    def get(self, name, shape, dtype=np.float64):
        """An uninitialised array of ``shape``, reusing memory across calls."""
        size = int(np.prod(shape))
        buf = self._buffers.get((name, np.dtype(dtype)))
        if buf is None or buf.shape[0] < size:
            buf = np.empty(max(size, 1), dtype=dtype)
            self._buffers[(name, np.dtype(dtype))] = buf
        return buf[:size].reshape(shape)


def _take(M, idx, ws, name):
    if ws is None:
        return M[idx]
    # mode="clip": with the default mode="raise" NumPy buffers `out` (an extra copy);
    # the indices are valid by construction.
    return np.take(M, idx, axis=0, out=ws.get(name, idx.shape + M.shape[1:], M.dtype), mode="clip")


def _ns(H, o, neg, U, lr, ws=None):
    """(4.9)/(4.10) for SGNS terms: loss, ∂J/∂H; steps or returns ∂J/∂U."""
    B, K = neg.shape
    targets = np.concatenate((o.reshape(B, 1), neg), axis=1)  # (B, K + 1): o, k_1..k_K
    U_t = _take(U, targets, ws, "U_t")
    scores = np.matmul(U_t, H[:, :, None])[:, :, 0]     # u_r · h for every term
    signs = np.full(K + 1, -1.0)
    signs[0] = 1.0
    loss, g = logistic_terms(scores, signs)             # (2.1), (2.4)
    g = g.astype(U.dtype, copy=False)
    grad_H = np.matmul(g[:, None, :], U_t,
                       out=None if ws is None else ws.get("grad_H", (B, 1, U.shape[1]), U.dtype))[:, 0, :]  # G U, (2.5)
    grad_U = sparse_step(U, targets.ravel(), np.arange(0, B * (K + 1) + 1, K + 1), g.ravel(), H, lr)  # Gᵀ H, (2.6)
    return loss, grad_H, grad_U


def _hs(H, words, paths, W, lr):
    """(4.9)/(4.10) for hierarchical-softmax terms."""
    indptr, points, signs = paths.gather(words)
    owner = np.repeat(np.arange(H.shape[0]), np.diff(indptr))
    scores = np.einsum("td,td->t", W[points], H[owner])
    loss, g = logistic_terms(scores, signs)             # (3.6), (3.7)
    g = g.astype(W.dtype, copy=False)
    G = sp.csr_matrix((g, points, indptr), shape=(H.shape[0], W.shape[0]))
    grad_H = np.asarray(G @ W)                          # (3.8)
    grad_W = sparse_step(W, points, indptr, g, H, lr)   # (3.8)
    return loss, grad_H, grad_W


def _ints(name, a, ndim):
    a = np.asarray(a)
    if a.ndim != ndim or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"{name} must be a {ndim}-D integer array, got shape {a.shape} and dtype {a.dtype}")
    return a


def _finish(loss, grad_out, V_in, rows, indptr, coef, grad_H, lr):
    grad_in = sparse_step(V_in, rows, indptr, coef, grad_H, lr)  # (4.11)
    return loss if lr is not None else (loss, grad_in, grad_out)


def sg_neg_sampling_batch(V_in, U, c, o, neg, lr=None, ws=None):
    """Skip-gram with negative sampling for B pairs at once.

    Implements (4.9)–(4.11); equals the sum over i of
    ``neg_sampling_loss_and_grads(V_in[c_i], o_i, neg_i, U)``, with the
    ``grad_v_c`` of pair i added into row c_i of ``grad_V_in``.

    Parameters
    ----------
    V_in, U : ndarray, shape (V, d)
    c, o : ndarray of int, shape (B,)
        Centre and outside words of the pairs (repeats allowed).
    neg : ndarray of int, shape (B, K)
        Negatives (repeats and o itself allowed, each is its own term).
    lr : float or None
        If given, take one SGD step of size ``lr`` on the summed gradient in
        place (every gradient computed before any update) and return only
        the loss.
    ws : Workspace or None
        Scratch memory reused between calls (speed only).

    Returns
    -------
    loss : float
        Σ_i J_i, the batch objective (4.9).
    grad_V_in, grad_U : ndarray, shape (V, d)
        Only when ``lr`` is None.
    """
    c, o, neg = _ints("c", c, 1), _ints("o", o, 1), _ints("neg", neg, 2)
    H = _take(V_in, c, ws, "H")
    loss, grad_H, grad_U = _ns(H, o, neg, U, lr, ws)
    B = c.shape[0]
    return _finish(loss, grad_U, V_in, c, np.arange(B + 1), np.ones(B), grad_H, lr)


def cbow_neg_sampling_batch(V_in, U, lengths, members, c, neg, lr=None, ws=None, spread="mean"):
    """CBOW with negative sampling for B windows at once.

    Implements (3.1), (4.9)–(4.11); equals the sum over windows a of
    ``cbow_neg_sampling_loss_and_grads(context_a, c_a, neg_a, V_in, U)``.

    Parameters
    ----------
    V_in, U : ndarray, shape (V, d)
    lengths : ndarray of int, shape (B,)
        Number of context words of each window (>= 1).
    members : ndarray of int, shape (Σ lengths,)
        The context words, window after window (repeats allowed).
    c : ndarray of int, shape (B,)
        Centre word of each window, the positive target.
    neg : ndarray of int, shape (B, K)
    lr, ws : see :func:`sg_neg_sampling_batch`.
    spread : {"mean", "word2vec"}, default "mean"
        "mean": the exact gradient (3.2), each context word receives
        ∂J/∂h / |context|. "word2vec": each receives the whole ∂J/∂h, as
        word2vec.c and gensim's default (``cbow_mean=1``) do — not the
        gradient of J but |context| times it for the input vectors.
    """
    lengths, members = _ints("lengths", lengths, 1), _ints("members", members, 1)
    c, neg = _ints("c", c, 1), _ints("neg", neg, 2)
    indptr, coef = _mean_rows(lengths)
    A = sp.csr_matrix((coef.astype(V_in.dtype), members, indptr), shape=(lengths.shape[0], V_in.shape[0]))
    H = np.asarray(A @ V_in)                                 # (3.1)
    loss, grad_H, grad_U = _ns(H, c, neg, U, lr, ws)
    return _finish(loss, grad_U, V_in, members, indptr, _spread(coef, spread), grad_H, lr)   # Aᵀ ∂J/∂H, (3.2)


def sg_hs_batch(V_in, W, c, o, paths, lr=None):
    """Skip-gram with hierarchical softmax for B pairs at once.

    Implements (4.9)–(4.11); equals the sum over i of
    ``hs_loss_and_grads(V_in[c_i], points(o_i), codes(o_i), W)``.

    Parameters
    ----------
    V_in : ndarray, shape (V, d)
    W : ndarray, shape (V − 1, d)
    c, o : ndarray of int, shape (B,)
    paths : HuffmanPaths
    lr : float or None
    """
    c, o = _ints("c", c, 1), _ints("o", o, 1)
    H = V_in[c]
    loss, grad_H, grad_W = _hs(H, o, paths, W, lr)
    B = c.shape[0]
    return _finish(loss, grad_W, V_in, c, np.arange(B + 1), np.ones(B), grad_H, lr)


def cbow_hs_batch(V_in, W, lengths, members, c, paths, lr=None, spread="mean"):
    """CBOW with hierarchical softmax for B windows at once.

    Implements (3.1), (4.9)–(4.11): ``hs_loss_and_grads`` at each context
    mean, the hidden gradient spread back by (3.2) (``spread`` as in
    :func:`cbow_neg_sampling_batch`).
    """
    lengths, members = _ints("lengths", lengths, 1), _ints("members", members, 1)
    c = _ints("c", c, 1)
    indptr, coef = _mean_rows(lengths)
    A = sp.csr_matrix((coef.astype(V_in.dtype), members, indptr), shape=(lengths.shape[0], V_in.shape[0]))
    H = np.asarray(A @ V_in)
    loss, grad_H, grad_W = _hs(H, c, paths, W, lr)
    return _finish(loss, grad_W, V_in, members, indptr, _spread(coef, spread), grad_H, lr)


def _mean_rows(lengths):
    """CSR row pointer and the 1/|context| coefficients of the mean matrix A (3.1)."""
    if np.any(lengths < 1):
        raise ValueError("lengths must all be >= 1: every CBOW window needs a context word")
    indptr = np.zeros(lengths.shape[0] + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    return indptr, np.repeat(1.0 / lengths, lengths)


def _spread(coef, spread):
    """Per-occurrence coefficients of the CBOW input update.

    ``"mean"`` gives Aᵀ of the exact gradient (3.2); ``"word2vec"`` is word2vec.c's
    update, word2vec.c's update that hands every context word the whole
    ∂J/∂h (|context| times (3.2)). Implements (3.3).
    """
    if spread == "mean":
        return coef                   # Aᵀ: 1/|context| per occurrence, (3.2)
    if spread == "word2vec":
        return np.ones_like(coef)     # word2vec.c: the whole ∂J/∂h to every context word
    raise ValueError(f"spread must be 'mean' or 'word2vec', got {spread!r}")
