"""The worked examples are headless: importing them loads neither Streamlit nor Altair, nor the root
nnlab modules that are moving into nnlab/lab."""
from tests.engine.test_import_isolation import loaded_modules

MODULES = ("engine_source", "interventions", "terms", "unit_maps", "worked_attention", "worked_backprop",
           "worked_batch", "worked_conv", "worked_forward", "worked_pool")


def test_worked_examples_import_only_engine_and_data():
    mods = loaded_modules("; ".join(f"import nnlab.lab.{m}" for m in MODULES))
    assert {f"nnlab.lab.{m}" for m in MODULES} <= mods
    assert not {m for m in mods if m.split(".")[0] in ("streamlit", "altair")}
    root = {m for m in mods if m.startswith("nnlab.") and m.split(".")[1] not in ("engine", "data", "lab")}
    assert not root, root
