"""AppTests of the Explain pages about a run (Loss landscape, LR finder, Replay): after a short training of the
default MLP on Moons, the numbers on the page are the lab's, the LR finder's button sets the sidebar's learning
rate, and a Replay branch trains from its epoch and reaches the Compare page. Before training each page says
what it needs."""
from dataclasses import replace

import numpy as np
import pytest

from nnlab.lab import landscape as L
from nnlab.lab import lr_finder as F
from nnlab.lab.config import LR_CHOICES
from nnlab.lab.replay import replay_epoch
from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import chart, page_dataset

EPOCHS = 3


def open_page(page, epochs=EPOCHS):
    """``page`` on the default MLP and Moons, trained ``epochs`` epochs through the model's own session."""
    at = helpers.open_page(f"app_pages/{page}.py")
    at.selectbox(key="sb_dataset").select("Moons").run()
    if epochs:
        cfg, data = at.session_state["config"], page_dataset(at)
        for _record in at.session_state["training"].run(data, replace(cfg, epochs=epochs)):
            pass
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_landscape_centre_and_line_are_the_labs_and_the_trajectory_plane_needs_a_run():
    untrained = open_page("landscape", epochs=0)
    untrained.radio(key="xl_plane").set_value("trajectory").run()
    assert any("train for at least 2 epochs" in i.value for i in untrained.info)
    assert "ex_run_landscape" not in [b.key for b in untrained.button]

    at = open_page("landscape")
    net, data, hist = at.session_state["model"], page_dataset(at), at.session_state["history"]
    at.radio(key="xl_plane").set_value("trajectory").run()
    at.button(key="ex_run_landscape").click().run()
    assert not at.exception
    snapshots = dict(sorted(hist.snapshots.items()))
    surface = L.loss_surface(net, data.x_train, data.y_train, plane="trajectory", snapshots=snapshots, resolution=21,
                             n_samples=256)
    assert metric(at, "loss in the middle cell") == metric(at, "the model's own loss, computed directly") \
        == f"{surface.centre_loss:.5g}"
    assert metric(at, "share of the path in this plane") == f"{surface.trajectory_captured:.1%}"
    cells = chart(at, "Loss around the current weights")
    np.testing.assert_allclose(np.sort(cells["loss"]), np.sort(surface.losses.ravel()), rtol=1e-9)
    line = L.interpolation(net, data.x_train, data.y_train, snapshots[0], n_samples=256)
    assert any(f"computed directly) and the current ones ({line.losses[25]:.5g} and {line.end_loss:.5g})" in c.value
               for c in at.caption)
    np.testing.assert_allclose(chart(at, "From the initial weights to now")["loss"], line.losses, rtol=1e-9)


def test_lr_finder_numbers_are_the_labs_and_its_button_sets_the_sidebar():
    at = open_page("lr_finder", epochs=0)  # an untrained model: the range test has a fall to find
    net, data, cfg = at.session_state["model"], page_dataset(at), at.session_state["config"]
    at.button(key="ex_run_lr_range").click().run()
    test = F.lr_range_test(net, data.x_train, data.y_train, optimizer=cfg.optimizer, n_steps=200, batch_size=64,
                           weight_decay=cfg.l2)
    assert test.suggested_lr is not None
    assert metric(at, "suggested learning rate") == f"{test.suggested_lr:.3g}"
    assert metric(at, "diverged at") == ("—" if test.diverged_lr is None else f"{test.diverged_lr:.3g}")
    at.button(key="xf_use").click().run()
    nearest = min(LR_CHOICES, key=lambda v: abs(np.log(v) - np.log(test.suggested_lr)))
    assert at.session_state["sb_lr"] == nearest and at.session_state["config"].lr == nearest
    assert any(f"The sidebar's learning rate is now {nearest:g}" in i.value for i in at.info)
    assert at.session_state["model"] is net  # the learning rate is no reason to rebuild the model

    at.button(key="ex_run_hessian").click().run()
    sharp = F.top_hessian_eigenvalue(net, data.x_train, data.y_train, n_samples=512, iterations=30)
    assert metric(at, "λmax") == f"{sharp.eigenvalue:.4g}" and metric(at, "2/λmax") == f"{sharp.lr_bound:.3g}"
    assert any("The bound is for plain SGD. The sidebar's optimiser, adam" in c.value for c in at.caption)


def test_replay_an_epoch_and_branch_it_to_the_compare_page():
    untrained = open_page("replay", epochs=0)
    assert any("There is no run to replay yet" in i.value for i in untrained.info)

    at = open_page("replay")
    net, data, hist = at.session_state["model"], page_dataset(at), at.session_state["history"]
    assert at.select_slider(key="rp_epoch").value == EPOCHS
    at.select_slider(key="rp_epoch").set_value(1).run()
    replay = replay_epoch(net, hist, 1, data)
    assert metric(at, "held-out loss recorded at this epoch") == f"{hist.epochs[0].val_loss:.5g}"
    assert metric(at, "recomputed from the snapshot") == f"{replay.val_loss:.5g}"
    agree = np.isclose(replay.val_loss, hist.epochs[0].val_loss, rtol=1e-5)
    assert any("the two numbers agree" in c.value for c in at.caption) == agree
    assert any("The two losses differ because" in c.value for c in at.caption) == (not agree)
    accuracy = float(np.mean(np.argmax(replay.test_output, axis=1) == data.y_test))
    assert metric(at, "test accuracy at this epoch") == f"{accuracy:.2%}"
    grid = chart(at, "Decision boundary after epoch 1")
    assert len(grid) == 3600

    at.select_slider(key="rp_lr").set_value(0.03).run()
    at.number_input(key="rp_epochs").set_value(2).run()
    at.button(key="rp_train").click().run()
    assert not at.exception
    branch = at.session_state["rp_branch"]["session"]
    assert [e.epoch for e in branch.history.epochs] == [1, 2, 3] and len(hist.epochs) == EPOCHS
    assert branch.net is not net and branch.optimizer_key == ("adam", 0.03, 0.0)
    assert any("**Branch:** from epoch 1, 2 of 2 epochs trained" in m.value for m in at.markdown)
    at.button(key="rp_compare").click().run()
    assert not at.exception
    shown = at.session_state["cmp_shown"]
    assert [r.label for r in shown["results"]] == [f"run (epochs 1–{EPOCHS})", "branch from epoch 1"]
    assert shown["results"][1].final["val_loss"] == pytest.approx(branch.history.epochs[-1].val_loss)
    assert any("sent from the Replay page" in c.value for c in at.caption)
    assert not any("The settings changed since" in c.value for c in at.caption)
