"""The trainer: word2vec.c's algorithm as vectorised minibatch NumPy, notebook 04.

``Word2Vec(corpus, ...)`` takes gensim's argument names and trains at once:

1. vocabulary with ``min_count``, sorted by count (4.1);
2. per epoch and per chunk of sentences (about ``chunk_words`` words, so no
   epoch-sized index array is ever built): subsample frequent words (4.2),
   draw the dynamic windows (4.6) and list the (centre, context) pairs;
3. cut the pairs (skip-gram) or windows (CBOW) into minibatches of
   ``batch_size``; for each, draw the negatives from the unigram table
   (4.4)–(4.5) and take one SGD step on the batch's summed objective
   (4.9)–(4.11) with the learning rate of (4.7) at the batch's position in
   the corpus;
4. vectors start as in (4.8), stored in float32 by default (as in
   word2vec.c and gensim; see ``dtype``).

Skip-gram follows word2vec.c's orientation: the *context* word's input
vector is the hidden vector and the *centre* word is predicted (gensim does
the same). The set of pairs is symmetric, so this only decides whose
reduced window (4.6) a pair comes from.

Differences from word2vec.c, on purpose:

* a minibatch step computes every gradient of ``batch_size`` examples at the
  same parameters and then applies their sum, where word2vec.c updates after
  each word. PERFORMANCE.md measured 2048 pairs as stable at α₀ = 0.025
  (8192 diverged); larger batches need a smaller α₀.
* a negative that happens to equal the positive word is kept as a term
  (the objective (2.1)/(2.7) as derived); word2vec.c skips it.
* none for CBOW: like word2vec.c and gensim's default (``cbow_mean=1``), h is
  the context mean (3.1) but every context word receives the whole ∂J/∂h,
  not the ∂J/∂h / |ctx| of the exact gradient (3.2) (``cbow_spread="word2vec"``).
  With the exact gradient the input vectors learn |ctx| times more slowly at
  the same α; on the reference workload WS353 fell from ~0.12 to below 0
  (``cbow_spread="mean"`` reproduces that).
* with ``hs=1`` and ``negative > 0`` both objectives are trained, one step
  after the other on the same batch (word2vec.c sums their gradients
  before one update).
"""
import sys
import time
from collections.abc import Iterator

import numpy as np

from . import batched as bt
from . import sampling
from .hierarchical import huffman_codes
from .vocab import MAX_SENTENCE_LENGTH, build_vocab

__all__ = ["Word2Vec"]


def _int_arg(name, value, low):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _float_arg(name, value, low, strict=False):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(value) or value < low or (strict and value == low):
        raise ValueError(f"{name} must be a finite number {'>' if strict else '>='} {low}, got {value!r}")
    return value


class Word2Vec:
    """Train word vectors on tokenised sentences (skip-gram or CBOW).

    Implements (4.1)–(4.11) of notebook 04 on top of the objectives (2.1)
    and (3.6).

    Parameters
    ----------
    corpus : iterable of list of str
        Tokenised sentences. Must be re-iterable (a list) — it is read twice.
    vector_size : int, default 100
        Dimension d.
    window : int, default 5
        Maximal window m of (4.6).
    negative : int, default 5
        Negatives K per example; 0 switches negative sampling off.
    hs : {0, 1}, default 0
        1 trains hierarchical softmax (3.6) over the Huffman tree.
    sg : {0, 1}, default 1
        1 skip-gram, 0 CBOW.
    sample : float, default 1e-3
        Subsampling threshold t of (4.2); 0 switches it off.
    min_count : int, default 5
        (4.1).
    epochs : int, default 5
    alpha, min_alpha : float, default 0.025, 1e-4
        Start and end of the linear decay (4.7).
    seed : int, default 1
        Seeds the single ``np.random.default_rng`` that draws everything
        (initial vectors, subsampling, windows, negatives): the same seed on
        the same corpus gives bit-identical vectors.
    batch_size : int or None, default None
        Pairs (skip-gram) or windows (CBOW) per SGD step. A batch sums every
        gradient a parameter row receives in it, and rows that receive many
        overshoot: the most frequent noise words with negative sampling, and
        with hierarchical softmax the root of the Huffman tree, which is on
        *every* path. None picks ``min(2048, max(32, V // 4))`` for negative
        sampling and ``min(256, max(32, V // 4))`` when ``hs=1`` (measured on
        the reference workload: SGNS stable at 2048, diverged at 8192; HS
        stable at 256 and 512, diverged at 1024 and 2048; a 30-word corpus
        diverged with SGNS at 2048).
    progress : bool or None, default None
        tqdm progress bar; None shows it only on a terminal.
    table_size : int, default 10**7
        Size of the unigram table (4.5).
    chunk_words : int, default 10000
        Words per chunk of sentences (pairs are generated chunk by chunk).
    cbow_spread : {"word2vec", "mean"}, default "word2vec"
        How CBOW hands ∂J/∂h back to the context words (see above).
    dtype : {np.float32, np.float64}, default np.float32
        Precision of the parameters V_in, U, W. float32 is what word2vec.c
        and gensim train in; it halves the memory traffic of the gathers and
        scatters that dominate a step, which doubled the speed on the
        reference workload (0.5× → 1.05× gensim) with the same WS353 to three
        decimals. Losses and σ are evaluated in float64 either way (via
        :mod:`w2vlib.stable`); pass ``np.float64`` for full precision.

    Attributes
    ----------
    wv : w2vlib.KeyedVectors
        The input vectors V_in, one row per vocabulary word.
    vocab : w2vlib.vocab.Vocab
    syn1neg : ndarray (V, d) or None
        Output vectors U of negative sampling.
    syn1 : ndarray (V − 1, d) or None
        Inner-node vectors W of hierarchical softmax.
    loss_history : ndarray
        Mean objective per example (skip-gram pair or CBOW window) over each
        chunk, each batch's loss evaluated at the parameters the batch's
        gradient was computed at (before its step). With negative sampling
        this is the sampled objective (2.1) actually optimised, with
        hierarchical softmax (3.6); with both, their sum.
    loss_words : ndarray of int
        Corpus words read when each ``loss_history`` entry was completed.
    train_seconds : float
        Wall time of the training loop (vocabulary building excluded).
    words_processed : int
        Corpus words read, all epochs (E · N of (4.7)).

    Raises
    ------
    ValueError
        One line naming the argument, for bad arguments, an empty corpus
        or nothing left after ``min_count``.
    FloatingPointError
        If the objective becomes non-finite (too large a step): one line
        suggesting a smaller ``alpha`` or ``batch_size``.
    """

    def __init__(self, corpus, vector_size=100, window=5, negative=5, hs=0, sg=1, sample=1e-3,
                 min_count=5, epochs=5, alpha=0.025, min_alpha=1e-4, seed=1, batch_size=None,
                 progress=None, table_size=10**7, chunk_words=10000, cbow_spread="word2vec",
                 dtype=np.float32):
        self.vector_size = _int_arg("vector_size", vector_size, 1)
        self.window = _int_arg("window", window, 1)
        self.negative = _int_arg("negative", negative, 0)
        self.hs = _int_arg("hs", hs, 0)
        self.sg = _int_arg("sg", sg, 0)
        if self.hs > 1 or self.sg > 1:
            raise ValueError(f"hs and sg must be 0 or 1, got hs={hs!r}, sg={sg!r}")
        if self.negative == 0 and self.hs == 0:
            raise ValueError("nothing to train: set negative > 0 (negative sampling) or hs=1 (hierarchical softmax)")
        self.sample = _float_arg("sample", sample, 0.0)
        self.min_count = _int_arg("min_count", min_count, 1)
        self.epochs = _int_arg("epochs", epochs, 1)
        self.alpha = _float_arg("alpha", alpha, 0.0, strict=True)
        self.min_alpha = _float_arg("min_alpha", min_alpha, 0.0)
        if self.min_alpha > self.alpha:
            raise ValueError(f"min_alpha must not exceed alpha, got min_alpha={min_alpha!r} > alpha={alpha!r}")
        self.seed = _int_arg("seed", seed, 0)
        self.batch_size = None if batch_size is None else _int_arg("batch_size", batch_size, 1)
        self.table_size = _int_arg("table_size", table_size, 1)
        self.chunk_words = _int_arg("chunk_words", chunk_words, 1)
        self.progress = progress
        if cbow_spread not in ("word2vec", "mean"):
            raise ValueError(f"cbow_spread must be 'word2vec' or 'mean', got {cbow_spread!r}")
        self.cbow_spread = cbow_spread
        try:
            self.dtype = np.dtype(dtype)
        except TypeError:
            self.dtype = None
        if dtype is None or self.dtype not in (np.float64, np.float32):
            raise ValueError(f"dtype must be numpy.float64 or numpy.float32, got {dtype!r}")
        if corpus is None:
            raise ValueError("corpus must be an iterable of tokenised sentences (lists of str), got None")
        if isinstance(corpus, Iterator):
            raise ValueError(
                "corpus must be re-iterable (e.g. a list of sentences), not a one-shot iterator or "
                "generator: it is read once for the vocabulary and again for training"
            )

        self.vocab = build_vocab(corpus, self.min_count)  # ValueError if empty / nothing left
        if self.batch_size is None:
            self.batch_size = min(256 if self.hs else 2048, max(32, len(self.vocab) // 4))
        if self.hs and len(self.vocab) < 2:
            raise ValueError("hierarchical softmax needs at least 2 vocabulary words: lower min_count or add text")
        self._train(corpus)

    # ------------------------------------------------------------------ training
    def _train(self, corpus):
        rng = np.random.default_rng(self.seed)
        vocab, d, K = self.vocab, self.vector_size, self.negative
        V = len(vocab)
        ids, starts = vocab.encode(corpus, MAX_SENTENCE_LENGTH)
        if ids.shape[0] != vocab.total_words:
            raise ValueError(
                f"corpus changed between its two readings ({vocab.total_words} then {ids.shape[0]} "
                "in-vocabulary tokens): pass a list, or an iterable that yields the same sentences each time"
            )
        lengths = np.diff(starts)
        sentence_of = np.repeat(np.arange(lengths.shape[0], dtype=np.int32), lengths)
        n_words = ids.shape[0]                               # N of (4.7)
        total = self.epochs * n_words

        V_in, U = sampling.init_vectors(V, d, rng, self.dtype)  # (4.8)
        self.syn1neg = U if K else None
        self.syn1 = np.zeros((V - 1, d), dtype=self.dtype) if self.hs else None
        paths = bt.HuffmanPaths(huffman_codes(vocab.counts)) if self.hs else None
        table = sampling.unigram_table(vocab.counts, 0.75, self.table_size) if K else None
        keep = sampling.keep_probability(vocab.counts, self.sample)  # (4.2)

        # chunk edges at sentence starts, about chunk_words words apart
        marks = np.arange(0, n_words, self.chunk_words)
        edges = np.unique(np.concatenate((starts[np.searchsorted(starts, marks, side="right") - 1], [n_words])))

        losses, loss_words = [], []
        done = 0
        self._ws = bt.Workspace()
        bar = _progress_bar(total, self.progress)
        t0 = time.perf_counter()
        for _ in range(self.epochs):
            for a, b in zip(edges[:-1], edges[1:]):
                seg = ids[a:b]
                kept = np.flatnonzero(sampling.subsample(seg, keep, rng))  # (4.2)
                words = seg[kept]
                centre, context = sampling.window_pairs(sentence_of[a:b][kept], self.window, rng)  # (4.6)
                if self.sg:
                    loss, n = self._sg_chunk(V_in, words, kept, centre, context, table, paths, rng, done, total)
                else:
                    loss, n = self._cbow_chunk(V_in, words, kept, centre, context, table, paths, rng, done, total)
                done += b - a
                if not np.isfinite(loss):
                    bar.close()
                    raise FloatingPointError(
                        f"training diverged (loss {loss}) after {done:,} of {total:,} words: "
                        f"lower alpha (now {self.alpha}) or batch_size (now {self.batch_size})"
                    )
                if n:
                    losses.append(loss / n)
                    loss_words.append(done)
                bar.update(b - a)
        self.train_seconds = time.perf_counter() - t0
        bar.close()
        self.words_processed = done
        del self._ws
        self.loss_history = np.array(losses)
        self.loss_words = np.array(loss_words, dtype=np.int64)
        from .keyedvectors import KeyedVectors  # lazy: the file layer is only needed now
        self.wv = KeyedVectors(list(vocab.index_to_key), V_in, counts=vocab.counts.copy())

    def _lr(self, words_done, total):
        return sampling.learning_rate(words_done, total, self.alpha, self.min_alpha)  # (4.7)

    def _sg_chunk(self, V_in, words, kept, centre, context, table, paths, rng, done, total):
        """Skip-gram over one chunk: input = context word, predicted = centre word."""
        inp, out = words[context], words[centre]
        loss, B = 0.0, self.batch_size
        for s in range(0, inp.shape[0], B):
            c, o = inp[s:s + B], out[s:s + B]
            lr = self._lr(done + kept[centre[s]], total)
            if self.hs:
                loss += bt.sg_hs_batch(V_in, self.syn1, c, o, paths, lr=lr)
            if self.negative:
                neg = sampling.draw_negatives(table, rng, (c.shape[0], self.negative))  # (4.5)
                loss += bt.sg_neg_sampling_batch(V_in, self.syn1neg, c, o, neg, lr=lr, ws=self._ws)
        return loss, inp.shape[0]

    def _cbow_chunk(self, V_in, words, kept, centre, context, table, paths, rng, done, total):
        """CBOW over one chunk: the mean of each centre's window predicts it."""
        if centre.shape[0] == 0:
            return 0.0, 0
        # pairs come sorted by centre: group them into windows
        starts = np.flatnonzero(np.r_[True, centre[1:] != centre[:-1]])
        lengths = np.diff(np.r_[starts, centre.shape[0]])
        targets = words[centre[starts]]
        members = words[context]
        loss, B = 0.0, self.batch_size
        for s in range(0, targets.shape[0], B):
            lo, hi = starts[s], (starts[s + B] if s + B < starts.shape[0] else members.shape[0])
            ln, mem, c = lengths[s:s + B], members[lo:hi], targets[s:s + B]
            lr = self._lr(done + kept[centre[lo]], total)
            if self.hs:
                loss += bt.cbow_hs_batch(V_in, self.syn1, ln, mem, c, paths, lr=lr, spread=self.cbow_spread)
            if self.negative:
                neg = sampling.draw_negatives(table, rng, (c.shape[0], self.negative))
                loss += bt.cbow_neg_sampling_batch(V_in, self.syn1neg, ln, mem, c, neg, lr=lr, ws=self._ws,
                                                   spread=self.cbow_spread)
        return loss, targets.shape[0]

    def __repr__(self):
        kind = "skip-gram" if self.sg else "CBOW"
        obj = " + ".join(x for x, on in (("HS", self.hs), (f"NS(K={self.negative})", self.negative)) if on)
        return f"Word2Vec({kind}, {obj}, V={len(self.vocab)}, d={self.vector_size}, window={self.window})"


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress_bar(total, progress):
    if progress is False:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is a dependency, but the trainer does not need it
        return _NoBar()
    disable = None if progress is None else False  # None: only on a terminal
    if progress is None and not sys.stderr.isatty():
        return _NoBar()
    return tqdm(total=total, unit="word", unit_scale=True, disable=disable, desc="training")
