"""Evaluation against gensim's own evaluate_word_pairs / evaluate_word_analogies (an independent oracle)."""
import numpy as np
import pytest

from w2vlib.datasets import gensim_test_data
from w2vlib.evaluation import (evaluate_analogies, evaluate_pairs, evaluation_table, google_analogies,
                               nearest_neighbours, plot_projection, simlex999, wordsim353)
from w2vlib.keyedvectors import KeyedVectors

gensim_models = pytest.importorskip("gensim.models")


def to_gensim(kv):
    g = gensim_models.KeyedVectors(kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors.astype(np.float32))
    return g


@pytest.fixture(scope="module")
def planted():
    """Vectors with real analogy structure: y = x + r_section + noise for the pairs of questions-words.txt.

    Words are lower-cased (like a tokenised corpus); a few capitalised variants and random
    filler words are mixed in, the order is shuffled, and 10% of the words are dropped so that
    coverage is partial. Noise is large enough that only part of the analogies come out right.
    """
    rng = np.random.default_rng(5)
    d = 30
    vec, sections = {}, []
    for line in open(gensim_test_data("questions-words.txt"), encoding="utf8"):
        if line.startswith(":"):
            sections.append(rng.standard_normal(d))
            continue
        a, b, c, e = line.lower().split()
        r = sections[-1]
        for x, y in ((a, b), (c, e)):
            if x not in vec and y not in vec:
                vec[x] = rng.standard_normal(d)
            if y not in vec:
                vec[y] = vec[x] + r + 0.9 * rng.standard_normal(d)
            elif x not in vec:
                vec[x] = vec[y] - r + 0.9 * rng.standard_normal(d)
    for f in ("wordsim353.tsv", "simlex999.txt"):
        for line in open(gensim_test_data(f), encoding="utf8"):
            if not line.startswith("#"):
                for w in line.lower().split("\t")[:2]:
                    vec.setdefault(w, rng.standard_normal(d))
    words = sorted(vec)
    keep = rng.random(len(words)) > 0.1
    words = [w for w, k in zip(words, keep) if k]
    caps = [w.capitalize() for w in rng.choice(words, 150, replace=False)]
    filler = [f"zz{i}" for i in range(300)]
    allw = words + caps + filler
    vectors = np.array([vec.get(w.lower(), rng.standard_normal(d)) if not w.startswith("zz")
                        else rng.standard_normal(d) for w in allw])
    vectors[len(words):len(words) + len(caps)] += rng.standard_normal((len(caps), d))  # variants differ
    order = rng.permutation(len(allw))
    return KeyedVectors([allw[i] for i in order], vectors[order].astype(np.float32))


def test_word_pairs_match_gensim(planted):
    g = to_gensim(planted)
    for fn, name in ((wordsim353, "wordsim353.tsv"), (simlex999, "simlex999.txt")):
        rho, cov = fn(planted)
        _, spearman, oov_pct = g.evaluate_word_pairs(str(gensim_test_data(name)))
        assert 0.5 < cov < 1.0  # partial coverage really exercised
        assert rho == pytest.approx(spearman[0], abs=1e-6)
        assert cov == pytest.approx(1 - oov_pct / 100, abs=1e-12)


@pytest.mark.parametrize("restrict", [30000, 700])
def test_analogies_match_gensim(planted, restrict):
    g = to_gensim(planted)
    acc, cov = google_analogies(planted, restrict_vocab=restrict)
    score, sections = g.evaluate_word_analogies(str(gensim_test_data("questions-words.txt")),
                                                restrict_vocab=restrict)
    total = sections[-1]
    n = len(total["correct"]) + len(total["incorrect"])
    assert 0.1 < acc < 0.9 and 0.0 < cov < 1.0  # neither trivial nor perfect: the comparison means something
    assert acc == pytest.approx(score, abs=2e-3)  # at most a near-tie or two may differ (float32 vs float64)
    assert cov * 19544 == pytest.approx(n)


def test_pairs_by_hand(tmp_path):
    # a, b, c on the unit circle at 0, 60, 150 degrees: cos(a,b)=0.5 > cos(b,c)=0 > cos(a,c)<0
    ang = np.radians([0, 60, 150])
    kv = KeyedVectors(["a", "b", "c", "B"], np.c_[np.cos(np.r_[ang, 1.0]), np.sin(np.r_[ang, 1.0])])
    f = tmp_path / "pairs.tsv"
    f.write_text("# comment\nA\tb\t1\nb\tc\t2\na\tc\t3\na\tzzz\t4\nmalformed line\n")
    rho, cov = evaluate_pairs(kv, f)
    assert rho == pytest.approx(-1.0)  # ratings rise exactly as cosines fall
    assert cov == pytest.approx(3 / 4)
    f.write_text("a\tzzz\t1\n")
    rho, cov = evaluate_pairs(kv, f)
    assert np.isnan(rho) and cov == 0.0


def test_analogies_by_hand_and_case_variants(tmp_path):
    # man:king :: woman:? -> queen; "Queen" is a rarer variant that must not win over "queen"
    keys = ["man", "king", "woman", "queen", "Woman", "apple"]
    vecs = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [0.1, 0.2, 1.0], [-1, 0, -1]], float)
    kv = KeyedVectors(keys, vecs)
    f = tmp_path / "q.txt"
    f.write_text(": test\nman king woman queen\nMAN KING WOMAN APPLE\nman king pear queen\n")
    acc, cov = evaluate_analogies(kv, f)
    assert acc == pytest.approx(0.5) and cov == pytest.approx(2 / 3)
    # "Woman" (a variant of the query word) is excluded even though it lies closest to the target
    f.write_text(": test\nking man queen woman\n")
    assert evaluate_analogies(kv, f) == (1.0, 1.0)


def test_nearest_neighbours_and_table(planted):
    nn = nearest_neighbours(planted, ["king", "not-a-word"], topn=3)
    assert len(nn["king"]) == 3 and nn["not-a-word"] == []
    assert nn["king"] == planted.most_similar("king", topn=3)
    table = evaluation_table(planted, planted, names=("ours", "theirs"))
    lines = table.splitlines()
    assert "ours" in lines[0] and "theirs" in lines[0] and len(lines) == 6
    ws = f"{wordsim353(planted)[0]:.3f}"
    assert lines[3].count(ws) == 2


def test_plot_projection_is_pca(planted):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    words = [w for w in ["king", "queen", "man", "woman", "paris", "france", "boy", "girl"] if w in planted]
    assert len(words) >= 5
    ax = plot_projection(planted, words)
    xy = ax.collections[0].get_offsets()
    X = planted[words].astype(np.float64)
    X -= X.mean(0)
    evals, evecs = np.linalg.eigh(X.T @ X)  # independent route: eigenvectors of the scatter matrix
    ref = X @ evecs[:, ::-1][:, :2]
    for k in range(2):  # equal up to the sign of each axis
        assert np.allclose(np.abs(xy[:, k]), np.abs(ref[:, k]), atol=1e-6)
    assert [t.get_text() for t in ax.texts] == words
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="not-a-word"):
        plot_projection(planted, ["king", "not-a-word"])


def test_real_vectors_match_gensim():
    """fastText vectors trained on the Lee corpus, shipped with gensim: real structure, real coverage."""
    path = str(gensim_test_data("lee_fasttext.vec"))
    ours = KeyedVectors.load_word2vec_format(path)
    g = gensim_models.KeyedVectors.load_word2vec_format(path)
    for fn, name in ((wordsim353, "wordsim353.tsv"), (simlex999, "simlex999.txt")):
        rho, cov = fn(ours)
        _, spearman, oov_pct = g.evaluate_word_pairs(str(gensim_test_data(name)))
        assert rho == pytest.approx(spearman[0], abs=1e-6) and cov == pytest.approx(1 - oov_pct / 100)
    acc, cov = google_analogies(ours)
    score, sections = g.evaluate_word_analogies(str(gensim_test_data("questions-words.txt")))
    assert acc == pytest.approx(score, abs=2e-3) and cov > 0
