"""The efficient-calculation ladder, notebook 05.

One skip-gram update computed in every form, from the "school" version to
the one a trainer uses. Rows: the algorithm; columns: how it is run.

* full softmax, O(V·d): :func:`softmax_loss_and_grads_loop`,
  :func:`w2vlib.softmax_loss_and_grads`, :func:`sg_softmax_batch`;
* hierarchical softmax, O(L·d) with L ≈ log₂ V:
  :func:`hs_loss_and_grads_loop`, :func:`w2vlib.hs_loss_and_grads`,
  :func:`w2vlib.batched.sg_hs_batch`;
* negative sampling, O((K+1)·d): :func:`neg_sampling_loss_and_grads_loop`,
  :func:`w2vlib.neg_sampling_loss_and_grads`,
  :func:`w2vlib.batched.sg_neg_sampling_batch`.

The ``_loop`` functions are written on purpose with Python loops over words,
path nodes and coordinates, one scalar at a time; they are the baseline the
vectorised functions are measured against and they return exactly what the
vectorised ones return (tested, duplicates included). They already use the
algebra of notebook 05 that makes a step cheap, independently of NumPy:

    log Σ_w e^{z_w} = m + log Σ_w e^{z_w − m},  ŷ_w = e^{z_w − m} / Σ_w' e^{z_w' − m}     (5.1)
    log σ(x) = min(x, 0) − log(1 + e^{−|x|}),   σ(−x) = 1 − σ(x)  (one exp per term)     (5.2)
    δ = ŷ − y,   ∂J/∂v_c = Uᵀ δ,   ∂J/∂U = δ v_cᵀ  (δ computed once, used twice)          (5.3)
    ∂J_B/∂H = Δ U,   ∂J_B/∂U = Δᵀ H = Σ_b δ_b h_bᵀ  (a batch: one GEMM)                  (5.4)

Cost model (:func:`operation_count`, (5.6)): an update that touches R output
rows costs about 5·R·d floating-point operations (2Rd for the R scores, 2Rd
for ∂J/∂h, Rd for the R gradient rows) and R exponentials, with R = V for the
full softmax, R = L (the Huffman path length, on average at most
H(p) + 1 ≤ log₂ V + 1, (5.5)) for hierarchical softmax and R = K + 1 for
negative sampling. :func:`time_ladder` measures the real times beside it.
"""
import contextlib
import ctypes
import math
import time
from dataclasses import dataclass, field

import numpy as np

from . import _validate
from .batched import HuffmanPaths, sg_hs_batch, sg_neg_sampling_batch, sparse_step
from .hierarchical import _validate_path, hs_loss_and_grads, huffman_codes
from .naive_softmax import softmax_loss_and_grads
from .negative_sampling import neg_sampling_loss_and_grads
from .stable import log_softmax

__all__ = [
    "softmax_loss_and_grads_loop", "hs_loss_and_grads_loop", "neg_sampling_loss_and_grads_loop",
    "log_sigmoid_and_complement", "sg_softmax_batch", "operation_count", "mean_path_length",
    "time_ladder", "Ladder", "METHODS", "blas_threads",
]


# --------------------------------------------------------------------------- scalar helpers
def _dot(a, b):
    """Σ_i a_i b_i of two Python lists, one multiply-add at a time."""
    s = 0.0
    for a_i, b_i in zip(a, b):
        s += a_i * b_i
    return s


def log_sigmoid_and_complement(x):
    """``(log σ(x), σ(−x))`` of a Python float from a single exponential.

    Implements (5.2): with ``e = exp(−|x|)`` (never overflows, since its
    argument is ≤ 0)

        log σ(x) = min(x, 0) − log(1 + e),
        σ(−x) = 1 − σ(x) = e / (1 + e)   if x ≥ 0,   1 / (1 + e)   if x < 0.

    The first is the loss of a logistic term, the second its derivative
    (−σ(−x) = ∂ log σ(x)/∂x · (−1)), so one ``exp`` serves both.

    Parameters
    ----------
    x : float

    Returns
    -------
    log_sig : float
        log σ(x), finite for every finite x (−1e4 gives −1e4).
    sig_neg : float
        σ(−x), in [0, 1].
    """
    e = math.exp(-abs(x))  # the only exponential of the term
    if x >= 0:
        return -math.log1p(e), e / (1.0 + e)
    return x - math.log1p(e), 1.0 / (1.0 + e)


def _logistic_terms_loop(h, rows, signs, M):
    """Loss, ∂J/∂h and the touched gradient rows of Σ_t −log σ(s_t · M[r_t]·h), in loops.

    The common loop of negative sampling (2.1) and hierarchical softmax (3.6)
    (compare :func:`w2vlib.batched.logistic_terms`, (4.9)): term t reads one
    row of M, so a pair costs O(len(rows) · d) whatever the number of rows of M.

    Returns
    -------
    loss : float
    grad_h : list of float, length d
    grad_rows : dict int -> list of float
        Gradient of every row that occurs; a row occurring twice accumulates
        both terms (2.7).
    """
    d = len(h)
    loss = 0.0
    grad_h = [0.0] * d
    grad_rows = {}
    for r, sign in zip(rows, signs):
        m_r = M[r].tolist()                            # one row, d floats
        x = sign * _dot(m_r, h)                        # s_t · score
        log_sig, sig_neg = log_sigmoid_and_complement(x)   # (5.2): one exp
        loss -= log_sig                                # (2.1) / (3.6)
        g = -sign * sig_neg                            # ∂J/∂score, (2.4) / (3.7)
        row = grad_rows.setdefault(r, [0.0] * d)
        for i in range(d):
            grad_h[i] += g * m_r[i]                    # (2.5) / (3.8)
            row[i] += g * h[i]                         # (2.6) / (3.8): += accumulates duplicates
    return loss, grad_h, grad_rows


def _dense(grad_rows, shape):
    """The (n, d) gradient with the given rows filled and zeros elsewhere."""
    out = np.zeros(shape)
    for r, row in grad_rows.items():
        out[r] = row
    return out


# --------------------------------------------------------------------------- loop versions
def softmax_loss_and_grads_loop(v_c, o, U):
    """Naive-softmax loss and gradients of one pair, with Python loops.

    Implements (5.1) and (5.3) — the objective (1.2) and its gradients (1.5),
    (1.6) in the cheap order of notebook 05: one pass for the V logits, the V
    exponentials shared by the loss and ŷ (5.1), the error vector δ = ŷ − y
    computed once and used for both gradients (5.3).
    Same arguments and results as :func:`w2vlib.softmax_loss_and_grads`.

    Parameters
    ----------
    v_c : array_like, shape (d,)
    o : int
    U : array_like, shape (V, d)

    Returns
    -------
    loss : float
    grad_v_c : ndarray, shape (d,)
    grad_U : ndarray, shape (V, d)
    """
    U = _validate.matrix("U", U)
    V, d = U.shape
    v_c = _validate.vector("v_c", v_c, d)
    o = _validate.index("o", o, V, what="rows of U")
    rows = U.tolist()
    v = v_c.tolist()

    z = [0.0] * V                        # logits z_w = u_w · v_c: V·d multiply-adds
    for w in range(V):
        z[w] = _dot(rows[w], v)
    m = max(z)                           # the shift of (5.1)
    e = [0.0] * V
    S = 0.0
    for w in range(V):
        e[w] = math.exp(z[w] - m)        # the only V exponentials, all ≤ 1
        S += e[w]
    loss = m + math.log(S) - z[o]        # (5.1): −log ŷ_o

    delta = [e_w / S for e_w in e]       # ŷ, reusing e (5.1) ...
    delta[o] -= 1.0                      # ... minus y: δ = ŷ − y (5.3)
    grad_v_c = [0.0] * d
    grad_U = [[0.0] * d for _ in range(V)]
    for w in range(V):
        for i in range(d):
            grad_v_c[i] += delta[w] * rows[w][i]   # Uᵀ δ (1.5)
            grad_U[w][i] = delta[w] * v[i]         # δ v_cᵀ (1.6)
    return loss, np.array(grad_v_c), np.array(grad_U)


def neg_sampling_loss_and_grads_loop(v_c, o, neg, U):
    """Negative-sampling loss and gradients of one pair, with Python loops.

    Implements (2.1), (2.5), (2.6) term by term, each term with one
    exponential (5.2); touches only the R = K + 1 rows ``o, neg`` (5.6). Every
    occurrence in ``neg`` is its own term, so repeated negatives and ``o``
    among the negatives accumulate (2.7). Same arguments and results as
    :func:`w2vlib.neg_sampling_loss_and_grads`.

    Parameters
    ----------
    v_c : array_like, shape (d,)
    o : int
    neg : array_like of int, shape (K,)
    U : array_like, shape (V, d)

    Returns
    -------
    loss : float
    grad_v_c : ndarray, shape (d,)
    grad_U : ndarray, shape (V, d)
    """
    U = _validate.matrix("U", U)
    V, d = U.shape
    v_c = _validate.vector("v_c", v_c, d)
    o = _validate.index("o", o, V, what="rows of U")
    neg = _validate.indices("neg", neg, V, what="rows of U")
    rows = [o] + neg.tolist()
    signs = [1.0] + [-1.0] * len(neg)      # the observed word, then the K negatives
    loss, grad_v_c, grad_rows = _logistic_terms_loop(v_c.tolist(), rows, signs, U)
    return loss, np.array(grad_v_c), _dense(grad_rows, U.shape)


def hs_loss_and_grads_loop(h, points, codes, W):
    """Hierarchical-softmax loss and gradients of one word, with Python loops.

    Implements (3.6), (3.8) node by node along the Huffman path, each node
    with one exponential (5.2); touches only the R = L rows on the path
    (L ≈ log₂ V, (5.5), (5.6)). Same arguments and results as
    :func:`w2vlib.hs_loss_and_grads`.

    Parameters
    ----------
    h : array_like, shape (d,)
    points : array_like of int, shape (L,)
    codes : array_like of {0, 1}, shape (L,)
    W : array_like, shape (V − 1, d)

    Returns
    -------
    loss : float
    grad_h : ndarray, shape (d,)
    grad_W : ndarray, shape (V − 1, d)
    """
    W = _validate.matrix("W", W)
    h = _validate.vector("h", h, W.shape[1])
    points, codes = _validate_path(points, codes, W.shape[0])
    signs = [1.0 - 2.0 * c for c in codes.tolist()]   # code 0 -> +1, code 1 -> −1
    loss, grad_h, grad_rows = _logistic_terms_loop(h.tolist(), points.tolist(), signs, W)
    return loss, np.array(grad_h), _dense(grad_rows, W.shape)


# --------------------------------------------------------------------------- batch, full softmax
def sg_softmax_batch(V_in, U, c, o, lr=None):
    """Full-softmax skip-gram for B pairs as three matrix products.

    Implements (5.4): with H = V_in[c] (B × d), the logits of all pairs are
    one GEMM Z = H Uᵀ (B × V), Δ = softmax(Z) − Y row by row ((5.1), (5.3)),
    and

        ∂J_B/∂H = Δ U,     ∂J_B/∂U = Δᵀ H = Σ_b δ_b h_bᵀ,

    two more GEMMs; ∂J_B/∂V_in is ∂J_B/∂H scattered to the centre rows (4.11).
    Equals the sum over b of ``softmax_loss_and_grads(V_in[c_b], o_b, U)``.
    The hierarchical-softmax and negative-sampling batches are
    :func:`w2vlib.batched.sg_hs_batch` and
    :func:`w2vlib.batched.sg_neg_sampling_batch`.

    Parameters
    ----------
    V_in, U : array_like, shape (V, d)
    c, o : array_like of int, shape (B,)
        Centre and outside words (repeats allowed).
    lr : float or None
        If given, take one SGD step of size ``lr`` in place on ``V_in`` and
        ``U`` (both must then be float64 arrays) and return only the loss.

    Returns
    -------
    loss : float
        Σ_b J_b.
    grad_V_in, grad_U : ndarray, shape (V, d)
        Only when ``lr`` is None.
    """
    if lr is not None:
        for name, M in (("V_in", V_in), ("U", U)):
            if not (isinstance(M, np.ndarray) and M.dtype == np.float64):
                raise ValueError(f"{name} must be a float64 ndarray when lr is given (it is updated in place)")
    V_in = _validate.matrix("V_in", V_in)
    U = _validate.matrix("U", U, rows=V_in.shape[0], cols=V_in.shape[1])
    V = V_in.shape[0]
    c = _validate.indices("c", c, V, allow_empty=False, what="rows of V_in")
    o = _validate.indices("o", o, V, allow_empty=False, what="rows of U")
    if o.shape != c.shape:
        raise ValueError(f"o must have shape {c.shape} to match c, got shape {o.shape}")
    B = c.shape[0]
    rows = np.arange(B)
    H = V_in[c]                                  # (B, d)
    log_Y_hat = log_softmax(H @ U.T, axis=1)  # Z = H Uᵀ, one GEMM; (5.1) per row
    loss = -float(log_Y_hat[rows, o].sum())
    Delta = np.exp(log_Y_hat)                    # Ŷ
    Delta[rows, o] -= 1.0                        # Δ = Ŷ − Y (5.3)
    grad_H = Delta @ U                       # (5.4)
    grad_U = Delta.T @ H                         # (5.4): all B outer products in one GEMM
    grad_V_in = sparse_step(V_in, c, np.arange(B + 1), np.ones(B), grad_H, lr)  # (4.11)
    if lr is None:
        return loss, grad_V_in, grad_U
    U -= lr * grad_U
    return loss


# --------------------------------------------------------------------------- cost model
def mean_path_length(paths, words=None, weights=None):
    """Average Huffman path length L, the number of rows an HS update touches.

    Implements E[L] = Σ_w p_w L_w of (5.5).

    Parameters
    ----------
    paths : list of (points, codes)
        From :func:`w2vlib.huffman_codes`.
    words : array_like of int, optional
        Average over these target words (e.g. the ones actually trained).
    weights : array_like, optional
        Otherwise weight word w by ``weights[w]`` (e.g. its count: then the
        result is E[L] of (5.5)); uniform if neither is given.
    """
    lengths = np.array([len(p) for p, _ in paths], dtype=np.float64)
    if lengths.size == 0:
        raise ValueError("paths must contain at least one (points, codes) pair, got none")
    if words is not None:
        words = np.asarray(words)
        if words.ndim != 1 or words.size == 0 or not np.issubdtype(words.dtype, np.integer):
            raise ValueError(f"words must be a non-empty 1-D array of word indices, got {words!r}")
        if words.min() < 0 or words.max() >= lengths.size:
            raise ValueError(f"words must be indices in [0, {lengths.size}), got values from {words.min()} "
                             f"to {words.max()}")
        return float(lengths[words].mean())
    if weights is None:
        return float(lengths.mean())
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != lengths.shape:
        raise ValueError(f"weights must have shape {lengths.shape}, got shape {weights.shape}")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return float(weights @ lengths / weights.sum())


def operation_count(method, V, d, K=5, L=None):
    """Floating-point operations of one skip-gram update. Implements (5.6).

    An update that touches R output rows costs 2Rd (R scores) + 2Rd
    (∂J/∂h = Σ_r g_r m_r) + Rd (the R gradient rows g_r h) = 5·R·d flops and
    R exponentials, with R = V (full softmax), L (hierarchical softmax) or
    K + 1 (negative sampling). Loop, vectorised and batched forms of one
    method do the same arithmetic; they differ in how fast it runs.

    Parameters
    ----------
    method : str
        One of :data:`METHODS` (``"softmax_loop"``, ``"ns_batch"``, ...) or a
        family name ``"softmax"``, ``"hs"``, ``"ns"``.
    V, d : int
    K : int
        Negatives per pair (negative sampling).
    L : float, optional
        Mean path length (hierarchical softmax); defaults to log₂ V.

    Returns
    -------
    dict
        ``{"rows": R, "flops": 5·R·d, "exps": R}``.
    """
    family = str(method).split("_")[0]
    if family not in ("softmax", "hs", "ns"):
        raise ValueError(f"method must be one of {METHODS} or 'softmax', 'hs', 'ns', got {method!r}")
    if int(V) < 2 or int(d) < 1:
        raise ValueError(f"V must be >= 2 and d >= 1, got V={V}, d={d}")
    if family == "softmax":
        R = float(V)
    elif family == "hs":
        R = math.log2(V) if L is None else float(L)
    else:
        if int(K) < 0:
            raise ValueError(f"K must be >= 0, got {K}")
        R = float(K + 1)
    return {"rows": R, "flops": 5.0 * R * d, "exps": R}


# --------------------------------------------------------------------------- timing
METHODS = (
    "softmax_loop", "softmax", "softmax_batch",
    "hs_loop", "hs", "hs_batch",
    "ns_loop", "ns", "ns_batch",
)

_LOOP = {
    "softmax_loop": softmax_loss_and_grads_loop,
    "hs_loop": hs_loss_and_grads_loop,
    "ns_loop": neg_sampling_loss_and_grads_loop,
}
_VECTORISED = {
    "softmax": softmax_loss_and_grads,
    "hs": hs_loss_and_grads,
    "ns": neg_sampling_loss_and_grads,
}


@dataclass
class Ladder:
    """Measured seconds per skip-gram pair, method × vocabulary size.

    Attributes
    ----------
    V : ndarray of int, shape (n,)
    methods : tuple of str
    seconds : ndarray, shape (len(methods), n)
        Minimum over the repeats of the time per pair (a batch method's
        time is divided by B). NaN where a loop method was skipped because
        its modelled work exceeded ``loop_budget``.
    flops : ndarray, shape (len(methods), n)
        :func:`operation_count` per pair (HS with ``path_length``).
    path_length : ndarray, shape (n,)
        Mean Huffman path length of the max(pairs, B) targets drawn at each V
        (the batch's targets; the single-pair methods use the first ``pairs``).
    d, K, B, pairs, repeats, seed : int
    """

    V: np.ndarray
    methods: tuple
    seconds: np.ndarray
    flops: np.ndarray
    path_length: np.ndarray
    d: int
    K: int
    B: int
    pairs: int
    repeats: int
    seed: int
    meta: dict = field(default_factory=dict)

    def time(self, method):
        """Seconds per pair of ``method`` at every V."""
        return self.seconds[self._row(method)]

    def ratio(self, slow, fast):
        """time(slow) / time(fast) at every V (NaN where either was skipped)."""
        return self.time(slow) / self.time(fast)

    def ns_per_flop(self, method):
        """Measured nanoseconds per modelled flop: small = arithmetic dominates."""
        return 1e9 * self.time(method) / self.flops[self._row(method)]

    def _row(self, method):
        if method not in self.methods:
            raise ValueError(f"method must be one of {self.methods}, got {method!r}")
        return self.methods.index(method)

    def table(self, unit="us"):
        """The measurements as a plain-text table (µs per pair by default)."""
        scale = {"s": 1.0, "ms": 1e3, "us": 1e6}
        if unit not in scale:
            raise ValueError(f"unit must be one of {tuple(scale)}, got {unit!r}")
        head = f"{'method':>14s}" + "".join(f"{f'V={v}':>12s}" for v in self.V)
        lines = [f"time per pair ({unit}), d={self.d}, K={self.K}, B={self.B}, min of {self.repeats}", head]
        for m, row in zip(self.methods, self.seconds):
            lines.append(f"{m:>14s}" + "".join(
                f"{'—':>12s}" if np.isnan(t) else f"{t * scale[unit]:12.2f}" for t in row))
        return "\n".join(lines)

    def __str__(self):
        return self.table()


_BLAS_SET = ("openblas_set_num_threads", "openblas_set_num_threads64_", "scipy_openblas_set_num_threads64_",
             "scipy_openblas_set_num_threads")
_BLAS_GET = tuple(n.replace("_set_", "_get_") for n in _BLAS_SET)


def _openblas_handles():
    """(get, set) functions of every OpenBLAS loaded in this process (Linux; empty elsewhere)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line})
    except OSError:
        return []
    handles = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for set_name, get_name in zip(_BLAS_SET, _BLAS_GET):
            if hasattr(lib, set_name) and hasattr(lib, get_name):
                handles.append((getattr(lib, get_name), getattr(lib, set_name)))
                break
    return handles


@contextlib.contextmanager
def blas_threads(n):
    """Run the block with OpenBLAS limited to ``n`` threads, then restore.

    Small matrix products (a few hundred rows) finish before a second BLAS
    thread has started; on a busy 2-core machine the threads even wait for
    each other, and one product took 12 ms instead of 0.06 ms in our
    measurements. Timing code therefore uses one thread. Best effort: if no
    OpenBLAS is found (another BLAS, another OS) the block runs unchanged.

    Yields
    ------
    bool
        True if an OpenBLAS was found and limited.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    handles = _openblas_handles()
    before = [get() for get, _ in handles]
    for _, set_ in handles:
        set_(int(n))
    try:
        yield bool(handles)
    finally:
        for (_, set_), k in zip(handles, before):
            set_(int(k))


def _min_time(run, repeats):
    """Minimum over ``repeats`` timed runs, after one untimed warm-up run (first-call costs)."""
    run()
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def time_ladder(V_values, d=50, K=5, repeats=3, seed=0, *, methods=METHODS, pairs=16, B=256,
                loop_budget=3e6, threads=1):
    """Time every rung of the ladder over growing vocabulary sizes.

    For each V: random parameters (normal, scale 0.1, float64, seeded),
    word counts following Zipf's law (count ∝ 1/rank) and their Huffman tree
    (:func:`w2vlib.huffman_codes`), targets o drawn in proportion to the
    counts (so HS paths have their realistic length, (5.5)), centres and K
    negatives uniform. Each single-pair method is run on ``pairs`` pairs, each
    batch method on one batch of ``B`` pairs (an in-place SGD step with a
    tiny learning rate, on copies of the parameters); the time of a repeat is
    measured with ``time.perf_counter`` and divided by the number of pairs,
    and the minimum over ``repeats`` is kept (the least disturbed run), after
    one untimed warm-up run.
    Setting-up (trees, random numbers, copies) is not timed. The single-pair
    functions return dense (V, d) gradients, and allocating them is part of
    their time (O(V·d) memory work even for negative sampling); the batch
    steps update the parameters in place and form no dense gradient.

    Parameters
    ----------
    V_values : sequence of int
        Vocabulary sizes, each >= 2.
    d, K : int
        Embedding dimension (>= 1) and negatives per pair (>= 1).
    repeats : int
        Repetitions per measurement (>= 1).
    seed : int
        Seed of ``np.random.default_rng``.
    methods : sequence of str
        Subset of :data:`METHODS`.
    pairs, B : int
        Pairs per single-pair measurement, pairs per batch.
    loop_budget : float
        A ``_loop`` method is skipped (NaN) at a V where ``pairs`` times its
        modelled flops exceed this (Python does ~10⁷ flops/s).
    threads : int or None
        BLAS threads during the measurements (:func:`blas_threads`); None
        leaves the BLAS alone.

    Returns
    -------
    Ladder
        Seconds per pair, model flops, mean path lengths; ``str()`` is a table.
    """
    V_values = np.asarray(V_values)
    if V_values.ndim != 1 or V_values.size == 0 or not np.issubdtype(V_values.dtype, np.integer):
        raise ValueError(f"V_values must be a non-empty 1-D sequence of integers, got {V_values!r}")
    if np.any(V_values < 2):
        raise ValueError(f"V_values must all be >= 2 (a Huffman tree needs two words), got {V_values.tolist()}")
    for name, value, low in (("d", d, 1), ("K", K, 1), ("repeats", repeats, 1), ("pairs", pairs, 1), ("B", B, 1)):
        if not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    methods = tuple(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(f"methods must be a non-empty subset of {METHODS}, got {list(methods)}")

    seconds = np.full((len(methods), V_values.size), np.nan)
    flops = np.full((len(methods), V_values.size), np.nan)
    path_length = np.full(V_values.size, np.nan)
    need_tree = any(m.startswith("hs") for m in methods)
    with (contextlib.nullcontext(False) if threads is None else blas_threads(threads)) as limited:
        for j, V in enumerate(V_values.tolist()):
            _measure_one_V(j, V, d, K, repeats, seed, methods, pairs, B, loop_budget, need_tree,
                           seconds, flops, path_length)
    return Ladder(V_values.astype(np.int64), methods, seconds, flops, path_length,
                  int(d), int(K), int(B), int(pairs), int(repeats), int(seed),
                  meta={"threads": threads, "blas_limited": limited})


def _measure_one_V(j, V, d, K, repeats, seed, methods, pairs, B, loop_budget, need_tree,
                   seconds, flops, path_length):
    """Fill column j of ``seconds``, ``flops`` and ``path_length`` (see :func:`time_ladder`)."""
    rng = np.random.default_rng([seed, V])
    V_in = 0.1 * rng.normal(size=(V, d))
    U = 0.1 * rng.normal(size=(V, d))
    W = 0.1 * rng.normal(size=(V - 1, d))
    counts = 1.0 / np.arange(1, V + 1)                          # Zipf
    n = max(pairs, B)
    c = rng.integers(V, size=n)
    o = rng.choice(V, size=n, p=counts / counts.sum())
    neg = rng.integers(V, size=(n, K))
    paths = huffman_codes(counts) if need_tree else None
    if need_tree:   # all timed targets: the batch's B, of which the single-pair methods use the first `pairs`
        path_length[j] = mean_path_length(paths, words=o)
    for i, m in enumerate(methods):
        flops[i, j] = operation_count(m, V, d, K, L=path_length[j])["flops"]
        family = m.split("_")[0]
        if m.endswith("_batch"):
            Vb, Ub, Wb = V_in.copy(), U.copy(), W.copy()
            cb, ob, nb = c[:B], o[:B], neg[:B]
            if family == "softmax":
                fun, args = sg_softmax_batch, (Vb, Ub, cb, ob)
            elif family == "hs":
                fun, args = sg_hs_batch, (Vb, Wb, cb, ob, HuffmanPaths(paths))
            else:
                fun, args = sg_neg_sampling_batch, (Vb, Ub, cb, ob, nb)
            seconds[i, j] = _min_time(lambda fun=fun, args=args: fun(*args, lr=1e-6), repeats) / B
            continue
        if m.endswith("_loop") and pairs * flops[i, j] > loop_budget:
            continue
        fun = _LOOP[m] if m.endswith("_loop") else _VECTORISED[m]
        if family == "softmax":
            args = [(V_in[c[t]], o[t], U) for t in range(pairs)]
        elif family == "hs":
            args = [(V_in[c[t]], *paths[o[t]], W) for t in range(pairs)]
        else:
            args = [(V_in[c[t]], o[t], neg[t], U) for t in range(pairs)]

        def run(fun=fun, args=args):
            for a in args:
                fun(*a)

        seconds[i, j] = _min_time(run, repeats) / pairs
