"""Finding the engine's code by marker comments, on a module written here and on the engine itself."""
import importlib.util
import textwrap

import pytest

from nnlab.lab import engine_source
from nnlab.lab.engine_source import QUANTITIES, engine_markers, explain_source, find_markers

SOURCE = textwrap.dedent('''\
    import numpy as np


    class Thing:
        def forward(self, x):
            z = x @ x.T  # explain: thing z
            total = np.add(z,  # explain: thing add
                           1.0)
            text = "# explain: not a marker"
            return total  # explain: thing z; thing out — a note for the reader

        def backward(self, g):
            # explain: thing grad
            # (a second comment line between the marker and its code)
            return g * 2


    def loop(xs):
        for x in xs:  # explain: loop header
            pass
    ''')


@pytest.fixture
def module(tmp_path):
    path = tmp_path / "fake_engine_module.py"
    path.write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("fake_engine_module", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_markers_give_file_function_line_numbers_and_code(module, tmp_path):
    found = find_markers(module, tmp_path)
    assert set(found) == {"thing z", "thing add", "thing out", "thing grad", "loop header"}  # not in the string
    (z,) = found["thing z"]
    assert (z.path, z.function) == ("fake_engine_module.py", "Thing.forward")
    assert z.lines == ((6, "        z = x @ x.T"), (10, "        return total"))
    (add,) = found["thing add"]
    assert add.lines == ((7, "        total = np.add(z,"), (8, "                       1.0)"))  # the whole statement
    (grad,) = found["thing grad"]
    assert (grad.function, grad.lines) == ("Thing.backward", ((15, "        return g * 2"),))  # the line below
    (header,) = found["loop header"]
    assert header.function == "loop" and header.lines == ((19, "    for x in xs:"),)  # not the loop's body


def test_unknown_and_unmarked_quantities_are_named(monkeypatch):
    with pytest.raises(ValueError, match="quantity='dense zz' is unknown"):
        explain_source("dense zz")
    monkeypatch.setattr(engine_source, "engine_markers", lambda: {})
    with pytest.raises(LookupError, match="no '# explain: dense z' marker in nnlab.engine"):
        explain_source("dense z")


def test_every_marker_in_the_engine_names_a_known_quantity():
    assert set(engine_markers()) <= set(QUANTITIES)


def test_every_quantity_is_marked_in_the_engine():
    for quantity in QUANTITIES:
        for place in explain_source(quantity):
            assert place.path.startswith("nnlab/engine/") and place.lines
            assert all(code.strip() for _, code in place.lines)
