"""Hierarchical softmax over a Huffman tree, notebook 03.

The V words are the leaves of a binary tree with V − 1 inner nodes; inner
node n owns a vector ``W[n]``. The probability of word w is the product of
binary decisions along the root-to-leaf path (Morin & Bengio 2005; Mikolov et
al. 2013b, eq. 3). In word2vec.c's convention a code bit 0 means "go the
way σ(W[n]·h) points" and 1 the other way, so with ``sign_j = 1 − 2·code_j``

    p(w | h) = Π_j σ(sign_j · W[points_j]·h)                        (3.5)
    J = −Σ_j log σ(sign_j · W[points_j]·h)                          (3.6)
    ∂J/∂(W[points_j]·h) = −sign_j · σ(−sign_j · W[points_j]·h)      (3.7)
    ∂J/∂h = Σ_j g_j W[points_j],   ∂J/∂W[points_j] = g_j h          (3.8)

Because σ(x) + σ(−x) = 1 at every inner node, the probabilities of all
leaves sum to one (3.9). The path has about log2 V nodes, so a step costs
O(log V · d) instead of O(V · d).

The tree is built exactly as ``CreateBinaryTree`` in word2vec.c builds it:
words sorted by descending count, then two pointers walk the leaves (from
the rarest up) and the new inner nodes (in creation order), always taking
the smaller count, the inner node on ties.
"""
import numpy as np

from . import _validate
from .negative_sampling import scatter_rows
from .stable import log_sigmoid, sigmoid

__all__ = ["hs_probabilities", "huffman_codes", "hs_loss_and_grads", "hs_error"]


def huffman_codes(counts):
    """Huffman codes and paths for every word, as word2vec.c builds them.

    Implements the construction of notebook 03, section 3.2; the code
    lengths L_w satisfy Kraft's equality Σ_w 2^(−L_w) = 1, (3.4).

    Parameters
    ----------
    counts : array_like, shape (V,)
        Non-negative word counts, V >= 2. word2vec.c always passes counts
        sorted in descending order; other orders are first sorted stably
        (ties keep their index order), so for sorted input the tree is
        word2vec.c's tree bit for bit.

    Returns
    -------
    list of (points, codes)
        One pair per word, in the order of ``counts``. ``points`` (int64, L)
        are rows of the inner-node matrix ``W`` (shape (V − 1, d)) from the
        root (row V − 2) down to the leaf's parent; ``codes`` (int8, L) are
        the 0/1 branch bits on that path.
    """
    counts = np.asarray(counts)
    if counts.ndim != 1:
        raise ValueError(f"counts must be a 1-D array of shape (V,), got shape {counts.shape}")
    V = counts.shape[0]
    if V < 2:
        raise ValueError(f"counts must hold at least 2 words to build a tree, got V={V}")
    if not np.issubdtype(counts.dtype, np.number) or not np.all(np.isfinite(counts)):
        raise ValueError("counts must be finite numbers")
    if np.any(counts < 0):
        raise ValueError("counts must be non-negative")

    order = np.argsort(-counts.astype(np.float64), kind="stable")  # descending, ties by index
    count = np.empty(2 * V - 1, dtype=np.float64)
    count[:V] = counts[order]
    count[V:] = np.inf
    parent = np.zeros(2 * V - 1, dtype=np.int64)
    binary = np.zeros(2 * V - 1, dtype=np.int8)

    pos1, pos2 = V - 1, V  # pos1: next unused leaf (rarest first); pos2: next unused inner node
    for a in range(V - 1):
        picked = []
        for _ in range(2):
            if pos1 >= 0 and count[pos1] < count[pos2]:
                picked.append(pos1)
                pos1 -= 1
            else:
                picked.append(pos2)
                pos2 += 1
        min1, min2 = picked
        count[V + a] = count[min1] + count[min2]
        parent[min1] = parent[min2] = V + a
        binary[min2] = 1

    root = 2 * V - 2
    sorted_paths = []
    for leaf in range(V):
        codes, points = [], []
        node = leaf
        while node != root:
            codes.append(binary[node])
            node = parent[node]
            points.append(node - V)  # inner node id -> row of W
        sorted_paths.append(
            (np.array(points[::-1], dtype=np.int64), np.array(codes[::-1], dtype=np.int8))
        )
    result = [None] * V
    for rank, word in enumerate(order):
        result[word] = sorted_paths[rank]
    return result


def hs_error(h, points, codes, W):
    """Loss and the derivatives ``g_j`` with respect to the inner-node scores.

    Returns
    -------
    loss : float
        Implements (3.6).
    g : ndarray, shape (L,)
        ``g_j = −sign_j · σ(−sign_j · W[points_j]·h)``. Implements (3.7).
    """
    sign = 1.0 - 2.0 * codes
    s = sign * (W[points] @ h)
    loss = -float(np.sum(log_sigmoid(s)))
    g = -sign * np.atleast_1d(sigmoid(-s))
    return loss, g


def _validate_path(points, codes, n_inner):
    points = _validate.indices("points", points, n_inner, allow_empty=False, what="inner-node rows of W")
    codes_arr = np.asarray(codes)
    if codes_arr.shape != points.shape:
        raise ValueError(
            f"codes must have shape {points.shape} to match points, got shape {codes_arr.shape}"
        )
    if not np.all((codes_arr == 0) | (codes_arr == 1)):
        raise ValueError("codes must contain only 0 and 1 (word2vec.c branch bits)")
    return points, codes_arr.astype(np.float64)


def hs_loss_and_grads(h, points, codes, W):
    """Hierarchical-softmax loss of one word and its gradients.

    Implements (3.6) and (3.8) of notebook 03.

    Parameters
    ----------
    h : array_like, shape (d,)
        Hidden vector (``v_c`` in skip-gram, the context mean in CBOW).
    points : array_like of int, shape (L,)
        Rows of ``W`` on the root-to-leaf path (from :func:`huffman_codes`).
    codes : array_like of {0, 1}, shape (L,)
        Branch bits on that path, word2vec.c convention.
    W : array_like, shape (V − 1, d)
        Inner-node vectors.

    Returns
    -------
    loss : float
        ``−Σ_j log σ((1 − 2·codes_j) · W[points_j]·h)``.
    grad_h : ndarray, shape (d,)
    grad_W : ndarray, shape (V − 1, d)
        Non-zero only in the rows on the path; repeated rows accumulate.
    """
    W = _validate.matrix("W", W)
    h = _validate.vector("h", h, W.shape[1])
    points, codes = _validate_path(points, codes, W.shape[0])
    loss, g = hs_error(h, points, codes, W)
    grad_h = g @ W[points]
    grad_W = scatter_rows(W.shape[0], W.shape[1], points, np.outer(g, h))
    return loss, grad_h, grad_W


def hs_probabilities(h, paths, W):
    """P(w | h) of every word under hierarchical softmax.

    P(w | h) = Π_j σ((1 − 2·code_j) · W[point_j]·h), a product of binary
    decisions along the word's path. Implements (3.5); the result sums to 1
    over the vocabulary for every ``h`` and ``W``, (3.9).

    Parameters
    ----------
    h : array_like, shape (d,)
        Hidden vector.
    paths : list of (points, codes)
        One pair per word, as returned by :func:`huffman_codes`.
    W : array_like, shape (V − 1, d)
        Inner-node vectors.

    Returns
    -------
    ndarray, shape (len(paths),)
        Probabilities computed as exp(−loss (3.6)), in log space first.
    """
    W = _validate.matrix("W", W)
    h = _validate.vector("h", h, W.shape[1])
    scores = W @ h                          # every inner node once
    log_p = np.empty(len(paths))
    for w, (points, codes) in enumerate(paths):
        points, codes = _validate_path(points, codes, W.shape[0])
        log_p[w] = float(np.sum(log_sigmoid((1.0 - 2.0 * codes) * scores[points])))
    return np.exp(log_p)
