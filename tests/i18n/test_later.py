"""Words made once and shown in either language: a cached built-in dataset's notes follow the session."""
import pytest

from nnlab.data.builtin import load_dataset
from nnlab.i18n import Later, using_language


def test_a_later_message_is_translated_when_shown_and_equals_its_english():
    note = Later("{n} points, noise {noise}, seed {seed}", n=400, noise=0.15, seed=0)
    assert note == "400 points, noise 0.15, seed 0" and str(note) == "400 points, noise 0.15, seed 0"
    with using_language("zh"):
        assert str(note) == f"{note}" == "400 个点，噪声 0.15，随机种子 0"
    assert str(note) == "400 points, noise 0.15, seed 0"  # made once, shown again in English


def test_a_later_message_checks_its_placeholders_when_made():
    with pytest.raises(TypeError):
        Later("{n} points, noise {noise}, seed {seed}", n=400)


def test_a_built_in_datasets_notes_follow_the_language():
    data = load_dataset("Iris", seed=0)
    shown = [str(n) for n in data.notes]
    assert "features z-scored with the mean and std of the training part" in shown
    with using_language("zh"):
        zh = [str(n) for n in data.notes]
    assert "特征用训练部分的均值和标准差做了 z-score 标准化" in zh
    assert any(n.startswith("分层划分，随机种子 0：训练 ") for n in zh)
