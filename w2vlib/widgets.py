"""Interactive widgets for notebooks 01–03, with their numbers in plain functions.

Each widget is an ``ipywidgets`` container whose controls are wired to a
redraw function through ``observe`` (no ``interact_manual``), so it responds in
JupyterLab, in Voilà and in the offline book. Everything the widget shows is
computed by a pure *report* function that the tests call directly:

* :func:`softmax_report` / :func:`softmax_explorer` (notebook 01): logits,
  temperature T, ŷ = softmax(z / T), the loss −log ŷ_o (1.2) and ŷ − y (1.4);
* :func:`noise_report` / :func:`noise_distribution_explorer` (notebook 02):
  the noise distribution P_n(w) ∝ n_w^α of (4.4) for a slider-chosen α;
* :func:`huffman_report`, :func:`draw_huffman_tree` /
  :func:`huffman_tree_explorer` (notebook 03): the Huffman tree that
  :func:`w2vlib.huffman_codes` builds the way word2vec.c does, codes on edges.

Plots are drawn on a fresh :class:`matplotlib.figure.Figure` (no pyplot state)
and shown as PNG bytes in an ``ipywidgets.Image``; moving a control replaces
those bytes. Each container has an attribute ``parts`` (a
:class:`types.SimpleNamespace`) naming its controls and read-outs, e.g.
``box.parts.temperature``, ``box.parts.loss``, ``box.parts.plot``.
Labels come from :func:`w2vlib.i18n.label`, so ``notebooks/ja`` gets Japanese.
"""
import io
import types

import numpy as np

from .hierarchical import huffman_codes
from .i18n import label, setup_plots
from .naive_softmax import softmax_error, softmax_jacobian
from .sampling import noise_distribution
from .stable import softmax

__all__ = [
    "softmax_report", "softmax_explorer",
    "noise_report", "noise_distribution_explorer",
    "huffman_tree", "huffman_report", "draw_huffman_tree", "parse_count_table", "huffman_tree_explorer",
]

LOSS_CLASS = "w2v-loss"
DEFAULT_LOGITS = (2.0, 1.0, 0.5, -0.5, -1.5)


# --------------------------------------------------------------------------- helpers
def _figure(width, height):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    setup_plots()
    fig = Figure(figsize=(width, height), dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _show(image, png, fig):
    """Put ``png`` into the Image widget at the figure's own pixel width (a VBox would stretch it)."""
    image.layout.width = f"{round(fig.get_figwidth() * fig.dpi)}px"
    image.value = png


def _words(words, V, name="words"):
    if words is None:
        return [f"w{i}" for i in range(V)]
    words = [str(w) for w in words]
    if len(words) != V:
        raise ValueError(f"{name} must have one entry per count/logit (V={V}), got {len(words)}")
    return words


def _logits(logits):
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"logits must be a 1-D array with at least 2 entries, got shape {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("logits must be finite numbers")
    return z


def _real(value):
    """``value`` as a float, or NaN when it is not a real number (a string, None, an array…)."""
    if isinstance(value, (bool, np.bool_, str, bytes)):
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _temperature(temperature):
    T = _real(temperature)
    if not np.isfinite(T) or T <= 0:
        raise ValueError(f"temperature must be a finite number > 0, got {temperature!r}")
    return T


def _index(o, V):
    if isinstance(o, (bool, np.bool_)) or not isinstance(o, (int, np.integer)) or not 0 <= o < V:
        raise ValueError(f"o must be an integer index with 0 <= o < {V}, got {o!r}")
    return int(o)


# --------------------------------------------------------------------------- notebook 01
def softmax_report(logits, o, temperature=1.0):
    """Numbers behind :func:`softmax_explorer`; the softmax Jacobian of notebook 01.

    With scaled logits s = z / T the model predicts ŷ = softmax(s) (1.1); the
    loss of the observed word o is J = −log ŷ_o (1.2), the Jacobian of the
    softmax is ∂ŷ_i/∂s_j = ŷ_i (δ_ij − ŷ_j) (1.3), and the gradient of the loss
    with respect to the scaled logits is ŷ − y (1.4); with respect to z it is
    (ŷ − y) / T (chain rule, ∂s/∂z = 1/T). T = 1 gives the skip-gram model
    itself with z = U v_c.

    Implements (1.1) (``y_hat``, at the scaled logits); the loss and ŷ − y
    come from :func:`w2vlib.naive_softmax.softmax_error`, which implements
    (1.2), (1.4), the Jacobian from :func:`w2vlib.naive_softmax.softmax_jacobian`, (1.3).

    Parameters
    ----------
    logits : array_like, shape (V,)
        The scores z_w = u_w·v_c, V >= 2.
    o : int
        Index of the observed (outside) word.
    temperature : float
        T > 0; T = 1 is the skip-gram model itself.

    Returns
    -------
    dict
        ``y_hat`` (V,), ``loss`` (float), ``grad`` = ŷ − y (V,),
        ``grad_z`` = (ŷ − y) / T (V,), ``jacobian`` = diag(ŷ) − ŷ ŷᵀ (V, V),
        i.e. ∂ŷ/∂s, ``entropy`` of ŷ in nats.
    """
    z = _logits(logits)
    o = _index(o, z.size)
    T = _temperature(temperature)
    s = z / T
    loss, delta = softmax_error(s, o, np.eye(z.size))  # U = I: the logits are the scores themselves
    y_hat = softmax(s)
    return {
        "y_hat": y_hat,
        "loss": loss,
        "grad": delta,
        "grad_z": delta / T,
        "jacobian": softmax_jacobian(s),  # (1.3): ŷ_i δ_ij − ŷ_i ŷ_j
        "entropy": float(-np.sum(y_hat * np.log(np.maximum(y_hat, 1e-300)))),
    }


def _softmax_png(report, o, T, words):
    y_hat, grad = report["y_hat"], report["grad"]
    x = np.arange(len(words))
    fig = _figure(8.0, 3.0)
    ax1, ax2 = fig.subplots(1, 2)
    colors = ["tab:orange" if i == o else "tab:blue" for i in x]
    ax1.bar(x, y_hat, color=colors)
    ax1.set_ylim(0, 1)
    ax1.set_xticks(x, words)
    ax1.set_ylabel(label("probability"))
    ax1.set_title(label("softmax_temperature_title", T=T))
    ax2.bar(x, grad, color=colors)
    ax2.axhline(0, color="black", lw=0.8)
    ax2.set_ylim(-1, 1)
    ax2.set_xticks(x, words)
    ax2.set_title(label("error_vector"))
    ax2.set_xlabel(label("observed_word_marked", word=words[o]))
    return _png(fig), fig


def softmax_explorer(logits=None, o=0, temperature=1.0, words=None, logit_range=(-5.0, 5.0)):
    """Sliders for the logits and the temperature; plots ŷ = softmax(z / T) and ŷ − y.

    Parameters
    ----------
    logits : array_like, shape (V,), optional
        Starting logits (default five made-up scores).
    o : int
        The observed word (its bar is orange); a drop-down changes it.
    temperature : float
        Starting value of the slider described ``"temperature"`` (0.1 … 5).
    words : list of str, optional
        Names for the V words (default ``w0 … w{V−1}``).
    logit_range : (float, float)
        Range of the logit sliders.

    Returns
    -------
    ipywidgets.VBox
        ``box.parts`` holds ``logits`` (list of FloatSlider), ``temperature``
        (FloatSlider), ``o`` (Dropdown), ``loss`` (HTML with CSS class
        ``w2v-loss``), ``grad`` (HTML table of ŷ and ŷ − y), ``plot`` (Image)
        and ``refresh`` (the observer).
    """
    import ipywidgets as widgets

    z = _logits(DEFAULT_LOGITS if logits is None else logits)
    V = z.size
    o = _index(o, V)
    T = _temperature(temperature)
    words = _words(words, V)
    lo, hi = map(float, logit_range)
    z = np.clip(z, lo, hi)

    logit_sliders = [
        widgets.FloatSlider(value=float(z[i]), min=lo, max=hi, step=0.1, description=f"z[{words[i]}]",
                            continuous_update=False)
        for i in range(V)
    ]
    t_slider = widgets.FloatSlider(value=T, min=0.1, max=5.0, step=0.1, description="temperature",
                                   continuous_update=False, readout_format=".1f",
                                   style={"description_width": "initial"})
    o_pick = widgets.Dropdown(options=[(w, i) for i, w in enumerate(words)], value=o, description="o")
    loss = widgets.HTML()
    loss.add_class(LOSS_CLASS)
    grad = widgets.HTML()
    plot = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))

    def refresh(change=None):
        # Everything is computed first and the plot is sent first: a front end (or a test) that sees the
        # loss read-out change can rely on the plot having changed already.
        zz = np.array([s.value for s in logit_sliders])
        r = softmax_report(zz, o_pick.value, t_slider.value)
        png, fig = _softmax_png(r, o_pick.value, t_slider.value, words)
        head = "".join(f"<th style='padding:0 6px'>{w}</th>" for w in words)
        row_y = "".join(f"<td style='padding:0 6px'>{v:.3f}</td>" for v in r["y_hat"])
        row_g = "".join(f"<td style='padding:0 6px'>{v:+.3f}</td>" for v in r["grad"])
        _show(plot, png, fig)
        grad.value = (f"<table><tr><th></th>{head}</tr><tr><th>ŷ</th>{row_y}</tr>"
                      f"<tr><th>ŷ − y</th>{row_g}</tr></table>")
        loss.value = label("loss_readout", loss=f"{r['loss']:.4f}")

    for w in [*logit_sliders, t_slider, o_pick]:
        w.observe(refresh, names="value")
    refresh()
    box = widgets.VBox([
        widgets.HBox([widgets.VBox(logit_sliders), widgets.VBox([t_slider, o_pick, loss, grad])]),
        plot,
    ])
    box.parts = types.SimpleNamespace(logits=logit_sliders, temperature=t_slider, o=o_pick, loss=loss,
                                      grad=grad, plot=plot, refresh=refresh)
    return box


# --------------------------------------------------------------------------- notebook 02
def _counts(counts):
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size < 2:
        raise ValueError(f"counts must be a 1-D array with at least 2 words, got shape {counts.shape}")
    if not np.all(np.isfinite(counts)) or np.any(counts <= 0):
        raise ValueError("counts must be positive finite numbers (corpus counts of the words)")
    return counts


def noise_report(counts, power=0.75, top=15):
    """Numbers behind :func:`noise_distribution_explorer`, from (4.4).

    Parameters
    ----------
    counts : array_like, shape (V,)
        Corpus counts n_w (positive).
    power : float
        The exponent α of P_n(w) ∝ n_w^α (word2vec.c: 0.75), 0 <= α <= 2.
    top : int
        How many of the most frequent words to report.

    Returns
    -------
    dict
        ``p``: P_n (V,); ``unigram``: P_n at α = 1; ``top``: indices of the
        ``top`` most frequent words (descending count, ties by index);
        ``top_mass``: P_n mass of those words (``top_mass_unigram`` at α = 1);
        ``rare_mass``: P_n mass of the rarer half of the vocabulary (by rank;
        ``rare_mass_unigram`` at α = 1); ``rare_boost`` = rare_mass /
        rare_mass_unigram; ``perplexity``: exp of the entropy of P_n (V for
        α = 0, the "effective number of noise words").
    """
    counts = _counts(counts)
    if not 0 <= _real(power) <= 2:  # NaN and non-numbers fail the comparison
        raise ValueError(f"power must be a number in [0, 2], got {power!r}")
    power = _real(power)
    if isinstance(top, (bool, np.bool_)) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be a positive integer, got {top!r}")
    p = noise_distribution(counts, power)
    uni = noise_distribution(counts, 1.0)
    order = np.argsort(-counts, kind="stable")
    head = order[: min(int(top), counts.size)]
    rare = order[counts.size - counts.size // 2:]
    rare_mass, rare_uni = float(p[rare].sum()), float(uni[rare].sum())
    return {
        "p": p,
        "unigram": uni,
        "top": head,
        "top_mass": float(p[head].sum()),
        "top_mass_unigram": float(uni[head].sum()),
        "rare_mass": rare_mass,
        "rare_mass_unigram": rare_uni,
        "rare_boost": rare_mass / rare_uni,
        "perplexity": float(np.exp(-np.sum(p * np.log(p)))),
    }


def _noise_png(report, counts, words, power):
    head = report["top"]
    x = np.arange(head.size)
    fig = _figure(9.0, 3.2)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.6, 1])
    ax1.bar(x, report["p"][head], color="tab:blue", label=label("noise_alpha", alpha=f"{power:.2f}"))
    ax1.plot(x, report["unigram"][head], "k_", ms=14, mew=2, label=label("unigram_alpha_one"))
    ax1.set_xticks(x, [words[i] for i in head], rotation=60, ha="right")
    ax1.set_ylabel(label("probability"))
    ax1.legend(fontsize=8)
    order = np.argsort(-counts, kind="stable")
    ranks = np.arange(1, counts.size + 1)
    ax2.loglog(ranks, report["unigram"][order], "k-", lw=1, label=label("unigram_alpha_one"))
    ax2.loglog(ranks, report["p"][order], "-", color="tab:blue", lw=2,
               label=label("noise_alpha", alpha=f"{power:.2f}"))
    ax2.set_xlabel(label("rank"))
    ax2.set_ylabel(label("probability"))
    ax2.legend(fontsize=8)
    fig.suptitle(label("noise_power_title", alpha=f"{power:.2f}"))
    return _png(fig), fig


def noise_distribution_explorer(counts, words, power=0.75, top=15):
    """A slider for α reshaping P_n(w) ∝ n_w^α of a real count table (4.4).

    Parameters
    ----------
    counts : array_like, shape (V,)
        Corpus counts (e.g. ``Vocab.counts`` of the Lee corpus).
    words : sequence of str, length V
    power : float
        Starting α (word2vec.c uses 0.75).
    top : int
        Number of most frequent words drawn as bars.

    Returns
    -------
    ipywidgets.VBox
        ``box.parts`` holds ``power`` (FloatSlider described ``"α"``),
        ``summary`` (HTML), ``plot`` (Image) and ``refresh``.
    """
    import ipywidgets as widgets

    counts = _counts(counts)
    words = _words(words, counts.size)
    noise_report(counts, power, top)  # validate before building anything
    slider = widgets.FloatSlider(value=float(power), min=0.0, max=1.0, step=0.05, description="α",
                                 continuous_update=False, readout_format=".2f")
    summary = widgets.HTML()
    plot = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))

    def refresh(change=None):
        r = noise_report(counts, slider.value, top)
        _show(plot, *_noise_png(r, counts, words, slider.value))  # plot first, read-out last
        summary.value = label(
            "noise_summary", top=len(r["top"]), top_mass=f"{r['top_mass']:.1%}",
            top_mass_unigram=f"{r['top_mass_unigram']:.1%}", rare_mass=f"{r['rare_mass']:.2%}",
            rare_mass_unigram=f"{r['rare_mass_unigram']:.2%}", boost=f"{r['rare_boost']:.1f}",
            perplexity=f"{r['perplexity']:,.0f}", V=f"{counts.size:,}")

    slider.observe(refresh, names="value")
    refresh()
    box = widgets.VBox([slider, summary, plot])
    box.parts = types.SimpleNamespace(power=slider, summary=summary, plot=plot, refresh=refresh)
    return box


# --------------------------------------------------------------------------- notebook 03
def huffman_tree(counts):
    """The tree of :func:`w2vlib.huffman_codes` as explicit nodes and edges.

    Leaves are the words ``0 … V−1``; inner node n (a row of W, 0 … V−2) is
    node ``V + n``; the root is row V − 2, i.e. node 2V − 2.

    Returns
    -------
    children : dict
        node -> (child with code 0, child with code 1), inner nodes only.
    counts_of : ndarray, shape (2V − 1,)
        Count of every node (a leaf's count; an inner node's subtree total).
    paths : list of (points, codes)
        What :func:`huffman_codes` returned.
    """
    counts = np.asarray(counts, dtype=np.float64)
    paths = huffman_codes(counts)
    V = counts.size
    children = {}
    for w, (points, codes) in enumerate(paths):
        nodes = [V + int(p) for p in points] + [w]
        for j, bit in enumerate(codes):
            kids = children.setdefault(nodes[j], [None, None])
            if kids[int(bit)] not in (None, nodes[j + 1]):
                raise RuntimeError("inconsistent Huffman paths")  # cannot happen for huffman_codes output
            kids[int(bit)] = nodes[j + 1]
    children = {n: tuple(k) for n, k in children.items()}
    total = np.zeros(2 * V - 1)
    total[:V] = counts

    def fill(n):
        if n < V:
            return total[n]
        total[n] = fill(children[n][0]) + fill(children[n][1])
        return total[n]

    fill(2 * V - 2)
    return children, total, paths


def huffman_report(counts, words=None):
    """Codes and lengths of the Huffman tree of ``counts`` (word2vec.c construction).

    Returns
    -------
    dict
        ``codes``: code of each word as a string of 0/1 (root first);
        ``lengths`` (V,) path lengths; ``mean_length`` = Σ_w p_w L_w with
        p_w = n_w / Σ n (the expected number of inner nodes, i.e. sigmoid
        evaluations, per training word); ``balanced_length`` = log2 V.
    """
    counts = np.asarray(counts, dtype=np.float64)
    paths = huffman_codes(counts)
    _words(words, counts.size)
    if counts.sum() <= 0:
        raise ValueError("counts must not all be zero")
    lengths = np.array([len(c) for _, c in paths])
    return {
        "codes": ["".join(str(int(b)) for b in c) for _, c in paths],
        "lengths": lengths,
        "mean_length": float(np.sum(counts / counts.sum() * lengths)),
        "balanced_length": float(np.log2(counts.size)),
    }


def draw_huffman_tree(counts, words, ax=None):
    """Draw the Huffman tree of ``counts``: inner nodes n0 … n(V−2), code bits on the edges.

    Leaves are placed left to right in the order a depth-first walk meets them
    (code 0 branch first), inner nodes above the middle of their children; the
    depth of a leaf is its code length. Each leaf shows the word, its count and
    its code; each inner node its row in W and its subtree count.

    Returns
    -------
    matplotlib.axes.Axes
    """
    counts = np.asarray(counts, dtype=np.float64)
    words = _words(words, counts.size)
    children, total, paths = huffman_tree(counts)
    V = counts.size
    root = 2 * V - 2
    report = huffman_report(counts, words)
    if ax is None:
        fig = _figure(max(5.0, 1.0 * V), 0.9 + 0.75 * (report["lengths"].max() + 1))
        ax = fig.subplots()
    pos, depth = {}, {root: 0}
    next_x = [0]

    def place(n):
        if n < V:
            pos[n] = (next_x[0], -depth[n])
            next_x[0] += 1
            return
        for kid in children[n]:
            depth[kid] = depth[n] + 1
            place(kid)
        pos[n] = ((pos[children[n][0]][0] + pos[children[n][1]][0]) / 2, -depth[n])

    place(root)
    for n, (c0, c1) in children.items():
        for bit, kid in ((0, c0), (1, c1)):
            (x0, y0), (x1, y1) = pos[n], pos[kid]
            ax.plot([x0, x1], [y0, y1], color="0.5", lw=1, zorder=1)
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, str(bit), ha="center", va="center", fontsize=9,
                    color="tab:red", bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"), zorder=3)
    for n, (x, y) in pos.items():
        if n < V:
            ax.text(x, y, f"{words[n]}\n{total[n]:g}\n{report['codes'][n]}", ha="center", va="top",
                    fontsize=9, bbox=dict(boxstyle="round,pad=0.25", fc="#fff3d6", ec="tab:orange"), zorder=4)
        else:
            ax.text(x, y, f"n{n - V}\n{total[n]:g}", ha="center", va="center", fontsize=8,
                    bbox=dict(boxstyle="circle,pad=0.25", fc="#dbe9f6", ec="tab:blue"), zorder=4)
    ax.set_xlim(-0.7, V - 0.3)
    ax.set_ylim(-report["lengths"].max() - 0.9, 0.5)
    ax.set_axis_off()
    ax.set_title(label("huffman_tree_title", L=f"{report['mean_length']:.2f}",
                       log2V=f"{report['balanced_length']:.2f}"))
    return ax


def parse_count_table(text):
    """Parse ``"word:count, word:count, …"`` (commas, semicolons or newlines) into (words, counts).

    Raises
    ------
    ValueError
        For an entry without ``:``, a count that is not a non-negative number,
        a repeated word, or fewer than 2 entries.
    """
    words, counts = [], []
    for entry in str(text).replace(";", ",").replace("\n", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        if ":" not in entry:
            raise ValueError(f"count table entry {entry!r} must look like word:count")
        word, _, num = entry.rpartition(":")
        word = word.strip()
        try:
            n = float(num)
        except ValueError:
            raise ValueError(f"count of {word!r} must be a number, got {num.strip()!r}") from None
        if not word or not np.isfinite(n) or n < 0:
            raise ValueError(f"count table entry {entry!r} needs a word and a count >= 0")
        if word in words:
            raise ValueError(f"word {word!r} appears twice in the count table")
        words.append(word)
        counts.append(n)
    if len(words) < 2:
        raise ValueError(f"count table must list at least 2 words as word:count, got {len(words)}")
    return words, np.array(counts)


def huffman_tree_explorer(counts, words):
    """Edit a small count table and watch word2vec.c's Huffman tree and codes change.

    Parameters
    ----------
    counts : array_like, shape (V,)
        Starting counts (keep V small, about 4–12, so the tree stays readable).
    words : sequence of str, length V

    Returns
    -------
    ipywidgets.VBox
        ``box.parts`` holds ``table`` (Text: ``word:count, …``; applied on
        Enter or when it loses focus), ``summary`` (HTML: codes, mean code
        length; an error message if the table cannot be read), ``plot``
        (Image) and ``refresh``.
    """
    import ipywidgets as widgets

    counts = np.asarray(counts, dtype=np.float64)
    words = _words(words, counts.size)
    huffman_report(counts, words)  # validate
    text = ", ".join(f"{w}:{n:g}" for w, n in zip(words, counts))
    table = widgets.Text(value=text, description=label("count_table"), continuous_update=False,
                         layout=widgets.Layout(width="95%"), style={"description_width": "initial"})
    summary = widgets.HTML()
    plot = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))

    def refresh(change=None):
        try:
            ws, ns = parse_count_table(table.value)
            r = huffman_report(ns, ws)
        except ValueError as err:  # keep the last tree, say what is wrong
            summary.value = f"<span style='color:#b00'>{err}</span>"
            return
        rows = "".join(f"<tr><td>{w}</td><td>{n:g}</td><td><code>{c}</code></td><td>{L}</td></tr>"
                       for w, n, c, L in zip(ws, ns, r["codes"], r["lengths"]))
        fig = draw_huffman_tree(ns, ws).figure
        _show(plot, _png(fig), fig)  # plot first, read-out last
        summary.value = (
            f"<table><tr><th>{label('word')}</th><th>{label('count')}</th><th>{label('code')}</th>"
            f"<th>{label('code_length')}</th></tr>{rows}</table>"
            + label("huffman_summary", L=f"{r['mean_length']:.3f}", log2V=f"{r['balanced_length']:.3f}"))

    table.observe(refresh, names="value")
    refresh()
    box = widgets.VBox([table, widgets.HBox([plot, summary])])
    box.parts = types.SimpleNamespace(table=table, summary=summary, plot=plot, refresh=refresh)
    return box
