"""Corpora: the real text that ships inside gensim, and readers for your own files.

Nothing here touches the network. The two real corpora are test data bundled
in the gensim wheel (``gensim/test/test_data``):

* ``lee_background.cor`` — 300 news articles (Lee et al., 2005), one per
  line, tokenised with gensim's ``simple_preprocess`` (lower case, letters
  only, tokens of 2–15 characters), as gensim's own word2vec tests do;
* ``enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2`` —
  a shortened English Wikipedia dump, turned into one token list per article
  exactly as gensim's ``WikiCorpus`` does (main namespace only, wiki markup
  stripped by ``filter_wiki``, the same ``tokenize``, articles of fewer than
  50 tokens dropped), but serially: ``WikiCorpus.get_texts`` starts a
  multiprocessing pool, which is slow to start and fragile inside notebooks.

``reference_corpus()`` is their concatenation, the benchmark workload of
issue 5: 406 sentences (300 + 106 articles), 511,096 tokens, 9,733 distinct
words with at least 5 occurrences (469,133 of the tokens).

The file readers follow gensim's ``Text8Corpus`` (text8: one long line, cut
into sentences of at most 10,000 words) and ``LineSentence`` (one sentence
per line, split on whitespace, long lines cut into 10,000-word pieces, empty
lines skipped). 10,000 is also the longest sentence gensim's trainer uses
(words beyond it are dropped); word2vec.c cuts at 1,000 words. Both readers
decode strictly as UTF-8 and name the file and the line or byte offset of
the first bad byte. Equal tokens share one string object (a small intern
table), so a large corpus costs one pointer per token, not one string.
"""
import bz2
import functools
import pathlib

__all__ = [
    "gensim_test_data", "lee_background", "wiki_short", "reference_corpus",
    "read_text8", "read_lines", "MAX_SENTENCE_LENGTH",
]

MAX_SENTENCE_LENGTH = 10000  # gensim's MAX_WORDS_IN_BATCH / Text8Corpus default

WIKI_SHORT = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
LEE_BACKGROUND = "lee_background.cor"


def gensim_test_data(name):
    """Path of a file bundled in the installed gensim's ``gensim/test/test_data``.

    Parameters
    ----------
    name : str
        File name, e.g. ``"lee_background.cor"`` or ``"wordsim353.tsv"``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If gensim is not installed or the file is not in its test data.
    """
    try:
        import gensim
    except ImportError:  # pragma: no cover - gensim is a dependency
        raise ValueError(f"gensim is not installed, so its test data file {name!r} is unavailable: "
                         "pip install gensim") from None
    folder = pathlib.Path(gensim.__file__).resolve().parent / "test" / "test_data"
    path = folder / name
    if not path.is_file():
        raise ValueError(f"{name!r} is not in gensim's bundled test data ({folder}); "
                         f"check the name or reinstall gensim (found gensim {gensim.__version__})")
    return path


def _copy(sentences):
    # callers get their own lists (they may mutate them); the cached strings are shared
    return [list(s) for s in sentences]


@functools.lru_cache(maxsize=1)
def _lee_background():
    from gensim.utils import simple_preprocess
    with open(gensim_test_data(LEE_BACKGROUND), encoding="utf8") as f:
        return tuple(tuple(simple_preprocess(line)) for line in f)


def lee_background():
    """The Lee background corpus: one token list per news article (300 sentences).

    Tokenised with gensim's ``simple_preprocess`` like gensim's own word2vec
    tests (58,152 tokens).

    Returns
    -------
    list of list of str
    """
    return _copy(_lee_background())


@functools.lru_cache(maxsize=1)
def _wiki_short():
    from gensim.corpora.wikicorpus import (ARTICLE_MIN_WORDS, IGNORED_NAMESPACES, TOKEN_MAX_LEN,
                                           TOKEN_MIN_LEN, extract_pages, process_article, tokenize)
    texts = []
    with bz2.BZ2File(gensim_test_data(WIKI_SHORT)) as f:
        # same steps as WikiCorpus.get_texts (main namespace '0'), without its process pool
        for title, text, pageid in extract_pages(f, filter_namespaces=("0",)):
            tokens, title, _ = process_article((text, title, pageid), tokenizer_func=tokenize,
                                               token_min_len=TOKEN_MIN_LEN, token_max_len=TOKEN_MAX_LEN,
                                               lower=True)
            if len(tokens) < ARTICLE_MIN_WORDS or any(title.startswith(ns + ":") for ns in IGNORED_NAMESPACES):
                continue
            texts.append(tuple(tokens))
    return tuple(texts)


def wiki_short():
    """gensim's shortened English Wikipedia dump: one token list per article.

    106 articles, 452,944 tokens, tokenised as gensim's ``WikiCorpus`` does
    (see the module docstring). Parsed once per process (about a second),
    then cached.

    Returns
    -------
    list of list of str
    """
    return _copy(_wiki_short())


def reference_corpus():
    """``lee_background() + wiki_short()``: the benchmark workload of issue 5.

    406 sentences, 511,096 tokens; 9,733 words occur at least 5 times.

    Returns
    -------
    list of list of str
    """
    return lee_background() + wiki_short()


def _split(tokens, max_sentence_length):
    return [tokens[i:i + max_sentence_length] for i in range(0, len(tokens), max_sentence_length)]


def _check_length(max_sentence_length):
    if isinstance(max_sentence_length, bool) or not isinstance(max_sentence_length, int) or max_sentence_length < 1:
        raise ValueError(f"max_sentence_length must be an integer >= 1, got {max_sentence_length!r}")


def _intern(table, tokens):
    return [table.setdefault(t, t) for t in tokens]


def read_text8(path, max_sentence_length=MAX_SENTENCE_LENGTH, chunk_bytes=1 << 20):
    """Read a text8-style file: words separated by spaces, cut into sentences.

    text8 (Mahoney's cleaned first 10^8 bytes of Wikipedia) is a single line;
    like gensim's ``Text8Corpus`` the word stream is cut into consecutive
    sentences of ``max_sentence_length`` words (newlines, if any, are just
    more whitespace). The file is read in chunks, never as one string.

    Parameters
    ----------
    path : str or os.PathLike
    max_sentence_length : int, default 10000
    chunk_bytes : int, default 1 MiB
        Read size (exposed for the tests).

    Returns
    -------
    list of list of str

    Raises
    ------
    ValueError
        If the file is not valid UTF-8 (names the file and the byte offset).
    """
    _check_length(max_sentence_length)
    path = pathlib.Path(path)
    sentences, current, table = [], [], {}
    offset = 0  # file offset of buf[0]
    buf = b""
    with open(path, "rb") as f:
        while True:
            chunk = f.read(chunk_bytes)
            buf += chunk
            if chunk:
                cut = max(buf.rfind(b" "), buf.rfind(b"\n"), buf.rfind(b"\t"), buf.rfind(b"\r"))
                if cut < 0:
                    continue  # one long token so far: keep reading
                done, buf_next = buf[:cut + 1], buf[cut + 1:]
            else:
                done, buf_next = buf, b""
            try:
                text = done.decode("utf-8")
            except UnicodeDecodeError as e:
                raise ValueError(f"{path}: not valid UTF-8 at byte offset {offset + e.start} "
                                 f"({e.reason}); text8 files must be UTF-8 text") from None
            current.extend(_intern(table, text.split()))
            while len(current) >= max_sentence_length:
                sentences.append(current[:max_sentence_length])
                current = current[max_sentence_length:]
            offset += len(done)
            buf = buf_next
            if not chunk:
                break
    if current:
        sentences.append(current)
    return sentences


def read_lines(path, max_sentence_length=MAX_SENTENCE_LENGTH):
    """Read a text file with one sentence per line, whitespace-tokenised.

    Like gensim's ``LineSentence``: tokens are split on whitespace, nothing
    is lower-cased or stripped of punctuation, empty lines are skipped and a
    line longer than ``max_sentence_length`` words becomes several sentences.

    Parameters
    ----------
    path : str or os.PathLike
    max_sentence_length : int, default 10000

    Returns
    -------
    list of list of str

    Raises
    ------
    ValueError
        If a line is not valid UTF-8 (names the file, the 1-based line number
        and the byte offset within the line).
    """
    _check_length(max_sentence_length)
    path = pathlib.Path(path)
    sentences, table = [], {}
    with open(path, "rb") as f:
        for line_no, raw in enumerate(f, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise ValueError(f"{path}: line {line_no} is not valid UTF-8 (byte {e.start} of the line: "
                                 f"{e.reason}); save the file as UTF-8") from None
            tokens = line.split()
            if tokens:
                sentences.extend(_split(_intern(table, tokens), max_sentence_length))
    return sentences
