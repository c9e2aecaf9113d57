"""The Forward/Architecture charts and tables speak the session's language, and every drawn axis says what it is."""
import numpy as np

from nnlab.engine.network import Network, mlp_spec
from nnlab.i18n import using_language
from nnlab.viz.forward import layer_overview, probability_chart, unit_values_chart
from nnlab.viz.matrices import heatmap
from nnlab.viz.network_diagram import diagram_title, layer_table


def test_probability_chart_in_chinese():
    with using_language("zh"):
        spec = probability_chart([0.1, 0.7, 0.2], ["x", "y", "z"], true_class=1).to_dict()
    assert spec["title"] == "输出概率"
    assert spec["encoding"]["y"]["title"] == "概率"
    rows = next(iter(spec["datasets"].values()))
    assert [r["shown"] for r in rows] == ["其他", "预测且真实", "其他"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["预测且真实", "预测", "真实", "其他"]


def test_tables_in_chinese():
    net = Network(mlp_spec([2, 3, 2], dtype="float64"))
    with using_language("zh"):
        table = layer_table(net)
        overview = layer_overview(net.forward_trace(np.array([[1.0, 1.0]])))
        title = diagram_title({"n_edges": 6, "n_weights": 1234, "top_edges": 40})
    assert list(table.columns) == ["层", "类型", "输入", "输出", "激活函数", "权重", "参数"]
    assert table["参数"].iloc[-1] == net.n_params and table["层"].iloc[-1] == "总计"
    assert "a = 0 的单元数" in overview.columns
    assert title == "边：每对所画的层之间 |w| 最大的 40 条（1,234 个权重中画出 6 条边）"


def test_small_layer_rows_have_an_axis_title():
    spec = unit_values_chart({"bias b": [0, 1], "z": [-1, 2], "a = f(z)": [0, 2]}).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["title"] == "quantity"
    with using_language("zh"):
        spec = unit_values_chart({"bias b": [0, 1], "z": [-1, 2], "a = f(z)": [0, 2]}).to_dict()
    rects = spec["layer"][0]["encoding"]
    assert rects["y"]["title"] == "量" and rects["x"]["title"] == "单元"


def test_a_vector_heatmap_has_no_untitled_row_axis():
    vector = heatmap(np.arange(5.0), "x", row_title="", col_title="unit").to_dict()["layer"][0]["encoding"]
    assert vector["y"]["axis"]["labels"] is False
    matrix = heatmap(np.ones((2, 3)), "W").to_dict()["layer"][0]["encoding"]  # default titles, row axis labelled
    assert matrix["y"]["title"] == "row" and "labels" not in matrix["y"].get("axis", {})
