"""The headless layer stays headless: importing the Explain computations loads neither Streamlit nor Altair."""
from tests.engine.test_import_isolation import loaded_modules

MODULES = ("attributions", "budget", "feature_vis", "landscape", "lr_finder", "projection", "weight_vector")


def test_explain_modules_load_no_ui():
    mods = loaded_modules("; ".join(f"import nnlab.lab.{m}" for m in MODULES))
    assert {f"nnlab.lab.{m}" for m in MODULES} <= mods
    assert not {m for m in mods if m.split(".")[0] in ("streamlit", "altair")}
