"""The shipped lessons load and validate; a broken lesson file is refused with its file and field named; the
lessons' texts are filled from the engine, and what they say about the article and the setups is true."""
import math
import re

import numpy as np
import pytest

from nnlab.data.builtin import DATASETS
from nnlab.lab import lessons as L
from nnlab.lab.lesson_text import fmt
from tests.lab.lesson_runs import ARTICLE_PRINTED, PRESETS, build, check_setup, lessons, neuron, settings_of

ORDER = ["what_is_a_network", "structure", "activations", "preprocessing", "forward_pass", "backprop",
         "vanishing_gradients", "exploding_gradients", "weight_updates", "loss_curves", "feature_maps", "attention",
         "mnist_end_to_end"]


def load(text, name="bad.toml"):
    return L.parse_lesson(text, name, PRESETS, list(DATASETS), check_setup)


def test_every_shipped_lesson_loads_in_the_articles_order():
    loaded = L.load_lessons(PRESETS, list(DATASETS), check_setup=check_setup)
    assert [lesson.id for lesson in loaded] == ORDER
    assert [lesson.file for lesson in loaded] == sorted(p.name for p in L.LESSONS_DIR.glob("*.toml"))
    assert all(lesson.check in L.CHECKS and set(lesson.views) <= set(L.VIEWS) and lesson.page in L.PAGES
               for lesson in loaded)


@pytest.mark.parametrize("lesson_id", ORDER)
def test_each_setup_builds_a_network_that_fits_its_data(lesson_id):
    lesson = lessons()[lesson_id]
    s = settings_of(lesson)
    net = build(s)
    assert net.n_params > 0
    assert s["dataset"] == (lesson.setup.dataset or PRESETS[lesson.setup.preset]["dataset"])


def test_the_copied_presets_match_the_app():
    presets = pytest.importorskip("nnlab.lab.presets", reason="nnlab.lab.presets arrives with the restructuring")
    assert {name: L.plain(presets.PRESETS[name]) for name in PRESETS} == {n: L.plain(c) for n, c in PRESETS.items()}


def test_setup_changes_take_the_presets_types():
    changes = L.setup_changes(lessons()["exploding_gradients"])
    assert changes["activations"] == ("relu",) * 8 and isinstance(changes["activations"], tuple)
    assert isinstance(changes["lr"], float) and changes["lr"] == 0.1
    assert L.setup_changes(lessons()["loss_curves"])["dataset"] == "Iris"


BASE = (L.LESSONS_DIR / "08_exploding_gradients.toml").read_text(encoding="utf-8")
CHECKED = (L.LESSONS_DIR / "03_activations.toml").read_text(encoding="utf-8")


def test_the_base_files_of_the_broken_cases_load():
    assert load(BASE).id == "exploding_gradients" and load(CHECKED).params == {"layer": 1, "edges": [0.1, 0.5]}


BROKEN = [
    (BASE, r'\nquestion = .*', "", "question", "missing"),
    (BASE, r'name = "divergence_lr"', 'name = "divergence_rate"', "check.name", "'divergence_rate' is not a check"),
    (BASE, r'preset = ".*"', 'preset = "Vanishing"', "setup.preset", "'Vanishing' is not a preset"),
    (BASE, r'\[setup\]', '[setup]\ndataset = "Wines"', "setup.dataset", "'Wines' is not a dataset"),
    (BASE, r'views = .*', 'views = ["training.flow"]', "views", "training.gradient_flow"),
    (BASE, r'views = .*', 'views = "training.live"', "views", "give a list, not 'training.live'"),
    (BASE, r'lr = 0.1', 'lr = 0.1, hidden = 32', "setup.settings.hidden", "give a list like the preset's [32,"),
    (BASE, r'page = .*', 'page = "train"', "page", "'train' is not a page"),
    (BASE, r'learning rate \{lr\}', "learning rate {learning_rate}", "task", "['learning_rate']"),
    (BASE, r'lr = 0.1', "learning_rate = 0.1", "setup.settings.learning_rate", "not a setting"),
    (BASE, r'lr = 0.1', 'lr = "fast"', "setup.settings.lr", "give a number like the preset's 0.1, not 'fast'"),
    (BASE, r'init = "he"', 'init = "hee"', "setup.settings", "init='hee' is unknown"),
    (BASE, r'free = \["lr"\]', 'free = ["learning rate"]', "setup.free", "settings the learner may change"),
    (BASE, r'epochs = 1\ndiverged', "epochs = -1\ndiverged", "done.epochs", "0 or more"),
    (BASE, r'diverged = true', "diverges = true", "done.diverges", "unknown key"),
    (BASE, r'(?m)^id = ', 'notes = "x"\nid = ', "notes", "unknown field"),
    (BASE, r'id = "exploding_gradients"', 'id = "Exploding gradients"', "id", "lower-case"),
    (BASE, r'sidebar one step', "sidebar {one step", "task", "literal brace"),
    (BASE, r'(?m)^id = ', 'numbers = "article"\nid = ', "numbers", "not a number source"),
    (CHECKED, r'layer = 1', 'layer = "one"', "check.layer", "give a whole number, not 'one'"),
    (CHECKED, r'layer = 1', "layer = 0", "check.layer", "at least 1"),
    (CHECKED, r'layer = 1', "lyer = 1", "check.lyer", "takes no parameter 'lyer'"),
    (CHECKED, r'edges = .*', "edges = [0.5, 0.1]", "check.edges", "larger than the one before"),
    (CHECKED, r'edges = .*', "edges = [10, 50]", "check.edges", "between 0 and 1"),
]


@pytest.mark.parametrize("base, old, new, field, words", BROKEN, ids=[f"{case[3]}:{case[2][:20]}" for case in BROKEN])
def test_a_broken_lesson_is_refused_naming_file_and_field(base, old, new, field, words):
    broken, count = re.subn(old, new, base, count=1)
    assert count == 1, old
    with pytest.raises(L.LessonError) as caught:
        load(broken)
    assert caught.value.file == "bad.toml" and caught.value.field == field
    assert str(caught.value).startswith(f"bad.toml: {field}: ") and words in str(caught.value)


def test_a_file_that_is_not_toml_is_refused_by_name():
    with pytest.raises(L.LessonError, match=r"^bad.toml: not valid TOML: "):
        load(BASE + "\n[setup\n")


def test_two_lessons_with_one_id_are_refused(tmp_path):
    (tmp_path / "01_a.toml").write_text(BASE, encoding="utf-8")
    (tmp_path / "02_b.toml").write_text(BASE, encoding="utf-8")
    with pytest.raises(L.LessonError, match=r"^02_b.toml: id: 'exploding_gradients' is already the id of 01_a.toml"):
        L.load_lessons(PRESETS, list(DATASETS), folder=tmp_path)


def _hand_neuron():
    """The article's neuron by hand (math, float64), independent of the engine."""
    z = 0.3 * 0.5 + 0.7 * 0.1 - 0.2
    y = 1 / (1 + math.exp(-z))
    return {"z": z, "y": y, "L": 0.5 * (y - 0.8) ** 2, "delta": (y - 0.8) * y * (1 - y)}


def test_the_engine_gives_the_correct_article_numbers():
    r, hand = neuron(), _hand_neuron()
    assert r.z == pytest.approx(hand["z"]) and r.y == pytest.approx(hand["y"])
    assert r.loss == pytest.approx(hand["L"]) and r.delta == pytest.approx(hand["delta"])
    assert (fmt(r.z), fmt(r.y), fmt(r.loss), fmt(r.delta)) == ("0.02", "0.505", "0.04351", "−0.07374")


def test_the_forward_lesson_shows_the_engines_numbers_beside_the_articles():
    text = L.texts(lessons()["forward_pass"], article_neuron=neuron(), printed=ARTICLE_PRINTED)
    notice, task = text["notice"].render(), text["task"].render()
    hand = _hand_neuron()
    assert f"0.3·0.5 + 0.7·0.1 + (−0.2) = {fmt(hand['z'])}, so y = σ({fmt(hand['z'])}) = {fmt(hand['y'])}" in notice
    assert "The article prints z = 0.35 and y ≈ 0.59." in notice
    assert "x = (0.5, 0.1), w = (0.3, 0.7), b = −0.2" in task


def test_what_the_backprop_lesson_says_about_the_articles_slips_is_true():
    text = L.texts(lessons()["backprop"], article_neuron=neuron(), printed=ARTICLE_PRINTED)["notice"].render()
    hand = _hand_neuron()
    assert f"the engine gives L = {fmt(hand['L'])} and δ = {fmt(hand['delta'])}" in text
    y, t = ARTICLE_PRINTED["y"], 0.8
    # "its L is (y − t)² without the ½"
    assert "its L is (y − t)² without the ½" in text and (y - t) ** 2 == pytest.approx(ARTICLE_PRINTED["L"])
    # "its δ does not follow even from its own y"
    assert abs((y - t) * y * (1 - y) - ARTICLE_PRINTED["delta"]) > 0.05
    assert "∂L/∂W = δ·x = (−0.03687, −0.007374)" in text


def test_a_lesson_with_engine_numbers_needs_them_and_only_the_articles():
    with pytest.raises(ValueError, match="pass article_neuron and printed"):
        L.texts(lessons()["forward_pass"])
    with pytest.raises(ValueError, match="the article's neuron"):
        L.texts(lessons()["forward_pass"], article_neuron=neuron(b=0.1), printed=ARTICLE_PRINTED)


def test_texts_fill_the_tasks_epochs_and_the_setups_settings():
    assert L.texts(lessons()["vanishing_gradients"])["task"].render().startswith("Train for 3 epochs,")
    assert "plain SGD at learning rate 1," in L.texts(lessons()["activations"])["task"].render()
    assert "Adam at learning rate 0.001," in L.texts(lessons()["weight_updates"])["task"].render()


def test_one_epoch_in_words_means_one_epoch_done():
    for lesson in lessons().values():
        if any("one epoch" in getattr(lesson, f) for f in L.TEXT_FIELDS):
            assert lesson.done_epochs == 1, lesson.id
            assert settings_of(lesson)["epochs"] == 1, lesson.id


def test_most_parameters_of_the_structure_lesson_sit_in_the_first_layer():
    net = build(settings_of(lessons()["structure"]))
    first = sum(p.size for p in net.param_layers()[0].params.values())
    assert "Most of the parameters sit in the first layer" in lessons()["structure"].notice
    assert first > net.n_params / 2


def test_the_first_lesson_starts_from_the_articles_weights():
    params = build(settings_of(lessons()["what_is_a_network"])).get_params(0)
    assert np.allclose(params["W"].ravel(), [0.3, 0.7]) and np.allclose(params["b"], [-0.2])


def test_every_view_and_page_is_described():
    assert all(isinstance(text, str) and text for text in L.VIEWS.values())
    assert {name.split(".")[0] for name in L.VIEWS} <= set(L.PAGES)
