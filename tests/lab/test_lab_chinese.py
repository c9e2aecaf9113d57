"""What the lab says to a user — an intervention's edits, the sample split, a worked example's words inside its
formula, a layer's label — follows the session's language."""
import numpy as np
import pytest

from nnlab.engine import Network, mlp_spec
from nnlab.i18n import using_language
from nnlab.lab.describe import layer_label
from nnlab.lab.inspect import split_name
from nnlab.lab.interventions import switch_off
from nnlab.lab.terms import tex_vector


def test_an_intervention_says_what_it_zeroed_in_chinese():
    net = Network(mlp_spec([6, 5, 3], dtype="float64"))
    assert switch_off(net, {0: [1]})[1] == ((1, "W", "rows read from layer 1's units"),)
    with using_language("zh"):
        assert switch_off(net, {0: [1]})[1] == ((1, "W", "读取第 1 层单元的行"),)
        with pytest.raises(ValueError, match="第 1 层的单元为 0…4；\\[5\\] 不存在"):
            switch_off(net, {0: [5]})


def test_split_names_layer_labels_and_formula_words_in_chinese():
    assert (split_name("train"), split_name("test")) == ("training", "test")
    with using_language("zh"):
        assert (split_name("train"), split_name("test")) == ("训练", "测试")
        assert layer_label({"type": "self_attention", "heads": 4}) == "自注意力，4 个注意力头"
        assert tex_vector(np.arange(6.0), shown=2) == r"\big(0, 1, \ldots\ (4\text{ 个其余项})\big)"
    assert layer_label({"type": "self_attention", "heads": 4}) == "self-attention, 4 heads"
