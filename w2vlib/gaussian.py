"""Gaussian word embeddings (Vilnis & McCallum, ICLR 2015), notebook 07.

Every word w is a Gaussian N(μ_w, Σ_w) with a diagonal covariance
Σ_w = diag(σ²_w), stored as a positive vector of variances ``var_w``.
Two energies compare a word i with a word j (paper, Sec. 3):

(7.1) the integral of a product of two Gaussian densities (derived in
      notebook 07 by completing the square):

          ∫ N(x; μ_i, Σ_i) N(x; μ_j, Σ_j) dx = N(0; μ_i − μ_j, Σ_i + Σ_j)

(7.2) the log expected-likelihood energy, diagonal case, with
      s = σ²_i + σ²_j and δ = μ_i − μ_j:

          E_EL = log N(0; δ, diag s) = −½ Σ_k [ log(2π s_k) + δ_k² / s_k ]

(7.3) its gradients, with Δ = δ / s (elementwise):

          ∂E/∂μ_i = −Δ,   ∂E/∂μ_j = Δ,   ∂E/∂σ²_i = ∂E/∂σ²_j = ½ (Δ² − 1/s)

(7.4) the KL divergence of two diagonal Gaussians:

          KL(N_i ‖ N_j) = ½ Σ_k [ σ²_ik/σ²_jk + (μ_ik − μ_jk)²/σ²_jk − 1 − log(σ²_ik/σ²_jk) ]

(7.5) its gradients, with Δ' = (μ_i − μ_j) / σ²_j:

          ∂KL/∂μ_i = Δ',   ∂KL/∂μ_j = −Δ',
          ∂KL/∂σ²_i = ½ (1/σ²_j − 1/σ²_i),
          ∂KL/∂σ²_j = ½ (1/σ²_j − σ²_i/σ²_j² − Δ'²)

      The paper's KL energy is E(w, c) = −KL(N_c ‖ N_w): its closed form
      (Sec. 3.2) has the word's Σ_w⁻¹ in the trace and the quadratic form,
      i.e. the word's Gaussian is the reference measure.

(7.6) the max-margin ranking loss of a word w, a context c and a negative
      context n (paper, Sec. 3.1):

          L = max(0, m − E(w, c) + E(w, n)),
          ∂L/∂E(w, c) = −1,  ∂L/∂E(w, n) = +1  where m − E(w,c) + E(w,n) > 0,
          and 0 elsewhere (at the kink we take the subgradient 0).

(7.7) the hard constraints of training (paper, Sec. 3.3/4), applied after
      every step by projection:

          ‖μ_w‖₂ ≤ C,    m_min ≤ σ²_wk ≤ M_max

Arrays are float64; every function validates its inputs and raises
``ValueError`` naming the argument.
"""
import time
from dataclasses import dataclass, field

import numpy as np

from . import sampling
from .negative_sampling import scatter_rows
from .vocab import Vocab, build_vocab

__all__ = [
    "log_expected_likelihood", "kl_divergence", "expected_likelihood",
    "energy", "max_margin_loss", "clip_means", "clip_variances",
    "GaussianEmbedding", "train_gaussian_embeddings",
    "distinct_contexts", "variance_frequency", "plot_ellipses", "plot_variance_frequency",
    "plot_product_of_densities", "product_integral_quadrature",
]

LOG_2PI = float(np.log(2.0 * np.pi))


# ----------------------------------------------------------------- validation

def _mean(name, x, d=None):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size == 0 or (d is not None and x.shape != (d,)):
        want = "(d,)" if d is None else f"({d},) to match mu_i"
        raise ValueError(f"{name} must be a non-empty 1-D array of shape {want}, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must contain finite numbers, got NaN or inf")
    return x


def _var(name, x, d):
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (d,):
        raise ValueError(f"{name} must have shape ({d},) to match mu_i (a diagonal variance per dimension), "
                         f"got shape {x.shape}")
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ValueError(f"{name} must hold positive finite variances (the diagonal of Σ), "
                         f"got min {np.min(x)!r}")
    return x


def _four(mu_i, var_i, mu_j, var_j):
    mu_i = _mean("mu_i", mu_i)
    d = mu_i.shape[0]
    return mu_i, _var("var_i", var_i, d), _mean("mu_j", mu_j, d), _var("var_j", var_j, d)


# ----------------------------------------------------- batched energy kernels
# Rows are independent pairs: arrays of shape (..., d). No validation here;
# the public functions validate and the trainer builds its arrays itself.

def _el_rows(mu_i, var_i, mu_j, var_j):
    """(7.2)–(7.3) on the last axis: value (...,), gradients (..., d)."""
    s = var_i + var_j                      # Σ_i + Σ_j (diagonal)
    delta = mu_i - mu_j                    # δ = μ_i − μ_j
    Delta = delta / s                      # Δ = (Σ_i + Σ_j)⁻¹ δ
    value = -0.5 * np.sum(LOG_2PI + np.log(s) + delta * Delta, axis=-1)   # (7.2)
    g_var = 0.5 * (Delta * Delta - 1.0 / s)                               # (7.3)
    return value, (-Delta, g_var, Delta, g_var.copy())


def _kl_rows(mu_i, var_i, mu_j, var_j):
    """(7.4)–(7.5) on the last axis: KL(N_i ‖ N_j) (...,), gradients (..., d)."""
    ratio = var_i / var_j
    delta = mu_i - mu_j
    Dp = delta / var_j                     # Δ' = Σ_j⁻¹ (μ_i − μ_j)
    value = 0.5 * np.sum(ratio + delta * Dp - 1.0 - np.log(ratio), axis=-1)  # (7.4)
    g_var_i = 0.5 * (1.0 / var_j - 1.0 / var_i)                              # (7.5)
    g_var_j = 0.5 * (1.0 / var_j - ratio / var_j - Dp * Dp)
    return value, (Dp, g_var_i, -Dp, g_var_j)


def _energy_rows(kind, mu_w, var_w, mu_c, var_c):
    """E(w, c) and its gradients (w.r.t. μ_w, σ²_w, μ_c, σ²_c) on the last axis."""
    if kind == "el":
        return _el_rows(mu_w, var_w, mu_c, var_c)
    # E(w, c) = −KL(N_c ‖ N_w): the word is the reference measure (paper, Sec. 3.2)
    kl, (g_mu_c, g_var_c, g_mu_w, g_var_w) = _kl_rows(mu_c, var_c, mu_w, var_w)
    return -kl, (-g_mu_w, -g_var_w, -g_mu_c, -g_var_c)


def _kind(energy_kind):
    if energy_kind not in ("el", "kl"):
        raise ValueError(f"energy must be 'el' (expected likelihood) or 'kl' (negative KL), got {energy_kind!r}")
    return energy_kind


# ------------------------------------------------------------- public energies

def log_expected_likelihood(mu_i, var_i, mu_j, var_j):
    """Log expected-likelihood energy of two diagonal Gaussians and its gradients.

    Implements (7.2) and (7.3); the value is the logarithm of (7.1):
    ``log ∫ N(x; μ_i, Σ_i) N(x; μ_j, Σ_j) dx = log N(0; μ_i − μ_j, Σ_i + Σ_j)``.

    Parameters
    ----------
    mu_i, mu_j : array_like, shape (d,)
        Means.
    var_i, var_j : array_like, shape (d,)
        Diagonals of Σ_i and Σ_j (positive, finite).

    Returns
    -------
    value : float
        E_EL = −½ Σ_k [log 2π(σ²_ik + σ²_jk) + (μ_ik − μ_jk)² / (σ²_ik + σ²_jk)].
    grads : tuple of ndarray, each shape (d,)
        ``(∂E/∂μ_i, ∂E/∂σ²_i, ∂E/∂μ_j, ∂E/∂σ²_j)`` = ``(−Δ, ½(Δ² − 1/s), Δ, ½(Δ² − 1/s))``
        with s = σ²_i + σ²_j and Δ = (μ_i − μ_j)/s.

    Raises
    ------
    ValueError
        If the shapes differ or a variance is not positive and finite.

    Examples
    --------
    >>> value, _ = log_expected_likelihood([0.0], [1.0], [0.0], [1.0])
    >>> round(value, 6)  # log N(0; 0, 2) = −½ log(4π)
    -1.265512
    """
    value, grads = _el_rows(*_four(mu_i, var_i, mu_j, var_j))
    return float(value), grads


def kl_divergence(mu_i, var_i, mu_j, var_j):
    """KL(N(μ_i, Σ_i) ‖ N(μ_j, Σ_j)) for diagonal covariances, and its gradients.

    Implements (7.4) and (7.5).

    Parameters
    ----------
    mu_i, mu_j : array_like, shape (d,)
    var_i, var_j : array_like, shape (d,)
        Positive finite variances.

    Returns
    -------
    value : float
        ½ Σ_k [σ²_ik/σ²_jk + (μ_ik − μ_jk)²/σ²_jk − 1 − log(σ²_ik/σ²_jk)] ≥ 0.
    grads : tuple of ndarray, each shape (d,)
        ``(∂KL/∂μ_i, ∂KL/∂σ²_i, ∂KL/∂μ_j, ∂KL/∂σ²_j)`` =
        ``(Δ', ½(1/σ²_j − 1/σ²_i), −Δ', ½(1/σ²_j − σ²_i/σ²_j² − Δ'²))`` with Δ' = (μ_i − μ_j)/σ²_j.

    Raises
    ------
    ValueError
        If the shapes differ or a variance is not positive and finite.
    """
    value, grads = _kl_rows(*_four(mu_i, var_i, mu_j, var_j))
    return float(value), grads


def expected_likelihood(mu_i, Sigma_i, mu_j, Sigma_j):
    """∫ N(x; μ_i, Σ_i) N(x; μ_j, Σ_j) dx for full covariance matrices.

    Implements (7.1) in the general (non-diagonal) case: the value of the
    Gaussian density with covariance Σ_i + Σ_j at μ_i − μ_j, computed with a
    Cholesky factor (Σ_i + Σ_j = L Lᵀ, log|Σ_i + Σ_j| = 2 Σ log L_kk).

    Parameters
    ----------
    mu_i, mu_j : array_like, shape (d,)
    Sigma_i, Sigma_j : array_like, shape (d, d)
        Symmetric positive definite.

    Returns
    -------
    float
    """
    mu_i = _mean("mu_i", mu_i)
    d = mu_i.shape[0]
    mu_j = _mean("mu_j", mu_j, d)
    S = []
    for name, M in (("Sigma_i", Sigma_i), ("Sigma_j", Sigma_j)):
        M = np.asarray(M, dtype=np.float64)
        if M.shape != (d, d):
            raise ValueError(f"{name} must have shape ({d}, {d}) to match mu_i, got shape {M.shape}")
        if not np.all(np.isfinite(M)) or not np.allclose(M, M.T, rtol=1e-12, atol=1e-12):
            raise ValueError(f"{name} must be a finite symmetric matrix")
        try:
            np.linalg.cholesky(M)
        except np.linalg.LinAlgError:
            raise ValueError(f"{name} must be positive definite (a covariance matrix)") from None
        S.append(M)
    L = np.linalg.cholesky(S[0] + S[1])
    z = np.linalg.solve(L, mu_i - mu_j)          # zᵀz = δᵀ(Σ_i + Σ_j)⁻¹δ
    log_det = 2.0 * np.sum(np.log(np.diag(L)))
    return float(np.exp(-0.5 * (d * LOG_2PI + log_det + z @ z)))


def energy(mu_w, var_w, mu_c, var_c, kind="el"):
    """The energy E(w, c) used for training, and its gradients.

    ``kind="el"``: E = log expected likelihood (7.2)–(7.3).
    ``kind="kl"``: E = −KL(N_c ‖ N_w), the paper's KL energy, from (7.4)–(7.5).

    Returns
    -------
    value : float
    grads : tuple of ndarray
        ``(∂E/∂μ_w, ∂E/∂σ²_w, ∂E/∂μ_c, ∂E/∂σ²_c)``.
    """
    kind = _kind(kind)
    arrays = _four(mu_w, var_w, mu_c, var_c)
    value, grads = _energy_rows(kind, *arrays)
    return float(value), grads


def max_margin_loss(mu_w, var_w, mu_c, var_c, mu_n, var_n, margin=1.0, kind="el"):
    """Max-margin ranking loss of a positive and a negative context, with gradients.

    Implements (7.6): ``L = max(0, margin − E(w, c) + E(w, n))``.

    Parameters
    ----------
    mu_w, var_w : array_like, shape (d,)
        The word's Gaussian.
    mu_c, var_c : array_like, shape (d,)
        The observed context's Gaussian.
    mu_n, var_n : array_like, shape (d,)
        The negative (noise) context's Gaussian.
    margin : float
        The margin m > 0.
    kind : {"el", "kl"}
        Which energy (see :func:`energy`).

    Returns
    -------
    value : float
    grads : tuple of ndarray, each shape (d,)
        ``(∂L/∂μ_w, ∂L/∂σ²_w, ∂L/∂μ_c, ∂L/∂σ²_c, ∂L/∂μ_n, ∂L/∂σ²_n)``; all zero
        when the margin is met (``L = 0``).
    """
    kind = _kind(kind)
    if not np.isfinite(margin) or margin <= 0:
        raise ValueError(f"margin must be a positive finite number, got {margin!r}")
    mu_w, var_w, mu_c, var_c = _four(mu_w, var_w, mu_c, var_c)
    d = mu_w.shape[0]
    mu_n = _mean("mu_n", mu_n, d)
    var_n = _var("var_n", var_n, d)
    e_pos, (gw_mu_p, gw_var_p, gc_mu, gc_var) = _energy_rows(kind, mu_w, var_w, mu_c, var_c)
    e_neg, (gw_mu_n, gw_var_n, gn_mu, gn_var) = _energy_rows(kind, mu_w, var_w, mu_n, var_n)
    value = margin - e_pos + e_neg
    if value <= 0:
        z = np.zeros(d)
        return 0.0, (z, z.copy(), z.copy(), z.copy(), z.copy(), z.copy())
    # chain rule: ∂L/∂θ = −∂E(w,c)/∂θ + ∂E(w,n)/∂θ
    return float(value), (gw_mu_n - gw_mu_p, gw_var_n - gw_var_p, -gc_mu, -gc_var, gn_mu, gn_var)


# ------------------------------------------------------------------ clipping

def clip_means(mu, C):
    """Project every row of ``mu`` onto the ball ‖μ‖₂ ≤ C. Implements (7.7).

    Rows already inside are returned unchanged; longer rows are rescaled to
    length C (the Euclidean projection onto the ball).

    Parameters
    ----------
    mu : array_like, shape (d,) or (V, d)
    C : float
        Positive radius.

    Returns
    -------
    ndarray, same shape, float64 (a new array)
    """
    if not np.isfinite(C) or C <= 0:
        raise ValueError(f"C must be a positive finite radius, got {C!r}")
    mu = np.array(mu, dtype=np.float64)
    if mu.ndim not in (1, 2):
        raise ValueError(f"mu must have shape (d,) or (V, d), got shape {mu.shape}")
    norm = np.linalg.norm(mu, axis=-1, keepdims=True)
    scale = np.minimum(1.0, C / np.maximum(norm, np.finfo(np.float64).tiny))
    return mu * scale


def clip_variances(var, m_min, M_max):
    """Clip every variance into [m_min, M_max]. Implements (7.7).

    This is the projection onto m_min·I ⪯ Σ ⪯ M_max·I for diagonal Σ.

    Returns
    -------
    ndarray, same shape, float64 (a new array)
    """
    if not (np.isfinite(m_min) and np.isfinite(M_max)) or m_min <= 0 or M_max < m_min:
        raise ValueError(f"m_min and M_max must satisfy 0 < m_min <= M_max < inf, got {m_min!r}, {M_max!r}")
    return np.clip(np.asarray(var, dtype=np.float64), m_min, M_max)


# ------------------------------------------------------------------- trainer

@dataclass
class GaussianEmbedding:
    """Trained Gaussian embeddings.

    Attributes
    ----------
    vocab : Vocab
    mu, var : ndarray, shape (V, d)
        The words' means and diagonal variances (the Gaussians compared by
        the energies as "w").
    mu_ctx, var_ctx : ndarray, shape (V, d)
        The context Gaussians ("c"), separate parameters as in word2vec.
    kind : str
        ``"el"`` or ``"kl"``.
    margin : float
    loss_history : list of float
        Mean ranking loss (7.6) over the training triples of each epoch.
    eval_loss : list of float
        Mean loss on a fixed evaluation sample of triples, before training
        and after each epoch (``eval_loss[0]`` is the initial loss).
    seconds : float
        Wall-clock training time.
    """

    vocab: Vocab
    mu: np.ndarray
    var: np.ndarray
    mu_ctx: np.ndarray
    var_ctx: np.ndarray
    kind: str
    margin: float
    loss_history: list = field(default_factory=list)
    eval_loss: list = field(default_factory=list)
    seconds: float = 0.0

    def __getitem__(self, word):
        """``(mu, var)`` of a word."""
        i = self.vocab.key_to_index[word]
        return self.mu[i], self.var[i]

    def mean_loss(self, w, c, neg):
        """Mean ranking loss (7.6) over triples (word ids, context ids, negative ids (P, K))."""
        w, c, neg = np.asarray(w), np.asarray(c), np.asarray(neg)
        loss, _ = _triple_loss(self.kind, self.margin, self.mu[w], self.var[w],
                               self.mu_ctx[c], self.var_ctx[c], self.mu_ctx[neg], self.var_ctx[neg])
        return float(loss.mean()) if loss.size else 0.0


def _triple_loss(kind, margin, mu_w, var_w, mu_c, var_c, mu_n, var_n):
    """Vectorised (7.6): B words, B contexts, (B, K) negatives.

    Returns the per-triple losses (B, K) and the gradients w.r.t. the
    gathered rows: (g_mu_w, g_var_w) (B, d), (g_mu_c, g_var_c) (B, d),
    (g_mu_n, g_var_n) (B, K, d).
    """
    e_pos, (pw_mu, pw_var, pc_mu, pc_var) = _energy_rows(kind, mu_w, var_w, mu_c, var_c)
    e_neg, (nw_mu, nw_var, nn_mu, nn_var) = _energy_rows(kind, mu_w[:, None], var_w[:, None], mu_n, var_n)
    raw = margin - e_pos[:, None] + e_neg                 # (B, K)
    active = (raw > 0).astype(np.float64)
    loss = raw * active
    n_act = active.sum(axis=1)[:, None]                   # Σ_k [active]
    a = active[:, :, None]
    g_mu_w = -n_act * pw_mu + np.sum(a * nw_mu, axis=1)
    g_var_w = -n_act * pw_var + np.sum(a * nw_var, axis=1)
    return loss, (g_mu_w, g_var_w, -n_act * pc_mu, -n_act * pc_var, a * nn_mu, a * nn_var)


def _positive_number(name, value, strict=True):
    if isinstance(value, bool) or not np.isscalar(value) or not np.isfinite(value) or (
        value <= 0 if strict else value < 0
    ):
        raise ValueError(f"{name} must be a {'positive' if strict else 'non-negative'} finite number, got {value!r}")
    return float(value)


def _int(name, value, low):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def train_gaussian_embeddings(corpus=None, *, ids=None, starts=None, vocab=None, dim=10, epochs=5, seed=0,
                              kind="el", window=5, negative=1, margin=1.0, lr=0.2, batch_size=2048,
                              min_count=5, sample=1e-3, C=2.0, m_min=0.05, M_max=5.0, var_init=1.0,
                              mean_init=0.1, eval_pairs=20000, verbose=False):
    """Train diagonal Gaussian embeddings with the max-margin ranking loss.

    The algorithm of Vilnis & McCallum (2015, Sec. 3–4), vectorised:

    1. vocabulary (4.1) and encoding with :mod:`w2vlib.vocab`;
    2. per epoch: subsampling (4.2) and word2vec.c's dynamic windows (4.6)
       from :mod:`w2vlib.sampling` give the (word, context) pairs, in a
       random order; every pair gets ``negative`` noise contexts drawn from
       the unigram^0.75 table (4.4)–(4.5);
    3. each minibatch of ``batch_size`` pairs takes one AdaGrad step
       (the paper's optimiser) on the summed loss (7.6) with the gradients
       (7.3) or (7.5), repeated rows accumulating; then the touched means
       and variances are projected back by (7.7).

    Words and contexts have separate Gaussians (``mu``/``var`` and
    ``mu_ctx``/``var_ctx``), as word2vec keeps V_in and U.

    Parameters
    ----------
    corpus : list of list of str, optional
        Tokenised sentences; or give ``ids``, ``starts`` and ``vocab`` (from
        ``Vocab.encode``) instead.
    dim : int
        Dimension d.
    epochs : int
    seed : int
        Seeds ``np.random.default_rng``: same seed, same arrays.
    kind : {"el", "kl"}
        The energy.
    window : int
        Maximal window m of (4.6).
    negative : int
        Noise contexts per pair (K).
    margin : float
        The margin of (7.6).
    lr : float
        AdaGrad step size η.
    batch_size : int
    min_count : int
    sample : float
        Subsampling threshold t of (4.2); 0 switches it off.
    C, m_min, M_max : float
        The constraints (7.7).
    var_init, mean_init : float
        Initial variances (all equal) and the standard deviation of the
        initial means (normal, then clipped).
    eval_pairs : int
        Size of the fixed evaluation sample of triples for ``eval_loss``.

    Returns
    -------
    GaussianEmbedding
    """
    kind = _kind(kind)
    dim = _int("dim", dim, 1)
    epochs = _int("epochs", epochs, 1)
    window = _int("window", window, 1)
    negative = _int("negative", negative, 1)
    batch_size = _int("batch_size", batch_size, 1)
    eval_pairs = _int("eval_pairs", eval_pairs, 1)
    margin = _positive_number("margin", margin)
    lr = _positive_number("lr", lr)
    C = _positive_number("C", C)
    m_min = _positive_number("m_min", m_min)
    M_max = _positive_number("M_max", M_max)
    if M_max < m_min:
        raise ValueError(f"M_max must be >= m_min, got M_max={M_max!r} < m_min={m_min!r}")
    var_init = _positive_number("var_init", var_init)
    if not m_min <= var_init <= M_max:
        raise ValueError(f"var_init must lie in [m_min, M_max] = [{m_min}, {M_max}], got {var_init!r}")
    mean_init = _positive_number("mean_init", mean_init, strict=False)
    sample = _positive_number("sample", sample, strict=False)
    if corpus is not None:
        if ids is not None or vocab is not None or starts is not None:
            raise ValueError("give either corpus or (ids, starts, vocab), not both")
        vocab = build_vocab(corpus, min_count=min_count)
        ids, starts = vocab.encode(corpus)
    else:
        if ids is None or starts is None or not isinstance(vocab, Vocab):
            raise ValueError("ids, starts and vocab (a w2vlib.vocab.Vocab) are required when corpus is not given")
        ids = np.asarray(ids)
        starts = np.asarray(starts)
        if ids.ndim != 1 or ids.size == 0 or ids.min() < 0 or ids.max() >= len(vocab):
            raise ValueError(f"ids must be a non-empty 1-D array of indices in [0, {len(vocab)})")
        if starts.ndim != 1 or starts.size < 2 or starts[0] != 0 or starts[-1] != ids.size or np.any(np.diff(starts) < 0):
            raise ValueError(f"starts must be non-decreasing sentence offsets from 0 to len(ids)={ids.size}")

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    V, d = len(vocab), dim
    sentence_of = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    mu = clip_means(rng.normal(0.0, mean_init, size=(V, d)), C)
    mu_ctx = clip_means(rng.normal(0.0, mean_init, size=(V, d)), C)
    var = np.full((V, d), var_init)
    var_ctx = np.full((V, d), var_init)
    params = [mu, var, mu_ctx, var_ctx]
    G = [np.zeros((V, d)) for _ in params]         # AdaGrad accumulators
    table = sampling.unigram_table(vocab.counts, table_size=max(10**6, 100 * V))
    keep = sampling.keep_probability(vocab.counts, sample)

    def pairs(generator):
        mask = sampling.subsample(ids, keep, generator)
        kept_ids, kept_sent = ids[mask], sentence_of[mask]
        centre, context = sampling.window_pairs(kept_sent, window, generator)
        return kept_ids[centre].astype(np.int64), kept_ids[context].astype(np.int64)

    # fixed evaluation sample (its own generator, so training draws are unaffected by its size)
    eval_rng = np.random.default_rng([seed, 1])
    ew, ec = pairs(eval_rng)
    pick = eval_rng.choice(ew.size, size=min(eval_pairs, ew.size), replace=False)
    ew, ec = ew[pick], ec[pick]
    en = sampling.draw_negatives(table, eval_rng, (ew.size, negative)).astype(np.int64)
    model = GaussianEmbedding(vocab, mu, var, mu_ctx, var_ctx, kind, margin)
    model.eval_loss.append(model.mean_loss(ew, ec, en))

    eps = 1e-8
    for epoch in range(epochs):
        w_all, c_all = pairs(rng)
        order = rng.permutation(w_all.size)
        w_all, c_all = w_all[order], c_all[order]
        n_all = sampling.draw_negatives(table, rng, (w_all.size, negative)).astype(np.int64)
        total = 0.0
        for b in range(0, w_all.size, batch_size):
            w, c, n = w_all[b:b + batch_size], c_all[b:b + batch_size], n_all[b:b + batch_size]
            loss, (g_mu_w, g_var_w, g_mu_c, g_var_c, g_mu_n, g_var_n) = _triple_loss(
                kind, margin, mu[w], var[w], mu_ctx[c], var_ctx[c], mu_ctx[n], var_ctx[n])
            total += float(loss.sum())
            # repeated rows accumulate (a scatter-add, as np.add.at, via bincount)
            g_w = scatter_rows(V, 2 * d, w, np.concatenate((g_mu_w, g_var_w), axis=1))
            g_ctx = scatter_rows(V, 2 * d, np.concatenate((c, n.reshape(-1))),
                                 np.concatenate((np.concatenate((g_mu_c, g_var_c), axis=1),
                                                 np.concatenate((g_mu_n, g_var_n), axis=2).reshape(-1, 2 * d))))
            grads = [g_w[:, :d], g_w[:, d:], g_ctx[:, :d], g_ctx[:, d:]]
            for p, g, acc in zip(params, grads, G):
                acc += g * g
                p -= lr * g / (np.sqrt(acc) + eps)
            # (7.7): project back onto the constraint set
            mu[...] = clip_means(mu, C)
            mu_ctx[...] = clip_means(mu_ctx, C)
            np.clip(var, m_min, M_max, out=var)
            np.clip(var_ctx, m_min, M_max, out=var_ctx)
        model.loss_history.append(total / max(1, w_all.size * negative))
        model.eval_loss.append(model.mean_loss(ew, ec, en))
        if verbose:
            print(f"epoch {epoch + 1}/{epochs}: train loss {model.loss_history[-1]:.4f}, "
                  f"eval loss {model.eval_loss[-1]:.4f}")
    model.seconds = time.perf_counter() - t0
    return model


# ------------------------------------------------- analysis (notebook 07, Sec. 7.6)

def distinct_contexts(ids, starts, V, window=5):
    """Number of different words seen within ±``window`` of each word.

    Counted on the encoded corpus with the full window (no subsampling, no
    dynamic window), inside sentences. A crude measure of how "general" a
    word is: a word used in many different contexts.

    Parameters
    ----------
    ids, starts : ndarray
        From ``Vocab.encode``.
    V : int
        Vocabulary size.
    window : int

    Returns
    -------
    ndarray of int64, shape (V,)
    """
    window = _int("window", window, 1)
    ids = np.asarray(ids, dtype=np.int64)
    sentence_of = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    codes = []
    for off in range(1, window + 1):
        same = sentence_of[off:] == sentence_of[:-off]
        a, b = ids[:-off][same], ids[off:][same]
        codes += [a * V + b, b * V + a]          # both directions
    pairs = np.unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)
    return np.bincount(pairs // V, minlength=V)


def variance_frequency(model, ids, starts, window=5, min_count=1):
    """Spearman correlations between a word's spread and how general it is.

    Tests the paper's observation (Vilnis & McCallum 2015: general words get broad
    Gaussians, specific words narrow ones) with two proxies
    for "general": the corpus count n_w and the number of distinct context
    words (:func:`distinct_contexts`). The spread of word w is its mean log
    variance (1/d) Σ_k log σ²_wk (the log of the geometric-mean variance).

    Parameters
    ----------
    model : GaussianEmbedding
    ids, starts : ndarray
        The encoded corpus the model was trained on.
    window : int
        Window for :func:`distinct_contexts`.
    min_count : int
        Only words with n_w ≥ min_count enter the correlations.

    Returns
    -------
    dict
        ``n_words``; ``rho_count``, ``p_count`` (log n_w vs spread);
        ``rho_contexts``, ``p_contexts`` (distinct contexts vs spread);
        ``rho_count_contexts`` (the two proxies against each other);
        arrays ``log_count``, ``n_contexts``, ``spread`` of the selected words
        and their ``words``.
    """
    from scipy.stats import spearmanr

    counts = model.vocab.counts
    sel = counts >= min_count
    if sel.sum() < 3:
        raise ValueError(f"min_count={min_count} leaves {int(sel.sum())} words; need at least 3 to correlate")
    spread = np.log(model.var).mean(axis=1)[sel]
    log_count = np.log(counts[sel].astype(np.float64))
    n_ctx = distinct_contexts(ids, starts, len(model.vocab), window)[sel]
    r_count = spearmanr(log_count, spread)
    r_ctx = spearmanr(n_ctx, spread)
    return {
        "n_words": int(sel.sum()),
        "rho_count": float(r_count.statistic), "p_count": float(r_count.pvalue),
        "rho_contexts": float(r_ctx.statistic), "p_contexts": float(r_ctx.pvalue),
        "rho_count_contexts": float(spearmanr(log_count, n_ctx).statistic),
        "log_count": log_count, "n_contexts": n_ctx, "spread": spread,
        "words": [w for w, keep in zip(model.vocab.index_to_key, sel) if keep],
    }


def plot_ellipses(model, words, ax=None, n_std=1.0, dims=(0, 1)):
    """Draw the Gaussians of some words as ellipses (means ± ``n_std`` standard deviations).

    With a diagonal Σ the ellipse of dimensions (a, b) is axis-aligned, with
    half-axes n_std·σ_wa and n_std·σ_wb.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Ellipse

    from .i18n import label

    a, b = dims
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    lo, hi = np.full(2, np.inf), np.full(2, -np.inf)
    for n, word in enumerate(words):
        if word not in model.vocab:
            raise ValueError(f"words: {word!r} is not in the model's vocabulary")
        mu, var = model[word]
        centre = np.array([mu[a], mu[b]])
        half = n_std * np.sqrt([var[a], var[b]])
        color = colors[n % len(colors)]
        ax.add_patch(Ellipse(centre, 2 * half[0], 2 * half[1], facecolor=color, alpha=0.15, edgecolor=color))
        ax.plot(*centre, "o", color=color, ms=3)
        ax.annotate(word, centre, xytext=(3, 3), textcoords="offset points", color=color)
        lo, hi = np.minimum(lo, centre - half), np.maximum(hi, centre + half)
    pad = 0.05 * (hi - lo)
    ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
    ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
    ax.set_aspect("equal")
    ax.set_xlabel(label("component", k=a + 1))
    ax.set_ylabel(label("component", k=b + 1))
    ax.set_title(label("gaussian_ellipses_title", k=n_std, d=model.mu.shape[1]))
    return ax


def plot_variance_frequency(report, ax=None, annotate=8):
    """Scatter of log count against mean log variance, from :func:`variance_frequency`.

    The ``annotate`` broadest and narrowest words are labelled.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    from .i18n import label

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    x, y = report["log_count"], report["spread"]
    ax.scatter(x, y, s=6, alpha=0.4)
    order = np.argsort(y)
    for i in np.concatenate((order[:annotate], order[-annotate:])):
        ax.annotate(report["words"][i], (x[i], y[i]), fontsize=8)
    ax.set_xlabel(label("log_count"))
    ax.set_ylabel(label("mean_log_variance"))
    ax.set_title(label("variance_frequency_title", rho=report["rho_count"], n=report["n_words"]))
    return ax


def plot_product_of_densities(mu_i, var_i, mu_j, var_j, ax=None):
    """1-D picture of (7.1): two densities, their product, and the product's area.

    The shaded area equals N(0; μ_i − μ_j, σ²_i + σ²_j), i.e.
    ``exp(log_expected_likelihood([mu_i], [var_i], [mu_j], [var_j])[0])``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    from .i18n import label

    (mu_i,), (var_i,), (mu_j,), (var_j,) = _four([mu_i], [var_i], [mu_j], [var_j])
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    sd = np.sqrt([var_i, var_j])
    x = np.linspace(min(mu_i, mu_j) - 4 * sd.max(), max(mu_i, mu_j) + 4 * sd.max(), 801)
    p = np.exp(-0.5 * (x - mu_i) ** 2 / var_i) / np.sqrt(2 * np.pi * var_i)
    q = np.exp(-0.5 * (x - mu_j) ** 2 / var_j) / np.sqrt(2 * np.pi * var_j)
    area = float(np.exp(log_expected_likelihood([mu_i], [var_i], [mu_j], [var_j])[0]))
    ax.plot(x, p, label=f"N(x; {mu_i:g}, {var_i:g})")
    ax.plot(x, q, label=f"N(x; {mu_j:g}, {var_j:g})")
    ax.fill_between(x, p * q, alpha=0.4, color="C2", label=label("product_area", area=area))
    ax.set_xlabel("x")
    ax.set_ylabel(label("density"))
    ax.legend()
    return ax


def product_integral_quadrature(mu_i, Sigma_i, mu_j, Sigma_j, width=9.0):
    """∫ N(x; μ_i, Σ_i) N(x; μ_j, Σ_j) dx in 2-D by adaptive quadrature (scipy's ``dblquad``).

    A numerical check of (7.1) that uses nothing but the two densities: the
    integrand is written from the definition of N and integrated over the
    box of ±``width`` standard deviations around both means (the mass
    outside is below 1e-18).

    Parameters
    ----------
    mu_i, mu_j : array_like, shape (2,)
    Sigma_i, Sigma_j : array_like, shape (2, 2)
        Symmetric positive definite, not necessarily diagonal.

    Returns
    -------
    value : float
    abserr : float
        scipy's estimate of the absolute error.
    """
    import math

    from scipy import integrate

    mu_i = _mean("mu_i", mu_i)
    if mu_i.shape != (2,):
        raise ValueError(f"mu_i must have shape (2,) (this quadrature is two-dimensional), got shape {mu_i.shape}")
    mu_j = _mean("mu_j", mu_j, 2)
    logs, boxes = [], []
    for name, mu, S in (("Sigma_i", mu_i, Sigma_i), ("Sigma_j", mu_j, Sigma_j)):
        S = np.asarray(S, dtype=np.float64)
        if S.shape != (2, 2) or not np.allclose(S, S.T) or np.linalg.eigvalsh(S).min() <= 0:
            raise ValueError(f"{name} must be a symmetric positive definite (2, 2) matrix")
        (a, b), (_, c) = np.linalg.inv(S)
        const = -math.log(2 * math.pi) - 0.5 * math.log(np.linalg.det(S))

        def log_pdf(x, y, m0=float(mu[0]), m1=float(mu[1]), a=a, b=b, c=c, const=const):
            u, v = x - m0, y - m1
            return const - 0.5 * (a * u * u + 2 * b * u * v + c * v * v)   # log N(x; μ, Σ), definition

        logs.append(log_pdf)
        sd = np.sqrt(np.diag(S))
        boxes.append((mu - width * sd, mu + width * sd))
    lo = np.minimum(boxes[0][0], boxes[1][0])
    hi = np.maximum(boxes[0][1], boxes[1][1])
    f_i, f_j = logs
    value, err = integrate.dblquad(lambda y, x: math.exp(f_i(x, y) + f_j(x, y)), lo[0], hi[0], lo[1], hi[1],
                                   epsabs=1e-13, epsrel=1e-10)
    return float(value), float(err)
