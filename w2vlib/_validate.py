"""Argument checks shared by the objectives.

Each check returns a float64 / int64 array and raises ``ValueError`` with
one line that names the argument, what was expected and what was given.
"""
import numpy as np


def matrix(name, M, rows=None, cols=None):
    """A 2-D float64 array, optionally with a fixed number of rows/columns."""
    M = np.asarray(M, dtype=np.float64)
    want = f"({'V' if rows is None else rows}, {'d' if cols is None else cols})"
    if M.ndim != 2 or (rows is not None and M.shape[0] != rows) or (
        cols is not None and M.shape[1] != cols
    ):
        raise ValueError(f"{name} must have shape {want}, got shape {M.shape}")
    if M.shape[0] == 0 or M.shape[1] == 0:
        raise ValueError(f"{name} must be non-empty with shape {want}, got shape {M.shape}")
    return M


def vector(name, x, d):
    """A 1-D float64 array of length ``d``."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (d,):
        raise ValueError(f"{name} must have shape ({d},) to match d={d}, got shape {x.shape}")
    return x


def index(name, i, n, what="rows"):
    """A single integer index into ``n`` rows."""
    arr = np.asarray(i)
    if arr.ndim != 0 or not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool):
        raise ValueError(f"{name} must be a single integer index in [0, {n}), got {i!r}")
    i = int(arr)
    if not 0 <= i < n:
        raise ValueError(f"{name}={i} is out of range: it must index one of the {n} {what}, i.e. lie in [0, {n})")
    return i


def indices(name, idx, n, allow_empty=True, what="rows"):
    """A 1-D int64 array of indices into ``n`` rows (repeats allowed)."""
    arr = np.asarray(idx)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D integer array of shape (K,), got shape {arr.shape}")
    if arr.size == 0:
        if not allow_empty:
            raise ValueError(f"{name} must contain at least one index, got an empty array")
        return np.zeros(0, dtype=np.int64)
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integer indices, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    bad = (arr < 0) | (arr >= n)
    if bad.any():
        raise ValueError(
            f"{name} has out-of-range index {int(arr[bad][0])}: every entry must index one of "
            f"the {n} {what}, i.e. lie in [0, {n})"
        )
    return arr
