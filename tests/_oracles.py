"""Shared assertions for the objective tests: the three oracles.

1. the SymPy loss built from the definition (w2vlib.symbolic),
2. the SymPy gradient (sympy.diff of that loss),
3. central finite differences of the NumPy loss (w2vlib.gradcheck).
"""
import numpy as np

from w2vlib.gradcheck import gradcheck, relative_error


def assert_close(actual, expected, tol=1e-10, what="value"):
    """Guarded relative error |a − b| / max(1, |a|, |b|) at most ``tol`` everywhere."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    err = float(np.max(relative_error(actual, expected), initial=0.0))
    assert err <= tol, f"{what}: max relative error {err:.3e} > {tol:.0e}"


def check_three_oracles(fun, args, names, sym, fd_tol=1e-6, tol=1e-10):
    """Compare ``fun(*args) -> (loss, grad_1, grad_2)`` with all three oracles.

    Parameters
    ----------
    fun : callable
        The NumPy objective.
    args : dict
        Keyword arguments for ``fun`` (in call order).
    names : tuple of str
        The two differentiated arguments, in the order their gradients are returned.
    sym : w2vlib.symbolic.SymbolicObjective
        Built from the definition; its ``params`` are keyed by the same names
        (the SymPy builders use the derivation's names).
    """
    loss, *grads = fun(**args)
    sym_loss, sym_grads = sym.numeric({n: args[n] for n in names})
    assert_close(loss, sym_loss, tol, "loss vs SymPy loss")
    for name, g in zip(names, grads):
        assert_close(g, sym_grads[name], tol, f"grad_{name} vs SymPy gradient")
        x0 = np.asarray(args[name], dtype=np.float64)

        def f(x, name=name, i=names.index(name)):
            out = fun(**{**args, name: x})
            return out[0], out[1 + i]

        report = gradcheck(f, x0, eps=1e-6, rtol=fd_tol)
        assert report.ok, f"grad_{name} vs finite differences: {report}"
    return loss, grads
