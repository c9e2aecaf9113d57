"""Sections of the Loss-landscape page: a 2-D slice of the loss through the current weights (a random,
filter-normalised plane or the plane the run moved in) with the run's path on it, and the loss on the
straight line from the initial weights to now. One button computes both on a fixed subset of the
training data, with a progress bar; the result is kept for this model state.
"""
import numpy as np
import streamlit as st

from ..i18n import N_, _
from ..lab import landscape as L
from ..lab.budget import LIGHT, settings_for
from ..viz import landscape as vl
from . import explain
from .widgets.charts import show_chart

PREFIX = "xl"
PLANES = {"random": N_("random directions (filter-normalised)"), "trajectory": N_("the plane the run moved in")}
POINTS_PER_UNIT = 20  # the line: t = −0.25 … 1.25 in steps of 0.05


def intro():
    st.title(_("Loss landscape"))
    st.markdown(_("The weights are one point in a space with as many dimensions as the model has parameters, so "
                  "a picture can only show a flat slice through it: the loss at θ + α·d₁ + β·d₂ for a grid of "
                  "(α, β) around the current weights θ. The run's path (its weight snapshots) is drawn on the same "
                  "slice, and a second chart walks the straight line from the initial weights to now."))


def choose_plane(hist):
    """The plane; the trajectory plane only when the run has at least two snapshots besides now."""
    plane = st.radio(_("Plane"), list(PLANES), format_func=lambda p: _(PLANES[p]), horizontal=True,
                     key=f"{PREFIX}_plane")
    if plane == "trajectory" and len(hist.snapshots) < 3:
        st.info(_("The plane the run moved in needs at least two weight snapshots besides the current weights: "
                  "train for at least 2 epochs, or look at random directions."), icon=":material/info:")
        return None
    return plane


def compute_section(net, data, hist, plane, key):
    """The button (or the kept result): (LossSurface, Interpolation or None), or None."""
    budget = settings_for(net)
    r, n = budget["resolution"], budget["landscape_samples"]
    explain.budget_note(net, _("a {r}×{r} grid on {n} training samples instead of {full_r}×{full_r} on {full_n}.", r=r,
                               n=n, full_r=LIGHT["resolution"], full_n=LIGHT["landscape_samples"]))
    snapshots = dict(sorted(hist.snapshots.items()))
    initial = snapshots.get(0)
    n_line = int(1.5 * POINTS_PER_UNIT) + 1

    def compute(progress):
        total = r + (n_line if initial is not None else 0)
        surface = L.loss_surface(net, data.x_train, data.y_train, plane=plane, snapshots=snapshots, resolution=r,
                                 n_samples=n, progress=lambda done, _total: progress(done, total))
        line = None
        if initial is not None:
            line = L.interpolation(net, data.x_train, data.y_train, initial, points_per_unit=POINTS_PER_UNIT,
                                   n_samples=n, progress=lambda done, _total: progress(r + done, total))
        return surface, line

    result = explain.on_request("landscape", (key, plane, r, n), _("Compute the landscape: {cells} losses on {n} "
                                                                    "training samples", cells=r * r, n=n), compute)
    if result is None:
        st.caption(_("Finishes in seconds; kept for this model until it changes."))
    return result


def surface_section(surface):
    """The slice with the path, and its checks: the middle cell is the model's own loss; the share of the path
    the plane holds."""
    centre = float(surface.losses[len(surface.betas) // 2, len(surface.alphas) // 2])
    axes = (_("α along d₁"), _("β along d₂")) if surface.plane == "random" else \
        (_("α along the path's 1st principal direction"), _("β along its 2nd"))
    left, right = st.columns([1.3, 1])
    show_chart(left, vl.surface_chart(vl.surface_frame(surface.alphas, surface.betas, surface.losses),
                                      vl.path_frame(surface.trajectory, surface.trajectory_keys,
                                                    surface.trajectory_losses),
                                      _("Loss around the current weights, with the run's path"), axes))
    right.metric(_("loss in the middle cell"), f"{centre:.5g}")
    right.metric(_("the model's own loss, computed directly"), f"{surface.centre_loss:.5g}")
    if np.isfinite(surface.trajectory_captured):
        share = surface.trajectory_captured
        right.metric(_("share of the path in this plane"), f"{share:.1%}" if share >= 1e-3 else f"{share:.1e}")
    right.caption(_("On {n} training samples (a fixed, seeded subset), the model in inference mode. The middle cell "
                    "is the current weights, so its loss must equal the model's own.", n=surface.n_samples))
    if surface.plane == "random":
        right.caption(_("Each filter of a random direction is scaled to the size of the same filter in the weights "
                        "(Li et al., 2018), so α = 1 moves every filter by its own size. Random directions are "
                        "almost at right angles to the path training took, so the path barely shows here."))
    else:
        right.caption(_("The two directions along which the snapshots spread most (PCA of θᵢ − θ): the flat slice "
                        "that shows the most of the run's actual path."))


def line_section(line, hist):
    """The loss from the initial weights to now, and its check at both ends."""
    if not len(hist):
        st.info(_("This model is untrained, so its initial and current weights are the same point and the line has "
                  "nowhere to go. Train it on the Training page, then compute again."), icon=":material/info:")
        return
    if line is None:
        st.info(_("The initial weights of this model are not known (it was loaded from a file), so there is no "
                  "line from the start to now."), icon=":material/info:")
        return
    show_chart(st, vl.interpolation_chart(line.t, line.losses, line.accuracies))
    at = {float(t): float(v) for t, v in zip(line.t, line.losses)}
    st.caption(_("Check: the line passes through the initial weights (loss {start:.5g} on the line, {start_direct:.5g} "
                 "computed directly) and the current ones ({end:.5g} and {end_direct:.5g}). A line that falls all the "
                 "way says the way from the start to the end is downhill, with no wall in between.",
                 start=at[0.0], start_direct=line.start_loss, end=at[1.0], end_direct=line.end_loss))


def snapshot_note(surface, line):
    """One note for both charts on the parameters the snapshots lacked."""
    missing = list(surface.params_from_current)
    missing += [m for m in (line.params_from_current if line is not None else []) if m not in missing]
    explain.from_current_note(missing)
