"""SymPy oracles: every objective rebuilt from its *definition*.

Nothing here calls the NumPy code. Each builder writes the loss exactly as
the paper / notebook defines it (a softmax as ``exp(z_o) / Σ exp(z_w)``, a
sigmoid as ``1 / (1 + exp(−x))``), at small symbolic sizes, and lets SymPy
differentiate it. The tests compare the NumPy functions with these
expressions; the notebooks use them in their verification cells.

Example
-------
>>> obj = softmax_objective(V=3, d=2, o=1)
>>> sorted(obj.params)
['U', 'v_c']
>>> obj.gradient("v_c").shape
(2, 1)
"""
from dataclasses import dataclass, field

import mpmath
import numpy as np
import sympy as sp

__all__ = [
    "sigma",
    "SymbolicObjective",
    "vector_symbols",
    "matrix_symbols",
    "softmax_objective",
    "neg_sampling_objective",
    "hs_objective",
    "cbow_softmax_objective",
    "cbow_neg_sampling_objective",
    "is_zero",
]


def sigma(x):
    """The logistic function written from its definition, 1 / (1 + e^{−x})."""
    return 1 / (1 + sp.exp(-x))


def vector_symbols(name, d):
    """Column vector of real symbols ``name_0 … name_{d−1}``."""
    return sp.Matrix(d, 1, lambda i, _: sp.Symbol(f"{name}_{i}", real=True))


def matrix_symbols(name, rows, cols):
    """Matrix of real symbols ``name_{i}_{j}`` (row i = the vector of word / node i)."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}_{j}", real=True))


def _dot(a, b):
    """Dot product of two sympy row/column vectors of the same length."""
    return sum(x * y for x, y in zip(a, b))


@dataclass
class SymbolicObjective:
    """A symbolic loss with named parameter matrices.

    Attributes
    ----------
    loss : sympy.Expr
        The loss built from its definition.
    params : dict[str, sympy.Matrix]
        Parameter name (``"v_c"``, ``"U"``, ``"W"``, ``"h"``, ``"V_in"``) → matrix
        of symbols; vectors are column matrices ``(d, 1)``.
    """

    loss: sp.Expr
    params: dict
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def symbols(self):
        """All parameter symbols, in a fixed order."""
        return [s for M in self.params.values() for s in M]

    def gradient(self, name):
        """Matrix of ∂loss/∂param, same shape as ``params[name]`` (SymPy differentiation)."""
        if name not in self._cache:
            M = self.params[name]
            self._cache[name] = M.applyfunc(lambda s: sp.diff(self.loss, s))
        return self._cache[name]

    def substitutions(self, values):
        """Map every symbol to the float given for its parameter in ``values``."""
        subs = {}
        for name, M in self.params.items():
            arr = np.asarray(values[name], dtype=np.float64).reshape(M.shape)
            for i in range(M.shape[0]):
                for j in range(M.shape[1]):
                    subs[M[i, j]] = arr[i, j]
        return subs

    def numeric(self, values, modules="mpmath"):
        """Evaluate the loss and all gradients at numeric ``values``.

        Parameters
        ----------
        values : dict[str, array_like]
            One array per parameter (vectors may be given flat).
        modules : str
            ``"mpmath"`` (default: arbitrary precision, so even ±1e4 logits
            are evaluated exactly before rounding to float64) or ``"numpy"``.

        Returns
        -------
        loss : float
        grads : dict[str, ndarray]
            Shaped like ``values[name]``.
        """
        syms = self.symbols
        args = [self.substitutions(values)[s] for s in syms]
        key = ("lambdas", modules)
        if key not in self._cache:
            loss_f = sp.lambdify(syms, self.loss, modules=modules)
            grad_f = {n: sp.lambdify(syms, list(self.gradient(n)), modules=modules) for n in self.params}
            self._cache[key] = (loss_f, grad_f)
        loss_f, grad_f = self._cache[key]
        with mpmath.workdps(40):  # extra digits; harmless for modules="numpy"
            loss = float(loss_f(*args))
            grads = {
                n: np.array([float(g) for g in grad_f[n](*args)]).reshape(np.shape(values[n]))
                for n in self.params
            }
        return loss, grads


def softmax_objective(V, d, o):
    """J = −log( exp(u_o·v_c) / Σ_w exp(u_w·v_c) ), notebook (1.2)."""
    v_c = vector_symbols("v", d)
    U = matrix_symbols("u", V, d)
    z = [_dot(U.row(w), v_c) for w in range(V)]
    loss = -sp.log(sp.exp(z[o]) / sum(sp.exp(zw) for zw in z))
    return SymbolicObjective(loss, {"v_c": v_c, "U": U})


def neg_sampling_objective(V, d, o, neg):
    """J = −log σ(u_o·v_c) − Σ_k log σ(−u_{neg_k}·v_c), notebook (2.1).

    Every entry of ``neg`` is its own term, repeats included.
    """
    v_c = vector_symbols("v", d)
    U = matrix_symbols("u", V, d)
    loss = -sp.log(sigma(_dot(U.row(o), v_c)))
    for k in neg:
        loss -= sp.log(sigma(-_dot(U.row(int(k)), v_c)))
    return SymbolicObjective(loss, {"v_c": v_c, "U": U})


def hs_objective(n_inner, d, points, codes):
    """J = −Σ_j log σ((1 − 2 code_j) W[point_j]·h), notebook (3.6)."""
    h = vector_symbols("h", d)
    W = matrix_symbols("w", n_inner, d)
    loss = sp.Integer(0)
    for p, c in zip(points, codes):
        loss -= sp.log(sigma((1 - 2 * int(c)) * _dot(W.row(int(p)), h)))
    return SymbolicObjective(loss, {"h": h, "W": W})


def _context_mean(V_in, context):
    rows = [V_in.row(int(w)) for w in context]
    total = rows[0]
    for r in rows[1:]:
        total = total + r
    return total / sp.Integer(len(rows))


def cbow_softmax_objective(V, d, context, c):
    """CBOW: h = mean of V_in[context] (3.1), J = −log softmax(U h)[c] (1.2)."""
    V_in = matrix_symbols("x", V, d)
    U = matrix_symbols("u", V, d)
    h = _context_mean(V_in, context)
    z = [_dot(U.row(w), h) for w in range(V)]
    loss = -sp.log(sp.exp(z[c]) / sum(sp.exp(zw) for zw in z))
    return SymbolicObjective(loss, {"V_in": V_in, "U": U})


def cbow_neg_sampling_objective(V, d, context, c, neg):
    """CBOW with negative sampling: (3.1) with (2.1)."""
    V_in = matrix_symbols("x", V, d)
    U = matrix_symbols("u", V, d)
    h = _context_mean(V_in, context)
    loss = -sp.log(sigma(_dot(U.row(c), h)))
    for k in neg:
        loss -= sp.log(sigma(-_dot(U.row(int(k)), h)))
    return SymbolicObjective(loss, {"V_in": V_in, "U": U})


def is_zero(expr, samples=5, seed=0, tol=1e-12):
    """True if ``expr`` simplifies to zero (falls back to random numeric evaluation).

    ``sympy.simplify`` is tried first; if it cannot decide, the expression is
    evaluated at ``samples`` random points (seeded) and must vanish there.
    """
    expr = sp.sympify(expr)
    if sp.simplify(expr) == 0:
        return True
    free = sorted(expr.free_symbols, key=lambda s: s.name)
    rng = np.random.default_rng(seed)
    for _ in range(samples):
        val = complex(expr.subs({s: rng.uniform(-2, 2) for s in free}).evalf())
        if abs(val) > tol:
            return False
    return True
