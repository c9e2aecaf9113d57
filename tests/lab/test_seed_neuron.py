"""nnlab.lab.seed_neuron: the article's §4 neuron computed by the engine, its notes about the article's slips,
and the tables / LaTeX the forward and backprop pages show."""
import math

import numpy as np
import pytest

from nnlab.lab.seed_neuron import (ARTICLE_PRINTED, article_backward_note, article_forward_note, neuron_example,
                                neuron_network)
from nnlab.viz.backprop import neuron_backward_latex, neuron_backward_table
from nnlab.viz.forward import neuron_latex, neuron_table


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def test_article_neuron_has_the_correct_numbers():
    r = neuron_example()
    assert r.products == pytest.approx((0.15, 0.07), abs=1e-15)
    assert r.weighted_sum == pytest.approx(0.22, abs=1e-15)
    assert r.z == pytest.approx(0.02, abs=1e-15)
    assert r.y == pytest.approx(sigmoid(0.02), abs=1e-15)
    assert round(r.y, 4) == 0.5050
    assert round(r.loss, 6) == 0.043513
    assert round(r.delta, 6) == -0.073743
    assert tuple(round(v, 6) for v in r.dW) == (-0.036871, -0.007374)
    assert round(r.db, 6) == -0.073743
    assert r.is_article_example


def test_numbers_match_the_chain_rule_by_hand_for_other_inputs():
    x, w, b, t = (1.5, -2.0), (-0.4, 0.25), 0.3, 0.1
    r = neuron_example(x, w, b, "tanh", t)
    z = 1.5 * -0.4 + -2.0 * 0.25 + 0.3
    y = math.tanh(z)
    delta = (y - t) * (1 - y * y)
    assert r.z == pytest.approx(z, abs=1e-14)
    assert r.y == pytest.approx(y, abs=1e-14)
    assert r.loss == pytest.approx(0.5 * (y - t) ** 2, abs=1e-14)
    assert r.delta == pytest.approx(delta, abs=1e-14)
    assert r.dW == pytest.approx((delta * 1.5, delta * -2.0), abs=1e-14)
    assert not r.is_article_example
    assert article_forward_note(r) == "" and article_backward_note(r) == ""


def test_agrees_with_torch_autograd():
    torch = pytest.importorskip("torch")
    x = torch.tensor([0.5, 0.1], dtype=torch.float64)
    w = torch.tensor([0.3, 0.7], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-0.2, dtype=torch.float64, requires_grad=True)
    y = torch.sigmoid(w @ x + b)
    loss = 0.5 * (y - 0.8) ** 2
    loss.backward()
    r = neuron_example()
    assert r.loss == pytest.approx(loss.item(), abs=1e-15)
    assert r.dW == pytest.approx(tuple(w.grad.tolist()), abs=1e-15)
    assert r.db == pytest.approx(b.grad.item(), abs=1e-15)


def test_relu_neuron_switched_off_has_zero_gradients():
    r = neuron_example((1.0, 1.0), (-1.0, -1.0), 0.5, "relu", 1.0)
    assert r.z == pytest.approx(-1.5) and r.y == 0.0
    assert r.dfdz == 0.0 and r.delta == 0.0 and r.dW == (0.0, 0.0)


def test_notes_name_the_printed_values_and_the_computed_ones():
    r = neuron_example()
    fwd = article_forward_note(r)
    assert "0.35" in fwd and "0.59" in fwd and "= 0.02" in fwd and "0.5050" in fwd
    back = article_backward_note(r)
    for text in ("0.0441", "-0.1148", "0.043513", "-0.073743", "½ dropped"):
        assert text in back
    # the printed loss really is (0.59 − 0.8)² with the ½ dropped — the note's claim is computed
    assert (ARTICLE_PRINTED["y"] - 0.8) ** 2 == pytest.approx(ARTICLE_PRINTED["L"])


@pytest.mark.parametrize("kwargs, word", [
    (dict(x=(1.0, 2.0, 3.0)), "x has 3"),
    (dict(activation="softmax"), "activation='softmax'"),
    (dict(activation="nope"), "activation='nope'"),
    (dict(b=float("nan")), "b=nan"),
    (dict(target="abc"), "target='abc'"),
    (dict(w=()), "W has 0"),
])
def test_bad_input_is_refused_by_name(kwargs, word):
    with pytest.raises(ValueError, match=word.replace("(", r"\(")):
        neuron_example(**kwargs)


def test_neuron_network_is_float64_with_the_given_weights():
    net = neuron_network((0.3, 0.7), -0.2)
    assert net.dtype == np.float64
    np.testing.assert_array_equal(net.get_params(0)["W"], [[0.3], [0.7]])


def test_forward_table_and_latex_show_every_step():
    r = neuron_example()
    table = neuron_table(r)
    assert list(table["step"]) == ["w1·x1", "w2·x2", "Σ wᵢ·xᵢ", "z = Σ + b", "y = sigmoid(z)"]
    np.testing.assert_allclose(table["value"], [0.15, 0.07, 0.22, 0.02, sigmoid(0.02)], atol=1e-15)
    tex = neuron_latex(r)
    assert r"0.3\cdot0.5 + 0.7\cdot0.1 - 0.2" in tex and "= 0.02" in tex and r"\approx 0.5050" in tex


def test_backward_table_and_latex():
    r = neuron_example()
    table = neuron_backward_table(r).set_index("quantity")["value"]
    assert table["L = ½(y − t)²"] == pytest.approx(0.0435125, abs=1e-7)
    assert table["δ = ∂L/∂z = ∂L/∂y · f′(z)"] == pytest.approx(r.dLdy * r.dfdz, abs=1e-15)
    assert table["∂L/∂w2 = δ·x2"] == pytest.approx(r.delta * 0.1, abs=1e-15)
    tex = neuron_backward_latex(r)
    for text in ("0.043513", "-0.073743", "-0.036871", "-0.007374"):
        assert text in tex
