"""The application layer runs without a screen: importing every module of nnlab.lab loads neither
Streamlit nor Altair (nor anything of nnlab.ui or nnlab.viz)."""
import pkgutil

import nnlab.lab
from tests.modules import loaded_modules

LAB_MODULES = sorted(m.name for m in pkgutil.iter_modules(nnlab.lab.__path__, "nnlab.lab."))


def test_lab_loads_neither_streamlit_nor_altair():
    assert {"nnlab.lab.config", "nnlab.lab.session", "nnlab.lab.compare"} <= set(LAB_MODULES)
    mods = loaded_modules("; ".join(f"import {m}" for m in LAB_MODULES))
    assert set(LAB_MODULES) <= mods
    assert not {m for m in mods if m.split(".")[0] in ("streamlit", "altair")}
    assert not {m for m in mods if m.startswith(("nnlab.ui", "nnlab.viz"))}


def test_the_probe_sees_what_a_ui_module_loads():
    """Guard against a vacuous test: importing a ui module does load streamlit and altair."""
    mods = loaded_modules("import nnlab.ui.training")
    assert {"streamlit", "altair", "nnlab.lab.session"} <= mods
