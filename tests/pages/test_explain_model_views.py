"""AppTests of the Explain pages that look at the model as it is (Attributions, What a unit sees, Hidden space):
the numbers on the page are the lab's results for the same model, sample and settings, and a view that does
not apply says so. Untrained models on Digits 8×8 (fast); the CNN for Grad-CAM."""
from dataclasses import replace

import numpy as np
import pytest

from nnlab.lab import attributions as A
from nnlab.lab import feature_vis as fv
from nnlab.lab import projection as P
from nnlab.lab.budget import multiply_adds
from nnlab.lab.inspect import split_arrays
from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import chart, page_dataset

DIGITS = "Digits 8×8"


def open_page(page, dataset=DIGITS, preset=None):
    at = helpers.open_page(f"app_pages/{page}.py", preset, preset_first=True)
    if dataset:
        at.selectbox(key="sb_dataset").select(dataset).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def first_sample(at):
    data, net = page_dataset(at), at.session_state["model"]
    x = np.asarray(split_arrays(data)[0][0], dtype=np.float64)
    cls = int(np.argmax(net.predict(x[None].astype(net.dtype))))
    return data, net, x, cls


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_attributions_show_the_labs_saliency_completeness_and_occlusion_and_no_grad_cam_for_an_mlp():
    at = open_page("attributions")
    data, net, x, cls = first_sample(at)
    assert at.selectbox(key=f"xa_class_0_{cls}").value == cls  # the predicted class by default
    assert not any("multiply-adds" in c.value for c in at.caption)  # a light model: no budget note
    sal = A.saliency(net, x, cls)
    np.testing.assert_allclose(chart(at, "∂(class score)/∂input")["value"], sal.gradient, rtol=1e-9)
    table = helpers.table_with(at, "central difference")
    np.testing.assert_allclose(table["central difference"], sal.check_numeric, rtol=5e-8)  # shown: 8 digits
    np.testing.assert_allclose(table["∂score/∂x (backprop)"], sal.check_analytic, rtol=5e-8)
    np.testing.assert_allclose(table["relative error"], sal.check_rel_error, rtol=0.05)  # shown: 2 digits
    assert any(f"Largest relative error away from kinks: {sal.check_max_rel_error:.1e}" in c.value for c in at.caption)

    ig = A.integrated_gradients(net, x, cls, A.make_baseline("black", data.x_train, data.image_shape), steps=64)
    assert metric(at, "Σ attributions") == f"{ig.total:.6g}"
    assert metric(at, "f(x) − f(x′)") == f"{ig.score - ig.baseline_score:.6g}"
    assert metric(at, "completeness error") == f"{ig.completeness_error:.2e}"
    errors = chart(at, "More steps, smaller error")
    np.testing.assert_allclose(errors["error"], np.abs(ig.convergence_error), rtol=1e-9)
    assert errors["error"].iloc[0] < errors["error"].iloc[-1]  # 64 steps beat 1 step
    # fewer steps: the numbers follow, and the error grows
    at.select_slider(key="xa_ig_steps_64").set_value(4).run()
    coarse = A.integrated_gradients(net, x, cls, A.make_baseline("black", data.x_train, data.image_shape), steps=4)
    assert metric(at, "completeness error") == f"{coarse.completeness_error:.2e}"
    assert abs(coarse.completeness_error) > abs(ig.completeness_error)

    assert any("Grad-CAM does not apply to this model: it has no convolution layer" in i.value for i in at.info)
    occ = A.occlusion(net, x, cls, A.make_baseline("black", data.x_train, data.image_shape), data.image_shape, 4, 2)
    np.testing.assert_allclose(chart(at, "Score drop for each 4×4 patch")["value"], occ.drops.ravel(), rtol=1e-9)


def test_attributions_of_a_table_are_bars_per_feature_without_a_black_baseline():
    at = open_page("attributions", dataset="Iris")
    data, net, x, cls = first_sample(at)
    assert at.radio(key="xa_baseline").options == ["mean training sample", "all zeros"]
    bars = chart(at, "∂(class score)/∂input")
    assert bars["unit"].tolist() == list(data.feature_names)
    np.testing.assert_allclose(bars["value"], A.saliency(net, x, cls).gradient, rtol=1e-9)
    occ = A.occlusion(net, x, cls, data.x_train.mean(axis=0))
    np.testing.assert_allclose(chart(at, "Score drop when one feature")["value"], occ.drops, rtol=1e-6)


def test_grad_cam_on_the_cnn_shows_the_labs_channel_weights_and_their_check():
    at = open_page("attributions", dataset=None, preset="MNIST CNN")
    data, net, x, cls = first_sample(at)
    cam = A.grad_cam(net, x, cls)
    table = helpers.table_with(at, "αₖ (mean gradient)")
    np.testing.assert_allclose(table["αₖ (mean gradient)"], cam.alphas, rtol=1e-9)
    np.testing.assert_allclose(table["αₖ (nudge the whole map by ±ε)"], cam.alphas_check, rtol=1e-9)
    assert any(f"Largest difference from αₖ: {cam.check_max_abs_error:.1e}" in c.value for c in at.caption)
    assert not any("Grad-CAM does not apply" in i.value for i in at.info)
    assert any(c.value.startswith(f"This model does {multiply_adds(net):,} multiply-adds per sample")
               and c.value.endswith("the path starts with 32 steps instead of 64; the slider still goes up to 256.")
               for c in at.caption)  # the CNN is heavy: its budget note


def test_a_unit_ascent_reaches_the_labs_activation_beside_the_labs_top_samples():
    at = open_page("feature_vis")
    data, net = page_dataset(at), at.session_state["model"]
    x_test = split_arrays(data)[0]
    top = fv.top_samples(net, x_test[:500], 0, 0, k=9)
    shown = chart(at, "The 9 of the first 270 test samples")
    assert shown["test sample"].tolist() == top.index.tolist()
    assert not at.metric  # the ascent waits for its button
    at.button(key="ex_run_feature_vis").click().run()
    assert not at.exception
    vis = fv.maximise_unit(net, 0, 0, image_shape=(8, 8), steps=128, value_range=(0.0, 1.0), jitter=0, blur_every=0)
    assert metric(at, "mean z reached") == f"{vis.objective[-1]:.4g}"
    assert metric(at, "best test sample's mean z") == f"{top.objective[0]:.4g}"
    assert vis.objective[-1] > vis.objective[0]
    assert any("only the pull towards 0 and the clipping apply" in c.value for c in at.caption)
    at.run()  # a rerun reuses the result: no button, same numbers
    assert metric(at, "mean z reached") == f"{vis.objective[-1]:.4g}"
    assert "ex_run_feature_vis" not in [b.key for b in at.button]


@pytest.mark.parametrize("trained", [False, True])
def test_hidden_space_pca_pictures_are_the_labs_aligned_projections(trained):
    at = open_page("hidden_space")
    data, net, hist = page_dataset(at), at.session_state["model"], at.session_state["history"]
    x, y = split_arrays(data)[0][:270], split_arrays(data)[1][:270]
    assert at.selectbox(key="xh_points_pca").options == ["270"]  # capped at the test samples there are
    if trained:
        cfg = at.session_state["config"]
        for _record in at.session_state["training"].run(data, replace(cfg, epochs=2)):
            pass
        at.run()
    now = P.project(net, x, 1, y=y)
    shown = helpers.charts_by_title(at)
    assert ("L2 dense at initialisation" in shown) == trained
    frame = shown["L2 dense, now (current weights)"][1][0]
    np.testing.assert_allclose(frame[["x", "y"]], now.coords, rtol=1e-6, atol=1e-9)
    assert frame["class"].tolist() == [str(v) for v in y] and frame["image"].str.startswith("data:image/png").all()
    if trained:
        start = P.align_to(P.project(net, x, 1, y=y, snapshot=hist.snapshots[0]), now)
        np.testing.assert_allclose(shown["L2 dense at initialisation"][1][0][["x", "y"]], start.coords, rtol=1e-6,
                                   atol=1e-9)
        assert any(f"Silhouette {start.silhouette:.2f}" in c.value for c in at.caption)
        assert any("current model's values stood in: L1 dense b" in c.value for c in at.caption) == \
            bool(start.params_from_current)
