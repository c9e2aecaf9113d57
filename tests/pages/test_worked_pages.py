"""AppTests of the by-hand sections: the Backprop page's chain stepping back one layer with the engine's δ
(checked against an independent recursion), a weight's gradient and SGD step; the Interventions page's
accuracy with units switched off (checked against a forward pass that zeroes those activations)."""
import numpy as np
import pytest

from nnlab.engine import ACTIVATIONS, encode_targets
from tests.pages import apptest_helpers as helpers
from tests.pages.apptest_helpers import page_dataset


def _metrics(at):
    return {m.label: m.value for m in at.metric}


def _model_and_sample(at, index):
    model, data = at.session_state["model"], page_dataset(at)
    x, y = data.x_test[index:index + 1], data.y_test[index:index + 1]
    return model, model.backward_trace(x, encode_targets(model, y))


def test_backprop_chain_steps_back_with_the_engines_deltas():
    at = helpers.open_page("app_pages/backprop.py")
    at.slider(key="bp_sample_slider").set_value(2).run()
    model, bt = _model_and_sample(at, 2)
    last = len(model.layers) - 1
    unit = int(np.argmax(np.abs(bt.layers[last].delta[0])))
    at.button(key="bp_chain_restart").click().run()  # the chain starts at the output's largest |δ| of this sample
    assert (at.session_state["bp_chain_layer"], at.session_state["bp_chain_unit"]) == (last, unit)
    m = _metrics(at)
    assert m["δ in the engine's backward pass"] == f"{bt.layers[last].delta[0, unit]:.6g}"
    assert m["δ worked out here"] == f"{bt.forward[last].a[0, unit] - bt.target[0, unit]:.6g}"  # softmax + CE

    # Step back to the unit the output's δ flows to most: its δ by an independent recursion.
    steps = [b for b in at.button if b.key.startswith("bp_chain_to_")]
    assert 1 <= len(steps) <= 3
    prev = last - 1
    tr = bt.forward[prev]
    slope = ACTIVATIONS[tr.activation].df(tr.z[0], tr.a[0])
    shares = model.layers[last].params["W"][:, unit] * bt.layers[last].delta[0, unit] * slope
    assert steps[0].key == f"bp_chain_to_{int(np.argmax(np.abs(shares)))}"
    assert f"share {shares[int(steps[0].key.rsplit('_', 1)[1])]:.3g}" in steps[0].label
    steps[0].click().run()
    k = int(steps[0].key.rsplit("_", 1)[1])
    assert (at.session_state["bp_chain_layer"], at.session_state["bp_chain_unit"]) == (prev, k)
    delta = (model.layers[last].params["W"] @ bt.layers[last].delta[0]) * slope
    m = _metrics(at)
    assert float(m["δ worked out here"]) == pytest.approx(delta[k], rel=1e-5)
    assert m["δ in the engine's backward pass"] == f"{bt.layers[prev].delta[0, k]:.6g}"

    # One incoming weight's gradient aₖ·δᵢ and its SGD step at η = 0.1, on a copy.
    j = at.session_state["bp_chain_k"]
    grad = bt.forward[prev].input[0, j] * bt.layers[prev].delta[0, k]
    w = model.layers[prev].params["W"][j, k]
    assert float(m["∂L/∂W in the engine"]) == pytest.approx(grad, rel=1e-5)
    assert m["W before"] == f"{w:.6g}"
    assert float(m["W after one SGD step"]) == pytest.approx(w - 0.1 * grad, rel=1e-5, abs=1e-7)
    assert at.session_state["model"].layers[prev].params["W"][j, k] == w  # the model is untouched
    assert not at.exception


def test_interventions_accuracy_with_units_switched_off():
    at = helpers.open_page("app_pages/interventions.py")
    assert any("untrained" in i.value for i in at.info)
    assert any("Choose some to switch off" in c.value for c in at.caption)
    off = [0, 3, 5, 7]
    at.multiselect(key="iv_off_0").set_value(off).run()
    assert not at.exception, [e.value for e in at.exception]
    model, data = at.session_state["model"], page_dataset(at)

    def accuracy(zeroed):
        h = data.x_test[:500].astype(model.dtype)
        for i, layer in enumerate(model.layers):
            h = layer.forward(h, training=False)
            if i == 0 and zeroed:
                h = h.copy()
                h[:, off] = 0.0  # the units' outputs forced to 0, not their weights edited
        return float(np.mean(np.argmax(h, axis=1) == data.y_test[:500]))

    m = _metrics(at)
    (label,) = [k for k in m if k.startswith("Accuracy on the first")]
    assert label == "Accuracy on the first 500 test samples"
    assert m[label] == f"{accuracy(True):.1%}"
    assert next(mm for mm in at.metric if mm.label == label).delta.endswith(f"(from {accuracy(False):.1%})")
    assert "L2 dense W" in next(c.value for c in at.caption if c.value.startswith("How:"))
