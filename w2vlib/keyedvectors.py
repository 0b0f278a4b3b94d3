"""Word vectors after training: queries and word2vec.c's file formats.

``KeyedVectors`` holds one row per word (``index_to_key[i]`` ↔ ``vectors[i]``)
and answers the queries gensim's ``KeyedVectors`` answers, with the same
names and the same arithmetic:

* ``similarity(a, b)`` — cosine similarity, the dot product of unit vectors;
* ``most_similar(positive, negative)`` — 3CosAdd (Mikolov et al., 2013,
  "Linguistic regularities"): the weighted mean of the unit vectors
  (+1 for positive, −1 for negative words, divided by the total absolute
  weight), normalised, scored against every unit row by cosine; the query
  words themselves are never returned. With ``a : b :: c : ?`` written as
  ``most_similar(positive=[b, c], negative=[a])``.

One deliberate difference: a row of zeros has cosine 0 with everything here
(its norm is guarded), where gensim divides by a zero norm and gets NaN.

Files (word2vec.c's ``-output``, read by its ``distance`` tool and gensim):

* header ``"<V> <d>\\n"`` in ASCII;
* text (``binary=False``): one line per word, ``word x_1 ... x_d``;
* binary: ``word`` + one space + d little-endian float32 (4·d bytes), then
  ``"\\n"`` as word2vec.c writes it (gensim writes no newline; both readers
  skip newlines before a word, and so does ours).

Saving is atomic: the file is written under a temporary name in the same
folder, flushed to disk, then renamed over the target (``os.replace``); on
any error the temporary file is removed and an existing target is untouched.
Loading is strict: a truncated file, a header whose counts disagree with the
body, a non-number, a duplicate word or bytes that are not UTF-8 raise a
one-line ``ValueError`` naming the file and the line (text) or byte offset
(binary).
"""
import os
import pathlib
import secrets

import numpy as np

__all__ = ["KeyedVectors"]

_ASCII_WHITESPACE = frozenset(" \t\n\r\v\f")


class KeyedVectors:
    """Word vectors with gensim's query names and word2vec.c's file formats.

    Parameters
    ----------
    index_to_key : list of str
        The words, row order (the trainer passes them by descending count).
    vectors : array_like, shape (V, d)
        One row per word. float32 and float64 are kept as they are; other
        dtypes become float64. The array is not copied: do not modify it
        after the first query (unit vectors are cached).
    counts : array_like of int, shape (V,), optional
        Corpus counts of the words (not stored in the files).

    Attributes
    ----------
    index_to_key : list of str
    key_to_index : dict of str to int
    vectors : numpy.ndarray, shape (V, d)
    vector_size : int
    counts : numpy.ndarray of int64, shape (V,), or None
    """

    def __init__(self, index_to_key, vectors, counts=None):
        keys = list(index_to_key)
        for i, k in enumerate(keys):
            if not isinstance(k, str):
                raise ValueError(f"index_to_key must hold str words, got {type(k).__name__} {k!r} at position {i}")
        vectors = np.asarray(vectors)
        if vectors.dtype not in (np.float32, np.float64):
            vectors = vectors.astype(np.float64)
        if vectors.ndim != 2 or vectors.shape[0] != len(keys) or vectors.shape[1] == 0:
            raise ValueError(f"vectors must have shape (len(index_to_key), d) = ({len(keys)}, d) with d >= 1, "
                             f"got shape {vectors.shape}")
        if not keys:
            raise ValueError("index_to_key must contain at least one word, got an empty list")
        key_to_index = {}
        for i, k in enumerate(keys):
            if key_to_index.setdefault(k, i) != i:
                raise ValueError(f"index_to_key must not repeat words: {k!r} is at positions "
                                 f"{key_to_index[k]} and {i}")
        if counts is not None:
            counts = np.asarray(counts)
            if counts.shape != (len(keys),) or not np.issubdtype(counts.dtype, np.integer):
                raise ValueError(f"counts must be integers of shape ({len(keys)},), got {counts.dtype} "
                                 f"of shape {counts.shape}")
            counts = counts.astype(np.int64)
        self.index_to_key = keys
        self.key_to_index = key_to_index
        self.vectors = vectors
        self.counts = counts
        self._unit = None

    # ------------------------------------------------------------------ basics
    @property
    def vector_size(self):
        """Dimension d of the vectors."""
        return self.vectors.shape[1]

    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, key):
        return key in self.key_to_index

    def __repr__(self):
        return f"KeyedVectors({len(self)} words, vector_size={self.vector_size}, dtype={self.vectors.dtype})"

    def get_index(self, key):
        """Row of ``key``; ``KeyError`` naming the word if it is not in the vocabulary."""
        try:
            return self.key_to_index[key]
        except (KeyError, TypeError):
            raise KeyError(f"word {key!r} is not in the vocabulary ({len(self)} words)") from None

    def __getitem__(self, key):
        """The vector of a word (shape (d,)), or of a list of words (shape (n, d)); a copy."""
        if isinstance(key, str):
            return self.vectors[self.get_index(key)].copy()
        return self.vectors[[self.get_index(k) for k in key]]

    def unit_vectors(self):
        """Rows divided by their norms (cached); zero rows stay zero."""
        if self._unit is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            self._unit = self.vectors / np.maximum(norms, np.finfo(self.vectors.dtype).tiny)
        return self._unit

    # ----------------------------------------------------------------- queries
    def similarity(self, w1, w2):
        """Cosine similarity of two words."""
        u = self.unit_vectors()
        return float(np.dot(u[self.get_index(w1)].astype(np.float64), u[self.get_index(w2)].astype(np.float64)))

    def _query_vector(self, positive, negative):
        def as_list(x):
            if x is None:
                return []
            if isinstance(x, (str, np.ndarray)):
                return [x]
            return list(x)
        items = [(x, 1.0) for x in as_list(positive)] + [(x, -1.0) for x in as_list(negative)]
        if not items:
            raise ValueError("most_similar needs at least one word in positive or negative")
        u = self.unit_vectors()
        mean = np.zeros(self.vector_size)
        exclude = []
        for x, w in items:
            if isinstance(x, np.ndarray):
                if x.shape != (self.vector_size,):
                    raise ValueError(f"a query vector must have shape ({self.vector_size},), got {x.shape}")
                mean += w * x
            else:
                i = self.get_index(x)
                exclude.append(i)
                mean += w * u[i]
        mean /= len(items)  # total absolute weight, as gensim's get_mean_vector
        norm = np.linalg.norm(mean)
        return (mean / norm if norm > 0 else mean), exclude

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Words closest to a query by cosine similarity (3CosAdd for several words).

        Parameters
        ----------
        positive, negative : str, numpy.ndarray or list of them, optional
            Words (or raw vectors) added with weight +1 / −1.
        topn : int, default 10
        restrict_vocab : int, optional
            Only rank the first ``restrict_vocab`` rows (the most frequent words).

        Returns
        -------
        list of (str, float)
            Up to ``topn`` (word, cosine) pairs, best first, query words excluded.
        """
        if isinstance(topn, bool) or not isinstance(topn, (int, np.integer)) or topn < 0:
            raise ValueError(f"topn must be an integer >= 0, got {topn!r}")
        if topn == 0:
            return []
        q, exclude = self._query_vector(positive, negative)
        end = len(self) if restrict_vocab is None else min(int(restrict_vocab), len(self))
        scores = self.unit_vectors()[:end] @ q.astype(self.vectors.dtype)
        scores = scores.astype(np.float64)
        for i in exclude:
            if i < end:
                scores[i] = -np.inf
        k = min(topn, end - sum(1 for i in set(exclude) if i < end))
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.lexsort((best, -scores[best]))]  # by score, ties by row
        return [(self.index_to_key[i], float(scores[i])) for i in best]

    # ------------------------------------------------------------------- files
    def save_word2vec_format(self, path, binary=False):
        """Write the vectors in word2vec.c's text or binary format, atomically.

        Text values are written with enough digits to read back exactly
        (9 significant digits for float32, Python's shortest repr for
        float64); binary values are float32, as in word2vec.c.

        Parameters
        ----------
        path : str or os.PathLike
        binary : bool, default False

        Raises
        ------
        ValueError
            If a word is empty or contains whitespace (the format separates
            fields by spaces), or the folder does not exist.
        """
        path = pathlib.Path(path)
        for k in self.index_to_key:
            if not k or any(ch in _ASCII_WHITESPACE for ch in k):
                raise ValueError(f"cannot save word {k!r}: word2vec files separate fields by spaces and "
                                 "lines by newlines, so words must be non-empty and hold no ASCII whitespace")
        if not path.parent.is_dir():
            raise ValueError(f"cannot save to {path}: folder {path.parent} does not exist")
        if path.is_dir():
            raise ValueError(f"cannot save to {path}: it is a folder")
        tmp, fd = _open_temp(path)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(f"{len(self)} {self.vector_size}\n".encode("ascii"))
                _write_body(f, self, binary)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    @classmethod
    def load_word2vec_format(cls, path, binary=False, dtype=np.float32):
        """Read a word2vec.c text or binary file (as written by word2vec.c, gensim or us).

        Parameters
        ----------
        path : str or os.PathLike
        binary : bool, default False
        dtype : numpy.float32 or numpy.float64, default float32
            float32 is what the binary format stores and what gensim loads.

        Returns
        -------
        KeyedVectors

        Raises
        ------
        ValueError
            One line naming the file and the line (text) or byte offset
            (binary) for a truncated file, a header that disagrees with the
            body, a non-number, a duplicate word or non-UTF-8 bytes.
        """
        path = pathlib.Path(path)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be numpy.float32 or numpy.float64, got {dtype!r}")
        data = path.read_bytes()
        end = data.find(b"\n")
        header = data[:end if end >= 0 else len(data)]
        try:
            V, d = (int(x) for x in header.decode("ascii").split())
            if V < 1 or d < 1:
                raise ValueError
        except ValueError:
            raise ValueError(f"{path}: line 1 must be the header '<number of words> <dimension>' with two "
                             f"positive integers, got {header[:60]!r}") from None
        if end < 0:
            raise ValueError(f"{path}: truncated after the header: expected {V} words of dimension {d}")
        if not binary:
            keys, vectors = _read_text(path, data, end + 1, V, d, dtype)
            return cls(keys, vectors)
        try:
            keys, vectors = _read_binary(path, data, end + 1, V, d, dtype)
        except ValueError as exc:
            if _looks_like_text(data[end + 1:], d):
                raise ValueError(f"{exc}; the file looks like the text format: pass binary=False "
                                 "(--binary 0)") from None
            raise
        return cls(keys, vectors)


# ---------------------------------------------------------------- file helpers
def _open_temp(path):
    """A new file next to ``path`` (same filesystem, so the rename is atomic); mode honours the umask."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def _text_line(key, row):
    if row.dtype == np.float32:
        values = " ".join("%.9g" % x for x in row.tolist())  # 9 digits round-trip float32
    else:
        values = " ".join(repr(x) for x in row.tolist())      # shortest round-trip float64
    return f"{key} {values}\n".encode("utf-8")


def _binary_record(key, row):
    # word2vec.c: fprintf("%s ", word); fwrite(float32 * d); fprintf("\n")
    return key.encode("utf-8") + b" " + row.astype("<f4").tobytes() + b"\n"


def _write_body(f, kv, binary):
    record = _binary_record if binary else _text_line
    for key, row in zip(kv.index_to_key, kv.vectors):
        f.write(record(key, row))


def _read_text(path, data, start, V, d, dtype):
    lines = data[start:].split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # final newline
    keys, vectors, seen = [], np.empty((V, d), dtype=dtype), set()
    for i, raw in enumerate(lines):
        line_no = i + 2
        if i >= V:
            if raw.strip():
                raise ValueError(f"{path}: line {line_no}: more words than the header's count {V} "
                                 "(wrong count in the header?)")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"{path}: line {line_no} is not valid UTF-8 (byte {e.start} of the line); "
                             "is it a binary file? then pass binary=True (--binary 1)") from None
        # fields are separated by ASCII spaces (word2vec.c writes "word v1 v2 ... vd \n"); a word may
        # hold other characters that Python counts as whitespace (e.g. U+00A0), as gensim's reader allows
        parts = [p for p in text.rstrip().split(" ") if p]
        if len(parts) != d + 1:
            raise ValueError(f"{path}: line {line_no} has {len(parts) - 1 if parts else 0} numbers after the word, "
                             f"the header says {d}")
        try:
            vectors[i] = np.array(parts[1:], dtype=np.float64)
        except ValueError:
            bad = next(p for p in parts[1:] if not _is_float(p))
            raise ValueError(f"{path}: line {line_no}: {bad[:30]!r} is not a number") from None
        key = parts[0]
        if key in seen:
            raise ValueError(f"{path}: line {line_no}: word {key!r} appears twice")
        seen.add(key)
        keys.append(key)
    if len(keys) < V:
        raise ValueError(f"{path}: truncated: the header promises {V} words, the file has {len(keys)} "
                         f"(ends at line {len(lines) + 1})")
    return keys, vectors


def _looks_like_text(body, d):
    """True if the first line after the header is UTF-8 text holding a word and d numbers."""
    first = body[:body.find(b"\n")] if b"\n" in body else body
    try:
        parts = first.decode("utf-8").split()
    except UnicodeDecodeError:
        return False
    return len(parts) == d + 1 and all(_is_float(p) for p in parts[1:])


def _is_float(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def _read_binary(path, data, pos, V, d, dtype):
    nbytes = 4 * d
    keys, vectors, seen = [], np.empty((V, d), dtype=dtype), set()
    n = len(data)
    for i in range(V):
        while pos < n and data[pos] in b"\n\r":
            pos += 1  # word2vec.c's newline after each vector; gensim writes none
        space = data.find(b" ", pos, pos + 10000)
        if space < 0:
            what = "ends" if data.find(b" ", pos) < 0 else "has no space after a word"
            raise ValueError(f"{path}: truncated or corrupt at byte offset {pos}: the file {what} while reading "
                             f"word {i + 1} of the {V} the header promises")
        if space == pos:
            raise ValueError(f"{path}: empty word at byte offset {pos} (word {i + 1} of {V}): corrupt file")
        try:
            key = data[pos:space].decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"{path}: word {i + 1} at byte offset {pos + e.start} is not valid UTF-8") from None
        if space + 1 + nbytes > n:
            raise ValueError(f"{path}: truncated at byte offset {n}: the vector of word {i + 1} ({key!r}) of "
                             f"the {V} the header promises needs {nbytes} bytes from offset {space + 1}")
        if key in seen:
            raise ValueError(f"{path}: word {key!r} at byte offset {pos} appears twice")
        seen.add(key)
        vectors[i] = np.frombuffer(data, dtype="<f4", count=d, offset=space + 1)
        keys.append(key)
        pos = space + 1 + nbytes
    if data[pos:].strip(b"\n\r"):
        raise ValueError(f"{path}: {n - pos} unexpected bytes after the {V} words the header promises, from "
                         f"byte offset {pos} (wrong count in the header?)")
    return keys, vectors
