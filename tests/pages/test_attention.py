"""AppTest of the Attention page: every head's matrix, the query's attention over the digit and the
per-head averages carry the engine's numbers; training changes them and the comparison with the initial
weights shows it; uploads work or say why not; no attention layer, no charts."""
import numpy as np

from nnlab.data.image_upload import prepare_digit
from nnlab.engine import train
from nnlab.lab.inspect import attention_weights, with_params
from nnlab.viz.attention import mean_distance
from nnlab.engine.copying import copy_network
from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import page_dataset as dataset

PAGE = "app_pages/attention.py"
GRID = (7, 7, 4)


def open_page(preset="MNIST patch attention"):
    return helpers.open_page(PAGE, preset, preset_first=True)


def matrix(at, start):
    """The (query, key) matrix drawn by the heatmap titled ``start…``, and its outlined query row."""
    for title, _, frames in helpers.vega_charts(at):
        if title.startswith(start):
            cells = frames[0].sort_values(["query", "key"])
            outline = frames[1]["query"].tolist() if len(frames) > 1 else []
            return cells["weight"].to_numpy().reshape(49, 49), outline
    raise AssertionError(f"no heatmap titled {start!r}")


def overlay_weights(at):
    """Per head, the 49 weights tinting the digit in the overlay, and the outlined patch."""
    for _, spec, frames in helpers.vega_charts(at):
        if "hconcat" in spec:
            tints = [f for f in frames if "share" in f.columns]
            boxes = [f for f in frames if "share" in f.columns and len(f) == 1]
            return [t.sort_values("patch")["weight"].to_numpy() for t in tints if len(t) == 49], boxes
    raise AssertionError("no overlay")


def distances(at):
    for title, _, frames in helpers.vega_charts(at):
        if title.startswith("Mean attention distance"):
            return frames[0]
    raise AssertionError("no mean-distance chart")


def digit_png(size=120):
    """A dark 1 with a flag on light paper."""
    return helpers.digit_png([(40, 40), (65, 20), (65, 100)], size)


def engine_attention(net, x):
    return attention_weights(copy_network(net), x, 2)[0]


def test_without_attention_the_page_says_which_preset_has_it():
    at = open_page(preset=None)
    assert any("MNIST patch attention" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")


def test_untrained_matrices_overlay_and_averages_match_the_engine():
    at = open_page()
    net, data = at.session_state["model"], dataset(at)
    x = data.x_test[:1]
    A = engine_attention(net, x)
    np.testing.assert_allclose(A, copy_network(net).forward_trace(x)[2].extras["attention"][0], rtol=1e-5, atol=1e-7)
    query = at.session_state["at_query"]
    assert query == 24  # the middle patch by default
    for h in range(4):
        shown, outline = matrix(at, f"Head {h}: 49 queries × 49 keys")
        np.testing.assert_allclose(shown, A[h], rtol=1e-5, atol=1e-7)
        assert outline == [query]
    tints, boxes = overlay_weights(at)
    assert len(tints) == 4
    for h in range(4):
        np.testing.assert_allclose(tints[h], A[h, query], rtol=1e-5, atol=1e-7)
    frame = distances(at)
    probe = attention_weights(copy_network(net), data.x_test[:200], 2)
    now = frame[frame["model"] == "now"].sort_values("head")["distance"].to_numpy()
    np.testing.assert_allclose(now, mean_distance(probe, GRID), rtol=1e-4)
    # untrained, the start is now: no grey bars of the initial weights, no start / now / change heatmaps
    assert set(frame["model"]) == {"now"}
    assert any(i.value.startswith("The model is untrained, so now = the start") for i in at.info)
    titles = [title for title, _, _ in helpers.vega_charts(at)]
    assert not [t for t in titles if "start" in t or t.endswith(" now")], titles


def test_choosing_a_query_and_heads():
    at = open_page()
    net, data = at.session_state["model"], dataset(at)
    A = engine_attention(net, data.x_test[:1])
    at.select_slider(key="at_query").set_value(3).run()
    at.multiselect(key="at_heads").set_value([1, 3]).run()
    assert not at.exception
    tints, _ = overlay_weights(at)
    np.testing.assert_allclose(tints[2], A[2, 3], rtol=1e-5, atol=1e-7)
    titles = [title for title, _, _ in helpers.vega_charts(at)]
    assert [t for t in titles if t.endswith("queries × 49 keys")] == ["Head 1: 49 queries × 49 keys",
                                                                      "Head 3: 49 queries × 49 keys"]
    _, outline = matrix(at, "Head 3: 49 queries")
    assert outline == [3]


def test_training_changes_the_attention_and_the_page_compares_with_the_start():
    at = open_page()
    net, data, hist = at.session_state["model"], dataset(at), at.session_state["history"]
    start = {i: {k: v.copy() for k, v in p.items()} for i, p in at.session_state["initial_params"].items()}
    for record in train(net, data.x_train[:600], data.y_train[:600], epochs=1, batch_size=32, seed=0):
        hist.add(record)
    at.run()
    assert not at.exception
    for i, params in at.session_state["initial_params"].items():  # the kept start did not train along
        for k, v in params.items():
            np.testing.assert_array_equal(v, start[i][k])
    x = data.x_test[:1]
    A_now = engine_attention(net, x)
    A_start = engine_attention(with_params(net, start), x)
    assert np.abs(A_now - A_start).max() > 1e-3
    now, _ = matrix(at, "Head 0 now")
    np.testing.assert_allclose(now, A_now[0], rtol=1e-5, atol=1e-7)
    then, _ = matrix(at, "Head 0 at the start")
    np.testing.assert_allclose(then, A_start[0], rtol=1e-5, atol=1e-7)
    diff, _ = matrix(at, "Head 0: now − start")
    np.testing.assert_allclose(diff, A_now[0] - A_start[0], atol=1e-6)
    frame = distances(at)
    assert not np.allclose(frame[frame["model"] == "now"]["distance"],
                           frame[frame["model"] == "initial weights"]["distance"])
    at.selectbox(key="at_change_head").set_value(2).run()
    diff, _ = matrix(at, "Head 2: now − start")
    np.testing.assert_allclose(diff, A_now[2] - A_start[2], atol=1e-6)
    assert not any("untrained" in i.value for i in at.info)


def test_an_uploaded_model_has_no_start_to_compare_with():
    at = open_page()
    at.session_state["initial_params"] = None  # as after loading a saved model
    at.run()
    assert not at.exception
    assert any("initial weights of this model are not known" in i.value for i in at.info)
    assert distances(at)["model"].unique().tolist() == ["now"]


def test_upload_png_and_corrupt_file():
    at = open_page()
    at.radio(key="at_source").set_value("upload").run()
    png = digit_png()
    at.file_uploader(key="at_upload").set_value(("seven.png", png, "image/png")).run()
    assert not at.exception and not at.error
    image, _ = prepare_digit(png)
    A = engine_attention(at.session_state["model"], image[None, :])
    shown, _ = matrix(at, "Head 1: 49 queries")
    np.testing.assert_allclose(shown, A[1], rtol=1e-5, atol=1e-7)
    at.file_uploader(key="at_upload").set_value(("empty.jpg", b"", "image/jpeg")).run()
    assert not at.exception
    assert "“empty.jpg” cannot be used" in at.error[0].value and "empty" in at.error[0].value
    shown, _ = matrix(at, "Head 1: 49 queries")  # the page carries on with the test digit
    np.testing.assert_allclose(shown, engine_attention(at.session_state["model"], dataset(at).x_test[:1])[1],
                               rtol=1e-5, atol=1e-7)


def test_the_worked_row_shows_the_engines_softmax_weights_and_output():
    """Head 0, the middle query by default: the listed keys are those with the largest weights, in order,
    the weights add up to 1, and the output worked out by hand is the engine's, feature by feature."""
    at = open_page()
    net, data = at.session_state["model"], dataset(at)
    x = data.x_test[:1]
    query = at.session_state["at_query"]
    A = engine_attention(net, x)[0, query]
    query_table = helpers.table_with(at, "q")
    assert len(query_table) == 9 and query_table["feature"].iloc[-1] == "… 8 more"  # d = 16 per head
    softmax = helpers.table_with(at, "weight A")
    top = softmax.iloc[:8]
    assert top["key patch"].tolist() == [str(j) for j in np.argsort(-A, kind="stable")[:8]]
    np.testing.assert_allclose(top["weight A"], np.sort(A)[::-1][:8], rtol=1e-5)
    assert softmax.iloc[-2]["key patch"] == "… 41 more" and softmax.iloc[-1]["key patch"] == "total"
    assert abs(softmax.iloc[-1]["weight A"] - 1) < 1e-6
    assert abs(softmax["weight A"].iloc[:-1].sum() - 1) < 1e-6  # the listed keys and the rest
    outputs = helpers.table_with(at, "the engine's output")
    assert outputs["feature"].iloc[-1] == "… 56 more"  # 8 of the 64 features shown, and the table says so
    outputs = outputs.iloc[:8]
    engine = copy_network(net).forward_trace(x)[2].z[0, query, :8]
    np.testing.assert_allclose(outputs["the engine's output"], engine, rtol=5e-6)  # as shown: 6 digits
    np.testing.assert_allclose(outputs["worked out here"], engine, rtol=1e-4, atol=1e-5)
