"""The network diagram (collapsed layers, strongest edges, activation fill) and the layer table."""
import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.viz.network_diagram import can_draw, diagram_frames, diagram_title, layer_table, network_diagram


@pytest.fixture(scope="module")
def mnist_net():
    return Network(mlp_spec([784, 128, 64, 10], seed=1))


def test_layer_table_counts_parameters_per_layer_and_total(mnist_net):
    table = layer_table(mnist_net)
    assert list(table["parameters"]) == [784 * 128 + 128, 128 * 64 + 64, 64 * 10 + 10, 109386]
    assert list(table["layer"]) == ["L1 dense", "L2 dense", "L3 dense", "total"]
    assert table.loc[0, "weights"] == "W 784×128 + b 128"
    assert list(table["activation"][:3]) == ["relu", "relu", "softmax"]


def test_layer_table_with_dropout_and_no_hidden_layer():
    net = Network({"input_shape": [4], "layers": [{"type": "dense", "units": 5, "activation": "tanh"},
                                                  {"type": "dropout", "rate": 0.5},
                                                  {"type": "dense", "units": 3, "activation": "softmax"}]})
    table = layer_table(net)
    assert list(table["parameters"]) == [25, 0, 18, 43]
    assert table.loc[1, "weights"] == "—"
    zero_hidden = Network(mlp_spec([2, 1], output="sigmoid", loss="bce"))
    assert list(layer_table(zero_hidden)["parameters"]) == [3, 3]


def test_big_layers_collapse_to_first_units_and_an_ellipsis(mnist_net):
    nodes, edges, info = diagram_frames(mnist_net, max_units=12, top_edges=40)
    per_column = nodes.groupby("column")
    assert per_column.size().tolist() == [12, 12, 12, 10]  # 11 units + ellipsis, ..., 10 outputs all drawn
    dots = nodes[nodes["kind"] == "ellipsis"].set_index("column")["label"]
    assert dots.to_dict() == {0: "… 773 more", 1: "… 117 more", 2: "… 53 more"}
    assert nodes[(nodes["column"] == 1) & (nodes["kind"] == "unit")]["unit"].tolist() == list(range(11))
    assert info["n_weights"] == 784 * 128 + 128 * 64 + 64 * 10
    assert "the 40 strongest" in diagram_title(info) and "109,184 weights" in diagram_title(info)


def test_edges_are_the_strongest_between_drawn_units(mnist_net):
    _, edges, info = diagram_frames(mnist_net, max_units=5, top_edges=6)
    assert len(edges) == info["n_edges"] == 3 * 6
    W = mnist_net.layers[1].params["W"][:4, :4]  # 4 drawn units of L1 → 4 drawn of L2
    pair = edges[edges["x"] == 1]
    expected = np.sort(np.abs(W).ravel())[::-1][:6]
    np.testing.assert_allclose(np.sort(np.abs(pair["w"]))[::-1], expected, rtol=1e-6)
    assert pair["abs_rel"].max() == pytest.approx(1.0)
    assert (np.sign(pair["w_rel"]) == np.sign(pair["w"])).all()


def test_unit_fill_is_the_activation_of_the_sample(mnist_net):
    x = np.random.default_rng(0).random((1, 784)).astype(np.float32)
    trace = mnist_net.forward_trace(x)
    nodes, _, _ = diagram_frames(mnist_net, trace, max_units=12)
    out = nodes[nodes["column"] == 3].sort_values("unit")
    np.testing.assert_allclose(out["a"], trace[2].a[0], rtol=1e-6)
    np.testing.assert_allclose(out["z"], trace[2].z[0], rtol=1e-6)
    np.testing.assert_allclose(out["fill"], trace[2].a[0] / trace[2].a[0].max(), rtol=1e-6)
    assert nodes[nodes["column"] == 0]["bias"].isna().all()


def test_pick_active_draws_the_most_active_units(mnist_net):
    x = np.random.default_rng(1).random((1, 784)).astype(np.float32)
    trace = mnist_net.forward_trace(x)
    nodes, _, _ = diagram_frames(mnist_net, trace, max_units=6, pick="active")
    drawn = nodes[(nodes["column"] == 1) & (nodes["kind"] == "unit")]["unit"].tolist()
    a = trace[0].a[0]
    assert sorted(drawn) == sorted(np.argsort(-np.abs(a), kind="stable")[:5].tolist())


def test_chart_has_edges_units_ellipses_and_tooltips(mnist_net):
    x = np.zeros((1, 784), dtype=np.float32)
    spec = network_diagram(mnist_net, mnist_net.forward_trace(x), top_edges=10).to_dict()
    header, body = spec["vconcat"]
    assert header["mark"]["type"] == "text"  # the column headers, in a strip of their own
    heads = next(iter(v for k, v in spec["datasets"].items() if k == header["data"]["name"]))
    assert [h["name"] for h in heads] == ["input\n784 values", "L1 dense\nrelu\n128 units", "L2 dense\nrelu\n64 units",
                                         "L3 dense\nsoftmax\n10 units"]
    marks = [layer["mark"]["type"] for layer in body["layer"]]
    assert marks == ["rule", "circle", "text"]  # edges, units and inputs, ellipses
    assert [t["field"] for t in body["layer"][1]["encoding"]["tooltip"]] == ["layer", "name", "numbers"]
    units = next(d for d in spec["datasets"].values() if len(d) and "numbers" in d[0])
    by_kind = {row["kind"]: row["numbers"] for row in units}
    assert by_kind["input"] == "x = 0.0000" and "null" not in by_kind["unit"]  # an input has no bias and no z
    assert by_kind["unit"].startswith("bias ") and " · z " in by_kind["unit"] and " · a " in by_kind["unit"]
    assert body["layer"][0]["encoding"]["color"]["scale"]["domain"] == [-1, 1]
    assert "the 10 strongest" in spec["title"]["subtitle"][0]
    assert spec["title"]["text"] == "784 → 128 → 64 → 10 units"


def test_small_network_writes_each_weight_on_its_edge():
    net = Network(mlp_spec([2, 1], output="sigmoid", loss="mse", dtype="float64"))
    net.set_params(0, W=[[0.3], [0.7]], b=[-0.2])
    spec = network_diagram(net).to_dict()
    body = spec["vconcat"][1]
    assert [layer["mark"]["type"] for layer in body["layer"]] == ["rule", "text", "circle", "text"]
    assert body["layer"][1]["encoding"]["text"] == {"field": "w", "format": ".3f", "type": "quantitative"}
    assert spec["title"]["subtitle"] == ["Edges: all 2 weights"]


def test_untrained_diagram_without_a_sample_still_draws():
    net = Network(mlp_spec([2, 8, 8, 1], activation="tanh", output="sigmoid", loss="bce"))
    nodes, edges, _ = diagram_frames(net, None)
    assert len(nodes) == 2 + 8 + 8 + 1 and nodes["a"].isna().all()
    assert len(edges) == 16 + 40 + 8
    network_diagram(net).to_dict()


def test_refuses_what_it_cannot_draw():
    conv = Network({"input_shape": [1, 6, 6], "layers": [
        {"type": "conv2d", "filters": 2, "kernel": 3}, {"type": "flatten"},
        {"type": "dense", "units": 3, "activation": "softmax"}]})
    assert not can_draw(conv)
    with pytest.raises(ValueError, match="conv2d"):
        diagram_frames(conv)
    dense = Network(mlp_spec([3, 2]))
    with pytest.raises(ValueError, match="max_units=1"):
        diagram_frames(dense, max_units=1)
    with pytest.raises(ValueError, match="pick='some'"):
        diagram_frames(dense, pick="some")


def test_inputs_and_outputs_are_named_and_units_carry_their_maps():
    net = Network(mlp_spec([4, 5, 3], activation="tanh", dtype="float64", seed=0))
    x = np.array([[5.1, 3.5, 1.4, 0.2]])
    features, classes = ["sepal length", "sepal width", "petal length", "petal width"], ["setosa", "versicolor",
                                                                                         "virginica"]
    nodes, _, _ = diagram_frames(net, net.forward_trace(x), input_names=features, output_names=classes)
    inputs = nodes[nodes["kind"] == "input"]
    assert list(inputs["name"]) == features and inputs["bias"].isna().all() and inputs["z"].isna().all()
    assert list(inputs["a"]) == [5.1, 3.5, 1.4, 0.2]
    assert list(nodes[nodes["column"] == 2]["name"]) == classes
    assert list(nodes[nodes["column"] == 1]["name"]) == [f"unit {i}" for i in range(5)]
    body = network_diagram(net, net.forward_trace(x), input_names=features, output_names=classes).to_dict()
    texts = [layer for layer in body["vconcat"][1]["layer"] if layer["mark"]["type"] == "text"
             and layer["encoding"].get("text", {}).get("field") == "name"]
    assert len(texts) == 2  # the features left of the inputs, the classes right of the outputs
    grid = np.linspace(-1, 1, 3 * 3 * 2).reshape(2, 3, 3)
    maps = {0: np.vstack([grid, grid]), 1: np.ones((5, 3, 3)) * np.arange(5)[:, None, None], 2: grid[:1].repeat(3, 0)}
    nodes, _, _ = diagram_frames(net, None, maps=maps)
    assert nodes["map"].str.startswith("data:image/png;base64,").all()
    marks = [layer["mark"]["type"] for layer in network_diagram(net, maps=maps).to_dict()["vconcat"][1]["layer"]]
    assert marks[-1] == "image"
