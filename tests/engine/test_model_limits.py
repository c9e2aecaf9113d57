"""check_spec works out parameter shapes without building: they must be exactly what the layers build."""
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnlab.engine import LAYER_TYPES, Network
from nnlab.engine.model_limits import (MAX_LAYER_VALUES, PARAM_SHAPES, PARAMETERLESS, SpecError, check_spec,
                                       json_depth)
from nnlab.engine.zoo import PRESETS

small = st.integers(1, 4)
LAYERS = {
    "dense": st.fixed_dictionaries({"units": small, "activation": st.sampled_from(["relu", "tanh", "identity"])}),
    "token_dense": st.fixed_dictionaries({"units": small}),
    "dropout": st.fixed_dictionaries({"rate": st.sampled_from([0.0, 0.5])}),
    "conv2d": st.fixed_dictionaries({"filters": small, "kernel": small, "stride": st.integers(1, 3),
                                     "padding": st.sampled_from(["valid", "same"])}),
    "maxpool2d": st.fixed_dictionaries({"size": st.integers(1, 3)}, optional={"stride": st.integers(1, 3)}),
    "avgpool2d": st.fixed_dictionaries({"size": st.integers(1, 3)}, optional={"stride": st.integers(1, 3)}),
    "flatten": st.just({}),
    "patch_embed": st.fixed_dictionaries({"patch": st.integers(1, 3), "dim": st.integers(1, 6)}),
    "self_attention": st.fixed_dictionaries({"heads": st.integers(1, 3), "residual": st.booleans()}),
    "layer_norm": st.just({}),
    "token_mean_pool": st.just({}),
}
layer = st.sampled_from(sorted(LAYERS)).flatmap(lambda kind: LAYERS[kind].map(lambda cfg: {"type": kind, **cfg}))
input_shape = st.lists(st.integers(1, 9), min_size=1, max_size=3)


def test_every_layer_type_has_a_size_rule():
    assert set(LAYER_TYPES) == set(PARAM_SHAPES) | set(PARAMETERLESS)
    assert not set(PARAM_SHAPES) & set(PARAMETERLESS)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(input_shape, st.lists(layer, min_size=1, max_size=5))
def test_shapes_agree_with_the_layers_that_get_built(shape, layers):
    spec = {"input_shape": shape, "loss": "mse", "layers": layers}
    shapes = check_spec(spec)
    try:
        net = Network(spec)
    except ValueError as exc:  # layer j does not fit its input: check_spec stops there too
        j = int(re.match(r"layer (\d+) ", str(exc)).group(1))
        net = Network({**spec, "layers": layers[:j - 1]}) if j > 1 else None
    built = ({f"{i}.{name}": p.shape for i, lay in enumerate(net.layers) for name, p in lay.params.items()}
             if net else {})
    assert shapes == built


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_the_presets_pass_and_agree(preset):
    spec = PRESETS[preset][0]()
    net = Network(spec)
    assert check_spec(spec) == {f"{i}.{n}": p.shape for i, lay in enumerate(net.layers) for n, p in lay.params.items()}


def test_attention_over_too_many_tokens_is_refused_by_its_attention_weights():
    spec = {"input_shape": [1, 64, 64], "layers": [{"type": "patch_embed", "patch": 1, "dim": 2},
                                                   {"type": "self_attention", "heads": 1}]}
    with pytest.raises(SpecError, match=f"layer 2 .self_attention. works on 16,777,216 values per sample .output "
                                        rf"\(4096, 2\)\); the limit is {MAX_LAYER_VALUES:,}"):
        check_spec(spec)


def test_json_depth_ignores_brackets_in_strings():
    assert json_depth('{"a": [{"b": "[[[{{{"}]}') == 3
    assert json_depth('"\\"[[["') == 0
    assert json_depth("[[[[]]]]") == 4
