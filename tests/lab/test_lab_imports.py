"""The export modules of the lab layer load no UI stack, and no TensorBoard writer until an export is made."""
from tests.engine.test_import_isolation import loaded_modules

HEAVY = ("streamlit", "altair", "tensorboardX", "tensorboard", "torch", "vl_convert")


def test_lab_exports_load_neither_ui_nor_writers():
    mods = loaded_modules("import nnlab.lab.export_code, nnlab.lab.link, nnlab.lab.tensorboard_export")
    assert {"nnlab.lab.export_code", "nnlab.lab.link", "nnlab.lab.tensorboard_export"} <= mods
    assert not {m for m in mods if m.split(".")[0] in HEAVY}
