"""Optimisers and schedules against hand-computed values."""
import math

import numpy as np
import pytest

from nnlab.engine import OPTIMIZERS, SCHEDULES, make_optimizer
from nnlab.engine.schedules import get_schedule

W0 = np.array([[1.0, -2.0], [0.5, 3.0]])
B0 = np.array([0.25, -0.5])
G1 = np.array([[0.1, -0.2], [0.3, 0.0]])
GB1 = np.array([1.0, -1.0])
G2 = np.array([[-0.4, 0.1], [0.2, 0.5]])
GB2 = np.array([0.5, 2.0])


def fresh():
    return [W0.copy(), B0.copy()]


def test_table():
    assert set(OPTIMIZERS) == {"sgd", "momentum", "adam"}
    assert set(SCHEDULES) == {"constant", "step", "cosine"}


def test_sgd_one_step():
    params = fresh()
    deltas = make_optimizer("sgd", lr=0.1).step(params, [G1, GB1], [True, False])
    np.testing.assert_allclose(params[0], W0 - 0.1 * G1, rtol=1e-15)
    np.testing.assert_allclose(params[1], B0 - 0.1 * GB1, rtol=1e-15)
    np.testing.assert_allclose(deltas[0], -0.1 * G1, rtol=1e-15)


def test_momentum_two_steps():
    params = fresh()
    opt = make_optimizer("momentum", lr=0.1, momentum=0.9)
    opt.step(params, [G1, GB1], [True, False])
    v1 = -0.1 * G1
    np.testing.assert_allclose(params[0], W0 + v1, rtol=1e-15)
    opt.step(params, [G2, GB2], [True, False])
    v2 = 0.9 * v1 - 0.1 * G2
    np.testing.assert_allclose(params[0], W0 + v1 + v2, rtol=1e-14)
    vb2 = 0.9 * (-0.1 * GB1) - 0.1 * GB2
    np.testing.assert_allclose(params[1], B0 - 0.1 * GB1 + vb2, rtol=1e-14)


def test_momentum_deltas_are_not_aliased_to_the_velocity():
    opt = make_optimizer("momentum", lr=0.1)
    params = fresh()
    d1 = opt.step(params, [G1, GB1], [True, False])[0].copy()
    returned = opt.compute(params, [G1, GB1], [True, False])[0]
    opt.compute(params, [G2, GB2], [True, False])
    # a delta handed out earlier is not changed by later steps
    np.testing.assert_allclose(returned, 0.9 * d1 - 0.1 * G1, rtol=1e-14)


def adam_by_formula(grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-8, folded=True):
    """Adam written out literally; returns the parameter after each step.

    ``folded=False`` is Kingma & Ba's Algorithm 1 (m̂, v̂, then ε). ``folded=True`` is the paper's
    "more efficient" ordering from §2, also scikit-learn's: αₜ = α·√(1−β₂ᵗ)/(1−β₁ᵗ) and
    θ ← θ − αₜ·m/(√v + ε). The two differ only in where ε enters.
    """
    m = v = 0.0
    p = W0.copy()
    out = []
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if folded:
            p = p - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(v) + eps)
        else:
            p = p - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        out.append(p.copy())
    return out


def test_adam_two_steps_match_the_formula():
    params = fresh()
    opt = make_optimizer("adam", lr=0.01)
    expected = adam_by_formula([G1, G2])
    literal = adam_by_formula([G1, G2], folded=False)
    opt.step(params, [G1, GB1], [True, False])
    np.testing.assert_allclose(params[0], expected[0], rtol=1e-14)
    np.testing.assert_allclose(params[0], literal[0], rtol=1e-6)
    # first Adam step: every nonzero entry moves by about lr·sign(g); a zero gradient does not move
    step1 = params[0] - W0
    np.testing.assert_allclose(step1[G1 != 0], -0.01 * np.sign(G1[G1 != 0]), rtol=1e-5)
    assert step1[1, 1] == 0
    opt.step(params, [G2, GB2], [True, False])
    np.testing.assert_allclose(params[0], expected[1], rtol=1e-14)
    np.testing.assert_allclose(params[0], literal[1], rtol=1e-6)
    assert opt.t == 2


def test_weight_decay_applies_to_weights_not_biases():
    for name in OPTIMIZERS:
        params = fresh()
        opt = make_optimizer(name, lr=0.1, weight_decay=0.5)
        ref = fresh()
        make_optimizer(name, lr=0.1).step(ref, [G1 + 0.5 * W0, GB1], [True, False])
        opt.step(params, [G1, GB1], [True, False])
        np.testing.assert_allclose(params[0], ref[0], rtol=1e-14, err_msg=name)  # W: g + λW
        np.testing.assert_allclose(params[1], ref[1] if name != "sgd" else B0 - 0.1 * GB1, rtol=1e-14)
    sgd = fresh()
    make_optimizer("sgd", lr=0.1, weight_decay=0.5).step(sgd, [G1, GB1], [True, False])
    np.testing.assert_allclose(sgd[0], W0 - 0.1 * (G1 + 0.5 * W0), rtol=1e-15)
    np.testing.assert_allclose(sgd[1], B0 - 0.1 * GB1, rtol=1e-15)  # bias: no decay


def test_lr_override_and_step_counter():
    opt = make_optimizer("sgd", lr=0.1)
    params = fresh()
    opt.step(params, [G1, GB1], [True, False], lr=0.5)
    np.testing.assert_allclose(params[0], W0 - 0.5 * G1)
    assert opt.t == 1 and opt.lr == 0.1


def test_float32_parameters_stay_float32():
    for name in OPTIMIZERS:
        params = [W0.astype(np.float32), B0.astype(np.float32)]
        make_optimizer(name, lr=0.1).step(params, [G1.astype(np.float32), GB1.astype(np.float32)], [True, False])
        assert params[0].dtype == np.float32 and params[1].dtype == np.float32


@pytest.mark.parametrize("bad", [0, -0.1, float("nan"), float("inf")])
def test_learning_rate_must_be_positive(bad):
    for name in OPTIMIZERS:
        with pytest.raises(ValueError, match="lr="):
            make_optimizer(name, lr=bad)


def test_bad_optimizer_settings():
    with pytest.raises(ValueError, match="optimizer='rmsprop'"):
        make_optimizer("rmsprop")
    with pytest.raises(ValueError, match="weight_decay=-1"):
        make_optimizer("sgd", weight_decay=-1)
    with pytest.raises(ValueError, match="momentum=1"):
        make_optimizer("momentum", momentum=1)


def test_schedules_at_known_points():
    const, step, cos = SCHEDULES["constant"], SCHEDULES["step"], SCHEDULES["cosine"]
    assert [const(0.1, p, 10) for p in (0, 5.5, 10)] == [0.1, 0.1, 0.1]
    # step: halve every 3 epochs (progress counts epochs, fractional within an epoch)
    assert [step(0.1, p, 10) for p in (0, 2.99, 3.0, 5.5, 6.0, 9.0)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125])
    # cosine: base → 0 along half a cosine
    assert cos(0.1, 0, 10) == pytest.approx(0.1)
    assert cos(0.1, 5, 10) == pytest.approx(0.05)
    assert cos(0.1, 2.5, 10) == pytest.approx(0.05 * (1 + math.cos(math.pi / 4)))
    assert cos(0.1, 10, 10) == pytest.approx(0.0, abs=1e-15)
    assert cos(0.1, 12, 10) == pytest.approx(0.0, abs=1e-15)  # clamped past the end
    with pytest.raises(ValueError, match="schedule='linear'"):
        get_schedule("linear")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_arrays_are_updated_independently_and_deltas_stay_valid(name):
    """Stepping W and b together equals stepping each alone (bit for bit), and the changes handed
    back by one step are not overwritten by the next."""
    together, alone_w, alone_b = (make_optimizer(name, lr=0.05, weight_decay=0.1) for _ in range(3))
    p_both, p_w, p_b = fresh(), [W0.copy()], [B0.copy()]
    kept = []
    for g, gb in ((G1, GB1), (G2, GB2), (G1, GB2)):
        deltas = together.step(p_both, [g, gb], [True, False])
        assert [d.shape for d in deltas] == [W0.shape, B0.shape]
        kept.append([d.copy() for d in deltas] + [deltas])
        alone_w.step(p_w, [g], [True])
        alone_b.step(p_b, [gb], [False])
    np.testing.assert_array_equal(p_both[0], p_w[0])
    np.testing.assert_array_equal(p_both[1], p_b[0])
    for *copies, returned in kept:
        for c, r in zip(copies, returned):
            np.testing.assert_array_equal(c, r)
