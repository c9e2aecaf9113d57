"""Sections of the LR-finder page: the LR range test on a copy of the model (with a button that puts the
suggestion into the sidebar), and beside it the stability bound η < 2/λmax from the curvature of the loss.
Both run on request and are kept for this model state and these settings.
"""
import streamlit as st

from ..i18n import _
from ..lab import lr_finder as F
from ..lab.budget import LIGHT, settings_for
from ..viz import lr_finder as vf
from . import explain, state
from .widgets import sidebar
from .widgets.charts import show_chart

PREFIX = "xf"


def intro():
    st.title(_("Learning-rate finder"))
    st.markdown(_("Which learning rate? Two answers, both computed on a copy of your model, which stays as it "
                  "is. The **range test** trains the copy for a few hundred steps while the learning rate grows "
                  "from tiny to huge: first nothing happens, then the loss falls, then it shoots up. The **stability "
                  "bound** measures how sharply the loss curves at the current weights: plain gradient descent "
                  "overshoots and diverges above 2/λmax."))


def _use(lr):
    chosen = sidebar.set_learning_rate(lr)
    state.notice(_("The sidebar's learning rate is now {chosen:g}, its nearest choice to the suggested {lr:.3g}.",
                   chosen=chosen, lr=lr))


def range_test_section(net, data, cfg, key):
    """The range test on request; its curve, the suggestion (with the button) and the divergence."""
    st.subheader(_("LR range test"))
    budget = settings_for(net)
    steps, batch = budget["lr_steps"], budget["lr_batch_size"]
    explain.budget_note(net, _("the range test takes {steps} steps of {batch} samples instead of {full_steps} of "
                               "{full_batch}, and λmax is estimated on {n} samples in at most {rounds} rounds "
                               "instead of {full_n} in {full_rounds}.", steps=steps, batch=batch,
                               full_steps=LIGHT["lr_steps"],
                               full_batch=LIGHT["lr_batch_size"], n=budget["hessian_samples"],
                               rounds=budget["hessian_iterations"], full_n=LIGHT["hessian_samples"],
                               full_rounds=LIGHT["hessian_iterations"]))
    result = explain.on_request(
        "lr_range", (key, cfg.optimizer, cfg.l2, steps, batch),
        _("Run the range test: {steps} steps of {optimizer} on a copy", steps=steps, optimizer=cfg.optimizer),
        lambda progress: F.lr_range_test(net, data.x_train, data.y_train, optimizer=cfg.optimizer, n_steps=steps,
                                         batch_size=batch, progress=progress, weight_decay=cfg.l2))
    if result is None:
        st.caption(_("Uses the sidebar's optimiser and L2; finishes in seconds."))
        return
    show_chart(st, vf.range_test_chart(result.lrs, result.losses, result.smoothed_steps, result.smoothed,
                                       result.suggested_lr, result.diverged_lr), width="stretch")
    c1, c2, c3 = st.columns(3)
    c1.metric(_("suggested learning rate"), "—" if result.suggested_lr is None else f"{result.suggested_lr:.3g}")
    c2.metric(_("diverged at"), "—" if result.diverged_lr is None else f"{result.diverged_lr:.3g}")
    c3.metric(_("the sidebar's learning rate"), f"{cfg.lr:g}")
    if result.suggested_lr is None:
        st.info(_("No clear fall: the running mean fell by {fall:.3g}, not more than twice the batch-to-batch spread "
                  "at the start ({noise:.3g}), so it cannot be told from noise. Typical of a model that is trained "
                  "already; try it on a fresh one (Reset weights on the Training page).", fall=result.fall,
                  noise=result.noise), icon=":material/info:")
    else:
        st.button(_("Use this learning rate ({lr:.3g}) in the sidebar", lr=result.suggested_lr), key=f"{PREFIX}_use",
                  on_click=_use, args=(result.suggested_lr,), icon=":material/check:")
    st.caption(_("The suggestion is the middle of the {window}-step window where the loss falls fastest against "
                 "log lr, before the curve's lowest point. The run stops where the loss's moving average exceeds 4× "
                 "its lowest value.", window=result.window))
    st.caption(_("The loss axis ends at 1.5× the starting loss, so the fall stays visible; the blow-up leaves the "
                 "top."))


def bound_section(net, data, cfg, key):
    """λmax by power iteration, the bound 2/λmax, and the checks of the estimate."""
    st.subheader(_("Stability bound η < 2/λmax"))
    budget = settings_for(net)
    n, rounds = budget["hessian_samples"], budget["hessian_iterations"]
    result = explain.on_request(
        "hessian", (key, n, rounds), _("Estimate λmax ({n} training samples)", n=n),
        lambda progress: F.top_hessian_eigenvalue(net, data.x_train, data.y_train, n_samples=n, iterations=rounds),
        progress=False)
    if result is None:
        st.caption(_("At most {rounds} rounds of power iteration, each two gradients; a few seconds.", rounds=rounds))
        return
    c1, c2 = st.columns(2)
    c1.metric("λmax", f"{result.eigenvalue:.4g}")
    c2.metric("2/λmax", "∞" if result.lr_bound == float("inf") else f"{result.lr_bound:.3g}")
    show_chart(st, vf.power_iteration_chart(result.history, result.eigenvalue))
    st.caption(_("Checks: ‖Hv − λv‖/|λ| = {residual:.1e} (0 when v is exactly an eigenvector); the last product "
                 "repeated with a 10× smaller difference step gives {check:.4g}.", residual=result.residual,
                 check=result.small_step_check))
    if result.lr_bound == float("inf"):
        st.info(_("No direction curves upwards here, so the bound sets no limit."), icon=":material/info:")
    elif cfg.optimizer == "sgd":
        if cfg.lr < result.lr_bound:
            st.markdown(_("The sidebar's learning rate {lr:g} is below the bound: plain SGD is stable near these "
                          "weights.", lr=cfg.lr))
        else:
            st.markdown(_("The sidebar's learning rate {lr:g} is above the bound: plain SGD will overshoot along the "
                          "sharpest direction.", lr=cfg.lr))
    else:
        st.caption(_("The bound is for plain SGD. The sidebar's optimiser, {optimizer}, scales or accumulates its "
                     "steps, so it has other limits.", optimizer=cfg.optimizer))
    st.caption(_("Gradient descent on a bowl with curvature λ multiplies the error along it by (1 − η·λ) each step, "
                 "which grows once η > 2/λ. λmax comes from power iteration: v ← Hv/‖Hv‖, where each Hv is a "
                 "difference of two gradients, never the Hessian itself."))
