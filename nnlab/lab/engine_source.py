"""Click-to-explain: the NumPy line(s) in ``nnlab/engine`` that computed a quantity, read from the engine's
source at run time, so the code a page shows is the code that ran.

Lines are found by marker comments, not by line numbers or function names, so reformatting or
moving code keeps the lookup working: the line that computes a quantity ends with a marker, or a
marker comment stands alone on the line just above it (for lines that are long already)::

    self.z = x @ self.params["W"]  # explain: dense z
    # explain: dense dW; dense db
    self.grad = {"W": x2.T @ d2, "b": d2.sum(axis=0)}

Several quantities are separated by ";"; a note after " — " is for the reader of the engine and is
ignored (``# explain: dense dW — ∂W = xᵀ·δ``). A marker on (or above) the first line of a statement that
spans several lines covers the whole statement. Every quantity in ``QUANTITIES`` must have at least
one marker somewhere in the engine; the test suite checks that.
"""
import ast
import importlib
import inspect
import io
import pkgutil
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nnlab.i18n import N_

MARKER = "# explain:"
ENGINE = "nnlab.engine"

# quantity -> what it is, in words (translated where shown). Each needs a "# explain: <quantity>" marker in the engine.
QUANTITIES = {
    "dense z": N_("a dense layer's pre-activation z = x·W + b"),
    "dense a": N_("a dense layer's activation a = f(z)"),
    "dense delta": N_("a dense layer's δ = ∂L/∂a ⊙ f′(z)"),
    "dense dW": N_("a dense layer's weight gradient ∂L/∂W = xᵀ·δ"),
    "dense db": N_("a dense layer's bias gradient ∂L/∂b = Σ δ over the batch"),
    "dense grad_input": N_("what a dense layer passes back, ∂L/∂x = δ·Wᵀ"),
    "activation backward": N_("∂L/∂z from ∂L/∂a through the activation"),
    "softmax": N_("the softmax output activation"),
    "output delta": N_("δ at the output: (a − t)/n for fused losses, else ∂L/∂a from the loss"),
    "mse grad": N_("∂L/∂a of the mean squared error"),
    "conv z": N_("a convolution's z = W ⋆ x + b, as one matrix product"),
    "conv a": N_("a convolution's activation a = f(z)"),
    "conv delta": N_("a convolution's δ = ∂L/∂a ⊙ f′(z)"),
    "conv dW": N_("a convolution's kernel gradient ∂L/∂W = δ·colsᵀ"),
    "maxpool forward": N_("max-pooling: the maximum of each window"),
    "maxpool backward": N_("max-pooling backward: the gradient goes to the maximum's position"),
    "avgpool forward": N_("average pooling: the mean of each window"),
    "avgpool backward": N_("average pooling backward: the gradient shared evenly"),
    "flatten": N_("flatten: the feature maps as one vector"),
    "patch_embed z": N_("patch embedding: patch pixels · W + b + position"),
    "attention qkv": N_("queries, keys and values Q, K, V = x·W + b"),
    "attention scores": N_("attention scores Q·Kᵀ/√d and their softmax"),
    "attention heads": N_("each head's output, the attention-weighted sum of the values"),
    "attention output": N_("the output projection and the residual"),
    "layer_norm": N_("layer normalisation (x − μ)/√(σ² + ε)·γ + β"),
    "token_mean_pool": N_("the mean over tokens"),
    "sgd update": N_("the SGD step W ← W − η·∂L/∂W"),
}


@dataclass(frozen=True)
class SourceLines:
    """One place in the engine where a quantity is computed."""
    quantity: str
    path: str  # relative to the repository, e.g. "nnlab/engine/layers.py"
    function: str  # qualified name, e.g. "Dense.forward"
    lines: tuple  # of (line number, code without the marker comment)


def _comments(source):
    """(line number of the code it marks, comment text) of every comment token (markers inside strings do
    not count). A comment alone on its line marks the next line of code."""
    text = source.splitlines()
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type != tokenize.COMMENT:
            continue
        line = tok.start[0]
        if not text[line - 1][:tok.start[1]].strip():  # a comment line: find the code below it
            while line < len(text) and (not text[line].strip() or text[line].lstrip().startswith("#")):
                line += 1
            line += 1
        out.append((line, tok.string))
    return out


def _scopes(tree):
    """(first line, last line, qualified name) of every function, innermost last."""
    out = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                out.append((child.lineno, child.end_lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)
    visit(tree, "")
    return out


def _statement_ends(tree):
    """{line: the last line of the simple statements and expressions that start on it}, from one walk of
    ``tree``: a walk per marker made the first read of the engine (the first Forward or Backprop page of a
    process) 0.19–0.22 s instead of 0.09–0.11 s, and ~1 s on a server busy drawing. A compound statement (for,
    if, def) counts for its header only."""
    ends = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.expr)) and not (isinstance(node, ast.stmt) and hasattr(node, "body")):
            ends[node.lineno] = max(ends.get(node.lineno, node.lineno), node.end_lineno)
    return ends


def find_markers(module, root):
    """{quantity: [SourceLines]} for the markers in ``module``; ``root`` is the folder paths start from."""
    source = inspect.getsource(module)
    if MARKER not in source:  # most engine modules: no need to parse them
        return {}
    text = source.splitlines()
    tree = ast.parse(source)
    scopes, ends = _scopes(tree), _statement_ends(tree)
    path = Path(inspect.getsourcefile(module)).resolve().relative_to(root).as_posix()
    found = {}
    for line, comment in _comments(source):
        if MARKER not in comment:
            continue
        function = next((name for first, last, name in reversed(scopes) if first <= line <= last), "<module>")
        span = range(line, ends.get(line, line) + 1)
        code = tuple((n, text[n - 1].split(MARKER)[0].rstrip()) for n in span)
        for quantity in comment.split(MARKER, 1)[1].split(";"):
            places = found.setdefault(quantity.split(" — ")[0].strip(), {})
            places.setdefault(function, []).extend(code)
    return {q: [SourceLines(q, path, f, tuple(lines)) for f, lines in places.items()] for q, places in found.items()}


@lru_cache(maxsize=1)
def engine_markers():
    """Every marker in the engine's modules, read once per process (the source does not change while it runs)."""
    package = importlib.import_module(ENGINE)
    root = Path(package.__file__).resolve().parents[2]
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{ENGINE}.{info.name}")
        for quantity, places in find_markers(module, root).items():
            found.setdefault(quantity, []).extend(places)
    return found


def explain_source(quantity):
    """The engine's code for ``quantity`` (a key of QUANTITIES): one SourceLines per function computing it."""
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity={quantity!r} is unknown; choose one of {sorted(QUANTITIES)}")
    places = engine_markers().get(quantity)
    if not places:
        raise LookupError(f"no '{MARKER} {quantity}' marker in {ENGINE}: the line that computes "
                          f"{QUANTITIES[quantity]} needs one")
    return tuple(places)
