"""Skip-gram with the full ("naive") softmax, notebook 01.

For a centre word c with input vector ``v_c`` and an outside word o, the
model predicts ``y_hat = softmax(U v_c)`` over the whole vocabulary and the
loss is the cross-entropy with the one-hot target ``y`` (Mikolov et al.
2013a, eq. 2):

    J = −log y_hat[o] = −u_o·v_c + log Σ_w exp(u_w·v_c)            (1.2)

Its gradients (derived in notebook 01 with the softmax Jacobian) are

    ∂J/∂v_c = Uᵀ (y_hat − y)                                        (1.5)
    ∂J/∂U   = (y_hat − y) v_cᵀ                                      (1.6)

Every step costs O(V·d): that is what notebooks 02, 03 and 05 remove.
"""
import numpy as np

from . import _validate
from .stable import log_softmax, softmax

__all__ = ["softmax_loss_and_grads", "softmax_error", "softmax_jacobian"]


def softmax_error(h, o, U):
    """Loss and the error vector ``y_hat − y`` for hidden vector ``h``.

    Shared by skip-gram (h = v_c) and CBOW (h = context mean).

    Returns
    -------
    loss : float
        −log softmax(U h)[o], computed with log-sum-exp. Implements (1.2).
    delta : ndarray, shape (V,)
        ``y_hat − y``, the gradient of the loss with respect to the logits
        ``z = U h``. Implements (1.4).
    """
    log_y_hat = log_softmax(U @ h)
    loss = -float(log_y_hat[o])
    delta = np.exp(log_y_hat)
    delta[o] -= 1.0
    return loss, delta


def softmax_loss_and_grads(v_c, o, U):
    """Naive-softmax skip-gram loss for one (centre, outside) pair and its gradients.

    Implements (1.2), (1.5) and (1.6) of notebook 01.

    Parameters
    ----------
    v_c : array_like, shape (d,)
        Input vector of the centre word.
    o : int
        Index of the outside (context) word, ``0 <= o < V``.
    U : array_like, shape (V, d)
        Output vectors, one row ``u_w`` per word.

    Returns
    -------
    loss : float
        ``−log softmax(U v_c)[o]``.
    grad_v_c : ndarray, shape (d,)
        ``Uᵀ (y_hat − y)``.
    grad_U : ndarray, shape (V, d)
        ``(y_hat − y) v_cᵀ``.

    Raises
    ------
    ValueError
        If a shape is wrong or ``o`` is not a valid row of ``U``.
    """
    U = _validate.matrix("U", U)
    v_c = _validate.vector("v_c", v_c, U.shape[1])
    o = _validate.index("o", o, U.shape[0], what="rows of U")
    loss, delta = softmax_error(v_c, o, U)
    grad_v_c = U.T @ delta
    grad_U = np.outer(delta, v_c)
    return loss, grad_v_c, grad_U


def softmax_jacobian(z):
    """Jacobian of ŷ = softmax(z): ∂ŷ_i/∂z_j = ŷ_i (δ_ij − ŷ_j).

    Implements (1.3) of notebook 01 in matrix form, diag(ŷ) − ŷ ŷᵀ.

    Parameters
    ----------
    z : array_like, shape (V,)
        Logits.

    Returns
    -------
    ndarray, shape (V, V)
        Entry (i, j) is ∂ŷ_i/∂z_j; symmetric, every column sums to 0.
    """
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"z must be a non-empty 1-D array of logits, shape (V,), got shape {z.shape}")
    y_hat = softmax(z)
    return np.diag(y_hat) - np.outer(y_hat, y_hat)
