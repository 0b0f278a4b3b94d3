"""Intrinsic evaluation on the sets bundled with gensim, neighbours and a 2-D plot.

* Word similarity: WordSim-353 (Finkelstein et al., 2002) and SimLex-999
  (Hill et al., 2015). Score = Spearman's ρ between the human ratings and
  the cosine similarities of the pairs whose two words are in the
  vocabulary; coverage = share of pairs that are.
* Analogies: Mikolov et al.'s (2013) Google set ``questions-words.txt``,
  ``a : b :: c : d``; the answer is the word maximising 3CosAdd,
  cos(x, b) − cos(x, a) + cos(x, c) (the normalised mean of the unit
  vectors, as ``KeyedVectors.most_similar``), over the ``restrict_vocab``
  most frequent words, never one of a, b, c. Accuracy over covered
  questions; coverage = share of questions whose four words are among the
  ``restrict_vocab`` most frequent.

Case handling follows gensim's ``evaluate_word_pairs`` /
``evaluate_word_analogies`` (``case_insensitive=True``): every word is
upper-cased, and an upper-cased form stands for its *most frequent* variant
among the first ``restrict_vocab`` rows ("Paris" and "paris" → the row that
comes first). An analogy answer is correct if the winning row upper-cases
to the expected word; rows that upper-case to a query word are skipped.
Word pairs use gensim's default ``restrict_vocab=300000``.

Deliberate differences from gensim: if no pair/question is covered, we
return ``(nan, 0.0)`` where gensim raises (pairs) or divides by zero; gensim
looks for the answer among the 5 best rows only (an edge case: all five are
case variants of the query words) where we take the best admissible row.
"""
import numpy as np

from .datasets import gensim_test_data

__all__ = ["wordsim353", "simlex999", "google_analogies", "evaluate_pairs", "evaluate_analogies",
           "nearest_neighbours", "evaluation_table", "plot_projection"]

PAIRS_RESTRICT_VOCAB = 300000  # gensim's default for evaluate_word_pairs


def _upper_vocab(wv, restrict_vocab):
    """Upper-cased word -> row of its most frequent variant among the first restrict_vocab rows."""
    keys = wv.index_to_key[:restrict_vocab]
    return {k.upper(): i for i, k in reversed(list(enumerate(keys)))}


def evaluate_pairs(wv, path, delimiter="\t", restrict_vocab=PAIRS_RESTRICT_VOCAB):
    """Spearman ρ between a word-pair file's ratings and cosine similarities.

    Lines starting with ``#`` are comments; other lines are
    ``word1<delimiter>word2<delimiter>score`` (malformed lines are skipped,
    as gensim does).

    Parameters
    ----------
    wv : KeyedVectors
    path : str or os.PathLike
    delimiter : str, default tab
    restrict_vocab : int, default 300000

    Returns
    -------
    rho : float
        Spearman's rank correlation on the covered pairs (nan if < 2 pairs).
    coverage : float
        Covered pairs / valid pairs.
    """
    from scipy.stats import spearmanr
    vocab = _upper_vocab(wv, restrict_vocab)
    u = wv.unit_vectors()
    gold, model, total = [], [], 0
    with open(path, encoding="utf8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split(delimiter)
            try:
                a, b, score = parts
                score = float(score)
            except ValueError:
                continue
            total += 1
            a, b = a.upper(), b.upper()
            if a in vocab and b in vocab:
                gold.append(score)
                model.append(float(np.dot(u[vocab[a]].astype(np.float64), u[vocab[b]].astype(np.float64))))
    if total == 0:
        raise ValueError(f"{path}: no word pairs found (expected 'word1{delimiter!r}word2{delimiter!r}score' lines)")
    coverage = len(gold) / total
    if len(gold) < 2:
        return float("nan"), coverage
    return float(spearmanr(gold, model)[0]), coverage


def wordsim353(wv):
    """WordSim-353 (gensim's ``wordsim353.tsv``): ``(rho, coverage)``."""
    return evaluate_pairs(wv, gensim_test_data("wordsim353.tsv"))


def simlex999(wv):
    """SimLex-999 (gensim's ``simlex999.txt``): ``(rho, coverage)``."""
    return evaluate_pairs(wv, gensim_test_data("simlex999.txt"))


def evaluate_analogies(wv, path, restrict_vocab=30000, batch=256):
    """3CosAdd accuracy on an analogy file in the ``questions-words.txt`` format.

    ``: section`` lines start sections; other lines hold ``a b c d``.

    Parameters
    ----------
    wv : KeyedVectors
    path : str or os.PathLike
    restrict_vocab : int, default 30000
        Only the most frequent words take part, as questions and as answers.
    batch : int, default 256
        Questions scored per matrix product (memory: batch × restrict_vocab).

    Returns
    -------
    accuracy : float
        Correct / covered questions (nan if none is covered).
    coverage : float
        Covered / all questions.
    """
    vocab = _upper_vocab(wv, restrict_vocab)
    end = min(restrict_vocab, len(wv))
    questions, total = [], 0
    with open(path, encoding="utf8") as f:
        for line in f:
            if line.startswith(":") or not line.strip():
                continue
            words = line.upper().split()
            if len(words) != 4:
                continue
            total += 1
            if all(w in vocab for w in words):
                questions.append([vocab[w] for w in words])
    if total == 0:
        raise ValueError(f"{path}: no analogy questions found (expected 'a b c d' lines)")
    if not questions:
        return float("nan"), 0.0
    q = np.array(questions)
    u = wv.unit_vectors()
    rows_upper = [k.upper() for k in wv.index_to_key[:end]]
    # rows sharing an upper-cased form with the row that represents it (case variants)
    variants = {}
    for r, k in enumerate(rows_upper):
        variants.setdefault(vocab[k], []).append(r)
    correct = 0
    for s in range(0, len(q), batch):
        qa = q[s:s + batch]
        target = u[qa[:, 1]] - u[qa[:, 0]] + u[qa[:, 2]]        # 3CosAdd numerator (weights +1, -1, +1)
        target /= np.maximum(np.linalg.norm(target, axis=1, keepdims=True), np.finfo(u.dtype).tiny)
        scores = target @ u[:end].T
        for j, (a, b, c, _) in enumerate(qa):
            for w in (a, b, c):
                scores[j, variants[w]] = -np.inf                 # never answer a query word
        best = scores.argmax(axis=1)
        correct += int(sum(rows_upper[r] == rows_upper[d] for r, d in zip(best, qa[:, 3])))
    return correct / len(q), len(q) / total


def google_analogies(wv, restrict_vocab=30000):
    """Google analogies (gensim's ``questions-words.txt``): ``(accuracy, coverage)``."""
    return evaluate_analogies(wv, gensim_test_data("questions-words.txt"), restrict_vocab=restrict_vocab)


def nearest_neighbours(wv, words, topn=5):
    """Nearest neighbours by cosine similarity.

    Parameters
    ----------
    wv : KeyedVectors
    words : iterable of str
    topn : int, default 5

    Returns
    -------
    dict of str to list of (str, float)
        One entry per word in ``words``; a word not in the vocabulary maps
        to an empty list (so a table of many words still prints).
    """
    return {w: (wv.most_similar(w, topn=topn) if w in wv else []) for w in words}


def _scores(wv):
    ws, ws_cov = wordsim353(wv)
    sl, sl_cov = simlex999(wv)
    an, an_cov = google_analogies(wv)
    return [
        ("vocabulary", f"{len(wv):,} words, d={wv.vector_size}"),
        ("WordSim-353 ρ (coverage)", f"{ws:.3f} ({ws_cov:.0%})"),
        ("SimLex-999 ρ (coverage)", f"{sl:.3f} ({sl_cov:.0%})"),
        ("Google analogies acc. (coverage)", f"{an:.3f} ({an_cov:.0%})"),
    ]


def evaluation_table(wv, other=None, names=("w2vlib", "gensim")):
    """A plain-text table of the evaluation scores, for one or two sets of vectors.

    Parameters
    ----------
    wv : KeyedVectors
    other : KeyedVectors, optional
        A second column (e.g. gensim's vectors converted to KeyedVectors).
    names : (str, str)
        Column headings.

    Returns
    -------
    str
    """
    cols = [_scores(wv)] + ([_scores(other)] if other is not None else [])
    heads = ["measure"] + list(names[:len(cols)])
    rows = [[label] + [c[i][1] for c in cols] for i, (label, _) in enumerate(cols[0])]
    widths = [max(len(r[k]) for r in rows + [heads]) for k in range(len(heads))]
    fmt = lambda r: "  ".join(x.ljust(w) for x, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt(heads), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def plot_projection(wv, words, ax=None):
    """Scatter the words in the plane of their first two principal components.

    PCA by SVD: centre the selected rows X (n × d), X = U S Vᵀ, plot X V[:, :2]
    (= U[:, :2] S[:2]) and label each point.

    Parameters
    ----------
    wv : KeyedVectors
    words : list of str
        At least two words, all in the vocabulary.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    words = list(words)
    missing = [w for w in words if w not in wv]
    if missing:
        raise ValueError(f"words not in the vocabulary: {', '.join(map(repr, missing[:10]))}; drop them")
    if len(words) < 2:
        raise ValueError(f"plot_projection needs at least 2 words, got {len(words)}")
    X = wv[words].astype(np.float64)
    X = X - X.mean(axis=0)
    U, S, _ = np.linalg.svd(X, full_matrices=False)
    xy = U[:, :2] * S[:2]
    if xy.shape[1] == 1:
        xy = np.c_[xy, np.zeros(len(words))]
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=(6, 5))
    ax.scatter(xy[:, 0], xy[:, 1], s=12)
    for (x, y), w in zip(xy, words):
        ax.annotate(w, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=9)
    explained = S[:2] ** 2 / max((S ** 2).sum(), np.finfo(float).tiny)
    ax.set_xlabel(f"PC1 ({explained[0]:.0%} of variance)")
    ax.set_ylabel(f"PC2 ({explained[1] if len(explained) > 1 else 0:.0%} of variance)")
    return ax
