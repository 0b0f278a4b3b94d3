"""Command line in word2vec.c's vocabulary: ``python -m w2vlib train|eval`` (or the ``w2vlib`` script).

::

    w2vlib train --train corpus.txt --output vectors.txt [--size 100 --window 5 --negative 5 --hs 0
                 --sample 1e-3 --min-count 5 --iter 5 --cbow 0 --alpha A --binary 0 --seed 1]
    w2vlib eval vectors.txt [--binary 0]

Every option also answers to word2vec.c's single-dash spelling (``-train``,
``-size``, ``-min-count`` …), so its usual command lines work unchanged
(minus the options we do not have, such as ``-threads``).

The training file is read like word2vec.c and gensim's ``LineSentence``: one
sentence per line, whitespace-separated tokens, used as they are (no lower
casing); lines longer than 10,000 words are cut (a text8 file, one huge line,
therefore works too). word2vec.c cuts its sentences at 1,000 words; 10,000 is
gensim's limit.

Learning rate: as in word2vec.c, the default ``--alpha`` is 0.025 for
skip-gram and 0.05 for CBOW (``if (cbow) alpha = 0.05;``), and the rate
decays linearly to ``alpha · 1e-4`` (word2vec.c's floor
``starting_alpha * 0.0001``), not to gensim's fixed ``min_alpha=1e-4``.
An explicit ``--alpha`` is used for either architecture. (gensim's Python API
uses 0.025 for both; ``w2vlib.Word2Vec`` follows gensim, the CLI follows
word2vec.c.)

User errors — a missing or unreadable file, an empty corpus, nothing left
after ``--min-count``, a bad option value, a vectors file that does not
parse — print one line ``w2vlib: error: …`` to stderr and exit with status 2
(1 if training itself fails, e.g. diverges), with no traceback and no output
file left behind (vectors are saved atomically, and only after training).
"""
import argparse
import os
import sys
import time

__all__ = ["main", "build_parser"]

PROG = "w2vlib"


class UsageError(Exception):
    """A user error: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print the usage block too; we want one line
        raise UsageError(message)


def _int_at_least(low):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}, got {text!r}")
        return value
    return parse


def _float_at_least(low, strict=False):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or value != value or value in (float("inf"), float("-inf")) \
                or value < low or (strict and value == low):
            raise argparse.ArgumentTypeError(f"must be a number {'>' if strict else '>='} {low}, got {text!r}")
        return value
    return parse


def _flag(text):
    if text not in ("0", "1"):
        raise argparse.ArgumentTypeError(f"must be 0 or 1, got {text!r}")
    return int(text)


def build_parser():
    """The argparse parser (exposed for the tests and for ``--help`` text)."""
    p = _Parser(prog=PROG, allow_abbrev=False,
                description="Train word2vec vectors (word2vec.c's options) and evaluate them.")
    sub = p.add_subparsers(dest="command", metavar="{train,eval}")
    sub.required = True
    t = sub.add_parser("train", allow_abbrev=False, help="train vectors on a text file",
                       description="Train word vectors on FILE (one sentence per line) and save them "
                                   "in word2vec.c's format.")

    def opt(name, **kw):
        t.add_argument(f"--{name}", f"-{name}", **kw)

    opt("train", required=True, metavar="FILE", help="training text, one sentence per line, UTF-8")
    opt("output", required=True, metavar="FILE", help="where to save the vectors")
    opt("size", type=_int_at_least(1), default=100, help="vector dimension d (default 100)")
    opt("window", type=_int_at_least(1), default=5, help="maximum skip length (default 5)")
    opt("negative", type=_int_at_least(0), default=5, help="negative samples K; 0 = none (default 5)")
    opt("hs", type=_flag, default=0, help="1 = hierarchical softmax (default 0)")
    opt("sample", type=_float_at_least(0.0), default=1e-3,
        help="subsampling threshold t; 0 = off (default 1e-3)")
    opt("min-count", dest="min_count", type=_int_at_least(1), default=5,
        help="drop words seen fewer times (default 5)")
    opt("iter", type=_int_at_least(1), default=5, help="epochs (default 5)")
    opt("cbow", type=_flag, default=0, help="1 = CBOW, 0 = skip-gram (default 0)")
    opt("alpha", type=_float_at_least(0.0, strict=True), default=None,
        help="starting learning rate (default 0.025 skip-gram, 0.05 CBOW, as word2vec.c)")
    opt("binary", type=_flag, default=0, help="1 = binary output file (default 0 = text)")
    opt("seed", type=_int_at_least(0), default=1, help="random seed (default 1)")

    e = sub.add_parser("eval", allow_abbrev=False, help="print the evaluation table of a vectors file",
                       description="Evaluate word2vec-format vectors on WordSim-353, SimLex-999 and the "
                                   "Google analogies (sets bundled with gensim).")
    e.add_argument("vectors", metavar="VECTORS", help="word2vec-format vectors file")
    e.add_argument("--binary", "-binary", type=_flag, default=0, help="1 = binary file (default 0 = text)")
    return p


def _train(args, out):
    from .datasets import read_lines
    train, output = args.train, args.output
    if not os.path.exists(train):
        raise UsageError(f"--train FILE does not exist: {train}")
    if not os.path.isfile(train):
        raise UsageError(f"--train FILE is not a regular file: {train}")
    parent = os.path.dirname(os.path.abspath(output))
    if os.path.isdir(output):
        raise UsageError(f"--output FILE is a folder: {output}")
    if not os.path.isdir(parent):
        raise UsageError(f"--output FILE's folder does not exist: {parent}")
    if os.path.exists(output) and os.path.samefile(train, output):
        raise UsageError(f"--output FILE is the training file; refusing to overwrite it: {output}")
    if args.negative == 0 and args.hs == 0:
        raise UsageError("--negative 0 with --hs 0 leaves nothing to train: set --negative > 0 or --hs 1")
    alpha = args.alpha if args.alpha is not None else (0.05 if args.cbow else 0.025)

    try:
        corpus = read_lines(train)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read --train FILE: {exc}") from None
    n_tokens = sum(len(s) for s in corpus)
    if n_tokens == 0:
        raise UsageError(f"--train FILE contains no words: {train}")

    from .training import Word2Vec
    t0 = time.perf_counter()
    try:
        model = Word2Vec(corpus, vector_size=args.size, window=args.window, negative=args.negative,
                         hs=args.hs, sg=1 - args.cbow, sample=args.sample, min_count=args.min_count,
                         epochs=args.iter, alpha=alpha, min_alpha=alpha * 1e-4, seed=args.seed)
    except ValueError as exc:
        raise UsageError(f"{exc} (--train {train}, --min-count {args.min_count})") from None
    seconds = time.perf_counter() - t0
    try:
        model.wv.save_word2vec_format(output, binary=bool(args.binary))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot save --output FILE: {exc}") from None
    print(f"{PROG}: {'CBOW' if args.cbow else 'skip-gram'}, vocabulary {len(model.wv):,} words "
          f"(of {n_tokens:,} tokens, min-count {args.min_count}), epochs {args.iter}, "
          f"alpha {alpha:g}, {seconds:.1f} s; saved {args.size}-d vectors to {output} "
          f"({'binary' if args.binary else 'text'})", file=out)


def _eval(args, out):
    from .evaluation import evaluation_table
    from .keyedvectors import KeyedVectors
    path = args.vectors
    if not os.path.exists(path):
        raise UsageError(f"VECTORS file does not exist: {path}")
    if not os.path.isfile(path):
        raise UsageError(f"VECTORS is not a regular file: {path}")
    try:
        wv = KeyedVectors.load_word2vec_format(path, binary=bool(args.binary))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot load VECTORS: {exc}") from None
    print(evaluation_table(wv, names=(os.path.basename(path), "")), file=out)


def main(argv=None):
    """Run the command line; returns the exit status (0 ok, 2 user error, 1 training failure, 130 interrupt).

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name (default ``sys.argv[1:]``).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(argv)
        if args.command == "train":
            _train(args, sys.stdout)
        else:
            _eval(args, sys.stdout)
        return 0
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help / --version: argparse already printed
        return exc.code if isinstance(exc.code, int) else 0
    except FloatingPointError as exc:  # the trainer diverged
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; nothing was saved", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
