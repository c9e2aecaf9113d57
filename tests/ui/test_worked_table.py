"""The static tables of worked examples: each cell as the page shows it."""
import numpy as np
import pandas as pd

from nnlab.ui.widgets.worked_table import cell_text, worked_table


def test_cells_show_floats_by_their_format_integers_whole_and_gaps_empty():
    assert cell_text(np.float32(0.1234567)) == "0.123457"
    assert cell_text(-0.07374, "%.6f") == "-0.073740"
    assert cell_text(1.5e-9, "%.2e") == "1.50e-09"
    assert cell_text(np.int64(101770)) == "101770"
    assert cell_text(np.nan) == "" and cell_text(None) == ""
    assert cell_text("✓") == "✓" and cell_text(True) == "True"


class _Where:
    def table(self, data, hide_index):
        self.data, self.hide_index = data, hide_index


def test_the_table_formats_each_column_and_keeps_the_frames_values():
    frame = pd.DataFrame({"step": ["z", "y"], "value": [0.02, 0.504999], "error": [1.25e-7, np.nan]})
    where = _Where()
    worked_table(frame, {"value": "%.4f", "error": "%.1e"}, where=where)
    html = where.data.to_html()
    assert where.hide_index is True
    for shown in ("0.0200", "0.5050", "1.2e-07"):
        assert shown in html
    assert "nan" not in html.lower()
    pd.testing.assert_frame_equal(where.data.data, frame)  # only the display is formatted
