"""The page scripts stay tables of contents: short, and importing only the ui, lab and viz layers (app.py only
the ui). import-linter checks app_pages too; app.py is no package, so it is checked here."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "app_pages").glob("[!_]*.py"))
MAX_LINES = 60


def imported(path):
    """Top-level package paths a script imports, e.g. {"streamlit", "nnlab.ui", "nnlab.lab"}."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module)
    return {".".join(n.split(".")[:2]) for n in names}


def test_every_routed_page_has_its_script():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert len(SCRIPTS) >= 9
    for script in SCRIPTS:
        assert f'"app_pages/{script.name}"' in app, script.name


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_a_page_is_short_and_imports_ui_lab_viz_only(script):
    lines = script.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_LINES, f"{script.name} has {len(lines)} lines; move sections to nnlab/ui/{script.stem}.py"
    # nnlab.i18n (stdlib only) is importable from every layer: a page translates its own headings
    assert imported(script) <= {"streamlit", "nnlab.ui", "nnlab.lab", "nnlab.viz", "nnlab.i18n"}, imported(script)


def test_app_routes_and_draws_the_sidebar_only():
    # nnlab.i18n for the page titles and group names of the navigation
    assert imported(ROOT / "app.py") == {"streamlit", "nnlab.ui", "nnlab.i18n"}


def test_the_import_probe_sees_a_forbidden_import(tmp_path):
    """Guard against a vacuous check: an engine import is seen."""
    script = tmp_path / "page.py"
    script.write_text("import streamlit as st\nfrom nnlab.engine import Network\n", encoding="utf-8")
    assert imported(script) == {"streamlit", "nnlab.engine"}
