"""The trainer: determinism, learning on real and generated text, honest loss, errors.

No timing asserts here (speed lives in benchmarks/train_vs_gensim.py).
"""
import numpy as np
import pytest

import w2vlib
from w2vlib.negative_sampling import neg_sampling_loss_and_grads
from w2vlib import sampling
from w2vlib.datasets import lee_background

MODES = {
    "sg-ns": dict(sg=1, negative=5, hs=0),
    "cbow-ns": dict(sg=0, negative=5, hs=0),
    "sg-hs": dict(sg=1, negative=0, hs=1),
    "cbow-hs": dict(sg=0, negative=0, hs=1),
}


def topic_corpus(seed, n_sentences=600, length=8, shuffle=False):
    """Sentences drawn from one of two disjoint 15-word topics."""
    rng = np.random.default_rng(seed)
    topics = [[f"a{i}" for i in range(15)], [f"b{i}" for i in range(15)]]
    sentences = [list(rng.choice(topics[rng.integers(2)], size=length)) for _ in range(n_sentences)]
    if shuffle:  # same words and counts, co-occurrence destroyed
        flat = rng.permutation([w for s in sentences for w in s])
        sentences = [list(flat[i:i + length]) for i in range(0, len(flat), length)]
    return sentences


def topic_margin(model):
    """Mean cosine within a topic minus mean cosine across topics."""
    wv = model.wv
    X = np.array([wv[w] for w in wv.index_to_key])
    X = X / np.linalg.norm(X, axis=1, keepdims=True)
    topic = np.array([w[0] for w in wv.index_to_key])
    cos = X @ X.T
    same = topic[:, None] == topic[None, :]
    off = ~np.eye(len(topic), dtype=bool)
    return cos[same & off].mean() - cos[~same].mean()


SMALL = dict(vector_size=20, window=3, min_count=1, sample=0, epochs=5, progress=False)


@pytest.mark.parametrize("mode", list(MODES))
def test_learns_planted_topics_and_not_from_shuffled_text(mode):
    model = w2vlib.Word2Vec(topic_corpus(0), seed=3, **SMALL, **MODES[mode])
    baseline = w2vlib.Word2Vec(topic_corpus(0, shuffle=True), seed=3, **SMALL, **MODES[mode])
    assert topic_margin(model) > 0.3, topic_margin(model)
    assert abs(topic_margin(baseline)) < 0.1, topic_margin(baseline)
    assert model.loss_history[-1] < model.loss_history[0]


@pytest.mark.parametrize("mode, dtype", [("sg-ns", np.float32), ("cbow-hs", np.float32), ("sg-ns", np.float64),
                                         ("cbow-ns", np.float64)])
def test_seeded_runs_are_bit_identical(mode, dtype):
    corpus = topic_corpus(1, n_sentences=200)
    a = w2vlib.Word2Vec(corpus, seed=7, dtype=dtype, **SMALL, **MODES[mode])
    b = w2vlib.Word2Vec(corpus, seed=7, dtype=dtype, **SMALL, **MODES[mode])
    c = w2vlib.Word2Vec(corpus, seed=8, dtype=dtype, **SMALL, **MODES[mode])
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert np.array_equal(a.loss_history, b.loss_history)
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)


def test_float32_and_float64_runs_learn_the_same_geometry():
    """Same seed, same draws; only rounding differs, so the similarity structure agrees."""
    corpus = topic_corpus(6, n_sentences=300)
    a = w2vlib.Word2Vec(corpus, seed=2, dtype=np.float32, **SMALL)
    b = w2vlib.Word2Vec(corpus, seed=2, dtype=np.float64, **SMALL)
    assert a.syn1neg.dtype == np.float32 and b.syn1neg.dtype == np.float64
    ca, cb = _centred_cosines(np.asarray(a.wv.vectors, dtype=np.float64)), _centred_cosines(b.wv.vectors)
    assert np.max(np.abs(ca - cb)) < 0.05
    assert a.loss_history[-1] == pytest.approx(b.loss_history[-1], rel=0.01)


def test_divergence_is_reported_not_returned():
    corpus = topic_corpus(7, n_sentences=300)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="lower alpha") as info:
        w2vlib.Word2Vec(corpus, seed=1, alpha=50.0, batch_size=2048, **SMALL)
    assert "\n" not in str(info.value)


class _Shrinking:
    """An iterable that yields less text on its second reading."""

    def __init__(self):
        self.reads = 0

    def __iter__(self):
        self.reads += 1
        return iter([["a", "b"] * 10] * (3 if self.reads == 1 else 1))


def test_corpus_that_changes_between_readings_is_rejected():
    with pytest.raises(ValueError, match="corpus changed between its two readings"):
        w2vlib.Word2Vec(_Shrinking(), min_count=1, progress=False)


def test_default_batch_size_rule():
    corpus = topic_corpus(8, n_sentences=100)          # V = 30
    assert w2vlib.Word2Vec(corpus, seed=1, **SMALL).batch_size == 32
    assert w2vlib.Word2Vec(corpus, seed=1, batch_size=7, **SMALL).batch_size == 7


def _centred_cosines(vectors):
    X = vectors - vectors.mean(axis=0)
    X = X / np.linalg.norm(X, axis=1, keepdims=True)
    return X @ X.T


def test_skipgram_on_lee_agrees_with_gensim_as_gensim_agrees_with_itself():
    """Oracle: gensim on the same text. On 500 mid-frequency words, the Spearman
    correlation of our pairwise cosines with gensim's (seed 1) is measured beside
    gensim seed 2 vs seed 1 and beside our trainer fed shuffled text."""
    gensim_models = pytest.importorskip("gensim.models")
    from scipy.stats import spearmanr
    sentences = lee_background()
    rng = np.random.default_rng(0)
    flat = rng.permutation([w for s in sentences for w in s])
    shuffled, i = [], 0
    for s in sentences:
        shuffled.append(list(flat[i:i + len(s)]))
        i += len(s)
    kw = dict(vector_size=50, window=5, negative=5, sg=1, min_count=5, epochs=5)
    g1 = gensim_models.Word2Vec(sentences, workers=1, seed=1, **kw)
    g2 = gensim_models.Word2Vec(sentences, workers=1, seed=2, **kw)
    ours = w2vlib.Word2Vec(sentences, seed=1, progress=False, **kw)
    shuf = w2vlib.Word2Vec(shuffled, seed=1, progress=False, **kw)
    words = g1.wv.index_to_key[20:520]
    iu = np.triu_indices(len(words), 1)
    ref = _centred_cosines(np.array([g1.wv[w] for w in words]))[iu]

    def agreement(wv):
        return spearmanr(_centred_cosines(np.array([wv[w] for w in words]))[iu], ref).correlation

    gensim_self = agreement(g2.wv)
    assert agreement(ours.wv) > gensim_self - 0.1, (agreement(ours.wv), gensim_self)
    assert agreement(shuf.wv) < 0.2


def test_loss_history_is_the_real_objective():
    """Start: U = 0 makes every score 0, so each SGNS pair costs (K+1)·log 2.
    End: the last entry matches an independent evaluation of (2.1) with the
    per-pair function on freshly drawn pairs and negatives."""
    corpus = topic_corpus(2, n_sentences=400)
    K = 5
    m = w2vlib.Word2Vec(corpus, seed=1, negative=K, batch_size=64, chunk_words=400, **SMALL)
    assert m.loss_history[0] <= (K + 1) * np.log(2) + 1e-12
    assert m.loss_history[0] > 0.95 * (K + 1) * np.log(2)
    assert np.all(np.diff(m.loss_words) > 0) and m.loss_words[-1] == m.words_processed

    rng = np.random.default_rng(5)
    ids, starts = m.vocab.encode(corpus)
    sent = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    centre, context = sampling.window_pairs(sent, SMALL["window"], rng)
    p = sampling.noise_distribution(m.vocab.counts)
    pick = rng.choice(len(centre), size=3000, replace=False)
    losses = [
        neg_sampling_loss_and_grads(m.wv.vectors[ids[context[i]]], ids[centre[i]],
                                    rng.choice(len(p), size=K, p=p), m.syn1neg)[0]
        for i in pick
    ]
    assert np.mean(losses) == pytest.approx(m.loss_history[-1], rel=0.1)


def test_hs_loss_starts_at_path_length_times_log2():
    corpus = topic_corpus(3, n_sentences=100)
    m = w2vlib.Word2Vec(corpus, seed=1, batch_size=32, chunk_words=100, **SMALL, **MODES["sg-hs"])
    lengths = np.array([len(p) for p, _ in w2vlib.huffman_codes(m.vocab.counts)])
    # the first batch costs exactly mean(path length)·log 2 at W = 0; the first
    # chunk's average can only be a little lower
    assert m.loss_history[0] <= lengths.max() * np.log(2)
    assert m.loss_history[0] > 0.9 * lengths.min() * np.log(2)


def test_wv_is_keyedvectors_in_vocabulary_order():
    corpus = topic_corpus(4, n_sentences=50)
    m = w2vlib.Word2Vec(corpus, seed=1, **SMALL)
    assert isinstance(m.wv, w2vlib.KeyedVectors)
    assert m.wv.index_to_key == m.vocab.index_to_key
    assert m.wv.vectors.shape == (len(m.vocab), 20)
    w = m.wv.index_to_key[0]
    assert w in m.wv and np.array_equal(m.wv[w], m.wv.vectors[0])
    assert m.words_processed == 5 * m.vocab.total_words


def test_progress_bar_can_be_forced_on(capsys):
    w2vlib.Word2Vec(topic_corpus(5, n_sentences=20), seed=1, **{**SMALL, "progress": True})
    assert "training" in capsys.readouterr().err


@pytest.mark.parametrize(
    "corpus, kwargs, message",
    [
        ([], {}, "corpus is empty"),
        ([[]], {}, "corpus is empty"),
        ([["a", "b", "c"]], {"min_count": 5}, "no word occurs at least min_count=5"),
        (None, {}, "corpus must be"),
        ((s for s in [["a"] * 10]), {}, "corpus must be re-iterable"),
        ([["a"] * 10], {"negative": 0, "hs": 0}, "nothing to train"),
        ([["a"] * 10], {"sg": 2}, "hs and sg must be 0 or 1"),
        ([["a"] * 10], {"vector_size": 0}, "vector_size must be an integer >= 1"),
        ([["a"] * 10], {"window": 1.5}, "window must be an integer >= 1"),
        ([["a"] * 10], {"alpha": 0}, "alpha must be a finite number > 0"),
        ([["a"] * 10], {"alpha": 0.01, "min_alpha": 0.1}, "min_alpha must not exceed alpha"),
        ([["a"] * 10], {"sample": -1}, "sample must be a finite number >= 0"),
        ([["a"] * 10], {"hs": 1, "negative": 0}, "at least 2 vocabulary words"),
        ([["a"] * 10], {"dtype": np.int64}, "dtype must be numpy.float64 or numpy.float32"),
        ([["a"] * 10], {"dtype": "no-such-type"}, "dtype must be numpy.float64 or numpy.float32"),
    ],
)
def test_bad_input_raises_one_line_value_error(corpus, kwargs, message):
    with pytest.raises(ValueError, match=message) as info:
        w2vlib.Word2Vec(corpus, progress=False, **kwargs)
    assert "\n" not in str(info.value)
