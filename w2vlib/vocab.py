"""Vocabulary: counting, ``min_count`` and word2vec.c's ordering, notebook 04.

word2vec.c (Mikolov et al. 2013) reads the corpus once, counts every word,
drops the rare ones and sorts the survivors by descending count:

    𝒱 = { w : n_w ≥ min_count },   sorted so that n_{w_0} ≥ n_{w_1} ≥ …    (4.1)

The order matters twice later on: the Huffman tree of hierarchical softmax
is built from the sorted counts (notebook 03), and the frequent words get the
small indices. word2vec.c sorts with ``qsort``, which leaves the order of
tied words unspecified; we break ties as gensim 4 does (``np.lexsort`` on
(−count, −first appearance): among equally frequent words the one that
appeared *last* comes first), so for the same corpus our ``index_to_key``
equals gensim's ``wv.index_to_key`` and the two trainers can be compared
word for word.

Words that do not survive ``min_count`` are removed from the text before any
window is formed (word2vec.c's ``ReadWordIndex`` returns -1 and the word is
skipped), so the window of a word reaches past the rare words next to it.
"""
from collections import Counter

import numpy as np

__all__ = ["Vocab", "build_vocab", "MAX_SENTENCE_LENGTH"]

#: gensim cuts sentences longer than this into pieces (its MAX_WORDS_IN_BATCH);
#: we do the same so that both trainers see the same windows.
MAX_SENTENCE_LENGTH = 10000


class Vocab:
    """A word list sorted by descending count, as word2vec.c keeps it.

    Implements (4.1).

    Parameters
    ----------
    index_to_key : list of str
        Words, most frequent first.
    counts : array_like of int, shape (V,)
        Their corpus counts, non-increasing.

    Attributes
    ----------
    index_to_key : list of str
    key_to_index : dict str -> int
    counts : ndarray of int64, shape (V,)
    total_words : int
        Σ_w n_w over the kept words: the number of corpus tokens that
        training will read per epoch (before subsampling).
    """

    def __init__(self, index_to_key, counts):
        counts = np.asarray(counts, dtype=np.int64)
        if counts.shape != (len(index_to_key),):
            raise ValueError(
                f"counts must have shape ({len(index_to_key)},) to match index_to_key, got shape {counts.shape}"
            )
        if counts.size and np.any(np.diff(counts) > 0):
            raise ValueError("counts must be sorted in descending order (word2vec.c order)")
        self.index_to_key = list(index_to_key)
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        if len(self.key_to_index) != len(self.index_to_key):
            raise ValueError("index_to_key must not contain the same word twice")
        self.counts = counts
        self.total_words = int(counts.sum())

    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, word):
        return word in self.key_to_index

    def __repr__(self):
        return f"Vocab(V={len(self)}, total_words={self.total_words})"

    def encode(self, corpus, max_sentence_length=MAX_SENTENCE_LENGTH):
        """Turn sentences into one flat array of word indices.

        Out-of-vocabulary words are dropped (as in word2vec.c and gensim);
        sentences longer than ``max_sentence_length`` are cut into pieces.

        Parameters
        ----------
        corpus : iterable of list of str
        max_sentence_length : int

        Returns
        -------
        ids : ndarray of int32, shape (N,)
            Word indices of all kept tokens, sentence after sentence.
        starts : ndarray of int64, shape (S + 1,)
            Sentence ``s`` is ``ids[starts[s]:starts[s + 1]]``. Empty
            sentences (nothing left after dropping rare words) are omitted.
        """
        if max_sentence_length < 1:
            raise ValueError(f"max_sentence_length must be a positive integer, got {max_sentence_length}")
        k2i = self.key_to_index
        pieces, lengths = [], []
        for sentence in corpus:
            # int32 arrays per sentence, not one Python list of ints: 17 M tokens
            # (text8) would otherwise cost several hundred MB of int objects.
            sent = np.fromiter((k2i.get(w, -1) for w in sentence), dtype=np.int32, count=len(sentence))
            sent = sent[sent >= 0]
            for start in range(0, sent.shape[0], max_sentence_length):
                piece = sent[start:start + max_sentence_length]
                pieces.append(piece)
                lengths.append(piece.shape[0])
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        ids = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
        return ids, starts


def build_vocab(corpus, min_count=5):
    """Count the words of ``corpus`` and keep those seen ``min_count`` times.

    Implements (4.1).

    Parameters
    ----------
    corpus : iterable of list of str
        Tokenised sentences (a list, not a generator, if you want to reuse it).
    min_count : int, default 5
        Words with fewer occurrences are dropped.

    Returns
    -------
    Vocab
        Sorted by descending count; ties: later first appearance first (gensim's order).

    Raises
    ------
    ValueError
        If the corpus is empty or no word reaches ``min_count``.
    """
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ValueError(f"min_count must be a positive integer, got {min_count!r}")
    if isinstance(corpus, (str, bytes)):
        raise ValueError("corpus must be an iterable of tokenised sentences (lists of str), got a single string")
    counter = Counter()
    n_tokens = 0
    for sentence in corpus:
        if isinstance(sentence, (str, bytes)):
            raise ValueError(
                "corpus must be an iterable of tokenised sentences (lists of str), got a sentence that is a string"
            )
        counter.update(sentence)
        n_tokens += len(sentence)
    if n_tokens == 0:
        raise ValueError("corpus is empty: it contains no words to train on")
    # Counter keeps first-appearance order; reverse it, then a stable sort by -count
    # puts ties in gensim's order (later first appearance first).
    kept = [(w, n) for w, n in counter.items() if n >= min_count][::-1]
    kept.sort(key=lambda wn: -wn[1])
    if not kept:
        raise ValueError(
            f"no word occurs at least min_count={min_count} times in the corpus "
            f"({n_tokens} tokens, most frequent seen {max(counter.values())} times): lower min_count"
        )
    words, counts = zip(*kept)
    return Vocab(list(words), np.array(counts, dtype=np.int64))
