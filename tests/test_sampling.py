"""word2vec.c's sampling details (4.2)–(4.8), each against an independent oracle:
hand-computed values, gensim's own tables, a literal transcription of
word2vec.c's loop, or the distribution the procedure is meant to produce."""
import numpy as np
import pytest

from w2vlib import sampling as S


def test_keep_probability_by_hand():
    # N = 1000, t = 1e-3 -> t·N = 1. A word with n = 4 (z = 4t): (sqrt(4) + 1)/4 = 0.75.
    counts = np.array([4.0, 1.0, 995.0])
    keep = S.keep_probability(counts, 1e-3)
    assert keep[0] == pytest.approx(0.75)
    assert keep[1] == 1.0                                   # z = t: (1 + 1)·1 > 1, clipped
    assert keep[2] == pytest.approx((np.sqrt(995) + 1) / 995)
    # the paper's rule keeps the n = 4 word with probability sqrt(1/4) = 0.5 (4.3)
    assert S.paper_keep_probability(counts, 1e-3)[0] == pytest.approx(0.5)
    np.testing.assert_array_equal(S.keep_probability(counts, 0), 1.0)


def test_keep_probability_matches_gensim():
    gensim_models = pytest.importorskip("gensim.models")
    from w2vlib.datasets import lee_background
    from w2vlib.vocab import build_vocab
    sentences = lee_background()
    g = gensim_models.Word2Vec(vector_size=10, min_count=5, sample=1e-3, workers=1)
    g.build_vocab(sentences)
    v = build_vocab(sentences, min_count=5)
    theirs = np.array([g.wv.get_vecattr(w, "sample_int") for w in v.index_to_key]) / (2**32 - 1)
    np.testing.assert_allclose(S.keep_probability(v.counts, 1e-3), theirs, rtol=1e-7)


def test_word2vec_rule_keeps_more_than_the_papers():
    counts = np.array([5000.0, 500.0, 50.0, 5.0])
    assert np.all(S.keep_probability(counts, 1e-3) >= S.paper_keep_probability(counts, 1e-3))


def test_noise_distribution_by_hand():
    np.testing.assert_allclose(S.noise_distribution([16, 1]), [8 / 9, 1 / 9])


def _word2vec_c_table(counts, T, power=0.75):
    """Literal transcription of word2vec.c's InitUnigramTable."""
    pw = np.asarray(counts, dtype=np.float64) ** power
    total = pw.sum()
    table = np.zeros(T, dtype=np.int64)
    i, d1 = 0, pw[0] / total
    for a in range(T):
        table[a] = i
        if a / T > d1:
            i += 1
            d1 += pw[min(i, len(pw) - 1)] / total
        if i >= len(pw):
            i = len(pw) - 1
    return table


@pytest.mark.parametrize("seed", range(20))
def test_unigram_table_equals_word2vec_c_loop(seed):
    rng = np.random.default_rng(seed)
    V = int(rng.integers(1, 40))
    counts = np.sort(rng.integers(1, 500, size=V))[::-1]
    T = int(rng.integers(200, 5000))
    if S.noise_distribution(counts).min() <= 1 / T:   # the loop lags for such words (see docstring)
        T = int(2 / S.noise_distribution(counts).min()) + 1
    np.testing.assert_array_equal(S.unigram_table(counts, table_size=T), _word2vec_c_table(counts, T))


def test_unigram_table_frequencies_and_draws_follow_noise_distribution(rng):
    counts = np.array([1000, 300, 300, 50, 7, 1])
    p = S.noise_distribution(counts)
    T = 10**6
    table = S.unigram_table(counts, table_size=T)
    assert table.dtype == np.int32 and table.shape == (T,)
    np.testing.assert_allclose(np.bincount(table, minlength=6) / T, p, atol=2 / T)
    draws = S.draw_negatives(table, rng, (200_000,))
    freq = np.bincount(draws, minlength=6) / draws.size
    np.testing.assert_allclose(freq, p, atol=4 * np.sqrt(p * (1 - p) / draws.size).max())


def test_subsample_keeps_each_word_with_its_probability(rng):
    keep = np.array([1.0, 0.25, 0.0])
    ids = np.repeat([0, 1, 2], 40_000)
    mask = S.subsample(ids, keep, rng)
    rates = [mask[ids == w].mean() for w in range(3)]
    assert rates[0] == 1.0 and rates[2] == 0.0
    assert rates[1] == pytest.approx(0.25, abs=0.01)


def test_window_pairs_structure(rng):
    sentence_of = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    centre, context = S.window_pairs(sentence_of, 1, rng)  # m = 1: b is always 0
    pairs = set(zip(centre.tolist(), context.tolist()))
    want = {(0, 1), (1, 0), (1, 2), (2, 1), (3, 4), (4, 3), (5, 6), (6, 5), (6, 7), (7, 6), (7, 8), (8, 7)}
    assert pairs == want and len(centre) == len(want)
    centre, context = S.window_pairs(sentence_of, 3, rng)
    assert np.all(sentence_of[centre] == sentence_of[context])
    assert np.all((np.abs(centre - context) >= 1) & (np.abs(centre - context) <= 3))
    assert np.all(np.diff(centre) >= 0)                     # word2vec.c order: by centre


def test_dynamic_window_offset_frequencies(rng):
    """(4.6): a word at distance j is used with probability (m − j + 1)/m."""
    m, n = 5, 200_000
    centre, context = S.window_pairs(np.zeros(n, dtype=np.int64), m, rng)
    inner = (centre >= m) & (centre < n - m)                 # away from the edges
    dist = np.abs(centre[inner] - context[inner])
    per_centre = np.bincount(dist, minlength=m + 1)[1:] / (2 * (n - 2 * m))
    np.testing.assert_allclose(per_centre, (m - np.arange(1, m + 1) + 1) / m, atol=0.01)


def test_learning_rate_is_linear_and_clamped():
    assert S.learning_rate(0, 100, 0.025, 1e-4) == 0.025
    assert S.learning_rate(50, 100, 0.025, 1e-4) == pytest.approx((0.025 + 1e-4) / 2)
    assert S.learning_rate(100, 100, 0.025, 1e-4) == pytest.approx(1e-4)
    assert S.learning_rate(150, 100, 0.025, 1e-4) == pytest.approx(1e-4)


def test_init_vectors_ranges(rng):
    V_in, U = S.init_vectors(500, 8, rng)
    assert V_in.shape == U.shape == (500, 8)
    assert np.all(np.abs(V_in) <= 0.5 / 8) and np.abs(V_in).max() > 0.45 / 8
    assert abs(V_in.mean()) < 0.01 / 8
    assert not U.any()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: S.keep_probability([1, 2], -1), "sample must be"),
        (lambda: S.keep_probability([0, 2], 1e-3), "counts must be positive"),
        (lambda: S.unigram_table([3, 1], table_size=0), "table_size must be"),
        (lambda: S.window_pairs(np.zeros(3), 0, np.random.default_rng(0)), "window must be"),
        (lambda: S.learning_rate(1, 0), "total_words must be positive"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_subsampling_report_by_hand():
    counts = np.array([4.0, 1.0, 995.0])              # t·N = 1 at t = 1e-3, as above
    r = S.subsampling_report(counts, 1e-3)
    keep_995 = (np.sqrt(995) + 1) / 995
    assert r["kept_share"] == pytest.approx((4 * 0.75 + 1 + 995 * keep_995) / 1000)
    assert r["paper_kept_share"] == pytest.approx((4 * 0.5 + 1 + 995 * np.sqrt(1 / 995)) / 1000)
    assert r["always_kept"] == 1 and r["paper_always_kept"] == 1
    assert r["top_keep"] == pytest.approx(keep_995)
    assert S.subsampling_report(counts, 0)["kept_share"] == 1.0


def test_subsampling_widget_reacts_to_the_slider():
    pytest.importorskip("ipywidgets")
    counts = np.array([5000.0, 800.0, 90.0, 12.0, 5.0])
    box = S.subsampling_widget(counts, value=1e-3)
    slider, out = box.children
    before = out.value
    assert f"{S.subsampling_report(counts, 1e-3)['kept_share']:.1%}" in before
    slider.value = 1e-5
    assert out.value != before
    assert f"{S.subsampling_report(counts, slider.value)['kept_share']:.1%}" in out.value
