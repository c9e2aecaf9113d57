"""The data layer's notices and errors in 中文: counted, filled with the user's own names, and the English
unchanged (the English wording is what tests/data/test_tabular.py and test_csv_reader.py check)."""
import numpy as np
import pandas as pd
import pytest

from nnlab.data.builtin import DATASETS, shown_description
from nnlab.data.csv_reader import read_table
from nnlab.data.dataset import DataError
from nnlab.data.tabular import prepare
from nnlab.i18n import using_language


def _frame(n=40, missing_target=3):
    rng = np.random.default_rng(0)
    y = np.tile(["a", "b"], n // 2).astype(object)
    y[:missing_target] = None
    return pd.DataFrame({"x": rng.normal(size=n), "y": y})


@pytest.mark.parametrize("language, expected", [
    ("en", "Dropped 3 rows without a value in the target 'y'."),
    ("zh", "删除了 3 行目标列“y”没有值的数据。"),
])
def test_dropped_rows_notice_counts_in_each_language(language, expected):
    with using_language(language):
        result = prepare(_frame(), "y")
    assert result.notices[0] == expected
    assert result.report["rows_target_missing"] == 3


def test_one_row_is_singular_in_english():
    assert prepare(_frame(missing_target=1), "y").notices[0] == "Dropped 1 row without a value in the target 'y'."


def test_ragged_line_error_in_chinese():
    with using_language("zh"), pytest.raises(DataError) as err:
        read_table(b"a,b\n1,2\n3,4,5\n", "t.csv")
    assert str(err.value) == ("第 3 行有 3 个字段，但第 1 行有 2 个（分隔符：逗号）。"
                              "每行的值的个数必须相同：请修正那一行，或把含有逗号的值放在双引号里。")


def test_builtin_description_translated_user_description_kept():
    info = DATASETS["Spirals"]
    with using_language("zh"):
        assert shown_description("Spirals", info.description) == "两条交错的螺旋臂，二维"
        assert shown_description("Spirals", "my own words") == "my own words"
    assert shown_description("Spirals", info.description) == "two interleaved spiral arms, 2-D"
