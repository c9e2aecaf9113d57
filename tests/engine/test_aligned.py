"""The training's hot buffers start on a 64-byte boundary (engine.aligned), whatever malloc returns."""
import numpy as np
import pytest

from nnlab.engine import Network, aligned, make_optimizer, mlp_spec, train


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
@pytest.mark.parametrize("n", [1, 7, 100_352, 109_386])
def test_empty_and_zeros_are_aligned_and_sized(n, dtype):
    for _ in range(5):  # malloc hands out differently aligned blocks; every one must be cut at a boundary
        a, z = aligned.empty(n, dtype), aligned.zeros(n, dtype)
        assert a.shape == z.shape == (n,) and a.dtype == z.dtype == np.dtype(dtype)
        assert a.ctypes.data % 64 == 0 and z.ctypes.data % 64 == 0
        assert a.flags.c_contiguous and a.flags.writeable
        assert not z.any()


def test_flat_buffers_and_optimiser_state_are_aligned():
    net = Network(mlp_spec([784, 128, 64, 10], seed=0))
    assert aligned.is_aligned(net.flat.values) and aligned.is_aligned(net.flat.grads)
    rng = np.random.default_rng(0)
    x, y = rng.random((128, 784), dtype=np.float32), rng.integers(0, 10, 128)
    for name, state in [("adam", ("m", "v", "work")), ("momentum", ("velocity",))]:
        opt = make_optimizer(name, lr=1e-3, weight_decay=1e-4)
        for _record in train(net, x, y, epochs=1, optimizer=opt):
            pass
        assert all(aligned.is_aligned(getattr(opt, attr)) for attr in state + ("_decayed",))


def test_is_aligned_tells_an_offset_view():
    a = aligned.empty(32, np.float32)
    assert aligned.is_aligned(a) and not aligned.is_aligned(a[4:])
