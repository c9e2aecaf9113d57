"""The Markdown tables of worked examples: each cell as the page shows it, escaped so that it reads literally."""
import numpy as np
import pandas as pd

from nnlab.ui.widgets.worked_table import cell_text, escaped, markdown_table, worked_table
from tests.pages.apptest_helpers import markdown_frame


def test_cells_show_floats_by_their_format_integers_whole_and_gaps_empty():
    assert cell_text(np.float32(0.1234567)) == "0.123457"
    assert cell_text(-0.07374, "%.6f") == "-0.073740"
    assert cell_text(1.5e-9, "%.2e") == "1.50e-09"
    assert cell_text(np.int64(101770)) == "101770"
    assert cell_text(np.nan) == "" and cell_text(None) == ""
    assert cell_text("✓") == "✓" and cell_text(True) == "True"


def test_markdown_characters_are_escaped_and_line_breaks_become_spaces():
    assert escaped("w1·x1") == "w1·x1"
    assert escaped("½·(0.505 − 0.8)²") == r"½·\(0\.505 − 0\.8\)²"
    assert escaped("$x$ | *a* :red[b] <i>") == r"\$x\$ \| \*a\* \:red\[b\] \<i\>"
    assert escaped("δ_j\nnext") == r"δ\_j next"


class _Where:
    def markdown(self, text):
        self.text = text


def test_the_table_formats_each_column_aligns_numbers_right_and_reads_back():
    frame = pd.DataFrame({"step": ["z = Σ + b", "y"], "value": [0.02, 0.504999], "error": [1.25e-7, np.nan],
                          "n": [3, 10]})
    where = _Where()
    worked_table(frame, {"value": "%.4f", "error": "%.1e"}, where=where)
    assert where.text == markdown_table(frame, {"value": "%.4f", "error": "%.1e"})
    lines = where.text.split("\n")
    assert lines[0] == "| step | value | error | n |" and lines[1] == "|:--|--:|--:|--:|"
    assert lines[2] == r"| z \= Σ \+ b | 0\.0200 | 1\.2e\-07 | 3 |"
    assert lines[3] == r"| y | 0\.5050 |  | 10 |"  # the gap is empty, never "nan"
    back = markdown_frame(where.text)
    assert back["step"].tolist() == ["z = Σ + b", "y"] and back["n"].tolist() == [3, 10]
    np.testing.assert_allclose(back["value"], [0.02, 0.505])
    assert back["error"].iloc[0] == 1.2e-07 and np.isnan(back["error"].iloc[1])
