"""Vocabulary (4.1): counts, min_count, word2vec.c/gensim order, encoding."""
import numpy as np
import pytest

from w2vlib.datasets import lee_background
from w2vlib.vocab import Vocab, build_vocab


def test_order_and_counts_by_hand():
    corpus = [["b", "a", "c", "a"], ["d", "c", "a", "e"], ["e", "b"]]
    # counts: a 3, b 2, c 2, e 2, d 1. Ties among b, c, e (first seen in that order):
    # gensim's order puts the later first appearance first -> e, c, b.
    v = build_vocab(corpus, min_count=2)
    assert v.index_to_key == ["a", "e", "c", "b"]
    assert v.counts.tolist() == [3, 2, 2, 2]
    assert v.total_words == 9
    assert "d" not in v and "a" in v and len(v) == 4
    assert v.key_to_index["c"] == 2


def test_matches_gensim_vocabulary_on_lee():
    gensim_models = pytest.importorskip("gensim.models")
    sentences = lee_background()
    g = gensim_models.Word2Vec(vector_size=10, min_count=5, workers=1)
    g.build_vocab(sentences)
    v = build_vocab(sentences, min_count=5)
    assert v.index_to_key == g.wv.index_to_key
    assert v.counts.tolist() == [g.wv.get_vecattr(w, "count") for w in g.wv.index_to_key]


def test_encode_drops_rare_words_and_splits_long_sentences():
    v = Vocab(["x", "y"], [5, 3])
    ids, starts = v.encode([["x", "rare", "y", "x"], ["rare"], ["y"] * 5], max_sentence_length=2)
    assert ids.tolist() == [0, 1, 0, 1, 1, 1, 1, 1]
    # sentence 1: [x y][x]; sentence 2 vanishes; sentence 3: [y y][y y][y]
    assert starts.tolist() == [0, 2, 3, 5, 7, 8]


@pytest.mark.parametrize(
    "corpus, kwargs, message",
    [
        ([], {}, "corpus is empty"),
        ([[], []], {}, "corpus is empty"),
        ([["a", "b"]], {"min_count": 2}, "no word occurs at least min_count=2"),
        ("some text", {}, "got a single string"),
        (["some text"], {}, "sentence that is a string"),
        ([["a"]], {"min_count": 0}, "min_count must be a positive integer"),
        ([["a"]], {"min_count": 1.5}, "min_count must be a positive integer"),
    ],
)
def test_errors_are_one_line_value_errors(corpus, kwargs, message):
    with pytest.raises(ValueError, match=message) as info:
        build_vocab(corpus, **kwargs)
    assert "\n" not in str(info.value)


def test_vocab_rejects_unsorted_counts():
    with pytest.raises(ValueError, match="descending"):
        Vocab(["a", "b"], [1, 2])
    with pytest.raises(ValueError, match="same word twice"):
        Vocab(["a", "a"], [2, 1])
