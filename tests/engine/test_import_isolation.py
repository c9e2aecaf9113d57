"""Importing the engine must not pull in the UI stack: it is usable (and fast to import) on its own."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI_MODULES = ("streamlit", "altair", "pandas")  # the engine imports NumPy only


def loaded_modules(statement):
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_engine_loads_neither_streamlit_nor_altair():
    mods = loaded_modules("import nnlab.engine; from nnlab.engine import *")
    assert "nnlab.engine" in mods and "numpy" in mods
    assert not {m for m in mods if m.split(".")[0] in UI_MODULES}


def test_the_check_would_notice_a_ui_import():
    """Guard against a vacuous test: the same probe does see altair when it is imported."""
    mods = loaded_modules("import nnlab.engine, altair")
    assert "altair" in mods and "streamlit" not in mods
