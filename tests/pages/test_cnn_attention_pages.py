"""The other pages with the CNN and attention presets: the sidebar shows a fixed architecture (and leaves it
for data it cannot take), the architecture page draws one block per tensor with its shape, the forward and
backprop pages show feature maps, kernels, attention and gradient norms of those layers, and the training
page's gradient-flow views cover every layer type."""
import numpy as np
import pytest

from nnlab.engine.copying import copy_network
from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import chart
from tests.pages.apptest_helpers import vega_charts as charts

SHAPES = {"MNIST CNN": ["1×28×28", "16×26×26", "16×13×13", "32×11×11", "32×5×5", "800", "64", "10"],
          "MNIST patch attention": ["1×28×28", "49×64", "49×64", "49×64", "49×64", "49×128", "128", "10"]}


def open_page(page, preset):
    return helpers.open_page(f"app_pages/{page}.py", preset, preset_first=True, timeout=180)


@pytest.mark.parametrize("preset", list(SHAPES))
def test_sidebar_lists_the_fixed_layers_and_the_architecture_page_draws_blocks(preset):
    at = open_page("architecture", preset)
    caption = " ".join(c.value for c in at.sidebar.caption)
    assert "This architecture is fixed" in caption and "softmax cross-entropy" in caption
    assert ("conv 3×3 ×16 relu" if preset == "MNIST CNN" else "self-attention, 4 heads") in caption
    net = at.session_state["model"]
    table = helpers.table_with(at, "parameters")
    assert table["parameters"].iloc[-1] == net.n_params
    (title, spec, frames), = [c for c in charts(at) if "layer" in c[1] and any("sheets" in f.columns for f in c[2])]
    blocks = next(f for f in frames if "head" in f.columns and len(f) == len(net.layers) + 1)
    assert blocks["shape"].tolist() == SHAPES[preset]
    assert blocks["params"].sum() == net.n_params


def test_a_fixed_architecture_gives_way_to_data_it_cannot_take():
    at = open_page("architecture", "MNIST CNN")
    at.selectbox(key="sb_dataset").select("Iris").run()
    assert not at.exception
    assert any("“Iris” has 4 features" in i.value for i in at.info)  # the notice says why
    assert at.session_state["sb_spec"] is None and at.session_state["sb_preset"] == "(custom)"
    assert at.session_state["model"].n_inputs == 4
    at.selectbox(key="sb_preset").select("MNIST CNN").run()
    at.selectbox(key="sb_preset").select("(custom)").run()  # "(custom)" keeps what is loaded …
    assert at.session_state["sb_spec"] is not None and at.session_state["model"].layers[0].kind == "conv2d"
    at.button(key="sb_edit_layers").click().run()  # … the button goes back to editable layers
    assert at.session_state["sb_spec"] is None and at.session_state["model"].layers[0].kind == "dense"


def test_forward_page_shows_the_conv_layers_maps_and_kernels():
    at = open_page("forward", "MNIST CNN")
    overview = helpers.table_with(at, "output shape")
    assert overview["output shape"].tolist() == SHAPES["MNIST CNN"][1:]
    net = at.session_state["model"]
    from nnlab.ui.state import _cached_dataset
    x = _cached_dataset("MNIST subset (10k digits)", None, None).x_test[:1]
    trace = copy_network(net).forward_trace(x)
    maps = chart(at, "Output a: 16×26×26")  # L1 is the default layer
    np.testing.assert_allclose(maps["max"], trace[0].a[0].reshape(16, -1).max(axis=1), rtol=1e-5, atol=1e-6)
    kernels = chart(at, "Kernels W: 16 filters")
    np.testing.assert_allclose(kernels["largest |w|"], np.abs(trace[0].params["W"]).reshape(16, -1).max(axis=1))
    at.segmented_control(key="fw_layer").set_value("L3 conv2d").run()
    assert not at.exception
    inputs = chart(at, "Input x: 16×13×13")
    np.testing.assert_allclose(inputs["max"], trace[2].input[0].reshape(16, -1).max(axis=1), rtol=1e-5, atol=1e-6)
    assert chart(at, "Output a: 32×11×11 (the first 16 of 32)")["channel"].tolist() == list(range(16))
    at.radio(key="fw_maps_2").set_value("z").run()
    z = chart(at, "z = W ⋆ x + b: 32×11×11")
    np.testing.assert_allclose(z["mean"], trace[2].z[0, :16].reshape(16, -1).mean(axis=1), rtol=1e-4, atol=1e-6)


def test_forward_page_shows_one_heads_attention():
    at = open_page("forward", "MNIST patch attention")
    at.segmented_control(key="fw_layer").set_value("L3 self_attention").run()
    at.segmented_control(key="fw_head_2").set_value(3).run()
    assert not at.exception
    net = at.session_state["model"]
    from nnlab.ui.state import _cached_dataset
    x = _cached_dataset("MNIST subset (10k digits)", None, None).x_test[:1]
    A = copy_network(net).forward_trace(x)[2].extras["attention"][0, 3]
    cells = chart(at, "Head 3's attention weights").sort_values(["query", "key"])
    np.testing.assert_allclose(cells["weight"].to_numpy().reshape(49, 49), A, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("preset", list(SHAPES))
def test_backprop_page_gradient_norms_and_maps_for_every_layer(preset):
    at = open_page("backprop", preset)
    overview = helpers.table_with(at, "‖δ‖")
    net = at.session_state["model"]
    assert overview["layer"].tolist() == [layer.name for layer in net.layers]
    assert overview["δ shape"].tolist() == SHAPES[preset][1:]
    # readable digits, e.g. 1.2e−5 (read back as numbers where every one parses)
    shown = overview["‖δ‖"].astype(str).str.replace("−", "-").str.replace(",", "").astype(float)
    assert (shown > 0).all()
    check = helpers.table_with(at, "relative error")
    assert set(check["layer"]) == {layer.name for layer in net.param_layers()}
    check = check.rename(columns={"parameter": "param"})
    disagree = check[check["agree"] != "✓"]
    if preset == "MNIST CNN":
        # untrained: zero biases put ReLUs of blank-background windows exactly on their kink, so only
        # conv biases can disagree — and the page says why
        assert set(disagree["param"]) <= {"b"} and set(disagree["layer"]) <= {"L1 conv2d", "L3 conv2d"}
        assert any("exactly on their kink" in i.value and "L1 conv2d has" in i.value for i in at.info)
        assert check[check["param"] == "W"]["agree"].eq("✓").all()
    else:
        assert disagree.empty  # backprop agrees with finite differences through attention and layer norm
    for layer in net.layers:
        at.segmented_control(key="bp_layer").set_value(layer.name).run()
        assert not at.exception, (layer.name, [e.value for e in at.exception])
    if preset == "MNIST CNN":
        at.segmented_control(key="bp_layer").set_value("L1 conv2d").run()
        assert chart(at, "δ = ∂L/∂z: 16×26×26")["channel"].tolist() == list(range(16))
        assert len(chart(at, "∂L/∂W: one tile per filter")) == 16


def test_training_page_gradient_flow_covers_conv_layers():
    at = open_page("training", "MNIST CNN")
    at.number_input(key="sb_epochs").set_value(1).run()
    at.button(key="tr_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    hist = at.session_state["history"]
    assert hist.last_epoch == 1
    names = {layer.name for layer in at.session_state["model"].param_layers()}
    for title in ("Gradient norm per layer", "Update / weight ratio per layer"):
        frame = chart(at, title)
        assert set(frame["layer"]) == names  # L1 conv2d, L3 conv2d, L6 dense, L7 dense
        assert (frame.dropna()[frame.columns[3]] > 0).any()
    last = hist.steps[-1].layers["L1 conv2d"]
    assert last["grad_norm"] > 0 and 0 <= last["dead_frac"] <= 1
    assert not any("barely move" in i.value for i in at.info)  # cosine decay at the end is not a finding
