"""Cross-entropies stay finite on saturated float32 outputs (1 − 1e-12 rounds to 1.0 in float32)."""
import numpy as np
import pytest

from nnlab.engine.losses import LOSSES


@pytest.mark.parametrize("name", ["bce", "softmax_ce"])
def test_saturated_float32_outputs_give_finite_loss_and_gradient(name):
    a = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    t = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)  # confidently wrong everywhere
    loss = LOSSES[name].value(a, t)
    grad = LOSSES[name].grad(a, t)
    assert np.isfinite(loss) and loss > 10  # large, as it should be, but a number
    assert np.all(np.isfinite(grad))
