"""Widgets of notebooks 01–03: the report functions against independent oracles, and the
widgets driven by setting their controls' values (as a browser would) — including a check
that a widget whose observer is disconnected is caught."""
import heapq
import math

import numpy as np
import pytest

from w2vlib import widgets as W
from w2vlib.gradcheck import numeric_gradient, relative_error
from w2vlib.symbolic import softmax_objective

widgets = pytest.importorskip("ipywidgets")


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("W2VLIB_LANG", "en")


def outputs_after(control, value, outputs):
    """Set ``control.value`` and return (before, after) snapshots of the outputs' values."""
    before = [o.value for o in outputs]
    control.value = value
    return before, [o.value for o in outputs]


def changed(control, value, outputs):
    before, after = outputs_after(control, value, outputs)
    return [b != a for b, a in zip(before, after)]


# --------------------------------------------------------------------------- softmax_report
def test_softmax_report_hand_values():
    r = W.softmax_report([0.0, 0.0], 1, temperature=3.0)
    np.testing.assert_allclose(r["y_hat"], [0.5, 0.5])
    assert r["loss"] == pytest.approx(math.log(2))
    np.testing.assert_allclose(r["grad"], [0.5, -0.5])
    np.testing.assert_allclose(r["grad_z"], [0.5 / 3, -0.5 / 3])
    assert r["entropy"] == pytest.approx(math.log(2))


def test_softmax_report_against_the_definition_and_finite_differences(rng):
    z = rng.normal(scale=2.0, size=6)
    o, T = 4, 0.7
    r = W.softmax_report(z, o, T)
    e = np.exp(z / T)  # the definition, literally (small logits: no overflow)
    y_hat = e / e.sum()
    y = np.eye(6)[o]
    np.testing.assert_allclose(r["y_hat"], y_hat, rtol=1e-13)
    assert r["loss"] == pytest.approx(-math.log(y_hat[o]), rel=1e-13)
    np.testing.assert_allclose(r["grad"], y_hat - y, atol=1e-14)
    fd = numeric_gradient(lambda zz: W.softmax_report(zz, o, T)["loss"], z)
    assert relative_error(r["grad_z"], fd).max() < 1e-8


def test_softmax_report_against_sympy(rng):
    """With U = I the skip-gram objective (1.2) has the scaled logits z / T as its scores."""
    V, o, T = 4, 2, 1.8
    z = rng.normal(size=V)
    obj = softmax_objective(V, V, o)
    loss, grads = obj.numeric({"v_c": z / T, "U": np.eye(V)})
    r = W.softmax_report(z, o, T)
    assert r["loss"] == pytest.approx(loss, rel=1e-13)
    assert relative_error(r["grad"], grads["v_c"]).max() < 1e-13  # Uᵀ(ŷ − y) = ŷ − y for U = I


def test_softmax_jacobian_against_sympy_and_finite_differences(rng):
    """(1.3): SymPy differentiates the softmax written from its definition; central differences of
    w2vlib.softmax give the same matrix."""
    import sympy as sp

    from w2vlib.stable import softmax

    V, T = 4, 1.3
    z = rng.normal(size=V)
    zs = sp.symbols(f"z0:{V}", real=True)
    y_sym = [sp.exp(zi) / sum(sp.exp(zk) for zk in zs) for zi in zs]
    J_sym = sp.Matrix(V, V, lambda i, j: sp.diff(y_sym[i], zs[j]))
    J_num = np.array(J_sym.subs(dict(zip(zs, z / T))).evalf(30), dtype=np.float64)
    r = W.softmax_report(z, 0, T)
    np.testing.assert_allclose(r["jacobian"], J_num, atol=1e-15)
    fd = np.column_stack([numeric_gradient(lambda s: softmax(s)[i], z / T) for i in range(V)]).T
    assert relative_error(r["jacobian"], fd).max() < 1e-9
    np.testing.assert_allclose(r["jacobian"].sum(axis=0), 0.0, atol=1e-15)  # Σ_i ŷ_i = 1 is constant
    # (1.4) from (1.3): ∂(−log ŷ_o)/∂s = −(row o of the Jacobian) / ŷ_o
    np.testing.assert_allclose(-r["jacobian"][0] / r["y_hat"][0], r["grad"], atol=1e-14)


def test_softmax_report_temperature_limits():
    z = [3.0, 1.0, -2.0]
    hot = W.softmax_report(z, 0, temperature=1e4)["y_hat"]
    cold = W.softmax_report(z, 0, temperature=1e-3)["y_hat"]
    np.testing.assert_allclose(hot, [1 / 3] * 3, atol=1e-3)
    np.testing.assert_allclose(cold, [1.0, 0.0, 0.0], atol=1e-12)
    assert np.isfinite(W.softmax_report([1e4, -1e4], 1, 1e-3)["loss"])


@pytest.mark.parametrize("kwargs, match", [
    (dict(logits=[1.0], o=0), "at least 2"),
    (dict(logits=[[1.0, 2.0]], o=0), "1-D"),
    (dict(logits=[1.0, np.nan], o=0), "finite"),
    (dict(logits=[1.0, 2.0], o=2), "0 <= o < 2"),
    (dict(logits=[1.0, 2.0], o=1.0), "integer"),
    (dict(logits=[1.0, 2.0], o=True), "integer"),
    (dict(logits=[1.0, 2.0], o=0, temperature=0.0), "temperature"),
    (dict(logits=[1.0, 2.0], o=0, temperature=-1.0), "temperature"),
    (dict(logits=[1.0, 2.0], o=0, temperature=np.inf), "temperature"),
    (dict(logits=[1.0, 2.0], o=0, temperature="1"), "temperature"),   # was a TypeError from np.isfinite
    (dict(logits=[1.0, 2.0], o=0, temperature=None), "temperature"),
    (dict(logits=[1.0, 2.0], o=0, temperature=True), "temperature"),
])
def test_softmax_report_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        W.softmax_report(**kwargs)


# --------------------------------------------------------------------------- softmax_explorer
def test_softmax_explorer_layout():
    box = W.softmax_explorer([1.0, 0.0, -1.0], o=1, temperature=1.0, words=["a", "b", "c"])
    p = box.parts
    assert p.temperature.description == "temperature"
    assert W.LOSS_CLASS in p.loss._dom_classes
    assert [s.description for s in p.logits] == ["z[a]", "z[b]", "z[c]"]
    assert p.plot.value[:8] == b"\x89PNG\r\n\x1a\n"
    r = W.softmax_report([1.0, 0.0, -1.0], 1, 1.0)
    assert f"{r['loss']:.4f}" in p.loss.value
    assert f"{r['grad'][0]:+.3f}" in p.grad.value


def test_temperature_slider_updates_loss_gradient_and_plot():
    box = W.softmax_explorer()
    p = box.parts
    assert changed(p.temperature, 1.5, [p.loss, p.grad, p.plot]) == [True, True, True]
    r = W.softmax_report(W.DEFAULT_LOGITS, 0, 1.5)
    assert f"{r['loss']:.4f}" in p.loss.value


def test_plot_changes_before_the_loss_readout():
    """A browser (and tests/test_browser.py) may stop looking as soon as the loss text changes."""
    p = W.softmax_explorer().parts
    order = []
    p.plot.observe(lambda ch: order.append("plot"), names="value")
    p.loss.observe(lambda ch: order.append("loss"), names="value")
    p.temperature.value = 2.5
    assert order == ["plot", "loss"]


def test_logit_sliders_and_observed_word_update_the_outputs():
    box = W.softmax_explorer()
    p = box.parts
    assert all(changed(p.logits[3], 4.0, [p.loss, p.grad, p.plot]))
    assert all(changed(p.o, 2, [p.loss, p.grad, p.plot]))
    z = [s.value for s in p.logits]
    assert f"{W.softmax_report(z, 2, p.temperature.value)['loss']:.4f}" in p.loss.value


def test_a_dead_callback_is_detected():
    """The checks above fail on a widget whose observer is gone (or never existed)."""
    box = W.softmax_explorer()
    p = box.parts
    p.temperature.unobserve(p.refresh, names="value")
    assert changed(p.temperature, 2.0, [p.loss, p.grad, p.plot]) == [False, False, False]
    slider = widgets.FloatSlider(value=1.0, description="temperature")
    lab = widgets.HTML("loss = 1.2345")
    assert changed(slider, 2.0, [lab]) == [False]


def test_softmax_explorer_rejects_bad_input():
    with pytest.raises(ValueError, match="words"):
        W.softmax_explorer([1.0, 2.0], words=["a"])
    with pytest.raises(ValueError, match="temperature"):
        W.softmax_explorer(temperature=0)


def test_softmax_explorer_speaks_japanese(monkeypatch):
    monkeypatch.setenv("W2VLIB_LANG", "ja")
    assert "損失" in W.softmax_explorer().parts.loss.value


# --------------------------------------------------------------------------- noise distribution
def test_noise_report_hand_values():
    r = W.noise_report([16.0, 1.0], power=0.75, top=1)  # 16^0.75 = 8, 1^0.75 = 1
    np.testing.assert_allclose(r["p"], [8 / 9, 1 / 9])
    np.testing.assert_allclose(r["unigram"], [16 / 17, 1 / 17])
    assert list(r["top"]) == [0]
    assert r["top_mass"] == pytest.approx(8 / 9)
    assert r["rare_mass"] == pytest.approx(1 / 9)
    assert r["rare_boost"] == pytest.approx((1 / 9) / (1 / 17))


def test_noise_report_extreme_powers():
    counts = np.array([5.0, 500.0, 50.0, 5000.0, 1.0])
    uniform = W.noise_report(counts, power=0.0, top=2)
    np.testing.assert_allclose(uniform["p"], 0.2)
    assert uniform["perplexity"] == pytest.approx(5.0)
    assert list(uniform["top"]) == [3, 1]
    one = W.noise_report(counts, power=1.0, top=2)
    np.testing.assert_allclose(one["p"], counts / counts.sum())
    assert one["rare_boost"] == pytest.approx(1.0)
    # rarer half by rank: the 2 rarest of 5 words (indices 0 and 4)
    assert one["rare_mass"] == pytest.approx(6.0 / counts.sum())
    three_q = W.noise_report(counts, power=0.75, top=2)
    assert three_q["rare_boost"] > 1 and three_q["top_mass"] < one["top_mass"]
    assert 1 < three_q["perplexity"] < 5


@pytest.mark.parametrize("kwargs, match", [
    (dict(counts=[1.0, 2.0], power=-0.1), "power"),
    (dict(counts=[1.0, 2.0], power=np.nan), "power"),
    (dict(counts=[1.0, 2.0], power=2.5), "power"),
    (dict(counts=[1.0, 2.0], power="0.75"), "power"),                   # was a TypeError from np.isfinite
    (dict(counts=[1.0, 2.0], power=None), "power"),
    (dict(counts=[1.0, 2.0], top=0), "top"),
    (dict(counts=[1.0, 2.0], top=1.5), "top"),
    (dict(counts=[1.0, 0.0]), "positive"),
    (dict(counts=[3.0]), "at least 2"),
])
def test_noise_report_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        W.noise_report(**kwargs)


def test_noise_explorer_power_slider_updates_summary_and_plot():
    counts = np.array([900.0, 400.0, 120.0, 60.0, 30.0, 10.0, 5.0, 5.0])
    words = list("abcdefgh")
    box = W.noise_distribution_explorer(counts, words, power=0.75, top=4)
    p = box.parts
    assert p.power.value == 0.75
    assert changed(p.power, 0.25, [p.summary, p.plot]) == [True, True]
    r = W.noise_report(counts, 0.25, 4)
    assert f"{r['top_mass']:.1%}" in p.summary.value and f"{r['rare_mass']:.2%}" in p.summary.value
    p.power.unobserve(p.refresh, names="value")
    assert changed(p.power, 0.5, [p.summary, p.plot]) == [False, False]


def test_noise_explorer_rejects_mismatched_words():
    with pytest.raises(ValueError, match="words"):
        W.noise_distribution_explorer([3.0, 2.0, 1.0], ["a", "b"])


# --------------------------------------------------------------------------- Huffman tree
COUNTS = [40, 25, 15, 10, 6, 4]
WORDS = ["a", "b", "c", "d", "e", "f"]
# Worked by hand with word2vec.c's CreateBinaryTree (two pointers, the inner node wins ties, the
# second node picked gets bit 1): f+e -> n0(10), n0+d -> n1(20), c+n1 -> n2(35), b+n2 -> n3(60),
# a+n3 -> n4(100) = root.
HAND_CODES = ["0", "10", "110", "1111", "11101", "11100"]


def _heapq_huffman_cost(counts):
    """Σ count × depth of a textbook Huffman tree (heapq); every Huffman tree has this cost."""
    heap = [(float(c), i) for i, c in enumerate(counts)]
    heapq.heapify(heap)
    cost, tick = 0.0, len(counts)
    while len(heap) > 1:
        a, _ = heapq.heappop(heap)
        b, _ = heapq.heappop(heap)
        cost += a + b  # each merge adds one level to every leaf below it
        heapq.heappush(heap, (a + b, tick))
        tick += 1
    return cost


def test_huffman_report_hand_example():
    r = W.huffman_report(COUNTS, WORDS)
    assert r["codes"] == HAND_CODES
    assert list(r["lengths"]) == [1, 2, 3, 4, 5, 5]
    assert r["mean_length"] == pytest.approx((40 + 50 + 45 + 40 + 30 + 20) / 100)
    assert r["balanced_length"] == pytest.approx(math.log2(6))


@pytest.mark.parametrize("seed", range(5))
def test_huffman_report_is_optimal_like_any_huffman_tree(seed):
    counts = np.random.default_rng(seed).integers(1, 1000, size=12)
    r = W.huffman_report(counts)
    assert r["mean_length"] * counts.sum() == pytest.approx(_heapq_huffman_cost(counts))
    assert sum(2.0 ** -r["lengths"]) == pytest.approx(1.0)  # Kraft equality: a full binary tree


def test_huffman_tree_nodes_and_edges_reproduce_the_codes():
    children, total, paths = W.huffman_tree(COUNTS)
    V = len(COUNTS)
    root = 2 * V - 2
    assert total[root] == sum(COUNTS) and len(children) == V - 1
    for w, code in enumerate(HAND_CODES):
        node = root
        for bit in code:
            node = children[node][int(bit)]
        assert node == w
    for n, (c0, c1) in children.items():
        assert total[n] == total[c0] + total[c1]


def test_draw_huffman_tree_labels_every_edge_and_node():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    assert W.draw_huffman_tree(COUNTS, WORDS, ax=ax) is ax
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("0") == texts.count("1") == len(COUNTS) - 1  # edge bits
    for w, n, code in zip(WORDS, COUNTS, HAND_CODES):
        assert f"{w}\n{n}\n{code}" in texts
    assert sum(t.startswith("n") and "\n" in t for t in texts) == len(COUNTS) - 1  # n0 … n4
    assert len(ax.lines) == 2 * (len(COUNTS) - 1)


def test_parse_count_table():
    words, counts = W.parse_count_table(" the:10, cat : 3;sat:2.5\nmat:0 ")
    assert words == ["the", "cat", "sat", "mat"]
    np.testing.assert_array_equal(counts, [10, 3, 2.5, 0])


@pytest.mark.parametrize("text, match", [
    ("a:1, b", "word:count"),
    ("a:1, b:x", "must be a number"),
    ("a:1, b:-2", ">= 0"),
    ("a:1, :2", "needs a word"),
    ("a:1, a:2", "twice"),
    ("a:1", "at least 2"),
])
def test_parse_count_table_rejects_bad_tables(text, match):
    with pytest.raises(ValueError, match=match):
        W.parse_count_table(text)


def test_huffman_explorer_redraws_on_edit_and_reports_errors():
    box = W.huffman_tree_explorer(COUNTS, WORDS)
    p = box.parts
    for w, code in zip(WORDS, HAND_CODES):
        assert f"<td>{w}</td>" in p.summary.value and f"<code>{code}</code>" in p.summary.value
    assert changed(p.table, "a:1, b:1, c:1, d:1", [p.summary, p.plot]) == [True, True]
    assert p.summary.value.count("<code>") == 4 and "<code>00</code>" in p.summary.value  # balanced
    # a bad table: message shown, the last tree kept
    assert changed(p.table, "a:1, b", [p.summary, p.plot]) == [True, False]
    assert "word:count" in p.summary.value
    p.table.unobserve(p.refresh, names="value")
    assert changed(p.table, "x:5, y:1", [p.summary, p.plot]) == [False, False]
