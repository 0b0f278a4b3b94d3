"""Continuous bag of words (CBOW), notebook 03.

CBOW predicts the centre word c from the mean of its 2m context vectors
(Mikolov et al. 2013a, section 3.1):

    h = (1 / 2m) Σ_{j=1}^{2m} V_in[context_j]                       (3.1)

The objectives are those of skip-gram with ``h`` in place of ``v_c``
((1.2) for the softmax, (2.1) for negative sampling), so by the chain rule

    ∂J/∂V_in[w] = (n_w / 2m) · ∂J/∂h                                (3.2)

where n_w is how often w occurs in the context: a word repeated in the
window receives the gradient once per occurrence. (word2vec.c adds ∂J/∂h
to each context word *without* the 1/2m factor; notebook 03 discusses it.)
"""
import numpy as np

from . import _validate
from .negative_sampling import neg_sampling_core, scatter_rows
from .naive_softmax import softmax_error

__all__ = ["cbow_softmax_loss_and_grads", "cbow_neg_sampling_loss_and_grads"]


def _context_mean(context, V_in, U):
    V_in = _validate.matrix("V_in", V_in)
    U = _validate.matrix("U", U, rows=V_in.shape[0], cols=V_in.shape[1])
    context = _validate.indices("context", context, V_in.shape[0], allow_empty=False, what="rows of V_in")
    h = V_in[context].mean(axis=0)  # (3.1)
    return context, V_in, U, h


def _spread_to_context(context, grad_h, shape):
    """(3.2): each occurrence of a context word receives grad_h / 2m."""
    return scatter_rows(shape[0], shape[1], context, np.tile(grad_h / len(context), (len(context), 1)))


def cbow_softmax_loss_and_grads(context, c, V_in, U):
    """CBOW with the full softmax: loss and gradients for one window.

    Implements (3.1), (3.2) with (1.2), (1.5), (1.6).

    Parameters
    ----------
    context : array_like of int, shape (2m,)
        Indices of the context words (repeats allowed).
    c : int
        Index of the centre word to predict.
    V_in : array_like, shape (V, d)
        Input vectors.
    U : array_like, shape (V, d)
        Output vectors.

    Returns
    -------
    loss : float
        ``−log softmax(U h)[c]`` with ``h`` the context mean.
    grad_V_in : ndarray, shape (V, d)
    grad_U : ndarray, shape (V, d)
    """
    context, V_in, U, h = _context_mean(context, V_in, U)
    c = _validate.index("c", c, U.shape[0], what="rows of U")
    loss, delta = softmax_error(h, c, U)
    grad_h = U.T @ delta
    return loss, _spread_to_context(context, grad_h, V_in.shape), np.outer(delta, h)


def cbow_neg_sampling_loss_and_grads(context, c, neg, V_in, U):
    """CBOW with negative sampling: loss and gradients for one window.

    Implements (3.1), (3.2) with (2.1), (2.5), (2.6).

    Parameters
    ----------
    context : array_like of int, shape (2m,)
    c : int
        Index of the centre word (the positive target).
    neg : array_like of int, shape (K,)
        Negative word indices; repeats and ``c`` itself are allowed, each
        occurrence is its own term.
    V_in, U : array_like, shape (V, d)

    Returns
    -------
    loss : float
    grad_V_in : ndarray, shape (V, d)
    grad_U : ndarray, shape (V, d)
    """
    context, V_in, U, h = _context_mean(context, V_in, U)
    c = _validate.index("c", c, U.shape[0], what="rows of U")
    neg = _validate.indices("neg", neg, U.shape[0], what="rows of U")
    loss, grad_h, grad_U = neg_sampling_core(h, c, neg, U)
    return loss, _spread_to_context(context, grad_h, V_in.shape), grad_U
