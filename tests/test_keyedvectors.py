"""KeyedVectors: queries against gensim's KeyedVectors, file round trips both ways, bad files, atomic saves."""
import os

import numpy as np
import pytest

from w2vlib import keyedvectors as kvmod
from w2vlib.keyedvectors import KeyedVectors

gensim_models = pytest.importorskip("gensim.models")


def random_kv(rng, V=60, d=7, dtype=np.float32):
    keys = [f"w{i}" for i in range(V - 3)] + ["café", "naïve", "Ünïcode"]
    return KeyedVectors(keys, rng.standard_normal((V, d)).astype(dtype))


def gensim_kv(keys, vectors):
    g = gensim_models.KeyedVectors(vectors.shape[1])
    g.add_vectors(keys, vectors)
    return g


# ------------------------------------------------------------------ queries
def test_basics(rng):
    kv = random_kv(rng)
    assert len(kv) == 60 and kv.vector_size == 7 and "café" in kv and "nope" not in kv
    assert kv.key_to_index["w3"] == 3
    np.testing.assert_array_equal(kv["w3"], kv.vectors[3])
    assert kv[["w1", "w2"]].shape == (2, 7)
    with pytest.raises(KeyError, match="nope"):
        kv["nope"]


def test_similarity_is_cosine_by_hand():
    kv = KeyedVectors(["a", "b", "c"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]))
    assert kv.similarity("a", "b") == pytest.approx(1 / np.sqrt(2))
    assert kv.similarity("a", "c") == 0.0  # zero row: guarded norm (gensim gives nan)


def test_most_similar_3cosadd_by_hand():
    # king - man + woman: unit vectors chosen so the answer is queen, and the query words are excluded
    keys = ["king", "man", "woman", "queen", "apple"]
    vecs = np.array([[1, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 1], [-1, -1, -1]], dtype=np.float64)
    kv = KeyedVectors(keys, vecs)
    res = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=2)
    assert [w for w, _ in res] == ["queen", "apple"]
    u = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    q = u[0] + u[2] - u[1]
    assert res[0][1] == pytest.approx(u[3] @ q / np.linalg.norm(q))
    assert kv.most_similar("king", topn=0) == []


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_most_similar_matches_gensim(rng, dtype):
    kv = random_kv(rng, V=200, d=10, dtype=dtype)
    g = gensim_kv(kv.index_to_key, kv.vectors.astype(np.float32))
    for pos, neg in [(["w1"], []), (["w5", "w9"], ["w2"]), ("café", None), (["w0"], ["naïve"])]:
        ours = kv.most_similar(positive=pos, negative=neg, topn=8)
        ref = g.most_similar(positive=pos, negative=neg, topn=8)
        assert [w for w, _ in ours] == [w for w, _ in ref]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in ref], atol=1e-5)
        assert kv.similarity("w1", "w2") == pytest.approx(float(g.similarity("w1", "w2")), abs=1e-6)
    ours = kv.most_similar("w1", topn=5, restrict_vocab=50)
    ref = g.most_similar("w1", topn=5, restrict_vocab=50)
    assert [w for w, _ in ours] == [w for w, _ in ref]


def test_constructor_rejects_bad_input(rng):
    with pytest.raises(ValueError, match="shape"):
        KeyedVectors(["a", "b"], rng.standard_normal((3, 2)))
    with pytest.raises(ValueError, match="repeat"):
        KeyedVectors(["a", "a"], rng.standard_normal((2, 2)))
    with pytest.raises(ValueError, match="counts"):
        KeyedVectors(["a", "b"], rng.standard_normal((2, 2)), counts=[1])


# -------------------------------------------------------------- round trips
@pytest.mark.parametrize("binary", [False, True])
def test_gensim_loads_ours(tmp_path, rng, binary):
    kv = random_kv(rng)
    p = tmp_path / "ours.vec"
    kv.save_word2vec_format(p, binary=binary)
    g = gensim_models.KeyedVectors.load_word2vec_format(str(p), binary=binary)
    assert g.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(g.vectors, kv.vectors)  # float32 in, float32 out: bit-exact


@pytest.mark.parametrize("binary", [False, True])
def test_we_load_gensims(tmp_path, rng, binary):
    kv = random_kv(rng)
    g = gensim_kv(kv.index_to_key, kv.vectors)
    p = tmp_path / "gensim.vec"
    g.save_word2vec_format(str(p), binary=binary)
    ours = KeyedVectors.load_word2vec_format(p, binary=binary)
    assert ours.index_to_key == g.index_to_key
    assert ours.vectors.dtype == np.float32
    np.testing.assert_array_equal(ours.vectors, g.vectors)


def test_float64_text_round_trip_is_exact(tmp_path, rng):
    kv = random_kv(rng, dtype=np.float64)
    p = tmp_path / "f64.txt"
    kv.save_word2vec_format(p)
    back = KeyedVectors.load_word2vec_format(p, dtype=np.float64)
    np.testing.assert_array_equal(back.vectors, kv.vectors)


def test_reads_word2vec_c_binary_layout(tmp_path):
    # word2vec.c writes "word " + float32s + "\n"; built here by hand, not with our writer
    vecs = np.array([[1.5, -2.0], [0.25, 3.0]], dtype="<f4")
    data = b"2 2\n" + b"a " + vecs[0].tobytes() + b"\n" + b"bb " + vecs[1].tobytes() + b"\n"
    p = tmp_path / "c.bin"
    p.write_bytes(data)
    kv = KeyedVectors.load_word2vec_format(p, binary=True)
    assert kv.index_to_key == ["a", "bb"]
    np.testing.assert_array_equal(kv.vectors, vecs)


def test_binary_writer_layout_by_hand(tmp_path):
    kv = KeyedVectors(["x"], np.array([[1.0, 2.0]], dtype=np.float32))
    p = tmp_path / "x.bin"
    kv.save_word2vec_format(p, binary=True)
    assert p.read_bytes() == b"1 2\nx " + np.array([1.0, 2.0], "<f4").tobytes() + b"\n"


# ---------------------------------------------------------------- bad files
def save(tmp_path, rng, binary):
    p = tmp_path / ("v.bin" if binary else "v.txt")
    random_kv(rng, V=5, d=3).save_word2vec_format(p, binary=binary)
    return p


def test_truncated_text(tmp_path, rng):
    p = save(tmp_path, rng, False)
    lines = p.read_bytes().split(b"\n")
    p.write_bytes(b"\n".join(lines[:4]) + b"\n")
    with pytest.raises(ValueError, match=r"v\.txt: truncated.*5 words.*has 3"):
        KeyedVectors.load_word2vec_format(p)
    p.write_bytes(b"\n".join(lines[:3]) + b"\n" + lines[3][:10] + b"\n")  # cut mid-line
    with pytest.raises(ValueError, match=r"v\.txt: line 4 has \d numbers after the word, the header says 3"):
        KeyedVectors.load_word2vec_format(p)


def test_truncated_binary(tmp_path, rng):
    p = save(tmp_path, rng, True)
    data = p.read_bytes()
    p.write_bytes(data[:-7])
    with pytest.raises(ValueError, match=r"v\.bin: truncated at byte offset \d+.*word 5"):
        KeyedVectors.load_word2vec_format(p, binary=True)
    p.write_bytes(data[:4])
    with pytest.raises(ValueError, match=r"byte offset 4.*word 1 of the 5"):
        KeyedVectors.load_word2vec_format(p, binary=True)


@pytest.mark.parametrize("binary", [False, True])
def test_wrong_counts_in_header(tmp_path, rng, binary):
    p = save(tmp_path, rng, binary)
    data = p.read_bytes()
    body = data[data.index(b"\n"):]
    p.write_bytes(b"4 3" + body)  # one word more than promised
    with pytest.raises(ValueError, match="header"):
        KeyedVectors.load_word2vec_format(p, binary=binary)
    p.write_bytes(b"6 3" + body)  # one word fewer
    with pytest.raises(ValueError, match="truncated"):
        KeyedVectors.load_word2vec_format(p, binary=binary)
    p.write_bytes(b"5 x" + body)
    with pytest.raises(ValueError, match="line 1 must be the header"):
        KeyedVectors.load_word2vec_format(p, binary=binary)


def test_wrong_dimension_in_header_text(tmp_path, rng):
    p = save(tmp_path, rng, False)
    data = p.read_bytes()
    p.write_bytes(b"5 4" + data[data.index(b"\n"):])
    with pytest.raises(ValueError, match="line 2 has 3 numbers after the word, the header says 4"):
        KeyedVectors.load_word2vec_format(p)


def test_non_utf8_and_non_numeric(tmp_path, rng):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"2 2\nok 1 2\nbad\xff 1 2\n")
    with pytest.raises(ValueError, match=r"bad\.txt: line 3 is not valid UTF-8"):
        KeyedVectors.load_word2vec_format(p)
    p.write_bytes(b"2 2\nok 1 2\nfoo 1 zwei\n")
    with pytest.raises(ValueError, match=r"line 3: 'zwei' is not a number"):
        KeyedVectors.load_word2vec_format(p)
    p.write_bytes(b"2 2\nok 1 2\nok 3 4\n")
    with pytest.raises(ValueError, match="line 3: word 'ok' appears twice"):
        KeyedVectors.load_word2vec_format(p)
    b = tmp_path / "bad.bin"
    b.write_bytes(b"1 2\n\xff\xfe " + np.zeros(2, "<f4").tobytes())
    with pytest.raises(ValueError, match=r"bad\.bin: word 1 at byte offset 4 is not valid UTF-8"):
        KeyedVectors.load_word2vec_format(b, binary=True)


def test_binary_file_read_as_text_says_so(tmp_path, rng):
    p = save(tmp_path, rng, True)
    with pytest.raises(ValueError, match="binary"):
        KeyedVectors.load_word2vec_format(p, binary=False)


# ---------------------------------------------------------------- atomicity
def test_failure_mid_write_leaves_target_untouched(tmp_path, rng, monkeypatch):
    p = tmp_path / "v.txt"
    p.write_text("old content\n")
    calls = {"n": 0}
    real = kvmod._text_line

    def failing(key, row):
        calls["n"] += 1
        if calls["n"] == 10:
            raise OSError("disk full (simulated)")
        return real(key, row)

    monkeypatch.setattr(kvmod, "_text_line", failing)
    with pytest.raises(OSError, match="simulated"):
        random_kv(rng).save_word2vec_format(p)
    assert calls["n"] == 10  # it really failed in the middle
    assert p.read_text() == "old content\n"
    assert sorted(os.listdir(tmp_path)) == ["v.txt"]  # no temporary file left


def test_failure_at_rename_leaves_nothing(tmp_path, rng, monkeypatch):
    p = tmp_path / "new.bin"

    def no_replace(src, dst):
        raise OSError("rename failed (simulated)")

    monkeypatch.setattr(kvmod.os, "replace", no_replace)
    with pytest.raises(OSError, match="simulated"):
        random_kv(rng).save_word2vec_format(p, binary=True)
    assert os.listdir(tmp_path) == []


def test_save_rejects_unwritable_words_and_folders(tmp_path, rng):
    kv = KeyedVectors(["a b", "c"], rng.standard_normal((2, 2)))
    with pytest.raises(ValueError, match="whitespace"):
        kv.save_word2vec_format(tmp_path / "x.txt")
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match="does not exist"):
        random_kv(rng).save_word2vec_format(tmp_path / "no" / "x.txt")


def test_text_file_read_as_binary_says_so(tmp_path, rng):
    p = save(tmp_path, rng, False)
    with pytest.raises(ValueError, match=r"looks like the text format"):
        KeyedVectors.load_word2vec_format(p, binary=True)
    bad = tmp_path / "junk.bin"
    bad.write_bytes(b"1 2\nw " + np.ones(2, "<f4").tobytes() + b"junk-after-the-end")
    with pytest.raises(ValueError, match=r"18 unexpected bytes.*offset 14") as info:
        KeyedVectors.load_word2vec_format(bad, binary=True)
    assert "text format" not in str(info.value)


@pytest.mark.parametrize("name, binary", [("lee_fasttext.vec", False), ("crime-and-punishment.vec", False),
                                          ("euclidean_vectors.bin", True)])
def test_reads_third_party_files_bundled_with_gensim(name, binary):
    from w2vlib.datasets import gensim_test_data
    path = gensim_test_data(name)
    ours = KeyedVectors.load_word2vec_format(path, binary=binary)
    ref = gensim_models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert ours.index_to_key == ref.index_to_key
    np.testing.assert_array_equal(ours.vectors, ref.vectors)


def test_words_with_unicode_spaces_round_trip(tmp_path, rng):
    kv = KeyedVectors(["a\u00a0b", "c"], rng.standard_normal((2, 3)).astype(np.float32))
    for binary in (False, True):
        p = tmp_path / f"u{binary}"
        kv.save_word2vec_format(p, binary=binary)
        back = KeyedVectors.load_word2vec_format(p, binary=binary)
        g = gensim_models.KeyedVectors.load_word2vec_format(str(p), binary=binary)
        assert back.index_to_key == kv.index_to_key == g.index_to_key
        np.testing.assert_array_equal(back.vectors, kv.vectors)
    with pytest.raises(ValueError, match="ASCII whitespace"):
        KeyedVectors(["a\tb"], np.ones((1, 2))).save_word2vec_format(tmp_path / "t.txt")
