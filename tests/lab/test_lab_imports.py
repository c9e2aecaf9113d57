"""The lab layer is headless: importing every one of its modules loads no UI stack, no TensorBoard writer or
chart renderer until an export is made, and nothing from the layers above it."""
import pkgutil

import nnlab.lab
from tests.modules import loaded_modules

HEAVY = ("streamlit", "altair", "tensorboardX", "tensorboard", "torch", "vl_convert")
MODULES = sorted(f"nnlab.lab.{m.name}" for m in pkgutil.iter_modules(nnlab.lab.__path__))


def test_every_lab_module_is_imported_here():
    assert {"nnlab.lab.export_code", "nnlab.lab.worked_backprop", "nnlab.lab.interventions"} <= set(MODULES)


def test_lab_modules_load_neither_ui_nor_writers_nor_upper_layers():
    mods = loaded_modules("; ".join(f"import {m}" for m in MODULES))
    assert set(MODULES) <= mods
    assert not {m for m in mods if m.split(".")[0] in HEAVY}
    upper = {m for m in mods if m.startswith("nnlab.") and m.split(".")[1] in ("ui", "viz")}
    assert not upper, upper


def test_the_probe_sees_what_a_ui_module_loads():
    """Guard against a vacuous test: importing a ui module does load streamlit and altair."""
    mods = loaded_modules("import nnlab.ui.training")
    assert {"streamlit", "altair", "nnlab.lab.session"} <= mods
