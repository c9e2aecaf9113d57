"""Unit maps over the input plane against a hand forward pass at each grid point."""
import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.lab.unit_maps import unit_maps


def _grid(rows, cols):
    """Cell centres row by row, x₁ along the columns and x₂ along the rows, as the boundary chart lays them."""
    xx, yy = np.meshgrid(np.linspace(-1, 1, cols), np.linspace(-2, 2, rows))
    return np.column_stack([xx.ravel(), yy.ravel()])


def test_each_map_cell_is_that_units_output_at_that_point():
    spec = mlp_spec([2, 4, 3, 1], activation=["tanh", "relu"], output="sigmoid", loss="bce", dtype="float64")
    spec["layers"].insert(1, {"type": "dropout", "rate": 0.5})
    net = Network(spec)
    points = _grid(5, 7)
    maps = unit_maps(net, points, (5, 7))
    assert [m.layer for m in maps.layers] == [0, 2, 3]  # dropout left out
    assert [m.maps.shape for m in maps.layers] == [(4, 5, 7), (3, 5, 7), (1, 5, 7)]
    W1, b1 = net.layers[0].params["W"], net.layers[0].params["b"]
    W2, b2 = net.layers[2].params["W"], net.layers[2].params["b"]
    for r, c in [(0, 0), (2, 5), (4, 6)]:
        p = points[r * 7 + c]
        a1 = np.tanh(p @ W1 + b1)
        a2 = np.maximum(a1 @ W2 + b2, 0)
        np.testing.assert_allclose(maps.layers[0].maps[:, r, c], a1, rtol=1e-12)
        np.testing.assert_allclose(maps.layers[1].maps[:, r, c], a2, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(maps.layers[2].maps[0].ravel(), net.predict(points)[:, 0], rtol=1e-12)


def test_only_two_input_networks_and_matching_grids():
    with pytest.raises(ValueError, match="2 inputs"):
        unit_maps(Network(mlp_spec([3, 2, 2])), np.zeros((4, 3)), (2, 2))
    with pytest.raises(ValueError, match=r"3×3 grid needs \(9, 2\)"):
        unit_maps(Network(mlp_spec([2, 2, 2])), np.zeros((8, 2)), (3, 3))
