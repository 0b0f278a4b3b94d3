import heapq

import numpy as np
import pytest
from _oracles import assert_close, check_three_oracles
from hypothesis import given, settings, strategies as st

from w2vlib import hs_loss_and_grads, huffman_codes
from w2vlib.hierarchical import hs_probabilities
from w2vlib.symbolic import hs_objective, sigma


@pytest.mark.parametrize(
    "n_inner,d,points,codes",
    [
        (2, 2, [1, 0], [0, 1]),
        (3, 3, [2, 0, 1], [1, 1, 0]),
        (4, 1, [3], [1]),
        (2, 2, [1, 1], [0, 1]),  # a repeated row accumulates
    ],
)
def test_three_oracles(rng, n_inner, d, points, codes):
    args = {"h": rng.normal(size=d), "points": np.array(points), "codes": np.array(codes), "W": rng.normal(size=(n_inner, d))}
    check_three_oracles(hs_loss_and_grads, args, ("h", "W"), hs_objective(n_inner, d, points, codes))


def test_word2vec_c_tree_for_a_worked_example():
    # Worked by hand with word2vec.c's CreateBinaryTree for counts 5,3,3,2,1,1 (V=6):
    # merges (pos1 leaves from the rarest, pos2 inner nodes; ties go to the inner node):
    #   node 6 = leaves 5,4 (1+1)  node 7 = leaf 3 + node 6 (2+2)
    #   node 8 = leaves 2,1 (3+3)  node 9 = node 7 + leaf 0 (4+5)  node 10 = node 8 + node 9 (root)
    # second-picked child gets code 1; rows of W are node − V.
    paths = huffman_codes([5, 3, 3, 2, 1, 1])
    expected = [
        ([4, 3], [1, 1]),
        ([4, 2], [0, 1]),
        ([4, 2], [0, 0]),
        ([4, 3, 1], [1, 0, 1]),
        ([4, 3, 1, 0], [1, 0, 0, 1]),
        ([4, 3, 1, 0], [1, 0, 0, 0]),
    ]
    for (p, c), (ep, ec) in zip(paths, expected):
        assert p.tolist() == ep and c.tolist() == ec


def _prefix_free(codes):
    strings = ["".join(map(str, c)) for c in codes]
    return not any(a != b and b.startswith(a) for a in strings for b in strings)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=2, max_size=40))
def test_tree_properties(counts):
    paths = huffman_codes(counts)
    V = len(counts)
    assert len(paths) == V
    codes = [c for _, c in paths]
    assert _prefix_free(codes)
    # every path starts at the root row V−2 and uses valid rows
    assert all(p[0] == V - 2 and p.min() >= 0 and p.max() <= V - 2 for p, _ in paths)
    # Kraft equality for a full binary tree
    assert abs(sum(2.0 ** -len(c) for c in codes) - 1.0) < 1e-12
    # optimal: expected code length equals that of an independent Huffman (heapq) construction
    weights = [max(c, 0) for c in counts]
    heap = list(weights)
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        a, b = heapq.heappop(heap), heapq.heappop(heap)
        cost += a + b
        heapq.heappush(heap, a + b)
    assert sum(w * len(c) for w, c in zip(weights, codes)) == cost


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 500), min_size=2, max_size=30), st.integers(0, 2**32 - 1))
def test_probabilities_sum_to_one(counts, seed):
    rng = np.random.default_rng(seed)
    V, d = len(counts), 3
    W, h = rng.normal(size=(V - 1, d)) * 2, rng.normal(size=d)
    total = sum(np.exp(-hs_loss_and_grads(h, p, c, W)[0]) for p, c in huffman_codes(counts))
    assert abs(total - 1.0) < 1e-12
    assert abs(hs_probabilities(h, huffman_codes(counts), W).sum() - 1.0) < 1e-12  # (3.9)


def test_hs_probabilities_against_the_product_of_decisions(rng):
    """(3.5) written out with SymPy's σ on the worked tree (counts 5,3,3,2,1,1)."""
    import sympy as sp

    paths = huffman_codes([5, 3, 3, 2, 1, 1])
    W, h = rng.normal(size=(5, 2)), rng.normal(size=2)
    p = hs_probabilities(h, paths, W)
    for w, (points, codes) in enumerate(paths):
        expected = sp.Integer(1)
        for n, b in zip(points, codes):
            x = sp.Float(float(W[n] @ h), 30)
            expected *= sigma(x) if b == 0 else 1 - sigma(x)   # code 0: σ(+x), code 1: σ(−x) = 1 − σ(x)
        assert abs(p[w] - float(expected)) < 1e-15
    big = hs_probabilities(h * 1e4, paths, W)
    assert np.all(np.isfinite(big)) and abs(big.sum() - 1.0) < 1e-12


def test_unsorted_counts_same_tree_as_sorted():
    counts = np.array([1, 5, 3, 1, 3, 2])
    order = np.argsort(-counts, kind="stable")
    sorted_paths = huffman_codes(counts[order])
    paths = huffman_codes(counts)
    for rank, w in enumerate(order):
        assert paths[w][1].tolist() == sorted_paths[rank][1].tolist()


def test_frequent_words_get_short_codes():
    counts = [1000, 500, 100, 50, 10, 5, 1, 1]
    lengths = [len(c) for _, c in huffman_codes(counts)]
    assert lengths == sorted(lengths)


@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_extreme_scores(rng, scale):
    W = rng.normal(size=(3, 2))
    h = scale * W[0] / np.linalg.norm(W[0]) ** 2
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, g_h, g_W = hs_loss_and_grads(h, [0, 2], [0, 1], W)
    sym_loss, sym_grads = hs_objective(3, 2, [0, 2], [0, 1]).numeric({"h": h, "W": W})
    assert_close(loss, sym_loss)
    assert_close(g_h, sym_grads["h"])
    assert_close(g_W, sym_grads["W"])


def test_inputs_not_mutated(rng):
    h, W, p, c = rng.normal(size=2), rng.normal(size=(3, 2)), np.array([2, 0]), np.array([1, 0])
    copies = [a.copy() for a in (h, W, p, c)]
    hs_loss_and_grads(h, p, c, W)
    assert all(np.array_equal(a, b) for a, b in zip((h, W, p, c), copies))


@pytest.mark.parametrize(
    "points,codes,match",
    [
        ([0, 3], [0, 1], r"points has out-of-range index 3"),
        ([0, 1], [0], r"codes must have shape \(2,\)"),
        ([0, 1], [0, 2], r"codes must contain only 0 and 1"),
        ([], [], r"points must contain at least one index"),
    ],
)
def test_bad_paths(points, codes, match):
    with pytest.raises(ValueError, match=match):
        hs_loss_and_grads(np.zeros(2), points, codes, np.zeros((3, 2)))


@pytest.mark.parametrize(
    "counts,match",
    [([5], r"at least 2 words"), ([[1, 2]], r"1-D"), ([3, -1], r"non-negative"), ([1, np.nan], r"finite")],
)
def test_bad_counts(counts, match):
    with pytest.raises(ValueError, match=match):
        huffman_codes(counts)
