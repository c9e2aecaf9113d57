"""How the code calls the translation function, read from its syntax tree (every file babel.cfg extracts from).

Three mistakes that no catalogue test sees: a msgid built at run time (an f-string, a concatenation, a
``.format``) is never found in the catalogue; a ``_()`` run at import freezes whichever language imported the
module first; and ``_`` reused as a throwaway name (``for _ in …``) hides the function.
"""
import ast

import pytest

from nnlab.i18n.catalogue import ROOT, python_files

CALLS = {"_": 1, "ngettext": 2, "N_": 1}  # name -> how many leading arguments are msgids


def _called(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CALLS


def built_msgids(tree):
    """Lines where a msgid is not a literal (``_`` may also take a name: an ``N_`` constant, a lesson field)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "format" and _called(node.value):
            lines.append(node.lineno)  # _("…").format(…): the placeholders belong in the call
        if not _called(node):
            continue
        for arg in node.args[:CALLS[node.func.id]]:
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            looked_up = node.func.id == "_" and isinstance(arg, ast.Name | ast.Attribute | ast.Subscript)
            if not (literal or looked_up):
                lines.append(node.lineno)
    return lines


def import_time_calls(tree):
    """Lines where ``_``/``ngettext`` runs while the module is imported (module level, class bodies, defaults)."""
    lines = []

    def visit(node):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            decorators = getattr(node, "decorator_list", [])
            for part in [*decorators, *node.args.defaults, *filter(None, node.args.kw_defaults)]:
                visit(part)
            return  # the body runs later, in a session
        if _called(node) and node.func.id != "N_":
            lines.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return lines


def rebound_underscores(tree):
    """Lines that assign the name ``_`` in a module which imports ``_`` from nnlab.i18n."""
    imports_it = any(isinstance(node, ast.ImportFrom) and (node.module or "").endswith("i18n")
                     and any(alias.name == "_" for alias in node.names) for node in ast.walk(tree))
    if not imports_it:
        return []
    return [node.lineno for node in ast.walk(tree)
            if (isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store))
            or (isinstance(node, ast.arg) and node.arg == "_")]


FILES = python_files()


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_rules_read_the_app_and_the_package():
    names = {path.relative_to(ROOT).as_posix() for path in FILES}
    assert {"app.py", "nnlab/i18n/__init__.py", "nnlab/ui/widgets/language.py"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_msgids_are_literals_translated_at_display_time(path):
    tree = _tree(path)
    where = path.relative_to(ROOT).as_posix()
    assert not built_msgids(tree), f"{where}: a msgid built at run time is never in the catalogue"
    if where.startswith("nnlab/"):  # app.py and the pages run on every rerun; package modules once
        assert not import_time_calls(tree), f"{where}: _() at import time; mark the constant with N_"
    assert not rebound_underscores(tree), f"{where}: `_` is the translation function here; name the value"


def test_the_rules_catch_each_mistake():
    bad = ast.parse('''
from nnlab.i18n import N_, _, ngettext
TITLE = _("Loss")                           # import time
LABELS = {"loss": N_("Loss")}               # fine: marked, translated later
class Panel:
    heading = _("Weights")                  # import time (class body)
def show(epochs, label=_("Epochs"), key=LABELS["loss"]):   # import time (default)
    print(_(f"Trained {epochs} epochs"))    # built
    print(_("Trained " + str(epochs)))      # built
    print(_("Trained {epochs}").format(epochs=epochs))   # .format outside
    print(ngettext("{n} epoch", plural, epochs))         # built (the plural)
    print(_(LABELS["loss"]), _(key))        # fine: looked up
    for _ in range(3):                      # rebinds _
        pass
''')
    assert sorted(built_msgids(bad)) == [8, 9, 10, 11]
    assert import_time_calls(bad) == [3, 6, 7]
    assert rebound_underscores(bad) == [13]
    assert rebound_underscores(ast.parse("for _ in range(3): pass")) == []  # no i18n import: _ is free
