"""Importing the engine must not pull in the UI stack: it is usable (and fast to import) on its own."""
from tests.modules import loaded_modules

UI_MODULES = ("streamlit", "altair", "pandas")  # the engine imports NumPy only


def test_engine_loads_neither_streamlit_nor_altair():
    mods = loaded_modules("import nnlab.engine; from nnlab.engine import *")
    assert "nnlab.engine" in mods and "numpy" in mods
    assert not {m for m in mods if m.split(".")[0] in UI_MODULES}


def test_the_check_would_notice_a_ui_import():
    """Guard against a vacuous test: the same probe does see altair when it is imported."""
    mods = loaded_modules("import nnlab.engine, altair")
    assert "altair" in mods and "streamlit" not in mods
