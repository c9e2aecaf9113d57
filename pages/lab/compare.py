"""Compare: train 2–4 architectures on the same data, split, seed and epochs, and put the results side by side."""
import streamlit as st

from nnlab import compare
from nnlab.ui import state
from nnlab.ui.compare_slots import slot
from nnlab.viz import compare as vc

st.title("Compare architectures")
base, data = state.config(), state.get_dataset()
x_val, _, held_label = data.held_out()
st.markdown(
    f"Every architecture trains on **{data.name}** — the same {len(data.x_train):,} training samples, the same "
    f"{held_label} set of {len(x_val):,}, the same seed and number of epochs — one after another. Results are "
    "kept per architecture, so changing one retrains only that one.")

ss = st.session_state
ss.setdefault("cmp_cache", {})
c1, c2, c3 = st.columns(3)
n = int(c1.number_input("Architectures", 2, 4, value=2, key="cmp_n"))
epochs = int(c2.number_input("Epochs (all)", 1, 500, value=min(base.epochs, 20), key="cmp_epochs"))
seed = int(c3.number_input("Seed (all)", 0, 2**31 - 1, value=base.seed, key="cmp_seed"))

columns = st.columns(n)
slots = [slot(i, col, base, data) for i, col in enumerate(columns)]
configs = [(label, compare.shared_config(cfg, base, epochs, seed)) for label, cfg in filter(None, slots)]
for col, item in zip(columns, slots):
    if item is not None:
        col.caption(compare.describe(compare.shared_config(item[1], base, epochs, seed), data))
labels = [label for label, _ in configs]
problem = None
if len(configs) < len(slots):
    problem = "Fix the architecture marked in red first."
elif len(set(labels)) < len(labels):
    problem = f"Two architectures share a name ({', '.join(labels)}): give each its own."
if problem:
    st.warning(problem)
keys = [compare.result_key(cfg, data) for _, cfg in configs]
todo = sum(k not in ss.cmp_cache for k in keys)
button = f"Train and compare ({todo} to train, {len(keys) - todo} cached)" if todo else "Show the comparison"
if st.button(button, type="primary", disabled=problem is not None, key="cmp_run"):
    bar = st.progress(0.0, text="Starting…")
    results = compare.run_comparison(configs, data, ss.cmp_cache, progress=lambda f, t: bar.progress(f, text=t))
    ss.cmp_shown = {"keys": keys, "results": results, "data": data}
    st.rerun()  # redraw the button and the results from the stored comparison

shown = ss.get("cmp_shown")
if not shown:
    st.info("Choose the architectures above, then press **Train and compare**.")
    st.stop()
if shown["keys"] != keys:  # the keys include a fingerprint of the data
    st.caption("⚠️ The settings changed since these results were trained: press the button to update them.")
results, shown_data = shown["results"], shown["data"]
for r in results:
    if r.error:
        st.warning(r.error)

st.subheader("Metrics")
table = compare.metrics_table(results)
shown_columns = [c for c in compare.METRIC_LABELS if c != "problem" or table["problem"].any()]
st.dataframe(table.set_index("architecture"), width="stretch", column_order=shown_columns, column_config={
    c: st.column_config.NumberColumn(label, help=c, format="%.4f" if "loss" in c or "accuracy" in c else None)
    for c, label in compare.METRIC_LABELS.items() if c != "problem"})
st.caption(f"Final: after the last epoch; best: over all epochs; val: the {held_label} set; best epoch: the one "
           "with the lowest val loss. The CSV below has every column, with full names.")
st.download_button("Download the comparison (CSV)", compare.comparison_csv(results), file_name="nnlab-compare.csv",
                   mime="text/csv", key="cmp_download", on_click="ignore")

st.subheader("Learning curves")
curves = compare.epoch_frame(results)
ok = [r.label for r in results]
metrics = ["loss"] + (["accuracy"] if shown_data.task == "classification" else [])
for col, metric in zip(st.columns(len(metrics)), metrics):
    col.altair_chart(vc.curves_chart(curves, metric, ok), width="stretch")
st.caption("Solid: training set; dashed: held-out set. A gap that widens while the training loss keeps falling "
           "is overfitting.")

grids = [(r.label, r.boundary) for r in results if r.boundary is not None]
if shown_data.n_features == 2 and grids:
    st.subheader("Decision boundaries")
    st.altair_chart(vc.boundaries_row(grids, shown_data.x_train, shown_data.y_train, shown_data.class_names))
    st.caption("Background: each network's prediction at that point — for two classes the probability of class 1 "
               "(white on the boundary), for more classes the predicted class, paler where it is unsure. Dots: the "
               "training samples in their true class's colour.")

st.subheader("Per-layer gradient norms")
norms = compare.grad_norm_frame(results)
if len(norms):
    st.altair_chart(vc.grad_norm_chart(norms, ok))
    st.caption("Mean norm of each layer's weight gradient per epoch. Layers whose gradient is orders of "
               "magnitude below the others learn slowly (vanishing gradients).")
