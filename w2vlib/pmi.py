"""SGNS as implicit factorisation of a shifted PMI matrix, notebook 06.

Levy & Goldberg (2014, "Neural Word Embedding as Implicit Matrix
Factorization", section 3.1) take the skip-gram negative-sampling objective
in expectation over the corpus and the negatives and find that, if every
(w, c) pair could be optimised on its own, the best score x = v_w·u_c is the
pointwise mutual information of the pair shifted by log k. The numbered
equations of notebook 06 are implemented here:

(6.1) the co-occurrence count that training sees *in expectation* per epoch,
      with word2vec.c's dynamic window (4.6) and no subsampling:

          #(w, c) = Σ_{i ≠ j, same sentence, |i − j| ≤ m, w_i = w, w_j = c}  (m − |i − j| + 1) / m

(6.2) PMI from the counts, #(w) = Σ_c #(w, c), #(c) = Σ_w #(w, c),
      |D| = Σ_{w,c} #(w, c):

          PMI(w, c) = log( #(w, c) · |D| / (#(w) · #(c)) )

(6.3) the expected loss of one pair (the SGNS objective (2.1) summed over the
      corpus, negatives c_N ~ P_n taken in expectation), written as a loss to
      minimise, with P_n(c) = #(c) / |D|:

          ℓ(x) = −#(w, c) log σ(x) − k · #(w) · #(c) / |D| · log σ(−x)

(6.4) its derivative:

          dℓ/dx = −#(w, c) σ(−x) + k · #(w) · #(c) / |D| · σ(x)

(6.5) the optimum, the zero of (6.4):

          x* = log( #(w, c) · |D| / (#(w) · #(c)) ) − log k = PMI(w, c) − log k

(6.6) with the trainer's smoothed noise P_n(c) = #(c)^α / Σ_c' #(c')^α
      (α = 0.75, (4.4)) the same steps give the shifted PMI with context
      distribution smoothing of Levy, Goldberg & Dagan (2015):

          x*_α = log( #(w, c) / (#(w) · P_n(c)) ) − log k = PMI_α(w, c) − log k

Which counting, and why. word2vec.c (and :class:`w2vlib.Word2Vec`) draws a
window m' = m − b, b ~ U{0, …, m − 1}, for every centre word, so a context
word at distance j is used with probability (m − j + 1)/m (4.6). A single
epoch's pair list is random; the objective that SGD minimises *on average*
counts each pair of positions at distance j with weight (m − j + 1)/m. That
expected count (6.1) is what ``weighting="dynamic"`` computes, and it is the
#(w, c) in (6.3). ``weighting="uniform"`` counts every pair within m once
(a fixed window, as in count-based PMI models). Both follow the trainer in
everything else: words below ``min_count`` are removed before windows are
formed, windows stop at sentence ends, sentences are cut into pieces of
:data:`w2vlib.vocab.MAX_SENTENCE_LENGTH` words. Subsampling (``sample > 0``)
is not modelled: it removes tokens at random and thereby widens windows, so
compare with a model trained with ``sample=0``. Epochs scale every count by
the same factor and cancel in PMI.

Orientation. The trainer's skip-gram uses the input vector of the word at
the context position and the output vector of the word at the centre
position; the expected weight depends on |i − j| only, so the count matrix
is symmetric and #(w, c) is the count of pairs with input word w and output
word c either way. The model's ``wv.vectors`` are the v_w (rows of V_in) and
``syn1neg`` the u_c (rows of U).
"""
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sps

from . import _validate
from .stable import log_sigmoid, sigmoid
from .vocab import MAX_SENTENCE_LENGTH, Vocab

__all__ = [
    "window_weights", "cooccurrence_counts", "pmi", "shifted_pmi", "sgns_pair_loss",
    "sgns_optimal_dot", "trained_dots", "PMIComparison", "compare_with_pmi", "plot_pmi_comparison",
    "DEFAULT_BUCKETS",
]

#: Edges of the pair-count buckets of :func:`compare_with_pmi` (expected pairs per epoch).
DEFAULT_BUCKETS = (0.0, 1.0, 3.0, 10.0, 30.0, np.inf)


def _window(window):
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    return int(window)


def window_weights(window, weighting="dynamic"):
    """Weight of a pair of positions at distance j = 1 … m.

    Implements the weight of (6.1): ``(m − j + 1) / m`` for word2vec.c's
    dynamic window (the probability (4.6) that distance j is used), or 1 for
    a fixed window.

    Parameters
    ----------
    window : int
        The maximal window m >= 1.
    weighting : {"dynamic", "uniform"}, default "dynamic"

    Returns
    -------
    ndarray of float64, shape (m,)
        Entry j − 1 is the weight of distance j.
    """
    m = _window(window)
    if weighting == "dynamic":
        return (m - np.arange(1, m + 1) + 1) / m
    if weighting == "uniform":
        return np.ones(m)
    raise ValueError(f"weighting must be 'dynamic' or 'uniform', got {weighting!r}")


def cooccurrence_counts(corpus, vocab, window=5, weighting="dynamic", max_sentence_length=MAX_SENTENCE_LENGTH):
    """Expected (w, c) pair counts per epoch of skip-gram training.

    Implements (6.1): every ordered pair of positions (i, j), i ≠ j, in the
    same sentence with |i − j| ≤ m adds the weight of distance |i − j|
    (:func:`window_weights`) to entry (w_i, w_j). Out-of-vocabulary words are
    dropped before windows are formed, as in the trainer (4.1).

    Parameters
    ----------
    corpus : iterable of list of str
        Tokenised sentences.
    vocab : w2vlib.vocab.Vocab
        The vocabulary that fixes the row/column order (e.g. ``model.vocab``).
    window : int, default 5
        The maximal window m (the trainer's ``window``).
    weighting : {"dynamic", "uniform"}, default "dynamic"
        "dynamic": the expectation over word2vec.c's random window (4.6),
        what the SGNS objective sees on average; "uniform": a fixed window.
    max_sentence_length : int
        Sentences are cut into pieces of this many (kept) words, as the trainer does.

    Returns
    -------
    scipy.sparse.csr_array of float64, shape (V, V)
        Symmetric; entry (w, c) is #(w, c). The sum of a row is #(w),
        the sum of all entries |D| (expected pairs per epoch).
    """
    if not isinstance(vocab, Vocab):
        raise ValueError(f"vocab must be a w2vlib.vocab.Vocab (e.g. model.vocab or build_vocab(corpus)), "
                         f"got {type(vocab).__name__}")
    weights = window_weights(window, weighting)
    if isinstance(corpus, (str, bytes)):
        raise ValueError("corpus must be an iterable of tokenised sentences (lists of str), got a single string")
    ids, starts = vocab.encode(corpus, max_sentence_length)
    lengths = np.diff(starts)
    sentence_of = np.repeat(np.arange(lengths.shape[0]), lengths)
    V = len(vocab)
    rows, cols, vals = [], [], []
    for j, weight in enumerate(weights, start=1):
        same = sentence_of[:-j] == sentence_of[j:]
        left, right = ids[:-j][same], ids[j:][same]
        w = np.full(left.shape[0], weight)
        rows += [left, right]          # both directions: (w_i, w_{i+j}) and (w_{i+j}, w_i)
        cols += [right, left]
        vals += [w, w]
    if not rows or sum(r.shape[0] for r in rows) == 0:
        return sps.csr_array((V, V), dtype=np.float64)
    counts = sps.coo_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(V, V))
    counts = counts.tocsr()
    counts.sum_duplicates()
    return counts


def _counts_matrix(counts):
    if sps.issparse(counts):
        C = sps.csr_array(counts, dtype=np.float64, copy=True)   # canonicalised below: never touch the caller's arrays
    else:
        arr = np.asarray(counts, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError(f"counts must be a 2-D (V, V) matrix of co-occurrence counts, got shape {arr.shape}")
        C = sps.csr_array(arr)
    if C.ndim != 2 or C.shape[0] == 0 or C.shape[1] == 0:
        raise ValueError(f"counts must be a non-empty 2-D matrix of co-occurrence counts, got shape {C.shape}")
    C.sum_duplicates()
    if not np.all(np.isfinite(C.data)) or np.any(C.data < 0):
        raise ValueError("counts must be finite and non-negative (co-occurrence counts #(w, c))")
    C.eliminate_zeros()
    if C.nnz == 0:
        raise ValueError("counts has no positive entry: no pair was observed, so PMI is undefined")
    return C


def _cds(cds):
    try:
        cds = float(cds)
    except (TypeError, ValueError):
        raise ValueError(f"cds must be a number in (0, 1], got {cds!r}") from None
    if not 0 < cds <= 1:
        raise ValueError(f"cds must be a number in (0, 1] (1: plain PMI, 0.75: word2vec's smoothing), got {cds!r}")
    return cds


def _k(k):
    try:
        k = float(k)
    except (TypeError, ValueError):
        raise ValueError(f"k must be a positive number of negatives, got {k!r}") from None
    if not np.isfinite(k) or k <= 0:
        raise ValueError(f"k must be a positive number of negatives, got {k!r}")
    return k


def pmi(counts, cds=1.0, noise_counts=None):
    """PMI of the observed pairs, optionally with a smoothed context distribution.

    Implements (6.2), and with ``cds`` ≠ 1 the PMI_α of (6.6):

        PMI_α(w, c) = log( #(w, c) / (#(w) · P_α(c)) ),   P_α(c) = n_c^α / Σ_c' n_c'^α

    with n_c = #(c) (column sums), or ``noise_counts`` if given. For α = 1 and
    the column sums, #(w) · P_1(c) = #(w) #(c) / |D| and this is (6.2).

    Parameters
    ----------
    counts : array_like or scipy.sparse matrix, shape (V_w, V_c)
        Non-negative co-occurrence counts #(w, c), e.g. from :func:`cooccurrence_counts`.
    cds : float in (0, 1], default 1.0
        Context distribution smoothing exponent α (Levy, Goldberg & Dagan
        2015); word2vec's noise distribution (4.4) has α = 0.75.
    noise_counts : array_like, shape (V_c,), optional
        Counts n_c to build P_α from. Default: the column sums #(c). Pass the
        corpus counts ``vocab.counts`` to use exactly the trainer's P_n (4.4).

    Returns
    -------
    scipy.sparse.csr_array of float64, shape (V_w, V_c)
        PMI on the observed pairs (the stored entries of ``counts`` that are
        > 0); unobserved pairs, whose PMI is −∞, are not stored.
    """
    C = _counts_matrix(counts)
    alpha = _cds(cds)
    n_w = np.asarray(C.sum(axis=1)).ravel()
    if noise_counts is None:
        n_c = np.asarray(C.sum(axis=0)).ravel()
    else:
        n_c = np.asarray(noise_counts, dtype=np.float64)
        if n_c.shape != (C.shape[1],):
            raise ValueError(f"noise_counts must have shape ({C.shape[1]},) to match the columns of counts, "
                             f"got shape {n_c.shape}")
        if not np.all(np.isfinite(n_c)) or np.any(n_c < 0):
            raise ValueError("noise_counts must be finite and non-negative")
    rows = np.repeat(np.arange(C.shape[0]), np.diff(C.indptr))
    cols = C.indices
    if np.any(n_c[cols] == 0):   # checked before normalising: all-zero noise_counts would give 0/0 = NaN
        raise ValueError("noise_counts is zero for a context word of an observed pair: its PMI is +inf")
    p_c = n_c ** alpha
    p_c = p_c / p_c.sum()
    out = C.copy()
    out.data = np.log(C.data) - np.log(n_w[rows]) - np.log(p_c[cols])
    return out


def shifted_pmi(counts, k, cds=1.0, noise_counts=None):
    """Shifted PMI of the observed pairs, PMI_α(w, c) − log k.

    Implements (6.5) (``cds=1``) and (6.6): the score that the expected SGNS
    objective with k negatives per pair would give each observed pair if
    every pair were optimised on its own. Arguments as in :func:`pmi`.

    Returns
    -------
    scipy.sparse.csr_array of float64
        Same sparsity as the observed counts.
    """
    k = _k(k)
    out = pmi(counts, cds, noise_counts)
    out.data = out.data - np.log(k)
    return out


def _positive(name, x):
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ValueError(f"{name} must be positive finite numbers, got {x!r}")
    return x


def sgns_pair_loss(x, n_wc, n_w, n_c, D, k):
    """Expected SGNS loss of one (w, c) pair as a function of its score x = v_w·u_c.

    Implements (6.3) and its derivative (6.4):

        ℓ(x) = −n_wc log σ(x) − k n_w n_c / D · log σ(−x)
        ℓ'(x) = −n_wc σ(−x) + k n_w n_c / D · σ(x)

    Works elementwise (broadcasting) on arrays.

    Parameters
    ----------
    x : array_like
        Score(s) v_w·u_c.
    n_wc, n_w, n_c, D : array_like
        #(w, c) (>= 0), #(w), #(c), |D| (> 0).
    k : float
        Number of negatives per pair (> 0).

    Returns
    -------
    loss, dloss_dx : ndarray or float
    """
    x = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)):
        raise ValueError("x must be finite scores v_w·u_c")
    n_wc = np.asarray(n_wc, dtype=np.float64)
    if not np.all(np.isfinite(n_wc)) or np.any(n_wc < 0):
        raise ValueError(f"n_wc must be non-negative finite counts, got {n_wc!r}")
    neg = _k(k) * _positive("n_w", n_w) * _positive("n_c", n_c) / _positive("D", D)  # expected negatives k #(w) P_n(c)
    loss = -n_wc * log_sigmoid(x) - neg * log_sigmoid(-x)
    grad = -n_wc * sigmoid(-x) + neg * sigmoid(x)
    if np.ndim(loss) == 0:
        return float(loss), float(grad)
    return loss, grad


def sgns_optimal_dot(n_wc, n_w, n_c, D, k):
    """The score that minimises (6.3): x* = log(n_wc · D / (n_w · n_c)) − log k.

    Implements (6.5) (Levy & Goldberg 2014, section 3.1). Elementwise.

    Parameters
    ----------
    n_wc, n_w, n_c, D : array_like
        #(w, c), #(w), #(c), |D|, all > 0 (an unobserved pair has x* = −∞).
    k : float
        Number of negatives (> 0).

    Returns
    -------
    ndarray or float
    """
    x = (np.log(_positive("n_wc", n_wc)) + np.log(_positive("D", D)) - np.log(_positive("n_w", n_w))
         - np.log(_positive("n_c", n_c)) - np.log(_k(k)))
    return float(x) if np.ndim(x) == 0 else x


def trained_dots(V_in, U, rows, cols):
    """Scores v_w·u_c = V_in[w]·U[c] for the given index pairs, in float64.

    Parameters
    ----------
    V_in : ndarray, shape (V_w, d)
        Input vectors (``model.wv.vectors``).
    U : ndarray, shape (V_c, d)
        Output vectors (``model.syn1neg``).
    rows, cols : array_like of int, shape (P,)

    Returns
    -------
    ndarray of float64, shape (P,)
    """
    V_in = np.asarray(V_in)
    U = np.asarray(U)
    if V_in.ndim != 2 or U.ndim != 2 or V_in.shape[1] != U.shape[1]:
        raise ValueError(f"V_in and U must be 2-D with the same number of columns d, "
                         f"got shapes {V_in.shape} and {U.shape}")
    rows = np.asarray(rows)
    cols = np.asarray(cols)
    if rows.shape != cols.shape or rows.ndim != 1:
        raise ValueError(f"rows and cols must be 1-D index arrays of the same length, got {rows.shape} and {cols.shape}")
    rows = _validate.indices("rows", rows, V_in.shape[0], what="rows of V_in")   # no silent wrap-around of -1
    cols = _validate.indices("cols", cols, U.shape[0], what="rows of U")
    out = np.empty(rows.shape[0])
    for s in range(0, rows.shape[0], 65536):   # bounded memory: 65536 × d gathered rows at a time
        a, b = V_in[rows[s:s + 65536]], U[cols[s:s + 65536]]
        out[s:s + 65536] = np.einsum("ij,ij->i", a.astype(np.float64, copy=False), b.astype(np.float64, copy=False))
    return out


@dataclass
class PMIComparison:
    """Trained scores v_w·u_c against the shifted PMI of the observed pairs.

    Attributes
    ----------
    pearson, spearman : float
        Correlations over all observed pairs.
    mean_gap : float
        Mean of (v_w·u_c − shifted PMI).
    n_pairs : int
    buckets : list of dict
        One per pair-count bucket ``(lo, hi]`` of #(w, c): keys ``lo``, ``hi``,
        ``n_pairs``, ``pearson``, ``spearman``, ``mean_gap`` (NaN where a
        bucket has fewer than 3 pairs).
    dots, target, pair_counts : ndarray, shape (n_pairs,)
        The per-pair values behind the figures (for plotting).
    k, cds : float
    """

    pearson: float
    spearman: float
    mean_gap: float
    n_pairs: int
    buckets: list
    k: float
    cds: float
    dots: np.ndarray = field(repr=False)
    target: np.ndarray = field(repr=False)
    pair_counts: np.ndarray = field(repr=False)

    def __str__(self):
        lines = [f"v_w·u_c vs shifted PMI (k={self.k:g}, cds={self.cds:g}) on {self.n_pairs:,} observed pairs: "
                 f"Pearson {self.pearson:.3f}, Spearman {self.spearman:.3f}, mean gap {self.mean_gap:+.3f}",
                 f"{'#(w,c) in':>16} {'pairs':>9} {'Pearson':>8} {'Spearman':>9} {'mean gap':>9}"]
        for b in self.buckets:
            span = f"({b['lo']:g}, {b['hi']:g}]"
            lines.append(f"{span:>16} {b['n_pairs']:>9,} {b['pearson']:>8.3f} {b['spearman']:>9.3f} "
                         f"{b['mean_gap']:>+9.3f}")
        return "\n".join(lines)


def _correlations(a, b):
    from scipy.stats import pearsonr, spearmanr
    if a.shape[0] < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan"), float("nan")
    return float(pearsonr(a, b)[0]), float(spearmanr(a, b)[0])


def compare_with_pmi(V_in, U, counts, k, cds=0.75, noise_counts=None, buckets=DEFAULT_BUCKETS):
    """Correlate trained scores v_w·u_c with the shifted PMI (6.5)/(6.6), overall and by pair count.

    Only the observed pairs (#(w, c) > 0) are compared: for the others the
    optimum (6.5) is −∞, which no finite vectors reach.

    Parameters
    ----------
    V_in, U : ndarray, shape (V, d)
        Input and output vectors of a trained SGNS model (``model.wv.vectors``,
        ``model.syn1neg``).
    counts : array_like or scipy.sparse matrix, shape (V, V)
        #(w, c), e.g. :func:`cooccurrence_counts` with the model's vocabulary and window.
    k : float
        Negatives per pair the model was trained with.
    cds : float in (0, 1], default 0.75
        Smoothing of the context distribution (6.6); 0.75 is what the
        trainer's noise distribution (4.4) implies, 1 gives plain (6.5).
    noise_counts : array_like, optional
        See :func:`pmi`.
    buckets : sequence of float, default :data:`DEFAULT_BUCKETS`
        Increasing edges; bucket i holds the pairs with edges[i] < #(w, c) <= edges[i + 1].

    Returns
    -------
    PMIComparison
    """
    C = _counts_matrix(counts)
    V_in = np.asarray(V_in)
    U = np.asarray(U)
    if V_in.ndim != 2 or U.ndim != 2 or V_in.shape[0] != C.shape[0] or U.shape[0] != C.shape[1]:
        raise ValueError(f"V_in and U must have one row per row/column of counts {C.shape}, "
                         f"got shapes {V_in.shape} and {U.shape}")
    edges = np.asarray(buckets, dtype=np.float64)
    if edges.ndim != 1 or edges.shape[0] < 2 or np.any(np.diff(edges) <= 0) or np.isnan(edges).any():
        raise ValueError(f"buckets must be at least two strictly increasing edges, got {buckets!r}")
    target_m = shifted_pmi(C, k, cds, noise_counts)
    rows = np.repeat(np.arange(C.shape[0]), np.diff(C.indptr))
    cols = C.indices
    target = target_m.data
    dots = trained_dots(V_in, U, rows, cols)
    if not np.all(np.isfinite(dots)):
        raise ValueError("V_in and U must be finite (the model diverged?)")
    r, rho = _correlations(dots, target)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (C.data > lo) & (C.data <= hi)
        br, brho = _correlations(dots[sel], target[sel])
        gap = float(np.mean(dots[sel] - target[sel])) if sel.any() else float("nan")
        out.append({"lo": float(lo), "hi": float(hi), "n_pairs": int(sel.sum()), "pearson": br,
                    "spearman": brho, "mean_gap": gap})
    return PMIComparison(pearson=r, spearman=rho, mean_gap=float(np.mean(dots - target)), n_pairs=int(C.nnz),
                         buckets=out, k=_k(k), cds=_cds(cds), dots=dots, target=target, pair_counts=C.data.copy())


def plot_pmi_comparison(comparison, ax=None, max_points=4000, seed=0):
    """Scatter plot of v_w·u_c against shifted PMI, one colour per pair-count bucket.

    At most ``max_points`` pairs per bucket are drawn (a seeded random
    subset); the line y = x is where the optimum (6.5)/(6.6) puts them.
    Labels come from :func:`w2vlib.i18n.label`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    from .i18n import label, setup_plots

    if not isinstance(comparison, PMIComparison):
        raise ValueError(f"comparison must be a PMIComparison from compare_with_pmi, got {type(comparison).__name__}")
    setup_plots()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    rng = np.random.default_rng(seed)
    for b in comparison.buckets:
        idx = np.flatnonzero((comparison.pair_counts > b["lo"]) & (comparison.pair_counts <= b["hi"]))
        if idx.size == 0:
            continue
        if idx.size > max_points:
            idx = rng.choice(idx, max_points, replace=False)
        hi = "∞" if np.isinf(b["hi"]) else f"{b['hi']:g}"
        ax.scatter(comparison.target[idx], comparison.dots[idx], s=3, alpha=0.35,
                   label=label("pair_count_bucket", lo=f"{b['lo']:g}", hi=hi, r=b["pearson"]))
    lo = min(comparison.target.min(), comparison.dots.min())
    hi = max(comparison.target.max(), comparison.dots.max())
    ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="y = x")
    ax.set_xlabel(label("shifted_pmi_cds", k=f"{comparison.k:g}", cds=f"{comparison.cds:g}"))
    ax.set_ylabel(label("trained_dot"))
    ax.legend(markerscale=4, fontsize=8, loc="upper left")
    return ax
