"""The Attention page's worked row: for one head and one query patch, softmax(q·Kᵀ/√d)·V in numbers — the
query vector, every key's scaled dot product, the softmax row that sums to 1, the weighted sum of the
values, and the output projection arriving at the engine's output for that patch. A click on a cell of a
head's matrix picks the head, the query and the key to explain. Arithmetic: ``nnlab.lab.worked_attention``."""
import numpy as np
import streamlit as st

from ..i18n import _
from ..lab.explain_cell import explain_attention
from ..lab.worked_attention import attention_row
from ..viz.worked import attention_row_frame, vectors_frame
from .widgets.explain_panel import panel, pick, picked
from .widgets.worked_table import worked_table

PREFIX = "at_w"
HEAD, PICK = f"{PREFIX}_head", f"{PREFIX}_cell"


def on_cell(query_key, head):
    """The callback for a click on head ``head``'s matrix: that query becomes the page's query, and the
    cell (head, query, key) the one explained."""
    def clicked(point):
        q, k = int(point["query"]), int(point["key"])
        st.session_state[query_key] = q
        st.session_state[HEAD] = head
        pick(PICK, "attention", (head, q, k))
    return clicked


def worked_query(net, trace, layer, query):
    """Head, query patch → q, the scores, the softmax row, the head's output, the projection."""
    heads = net.layers[layer].config()["heads"]
    value = st.session_state.get(HEAD)
    if not isinstance(value, int) or not 0 <= value < heads:  # first visit, a deselected head, fewer heads
        st.session_state[HEAD] = 0
    head = int(st.segmented_control(_("Head"), list(range(heads)), key=HEAD, format_func=lambda h: _(
        "head {h}", h=h)) or 0)
    row = attention_row(net, trace, layer, head, query)
    st.markdown(_("**1 · The query.** Patch {q}'s token times W_q (plus b_q) gives its query, one vector per head; "
                  "head {h} takes d = {d} of its features:", q=query, h=head, d=row.head_dim))
    worked_table(vectors_frame({"q": row.q}))
    st.markdown(_("**2 · Scores and softmax.** Each patch j's key kⱼ (from W_k) is compared with the query: "
                  "sⱼ = q·kⱼ/√d. Softmax turns the {n} scores into weights that add up to 1; the keys with the "
                  "largest weights:", n=len(row.weights)))
    worked_table(attention_row_frame(row))
    st.latex(row.latex[0])
    st.latex(row.latex[1])  # the whole width: beside the table, its "Σ A = 1" was cut off
    st.markdown(_("**3 · The weighted sum of the values.** Each patch's value vⱼ (from W_v), times its weight, "
                  "added up: head {h}'s output for patch {q}.", h=head, q=query))
    st.latex(row.latex[2])
    if row.residual:
        st.markdown(_("**4 · All heads together.** The {heads} heads' outputs side by side, times W_o, plus b_o and "
                      "the patch's own input (the residual): the layer's output for patch {q}, as the engine has it.",
                      heads=heads, q=query))
    else:
        st.markdown(_("**4 · All heads together.** The {heads} heads' outputs side by side, times W_o, plus b_o: "
                      "the layer's output for patch {q}, as the engine has it.", heads=heads, q=query))
    st.latex(row.latex[3])
    worked_table(vectors_frame({_("worked out here"): row.projected, _("the engine's output"): row.output}))
    m = st.columns(3)
    m[0].metric(_("Σ of the softmax row"), f"{row.weights.sum():.6f}")
    m[1].metric(_("largest weight"), f"{row.weights.max():.4f}", help=_("on patch {j}", j=int(row.order[0])))
    m[2].metric(_("largest difference from the engine"), f"{np.abs(row.projected - row.output).max():.1e}")
    what, cell = picked(PICK, ("attention", (head, query, int(row.order[0]))))
    if cell[:2] != (head, query):
        cell = (head, query, int(row.order[0]))
    st.markdown(_("**One weight explained** (click a cell of a head's matrix above to explain another):"))
    panel(explain_attention(net, trace, layer, *cell))
