"""The random parts of word2vec.c, one function per detail, notebook 04.

Each function implements one numbered equation of notebook 04:

(4.2) subsampling of frequent words, word2vec.c's keep probability
      with t = ``sample`` and z_w = n_w / N (N = total kept tokens):

          P_keep(w) = min(1, (√(z_w / t) + 1) · t / z_w)

(4.3) the paper's variant (Mikolov et al. 2013b, eq. 5), for comparison:

          P_discard(w) = 1 − √(t / z_w),  i.e.  P_keep(w) = min(1, √(t / z_w))

      word2vec.c's rule keeps every word a little more often: it adds
      t / z_w to the paper's √(t / z_w), so a word with z_w = t is always
      kept (the paper keeps it too) and a word with z_w = 4t is kept with
      probability 0.75 instead of 0.5. The code, not the paper, produced the
      published vectors; gensim and we follow the code.

(4.4) the noise distribution for negative sampling (2013b, section 2.2):

          P_n(w) = n_w^{3/4} / Σ_v n_v^{3/4}

(4.5) word2vec.c's unigram table: an array of T word indices in which
      word w fills a run of about T · P_n(w) consecutive cells, so that

          table[⌊T · u⌋] ~ P_n   for u ~ U[0, 1),

      one random integer and one memory read per negative (``np.searchsorted``
      on the cumulative distribution costs a binary search each).

(4.6) the dynamic window: for every centre word word2vec.c draws
      b ~ U{0, …, m − 1} and uses the window m' = m − b, so a context word at
      distance j ≤ m is used with probability (m − j + 1) / m: near words
      weigh more, without any explicit weights.

(4.7) linear learning-rate decay over all words of all epochs:

          α(t) = α₀ − (α₀ − α_min) · t / (E · N)

      with t the number of corpus words read so far (subsampled ones
      included), E epochs and N words per epoch (gensim's rule; word2vec.c
      uses α₀ · (1 − t / (E · N + 1)) floored at α₀ · 10⁻⁴).

(4.8) initialisation: input vectors V_in[w, :] ~ U[−0.5/d, 0.5/d)
      (word2vec.c: ``(rand / 65536 − 0.5) / layer1_size``), output vectors
      U = 0 (``syn1neg`` and ``syn1`` are zeroed), so every first gradient
      step moves the input vectors by zero and the output vectors by the
      input vectors' directions.
"""
import numpy as np

__all__ = [
    "keep_probability", "paper_keep_probability", "noise_distribution",
    "unigram_table", "draw_negatives", "subsample", "window_pairs",
    "learning_rate", "init_vectors", "subsampling_report", "subsampling_widget",
]


def _counts(counts):
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D array of shape (V,), got shape {counts.shape}")
    if not np.all(np.isfinite(counts)) or np.any(counts <= 0):
        raise ValueError("counts must be positive finite numbers (the kept words' corpus counts)")
    return counts


def keep_probability(counts, sample):
    """word2vec.c's probability of keeping each occurrence of a word.

    Implements (4.2). ``sample <= 0`` switches subsampling off (all ones).

    Parameters
    ----------
    counts : array_like, shape (V,)
        Corpus counts n_w of the vocabulary words (positive).
    sample : float
        The threshold t (word2vec.c's ``-sample``, typically 1e-3 … 1e-5).

    Returns
    -------
    ndarray, shape (V,)
        ``min(1, (sqrt(n_w / (t N)) + 1) · t N / n_w)`` with N = Σ n_w.
    """
    counts = _counts(counts)
    if not np.isfinite(sample) or sample < 0:
        raise ValueError(f"sample must be a finite number >= 0 (0 switches subsampling off), got {sample!r}")
    if sample == 0:
        return np.ones_like(counts)
    threshold = sample * counts.sum()  # t·N, in counts
    ran = (np.sqrt(counts / threshold) + 1.0) * threshold / counts
    return np.minimum(ran, 1.0)


def paper_keep_probability(counts, sample):
    """Keep probability of the paper's rule, ``min(1, sqrt(t / z_w))``.

    Implements (4.3). Shown in notebook 04 beside :func:`keep_probability`;
    the trainer does not use it.
    """
    counts = _counts(counts)
    if not np.isfinite(sample) or sample <= 0:
        raise ValueError(f"sample must be a finite number > 0, got {sample!r}")
    z = counts / counts.sum()
    return np.minimum(np.sqrt(sample / z), 1.0)


def noise_distribution(counts, power=0.75):
    """Unigram distribution raised to ``power`` and renormalised.

    Implements (4.4).

    Returns
    -------
    ndarray, shape (V,)
        ``n_w^power / Σ_v n_v^power``, sums to one.
    """
    counts = _counts(counts)
    p = counts ** power
    return p / p.sum()


def unigram_table(counts, power=0.75, table_size=10**7):
    """word2vec.c's table of word indices for drawing negatives.

    Implements (4.5). Equivalent to word2vec.c's ``InitUnigramTable`` loop::

        i = 0; d1 = P_n(0)
        for a in range(T):
            table[a] = i
            if a / T > d1: i += 1; d1 += P_n(i)

    which assigns cell a the first word whose cumulative probability reaches
    (a − 1) / T. (The loop can advance by at most one word per cell, so it
    differs from this closed form only when some word has P_n(w) < 1/T;
    choose ``table_size`` ≫ 1 / min P_n.) word2vec.c uses T = 10⁸; the
    default 10⁷ int32 cells take 40 MB and resolve probabilities of 10⁻⁷.

    Parameters
    ----------
    counts : array_like, shape (V,)
    power : float, default 0.75
    table_size : int, default 10**7

    Returns
    -------
    ndarray of int32, shape (table_size,)
    """
    if isinstance(table_size, bool) or not isinstance(table_size, (int, np.integer)) or table_size < 1:
        raise ValueError(f"table_size must be a positive integer, got {table_size!r}")
    cum = np.cumsum(noise_distribution(counts, power))
    T = int(table_size)
    # Cells a with table[a] <= i are those with (a − 1)/T <= cum[i]: a <= cum[i]·T + 1.
    # Count them per word (a V-sized computation, with a one-step correction for
    # rounding) and lay the runs out with np.repeat instead of T binary searches.
    last = np.floor(cum * T).astype(np.int64) + 1
    last += ((last + 1 - 1) / T <= cum)          # one more cell still qualifies
    last -= ((last - 1) / T > cum)               # rounding put us one too far
    upto = np.minimum(np.maximum(last + 1, 0), T)
    upto = np.maximum.accumulate(upto)
    upto[-1] = T                                  # word2vec.c clamps i to V − 1
    runs = np.diff(np.concatenate(([0], upto)))
    return np.repeat(np.arange(len(cum), dtype=np.int32), runs)


def draw_negatives(table, rng, shape):
    """Noise words: table cells picked by uniform random integers.

    Implements (4.5): ``table[randint(T)]`` is distributed as P_n (4.4).

    Returns
    -------
    ndarray of int32 with the given shape
    """
    return table[rng.integers(0, len(table), size=shape)]


def subsample(ids, keep_prob, rng):
    """Boolean mask of the tokens that survive subsampling.

    Implements (4.2): token i is kept when ``keep_prob[ids[i]] > u_i`` with
    u_i ~ U[0, 1) (word2vec.c: ``if (ran < next_random / 65536.0) continue``
    discards it otherwise).
    """
    ids = np.asarray(ids)
    return keep_prob[ids] > rng.random(ids.shape[0])


def window_pairs(sentence_of, window, rng):
    """(centre, context) position pairs with word2vec.c's dynamic window.

    Implements (4.6). For each position i a reduction b_i ~ U{0, …, m − 1}
    is drawn and every position j ≠ i of the same sentence with
    |i − j| ≤ m − b_i becomes a pair. Pairs come out in word2vec.c's order:
    by centre position, then from the leftmost context word to the rightmost.

    Parameters
    ----------
    sentence_of : ndarray of int, shape (n,)
        Sentence number of each (already subsampled) token, non-decreasing.
    window : int
        The maximal window m >= 1.
    rng : numpy.random.Generator

    Returns
    -------
    centre : ndarray of int64, shape (P,)
        Positions of the centre words.
    context : ndarray of int64, shape (P,)
        Positions of their context words.
    """
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
    sentence_of = np.asarray(sentence_of)
    n = sentence_of.shape[0]
    reduced = window - rng.integers(0, window, size=n)  # m' = m − b, b ~ U{0..m−1}
    offsets = np.concatenate((np.arange(-window, 0), np.arange(1, window + 1)))
    pos = np.arange(n)
    ctx = pos[:, None] + offsets[None, :]
    valid = (np.abs(offsets)[None, :] <= reduced[:, None]) & (ctx >= 0) & (ctx < n)
    same = sentence_of[np.clip(ctx, 0, max(n - 1, 0))] == sentence_of[:, None]
    valid &= same
    rows, cols = np.nonzero(valid)
    return rows, ctx[rows, cols]


def learning_rate(words_done, total_words, alpha=0.025, min_alpha=1e-4):
    """Linearly decayed learning rate.

    Implements (4.7): ``alpha − (alpha − min_alpha) · words_done / total_words``,
    never below ``min_alpha``. Works elementwise on arrays.
    """
    if total_words <= 0:
        raise ValueError(f"total_words must be positive, got {total_words!r}")
    progress = np.minimum(np.asarray(words_done, dtype=np.float64) / total_words, 1.0)
    out = alpha - (alpha - min_alpha) * progress
    return out if np.ndim(out) else float(out)


def init_vectors(V, d, rng, dtype=np.float64):
    """word2vec.c's initial input and output vectors.

    Implements (4.8). ``dtype=np.float32`` draws the same float64 numbers and
    rounds them.

    Returns
    -------
    V_in : ndarray, shape (V, d)
        Uniform in [−0.5/d, 0.5/d).
    U : ndarray, shape (V, d)
        Zeros.
    """
    V_in = ((rng.random((V, d)) - 0.5) / d).astype(dtype, copy=False)
    return V_in, np.zeros((V, d), dtype=dtype)


def subsampling_report(counts, sample):
    """Numbers behind notebook 04's subsampling widget, from (4.2) and (4.3).

    Returns
    -------
    dict
        ``kept_share`` / ``paper_kept_share``: expected share of the corpus
        tokens kept per epoch by word2vec.c's rule (4.2) and by the paper's
        (4.3); ``always_kept`` / ``paper_always_kept``: number of words never
        discarded; ``top_keep``: keep probability (4.2) of the most frequent
        word.
    """
    counts = _counts(counts)
    keep = keep_probability(counts, sample)
    paper = paper_keep_probability(counts, sample) if sample > 0 else np.ones_like(counts)
    total = counts.sum()
    return {
        "kept_share": float((keep * counts).sum() / total),
        "paper_kept_share": float((paper * counts).sum() / total),
        "always_kept": int(np.sum(keep >= 1.0)),
        "paper_always_kept": int(np.sum(paper >= 1.0)),
        "top_keep": float(keep[np.argmax(counts)]),
    }


def subsampling_widget(counts, value=1e-3):
    """A slider for the threshold t and a line of :func:`subsampling_report`.

    Returns an ``ipywidgets.VBox`` whose ``children`` are the slider and an
    HTML read-out; moving the slider recomputes the read-out.
    """
    import ipywidgets as widgets

    counts = _counts(counts)
    slider = widgets.FloatLogSlider(value=value, base=10, min=-6, max=-1, step=0.25, description="t",
                                    readout_format=".0e")
    out = widgets.HTML()

    def refresh(change=None):
        r = subsampling_report(counts, slider.value)
        out.value = (f"tokens kept per epoch: <b>{r['kept_share']:.1%}</b> with word2vec.c's rule (4.2), "
                     f"{r['paper_kept_share']:.1%} with the paper's (4.3); words never discarded: "
                     f"{r['always_kept']} vs {r['paper_always_kept']} of {len(counts)}; "
                     f"the most frequent word kept with probability {r['top_keep']:.3f}")

    slider.observe(refresh, names="value")
    refresh()
    return widgets.VBox([slider, out])
