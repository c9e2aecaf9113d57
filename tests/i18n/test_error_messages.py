"""Messages the lower layers raise for the page — a refused model file, a bad number in the one-neuron editor,
a layer rule's words — are in the session's language."""
import io
import zipfile

import numpy as np
import pytest

from nnlab.data import DataError
from nnlab.data.csv_reader import read_table
from nnlab.data.image_upload import prepare_digit
from nnlab.data.table_limits import MAX_COLUMNS
from nnlab.engine import ModelFileError, Network, load_model, mlp_spec, model_to_bytes, train
from nnlab.i18n import using_language
from nnlab.lab.attributions import grad_cam
from nnlab.lab.seed_neuron import neuron_example
from nnlab.lab.worked_forward import LAYER_FORMULAS, formula_tex


def _model_bytes():
    return model_to_bytes(Network(mlp_spec([2, 3, 1], seed=0)))


def _with_extra_member(data, name, payload=b"hello"):
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


def _refusal(data):
    with pytest.raises(ModelFileError) as caught:
        load_model(data)
    return str(caught.value)


def test_a_model_file_with_an_unknown_member_is_refused_in_chinese_and_in_english():
    data = _with_extra_member(_model_bytes(), "notes.txt")
    with using_language("zh"):
        assert _refusal(data) == ("zip 压缩包含有未知的成员文件“notes.txt”；nnlab 模型只含 __architecture__.npy，"
                                  "以及每个层参数一个 .npy 数组，例如 0.W.npy")
    assert _refusal(data) == ("the zip archive holds an unknown member “notes.txt”; an nnlab model holds only "
                              "__architecture__.npy and one .npy array per layer parameter, such as 0.W.npy")


def test_a_parameter_of_the_wrong_shape_is_refused_in_chinese():
    net = Network(mlp_spec([2, 3, 1], seed=0))
    buffer = io.BytesIO()
    arrays = {f"{i}.{k}": p for i, layer in enumerate(net.layers) for k, p in layer.params.items()}
    arrays["0.W"] = np.zeros((3, 2))
    arrays["__architecture__"] = np.frombuffer(
        zipfile.ZipFile(io.BytesIO(model_to_bytes(net))).read("__architecture__.npy")[128:], dtype=np.uint8)
    np.savez(buffer, **arrays)
    with using_language("zh"):
        assert _refusal(buffer.getvalue()) == "参数 0.W 的形状是 (3, 2)，架构需要 (2, 3)"


def test_the_neuron_editors_refusals_are_in_chinese():
    with using_language("zh"):
        with pytest.raises(ValueError) as caught:
            neuron_example(x=(1.0, 2.0, 3.0), w=(0.5, 0.5))
        assert str(caught.value) == "x 有 3 个元素，而 W 有 2 个；请为每个输入给一个权重"
        with pytest.raises(ValueError) as caught:
            neuron_example(b="abc")
        assert str(caught.value) == "b='abc'：请给出一个数"
    with pytest.raises(ValueError, match=r"^b='abc': give a number$"):
        neuron_example(b="abc")


def test_the_dropout_rule_names_its_modes_in_the_current_language():
    assert formula_tex("dropout") == LAYER_FORMULAS["dropout"][0]
    assert r"\text{ (predicting)}" in formula_tex("dropout")
    with using_language("zh"):
        zh = formula_tex("dropout")
    assert r"\text{ （预测时）}" in zh and r"\text{ （训练时）}" in zh and "Bernoulli" in zh


def _data_refusal(read):
    with pytest.raises(DataError) as caught:
        read()
    return str(caught.value)


def test_an_uploaded_csv_is_refused_in_chinese():
    wide = (",".join(["1"] * (MAX_COLUMNS + 1)) + "\n").encode() * 3
    with using_language("zh"):
        assert _data_refusal(lambda: read_table(b"", "a.csv")) == (
            "'a.csv' 是空的。请上传 CSV、TSV 或 TXT 表格（在电子表格软件中：文件 → 另存为 → CSV UTF-8）。")
        assert _data_refusal(lambda: read_table(wide, "wide.csv")).startswith(
            "“wide.csv”有 1,002 列（分隔符：逗号）；nnlab 最多读取 1,001 列。")
        assert _data_refusal(lambda: read_table(b"a,b\n1,1e39\n2,3\n", "big.csv")) == (
            "列“b”有一个超出 32 位浮点数范围的值（第 1 个数据行的 1e39）；上限约为 ±3.4e38。请缩放该列（例如除以 10 "
            "的若干次幂），或把它从文件中删除。")
    assert _data_refusal(lambda: read_table(b"a,b\n1,1e39\n2,3\n", "big.csv")).startswith(
        "Column 'b' has a value too large for 32-bit floats (1e39 in data row 1)")


def test_a_bad_image_is_refused_and_a_good_ones_notes_are_shown_in_chinese():
    with using_language("zh"):
        assert _data_refusal(lambda: prepare_digit(b"not an image at all")) == (
            "这个文件不是 nnlab 能读取的图像；请上传以下格式之一：PNG, JPEG, GIF, BMP, WEBP")
    buffer = io.BytesIO()
    pixels = np.zeros((28, 28), np.uint8)
    pixels[6:22, 12:16] = 255
    from PIL import Image
    Image.fromarray(pixels).save(buffer, format="PNG")
    _image, notes = prepare_digit(buffer.getvalue())  # made once (cached), shown in each session's language
    assert str(notes[0]) == "read a PNG of 28×28 pixels (L)"
    with using_language("zh"):
        assert str(notes[0]) == "读入了一张 28×28 像素的 PNG（L）"
        assert str(notes[-1]) == "按质心放在 28×28 的区域中央"


def test_the_trainers_and_the_labs_refusals_are_in_chinese():
    net = Network(mlp_spec([2, 3, 1], seed=0))
    x, y = np.zeros((4, 3)), np.zeros((4, 1))
    with using_language("zh"):
        with pytest.raises(ValueError) as caught:
            train(net, x, y, epochs=1)
        assert str(caught.value) == "x 的每个样本有 3 个特征，而网络需要 2 个"
        with pytest.raises(ValueError) as caught:
            grad_cam(net, np.zeros(2), cls=0)
        assert str(caught.value) == ("Grad-CAM 需要卷积层，而这个网络没有；显著性图、积分梯度和遮挡法适用于所有模型")
    with pytest.raises(ValueError, match=r"^x has 3 features per sample, the network expects 2$"):
        train(net, x, y, epochs=1)
