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
    assert marks == ["rule", "circle", "circle", "text"]  # edges, units, inputs, ellipses
    tips = [t["field"] for t in body["layer"][1]["encoding"]["tooltip"]]
    assert {"bias", "z", "a"} <= set(tips)
    assert [t["field"] for t in body["layer"][2]["encoding"]["tooltip"]] == ["name", "a"]  # no bias, no z for inputs
    assert body["layer"][0]["encoding"]["color"]["scale"]["domain"] == [-1, 1]
    assert "the 10 strongest" in spec["title"]["subtitle"][0]
    assert spec["title"]["text"] == "784 → 128 → 64 → 10 units"


def test_small_network_writes_each_weight_on_its_edge():
    net = Network(mlp_spec([2, 1], output="sigmoid", loss="mse", dtype="float64"))
    net.set_params(0, W=[[0.3], [0.7]], b=[-0.2])
    spec = network_diagram(net).to_dict()
    body = spec["vconcat"][1]
    assert [layer["mark"]["type"] for layer in body["layer"]] == ["rule", "text", "circle", "circle", "text"]
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
