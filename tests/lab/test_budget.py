"""A model's cost (multiply-adds per sample) counted by hand from its architecture, and the settings it gets."""
from nnlab.engine import Network, mlp_spec
from nnlab.engine.zoo import mnist_attention_spec, mnist_cnn_spec
from nnlab.lab.budget import HEAVY, LIGHT, LIGHT_COST, multiply_adds, settings_for


def test_an_mlp_costs_the_sum_of_its_weight_matrices_and_gets_the_light_settings():
    net = Network(mlp_spec([784, 128, 64, 10], seed=0))
    assert multiply_adds(net) == 784 * 128 + 128 * 64 + 64 * 10 <= LIGHT_COST
    assert settings_for(net) == LIGHT


def test_a_convolution_costs_its_kernel_at_every_output_pixel():
    net = Network(mnist_cnn_spec(seed=0))
    conv1 = 26 * 26 * 16 * (1 * 3 * 3)    # 28 − 3 + 1 = 26 pixels a side, 16 filters of 1×3×3
    conv2 = 11 * 11 * 32 * (16 * 3 * 3)   # pooled to 13, 13 − 3 + 1 = 11
    dense = 32 * 5 * 5 * 64 + 64 * 10
    assert multiply_adds(net) == conv1 + conv2 + dense > LIGHT_COST
    assert settings_for(net) == HEAVY


def test_attention_adds_its_projections_per_token_and_the_two_token_by_token_products():
    net = Network(mnist_attention_spec(seed=0))
    tokens, dim = 49, 64
    embed = tokens * 16 * dim                                 # 4×4 patches
    attention = tokens * 4 * dim * dim + 2 * tokens * tokens * dim  # Q, K, V, O; then Q·Kᵀ and A·V
    mlp = tokens * dim * 128 + 128 * 10
    assert multiply_adds(net) == embed + attention + mlp
    settings = settings_for(net)
    settings["resolution"] = 0
    assert settings_for(net) == HEAVY  # a copy: changing it changes nothing
