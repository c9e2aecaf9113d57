import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.lab.history import History
from nnlab.viz import weights


def snapshots():
    rng = np.random.default_rng(0)
    return {0: {"L1 dense": rng.normal(0, 0.1, (16, 4)), "L2 dense": rng.normal(0, 1, (4, 3))},
            3: {"L1 dense": rng.normal(0.5, 0.3, (16, 4)), "L2 dense": rng.normal(0, 2, (4, 3))}}


def test_hist_frame_shares_bins_across_epochs_and_counts_every_weight():
    snaps = snapshots()
    frame = weights.weight_hist_frame(snaps, bins=10)
    assert len(frame) == 2 * 2 * 10
    for (layer, epoch), part in frame.groupby(["layer", "epoch"]):
        assert part["count"].sum() == snaps[epoch][layer].size
        assert part["share"].sum() == pytest.approx(1.0)
    l1 = frame[frame.layer == "L1 dense"]
    # the same bins for both epochs, spanning both epochs' weights
    assert l1[l1.epoch == 0]["lo"].tolist() == l1[l1.epoch == 3]["lo"].tolist()
    both = np.r_[snaps[0]["L1 dense"].ravel(), snaps[3]["L1 dense"].ravel()]
    assert l1["lo"].min() == pytest.approx(both.min()) and l1["hi"].max() == pytest.approx(both.max())
    edges = np.linspace(both.min(), both.max(), 11)
    assert l1[l1.epoch == 3]["count"].tolist() == np.histogram(snaps[3]["L1 dense"], edges)[0].tolist()


def test_hist_frame_uses_fewer_bins_for_many_layers_and_epochs():
    rng = np.random.default_rng(1)
    snaps = {e: {f"L{i} dense": rng.normal(size=(8, 8)) for i in range(1, 11)} for e in range(21)}
    frame = weights.weight_hist_frame(snaps)
    assert len(frame) <= 5000
    assert len(frame) == 10 * 21 * (5000 // 210)  # 23 bins instead of 40
    assert (frame.groupby(["layer", "epoch"])["count"].sum() == 64).all()


def test_hist_frame_chosen_epochs_and_unknown_epoch():
    frame = weights.weight_hist_frame(snapshots(), epochs=[3], bins=5)
    assert frame["epoch"].unique().tolist() == [3]
    with pytest.raises(ValueError, match=r"epochs \[7\] have no weight snapshot"):
        weights.weight_hist_frame(snapshots(), epochs=[0, 7])


def test_hist_frame_of_zero_initialisation_has_a_bin_for_the_zeros():
    frame = weights.weight_hist_frame({0: {"L1 dense": np.zeros((5, 2))}}, bins=4)
    assert frame["count"].sum() == 10 and frame["hi"].max() > frame["lo"].min()


def test_hist_chart_facets_layers_with_titles_and_tooltips():
    spec = weights.weight_hist_chart(weights.weight_hist_frame(snapshots())).to_dict()
    assert spec["facet"]["field"] == "layer" and spec["resolve"]["scale"]["x"] == "independent"
    enc = spec["spec"]["encoding"]
    assert enc["x"]["title"] == "weight value" and enc["y"]["title"] == "share of weights"
    assert enc["color"]["field"] == "epoch" and enc["color"]["sort"] == [0, 3]
    assert {t["field"] for t in enc["tooltip"]} >= {"layer", "epoch", "count", "share"}


def test_history_snapshots_feed_the_histograms():
    net = Network(mlp_spec([4, 3, 2], seed=1))
    h = History()
    h.snapshot(0, net)
    frame = weights.weight_hist_frame(h.weight_snapshots())
    assert set(frame["layer"]) == {"L1 dense", "L2 dense"}
    assert frame[frame.layer == "L1 dense"]["count"].sum() == 12

