"""The command line: option parsing, one-line user errors, end-to-end runs that gensim can read."""
import os
import subprocess
import sys

import numpy as np
import pytest

from w2vlib import cli
from w2vlib.keyedvectors import KeyedVectors


@pytest.fixture
def corpus(tmp_path):
    """A tiny corpus with two topics, every word frequent enough for min-count 5."""
    rng = np.random.default_rng(0)
    topics = [["cat", "dog", "pet", "fur", "paw"], ["car", "road", "wheel", "engine", "fuel"]]
    lines = [" ".join(rng.choice(topics[i % 2], 12)) for i in range(80)]
    p = tmp_path / "corpus.txt"
    p.write_text("\n".join(lines) + "\n")
    return p


def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err, *needles):
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("w2vlib: error: "), err
    assert "Traceback" not in err
    for n in needles:
        assert n in err, err


# ------------------------------------------------------------------ parsing
def test_defaults_follow_word2vec_c():
    a = cli.build_parser().parse_args(["train", "--train", "x", "--output", "y"])
    assert (a.size, a.window, a.negative, a.hs, a.sample, a.min_count, a.iter, a.cbow, a.alpha, a.binary,
            a.seed) == (100, 5, 5, 0, 1e-3, 5, 5, 0, None, 0, 1)


def test_single_dash_spelling_of_word2vec_c():
    a = cli.build_parser().parse_args("train -train x -output y -size 20 -min-count 2 -cbow 1 -hs 1 "
                                      "-negative 0 -iter 3 -binary 1 -alpha 0.1 -sample 0".split())
    assert (a.train, a.output, a.size, a.min_count, a.cbow, a.hs, a.negative, a.iter, a.binary, a.alpha,
            a.sample) == ("x", "y", 20, 2, 1, 1, 0, 3, 1, 0.1, 0.0)


@pytest.mark.parametrize("option, value", [
    ("--size", "0"), ("--size", "ten"), ("--window", "0"), ("--negative", "-1"), ("--hs", "2"),
    ("--sample", "-1"), ("--sample", "nan"), ("--min-count", "0"), ("--iter", "0"), ("--cbow", "yes"),
    ("--alpha", "0"), ("--alpha", "inf"), ("--binary", "2"), ("--seed", "-3"),
])
def test_bad_option_values(option, value, corpus, tmp_path, capsys):
    out = tmp_path / "v.txt"
    code, _, err = run(["train", "--train", str(corpus), "--output", str(out), option, value], capsys)
    assert_one_line_error(code, err, option, repr(value))
    assert not out.exists()


def test_missing_and_unknown_arguments(capsys):
    for argv, needle in [([], "required"), (["train"], "--train"), (["fly"], "invalid choice"),
                         (["train", "--train", "a", "--output", "b", "--threads", "4"], "--threads"),
                         (["eval"], "VECTORS")]:
        code, _, err = run(argv, capsys)
        assert_one_line_error(code, err, needle)


def test_help_exits_zero(capsys):
    code, out, _ = run(["train", "--help"], capsys)
    assert code == 0 and "--min-count" in out and "0.05" in out


# ------------------------------------------------------------- user errors
def test_missing_train_file(tmp_path, capsys):
    out = tmp_path / "v.txt"
    code, _, err = run(["train", "--train", str(tmp_path / "foo.txt"), "--output", str(out)], capsys)
    assert_one_line_error(code, err, "--train FILE does not exist", "foo.txt")
    assert os.listdir(tmp_path) == []


def test_empty_corpus(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("\n  \n")
    code, _, err = run(["train", "--train", str(tmp_path / "empty.txt"), "--output", str(tmp_path / "v")],
                       capsys)
    assert_one_line_error(code, err, "contains no words")
    assert sorted(os.listdir(tmp_path)) == ["empty.txt"]


def test_nothing_left_after_min_count(corpus, tmp_path, capsys):
    code, _, err = run(["train", "--train", str(corpus), "--output", str(tmp_path / "v"), "--min-count",
                        "100000"], capsys)
    assert_one_line_error(code, err, "min_count", "--min-count 100000")
    assert sorted(os.listdir(tmp_path)) == ["corpus.txt"]


def test_non_utf8_corpus(tmp_path, capsys):
    (tmp_path / "latin.txt").write_bytes("ok line\ncaf\u00e9 au lait\n".encode("latin-1"))
    code, _, err = run(["train", "--train", str(tmp_path / "latin.txt"), "--output", str(tmp_path / "v")],
                       capsys)
    assert_one_line_error(code, err, "latin.txt: line 2 is not valid UTF-8")


def test_nothing_to_train_and_bad_output(corpus, tmp_path, capsys):
    code, _, err = run(["train", "--train", str(corpus), "--output", str(tmp_path / "v"), "--negative", "0"],
                       capsys)
    assert_one_line_error(code, err, "--negative 0 with --hs 0")
    code, _, err = run(["train", "--train", str(corpus), "--output", str(tmp_path / "no" / "v")], capsys)
    assert_one_line_error(code, err, "folder does not exist")
    code, _, err = run(["train", "--train", str(corpus), "--output", str(corpus)], capsys)
    assert_one_line_error(code, err, "refusing to overwrite")


def test_eval_bad_vectors(tmp_path, capsys):
    code, _, err = run(["eval", str(tmp_path / "nope.txt")], capsys)
    assert_one_line_error(code, err, "does not exist", "nope.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("2 3\nword 1 2 3\n")
    code, _, err = run(["eval", str(bad)], capsys)
    assert_one_line_error(code, err, "bad.txt: truncated")


# -------------------------------------------------------------- end to end
def test_train_then_eval_in_process(corpus, tmp_path, capsys):
    out = tmp_path / "v.txt"
    code, stdout, err = run(["train", "--train", str(corpus), "--output", str(out), "--size", "8", "--iter", "1",
                             "--min-count", "1", "--cbow", "1"], capsys)
    assert code == 0, err
    assert "CBOW" in stdout and "alpha 0.05" in stdout  # word2vec.c's CBOW default
    kv = KeyedVectors.load_word2vec_format(out)
    assert kv.vector_size == 8 and sorted(kv.index_to_key) == sorted(
        "cat dog pet fur paw car road wheel engine fuel".split())
    assert [f for f in os.listdir(tmp_path) if f.endswith(".tmp")] == []
    code, stdout, err = run(["eval", str(out)], capsys)
    assert code == 0 and "WordSim-353" in stdout and "10 words, d=8" in stdout


@pytest.mark.parametrize("binary, extra", [(0, []), (1, ["--hs", "1", "--negative", "0"])])
def test_subprocess_output_loads_in_gensim(corpus, tmp_path, binary, extra):
    gensim_models = pytest.importorskip("gensim.models")
    out = tmp_path / "v.bin"
    proc = subprocess.run([sys.executable, "-m", "w2vlib", "train", "--train", str(corpus), "--output", str(out),
                           "--size", "6", "--iter", "1", "--binary", str(binary), "--seed", "3", *extra],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    g = gensim_models.KeyedVectors.load_word2vec_format(str(out), binary=bool(binary))
    ours = KeyedVectors.load_word2vec_format(out, binary=bool(binary))
    assert g.index_to_key == ours.index_to_key and len(g) == 10
    np.testing.assert_array_equal(g.vectors, ours.vectors)


def test_subprocess_user_error_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "w2vlib", "train", "--train", str(tmp_path / "foo.txt"),
                           "--output", str(tmp_path / "v.txt")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr == f"w2vlib: error: --train FILE does not exist: {tmp_path / 'foo.txt'}\n"
    assert proc.stdout == "" and os.listdir(tmp_path) == []
