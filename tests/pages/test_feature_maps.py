"""AppTest of the Feature-maps page: the charts carry the engine's numbers (kernels, feature maps, pooled
maps, the most-activating test digits) for an untrained and a trained CNN; an uploaded PNG is prepared and
looked inside; a corrupt file gives a message and the page carries on; no conv layer, no charts."""
import numpy as np

from nnlab.data.image_upload import prepare_digit
from nnlab.engine import train
from nnlab.lab.inspect import channel_stats, top_k
from nnlab.engine.copying import copy_network
from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import chart
from tests.pages.apptest_helpers import page_dataset as dataset

PAGE = "app_pages/feature_maps.py"


def open_page(preset="MNIST CNN"):
    return helpers.open_page(PAGE, preset, preset_first=True)


def digit_png(size=120):
    """A dark 7 drawn on light paper, as a phone photo of a digit would be."""
    return helpers.digit_png([(25, 25), (95, 25), (50, 100)], size)


def assert_maps_match(at, net, x):
    trace = copy_network(net).forward_trace(x)
    a1 = trace[0].a[0].reshape(16, -1).astype(np.float64)
    maps = chart(at, "Feature maps of this digit: 16 channels of 26×26")
    np.testing.assert_allclose(maps["max"], a1.max(axis=1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(maps["mean"], a1.mean(axis=1), rtol=1e-5, atol=1e-6)
    pooled = chart(at, "L2 maxpool2d")
    np.testing.assert_allclose(pooled["max"], trace[1].a[0].reshape(16, -1).max(axis=1), rtol=1e-5, atol=1e-6)
    deep = chart(at, "Feature maps of this digit: 32 channels of 11×11")
    np.testing.assert_allclose(deep["max"], trace[2].a[0].reshape(32, -1).max(axis=1), rtol=1e-5, atol=1e-6)


def test_without_a_convolution_the_page_says_which_preset_has_one():
    at = open_page(preset=None)
    assert any("MNIST CNN" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")


def test_untrained_cnn_kernels_maps_pooled_maps_and_top_digits_carry_the_engines_numbers():
    at = open_page()
    assert any("untrained" in i.value for i in at.info)
    net, data = at.session_state["model"], dataset(at)
    W1, W3 = net.layers[0].params["W"], net.layers[2].params["W"]
    k1 = chart(at, "Kernels: 16 filters")
    np.testing.assert_allclose(k1["largest |w|"], np.abs(W1).reshape(16, -1).max(axis=1), rtol=1e-6)
    k3 = chart(at, "Kernels: 32 filters")
    np.testing.assert_allclose(k3["sum of w"], W3.reshape(32, -1).sum(axis=1), rtol=1e-4, atol=1e-6)
    assert_maps_match(at, net, data.x_test[:1])
    assert any("model says" in m.value for m in at.markdown)
    # the 8 test digits (of the first 500) with the largest mean activation of L1 channel 0
    means, _ = channel_stats(copy_network(net), data.x_test[:500], 0)
    top = chart(at, "The 8 of the first 500 test digits with the largest mean activation of L1 conv2d channel 0")
    assert top["test sample"].tolist() == top_k(means[:, 0], 8).tolist()
    np.testing.assert_allclose(top["mean activation"], np.sort(means[:, 0])[::-1][:8], rtol=1e-5)


def test_other_channel_statistic_and_z():
    at = open_page()
    net, data = at.session_state["model"], dataset(at)
    at.selectbox(key="fm_top_layer").set_value(2).run()
    at.number_input(key="fm_top_channel_2").set_value(5).run()
    at.radio(key="fm_top_stat").set_value("max").run()
    at.slider(key="fm_top_k").set_value(4).run()
    assert not at.exception
    _, maxes = channel_stats(copy_network(net), data.x_test[:500], 2)
    top = chart(at, "The 4 of the first 500 test digits with the largest max activation of L3 conv2d channel 5")
    np.testing.assert_allclose(top["max activation"], np.sort(maxes[:, 5])[::-1][:4], rtol=1e-5)
    at.toggle(key="fm_show_z").set_value(True).run()
    z = copy_network(net).forward_trace(data.x_test[:1])[0].z[0].reshape(16, -1)
    maps = chart(at, "Feature maps of this digit: 16 channels of 26×26, z = W ⋆ x + b")
    np.testing.assert_allclose(maps["mean"], z.mean(axis=1), rtol=1e-4, atol=1e-6)
    assert (z.min(axis=1) < 0).any()  # z has negative values, hence the diverging view


def test_after_a_short_training_the_page_says_so_and_shows_the_new_weights():
    at = open_page()
    net, data, hist = at.session_state["model"], dataset(at), at.session_state["history"]
    before = chart(at, "Kernels: 16 filters")["largest |w|"].to_numpy()
    for record in train(net, data.x_train[:1000], data.y_train[:1000], epochs=1, batch_size=32, seed=0):
        hist.add(record)
    at.run()
    assert not at.exception
    assert any("trained for 1 epoch" in s.value for s in at.success)
    after = chart(at, "Kernels: 16 filters")["largest |w|"].to_numpy()
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, np.abs(net.layers[0].params["W"]).reshape(16, -1).max(axis=1), rtol=1e-6)
    assert_maps_match(at, net, data.x_test[:1])
    means, _ = channel_stats(copy_network(net), data.x_test[:500], 0)  # not the cached untrained numbers
    top = chart(at, "The 8 of the first 500 test digits")
    np.testing.assert_allclose(top["mean activation"], np.sort(means[:, 0])[::-1][:8], rtol=1e-5)


def test_an_uploaded_png_is_prepared_previewed_and_looked_inside():
    at = open_page()
    at.radio(key="fm_source").set_value("upload").run()
    assert any("Upload an image" in i.value for i in at.info)
    png = digit_png()
    at.file_uploader(key="fm_upload").set_value(("seven.png", png, "image/png")).run()
    assert not at.exception and not at.error
    image, notes = prepare_digit(png)
    assert any("inverted the colours" in m.value for m in at.markdown)  # the notes are shown
    previews = at.get("image")
    assert previews and "as the network sees it (28×28)" in str(previews[0].proto), "no 28×28 preview"
    assert any("your image “seven.png”" in m.value for m in at.markdown)
    assert_maps_match(at, at.session_state["model"], image[None, :])


def test_a_corrupt_image_gives_a_message_and_the_test_digit_is_shown():
    at = open_page()
    at.radio(key="fm_source").set_value("upload").run()
    at.file_uploader(key="fm_upload").set_value(("broken.png", b"\x89PNG\r\n\x1a\n not really", "image/png")).run()
    assert not at.exception
    assert [e.value for e in at.error] and "“broken.png” cannot be used" in at.error[0].value
    assert "not an image nnlab can read" in at.error[0].value or "damaged" in at.error[0].value
    assert_maps_match(at, at.session_state["model"], dataset(at).x_test[:1])  # nothing else lost


def engine_code(at):
    """The captions naming the engine's convolution code (each above its code block)."""
    return [c.value for c in at.caption if "nnlab/engine/conv.py" in c.value]


def test_the_worked_position_lists_the_products_that_add_up_to_the_engines_z():
    """The table of the worked position (the strongest activation of L1, by default), drawn once its expander is
    opened: each listed product is that kernel weight times that input, and the total row is the engine's z minus
    the bias."""
    at = open_page()
    net, data = at.session_state["model"], dataset(at)
    x = data.x_test[:1]
    tr = copy_network(net).forward_trace(x)[0]
    f, r, c = np.unravel_index(np.argmax(tr.a[0]), tr.a.shape[1:])
    W, b = net.layers[0].params["W"].astype(np.float64), net.layers[0].params["b"].astype(np.float64)
    assert not helpers.tables(at) and not engine_code(at)  # the products' expander is closed: nothing drawn in it
    at.session_state["fm_w_products_open"] = True
    at.run()
    terms = helpers.table_with(at, "(input channel, u, v)")
    assert engine_code(at)  # the engine's code beside it
    listed, total = terms.iloc[:-1], terms.iloc[-1]
    assert total["(input channel, u, v)"] == f"total (all {W[f].size} terms)"
    window = x[0].reshape(1, 28, 28)[:, r:r + 3, c:c + 3].astype(np.float64)
    for _, row in listed[listed["W"].notna()].iterrows():
        ch, u, v = (int(i) for i in row["(input channel, u, v)"].strip("()").split(","))
        assert np.isclose(row["W"], W[f, ch, u, v], rtol=5e-6)  # as shown: 6 significant digits
        assert np.isclose(row["x"], window[ch, u, v], rtol=1e-6, atol=1e-9)
        assert np.isclose(row["product"], W[f, ch, u, v] * window[ch, u, v], rtol=1e-5, atol=1e-9)
    assert np.isclose(total["product"], tr.z[0, f, r, c] - b[f], rtol=1e-4, atol=1e-6)


def test_one_filters_kernels_are_drawn_once_their_expander_is_opened():
    at = open_page()
    W3 = at.session_state["model"].layers[2].params["W"]
    titles = [title for title, _, _ in helpers.vega_charts(at)]
    assert not [t for t in titles if t.startswith("Filter ")], titles  # closed: not drawn
    at.session_state["fm_kernels_open_2"] = True
    at.run()
    at.number_input(key="fm_filter_2").set_value(7).run()
    kernels = chart(at, "Filter 7: the kernel it slides over each incoming map")
    assert kernels["caption"].tolist() == [f"from ch {c}" for c in range(16)]
    np.testing.assert_allclose(kernels["largest |w|"], np.abs(W3[7]).reshape(16, -1).max(axis=1), rtol=1e-6)
