"""Corpus loaders: generated files for text8/lines, gensim's bundled corpora for the real ones."""
import collections

import pytest

from w2vlib.datasets import (gensim_test_data, lee_background, read_lines, read_text8, reference_corpus,
                             wiki_short)


# ------------------------------------------------------------------ text8
def test_text8_cuts_sentences(tmp_path):
    words = [f"w{i % 7}" for i in range(25)]
    p = tmp_path / "text8"
    p.write_text(" " + " ".join(words))  # text8 starts with a space and has no newline
    sents = read_text8(p, max_sentence_length=10)
    assert [len(s) for s in sents] == [10, 10, 5]
    assert sum(sents, []) == words


def test_text8_chunk_boundaries_do_not_split_words(tmp_path):
    words = ["alpha", "beta", "gamma", "délta", "epsilon"] * 30
    p = tmp_path / "t8"
    p.write_text(" ".join(words), encoding="utf-8")
    for chunk in (1, 3, 7, 64):
        assert sum(read_text8(p, chunk_bytes=chunk), []) == words


def test_text8_default_matches_gensim_text8corpus(tmp_path):
    word2vec = pytest.importorskip("gensim.models.word2vec")
    p = tmp_path / "t8"
    p.write_text(" " + " ".join(f"w{i % 13}" for i in range(23456)))
    assert read_text8(p) == list(word2vec.Text8Corpus(str(p)))


def test_text8_non_utf8_names_offset(tmp_path):
    p = tmp_path / "t8"
    p.write_bytes(b"good words here \xff bad")
    with pytest.raises(ValueError, match=r"t8: not valid UTF-8 at byte offset 16"):
        read_text8(p, chunk_bytes=4)


# ------------------------------------------------------------------ lines
def test_lines_tokenise_skip_empty_and_cut_long(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text("The cat  sat\n\n   \nOn\tthe mat.\r\n" + " ".join("x" * 1 for _ in range(5)) + "\n")
    assert read_lines(p, max_sentence_length=3) == [
        ["The", "cat", "sat"], ["On", "the", "mat."], ["x", "x", "x"], ["x", "x"]]


def test_lines_match_gensim_linesentence(tmp_path):
    word2vec = pytest.importorskip("gensim.models.word2vec")
    p = tmp_path / "c.txt"
    p.write_text("a b c\n\nd  e\n" + " ".join(["z"] * 25000) + "\nlast line\n")
    assert read_lines(p) == [list(s) for s in word2vec.LineSentence(str(p))]


def test_lines_non_utf8_names_file_and_line(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("fine\nstill fine\ncaf\u00e9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.txt: line 3 is not valid UTF-8 \(byte 3"):
        read_lines(p)


def test_bad_max_sentence_length(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text("a\n")
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="max_sentence_length"):
            read_lines(p, max_sentence_length=bad)


# ------------------------------------------------------------ real corpora
def test_gensim_test_data():
    assert gensim_test_data("wordsim353.tsv").is_file()
    with pytest.raises(ValueError, match="not in gensim's bundled test data"):
        gensim_test_data("no_such_file.txt")


def test_lee_background_is_real_text():
    lee = lee_background()
    assert len(lee) == 300
    counts = collections.Counter(w for s in lee for w in s)
    assert counts["the"] > 1000 and "australia" in counts
    lee[0].append("MUTATED")
    assert "MUTATED" not in lee_background()[0]  # callers get copies


def test_wiki_short_matches_gensim_wikicorpus():
    wikicorpus = pytest.importorskip("gensim.corpora.wikicorpus")
    wiki = wiki_short()
    ref = list(wikicorpus.WikiCorpus(str(gensim_test_data(
        "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2")),
        dictionary={}, processes=1).get_texts())
    assert wiki == ref
    assert "anarchism" in wiki[0]


def test_reference_corpus_size():
    corpus = reference_corpus()
    counts = collections.Counter(w for s in corpus for w in s)
    assert len(corpus) == 406
    assert sum(counts.values()) == 511_096  # the figure of the earlier measurement (issue 5)
    assert sum(1 for n in counts.values() if n >= 5) == 9_733
