"""w2vlib — Word2Vec, derived.

A small NumPy library that accompanies the notebook series: every objective
here is derived by hand in a notebook, verified with SymPy and checked in the
tests against finite differences.

The objectives are imported eagerly (they only need NumPy). Heavier pieces
(the trainer, vector files, evaluation) are imported on first use so that
``import w2vlib`` stays fast inside a notebook.
"""
from importlib import import_module

from .stable import sigmoid, log_sigmoid, softmax, log_softmax
from .naive_softmax import softmax_loss_and_grads
from .negative_sampling import neg_sampling_loss_and_grads
from .hierarchical import hs_loss_and_grads, huffman_codes
from .cbow import cbow_softmax_loss_and_grads, cbow_neg_sampling_loss_and_grads
from .gradcheck import gradcheck

__version__ = "0.1.0"

# name -> module that defines it; resolved lazily by __getattr__ below.
_LAZY = {
    "Word2Vec": "training",
    "KeyedVectors": "keyedvectors",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'w2vlib' has no attribute {name!r}")


__all__ = [
    "sigmoid", "log_sigmoid", "softmax", "log_softmax",
    "softmax_loss_and_grads", "neg_sampling_loss_and_grads",
    "hs_loss_and_grads", "huffman_codes",
    "cbow_softmax_loss_and_grads", "cbow_neg_sampling_loss_and_grads",
    "gradcheck", "Word2Vec", "KeyedVectors",
]
