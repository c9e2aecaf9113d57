"""The Data page through the whole app: the catalogue's numbers, one click to switch, the CSV upload flow
with its errors, and the image augmentation settings the trainer reads."""
import numpy as np
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from nnlab.lab.config import LabConfig, build_spec
from nnlab.data.augment import FLIP_NOTE, AugmentConfig
from nnlab.data.builtin import DATASETS
from nnlab.i18n import using_language
from tests.pages.apptest_helpers import page_dataset, table_with

IRIS = LabConfig(dataset="Iris", hidden=(8,), activations=("relu",), epochs=2)


def _page(config=IRIS, tab=None):
    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.session_state["config"] = config
    at.run()
    at.switch_page("app_pages/data.py")
    if tab:
        at.session_state["dt_tab"] = tab
    at.run()
    assert not at.exception
    return at


def _upload(at, name, data):
    at.file_uploader(key="dt_upload").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception


def _texts(elements):
    return [e.value for e in elements]


def _csv(n=40, sep=";"):
    rows = [sep.join(["height", "weight", "colour", "label"])]
    for i in range(n):
        weight = "" if i == 3 else str(50 + i % 7)
        rows.append(sep.join([str(150 + i), weight, "red" if i % 3 else "blue", "tall" if i % 2 else "short"]))
    return "\n".join(rows).encode()


def test_catalogue_lists_every_builtin_with_computed_numbers():
    at = _page()
    cards = [m for m in _texts(at.markdown) if " samples · " in m]
    assert len(cards) == len(DATASETS)
    assert "**150** samples · **4** features · **3** classes (33.3% each)" in cards
    assert "**10,000** samples · **784** features · **10** classes (8.6%–11.3% each)" in cards
    buttons = [at.button(key=f"dt_use_{i}") for i in range(len(DATASETS))]
    iris = list(DATASETS).index("Iris")
    assert buttons[iris].disabled and buttons[iris].label == "✓ current"
    assert sum(b.disabled for b in buttons) == 1
    assert any("50 MB" in m for m in _texts(at.markdown)) is False  # the upload tab is not drawn until opened
    assert len(at.get("vega_lite_chart")) == 1  # the class balance of the dataset under "A closer look"


def test_one_click_makes_a_builtin_current_and_the_model_follows():
    at = _page()
    at.button(key=f"dt_use_{list(DATASETS).index('Moons')}").click()
    at.run()
    assert not at.exception
    cfg = at.session_state["config"]
    assert cfg.dataset == "Moons" and at.session_state["sb_dataset"] == "Moons"
    assert any("“Moons” is now the current dataset" in i and "takes 2 inputs" in i for i in _texts(at.info))
    assert at.session_state["model"] is None  # rebuilt, untrained, on the next page that needs it
    assert at.button(key=f"dt_use_{list(DATASETS).index('Moons')}").disabled


def test_upload_tab_states_the_cap_and_reads_a_semicolon_file():
    at = _page(tab="Upload a CSV")
    assert any("up to **50 MB**" in m for m in _texts(at.markdown))
    _upload(at, "people.csv", _csv())
    assert _texts(at.success) == ["Read 40 rows × 4 columns — encoding utf-8, separator semicolon, header row: yes."]
    described = next(d.value for d in at.dataframe if "distinct" in d.value.columns).set_index("column")
    assert described.loc["weight", "missing"] == 1 and described.loc["colour", "type"] == "text"
    assert described.loc["label", "distinct"] == 2
    assert at.selectbox[[s.label for s in at.selectbox].index("Target (what to predict)")].value == "label"
    assert at.radio[0].value == "classification"
    assert [m.value for m in at.metric][:3] == ["40", "39", "1"]  # rows in, used, dropped (one missing weight)
    assert any("Dropped 1 row with a missing value in the feature 'weight'." == i for i in _texts(at.info))


def test_use_this_dataset_makes_the_upload_current_with_softmax_ce():
    at = _page(tab="Upload a CSV")
    _upload(at, "people.csv", _csv())
    at.button(key="dt_use_upload").click()
    at.run()
    assert not at.exception
    ds = at.session_state["user_datasets"]["people"]
    assert ds.class_names == ("short", "tall") and ds.n_features == 4  # height, weight, colour=blue, colour=red
    assert ds.feature_names == ("height", "weight", "colour=blue", "colour=red")
    cfg = at.session_state["config"]
    assert cfg.dataset == "people" and at.session_state["sb_dataset"] == "people"
    assert (cfg.loss, cfg.output) == ("softmax_ce", "softmax")
    spec = build_spec(cfg, ds)
    assert spec["input_shape"] == [4] and spec["layers"][-1]["units"] == 2
    assert any("“people” is now the current dataset (classification)" in i for i in _texts(at.info))
    assert at.session_state["dt_tab"] == "Upload a CSV"  # the page stays where the user was
    at.session_state["dt_tab"] = "Built-in datasets"
    at.run()
    assert not at.exception
    look = at.selectbox(key="dt_look_people")
    assert look.value == "people" and look.format_func(look.value) == "people (current)"
    rows = next(d.value for d in at.dataframe if "target" in d.value.columns)
    assert list(rows.columns) == ["height", "weight", "colour=blue", "colour=red", "target"]
    assert set(rows["target"]) <= {"short", "tall"} and len(rows) == 10
    assert not any(b.disabled for b in at.button if b.key and b.key.startswith("dt_use_"))  # no built-in is current


def test_regression_upload_switches_to_mse_and_identity_and_scales():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 100, size=(60, 2))
    y = 3 * x[:, 0] - x[:, 1] + rng.normal(size=60)
    body = "\n".join(f"{a:.3f},{b:.3f},{t:.4f}" for (a, b), t in zip(x, y))
    at = _page(tab="Upload a CSV")
    _upload(at, "prices.csv", f"a,b,price\n{body}".encode())
    assert at.radio[0].value == "regression"
    at.selectbox(key="dt_scaling").set_value("zscore")
    at.run()
    assert not at.exception
    titles = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert any("after z-score" in spec for spec in titles)
    at.button(key="dt_use_upload").click()
    at.run()
    cfg = at.session_state["config"]
    assert (cfg.loss, cfg.output) == ("mse", "identity")
    assert (at.session_state["sb_loss"], at.session_state["sb_output"]) == ("mse", "identity")
    ds = at.session_state["user_datasets"]["prices"]
    assert ds.task == "regression" and build_spec(cfg, ds)["layers"][-1] == {
        "type": "dense", "units": 1, "activation": "identity"}
    assert abs(float(ds.x_train[:, 0].mean())) < 1e-5 and float(ds.x_train[:, 0].std()) == pytest.approx(1, abs=1e-4)


BAD_FILES = [
    ("empty.csv", b"", "is empty"),
    ("header.csv", b"a,b,c\n", "no data rows"),
    ("one.csv", b"x\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n", "only one column"),
    ("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
    ("ragged.csv", b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n" + b"1,2,3\n" * 12, "row"),
    ("few.csv", b"a,b\n1,x\n2,y\n3,x\n", "at least 10"),
    ("one_class.csv", b"a,b\n" + b"".join(f"{i},same\n".encode() for i in range(20)), "single class"),
    ("huge.csv", b"a,b\n" + b"".join(f"{i},1e39\n".encode() for i in range(20)), "too large for 32-bit"),
    ("wide.csv", (",".join(f"c{j}" for j in range(1002)) + "\n" + "".join(
        ",".join(str((i + j) % 7) for j in range(1002)) + "\n" for i in range(12))).encode(), "at most 1,000"),
    ("noise.csv", bytes(range(256)) * 8, "binary"),
]


@pytest.mark.parametrize("name, data, phrase", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_uploads_show_a_clear_error_and_keep_the_current_dataset(name, data, phrase):
    at = _page(tab="Upload a CSV")
    _upload(at, name, data)
    errors = _texts(at.error)
    assert len(errors) == 1 and phrase in errors[0] and "Your current dataset is unchanged." in errors[0]
    assert not [b for b in at.button if b.key == "dt_use_upload"]
    assert at.session_state["config"].dataset == "Iris" and not at.session_state["user_datasets"]


def test_too_many_classes_offers_regression():
    rows = "\n".join(f"{i},{i * 2 % 97}" for i in range(200))
    at = _page(tab="Upload a CSV")
    _upload(at, "many.csv", f"x,code\n{rows}".encode())
    assert at.radio[0].value == "regression"  # 97 different whole numbers: inferred as a quantity
    at.radio[0].set_value("classification")
    at.run()
    assert any("too many classes" in e for e in _texts(at.error))
    at.button(key="dt_to_regression").click()
    at.run()
    assert not at.error and at.radio[0].value == "regression"
    assert [b for b in at.button if b.key == "dt_use_upload"]


def test_duplicate_column_names_are_renamed_with_a_notice():
    rows = "\n".join(f"{i},{i % 5},{i % 2}" for i in range(30))
    at = _page(tab="Upload a CSV")
    _upload(at, "dupes.csv", f"v,v,label\n{rows}".encode())
    assert not at.error
    assert any("v" in i and "renamed" in i.lower() for i in _texts(at.info))


def test_augmentation_settings_are_stored_for_the_trainer():
    at = _page(config=LabConfig(dataset="Digits 8×8", epochs=1), tab="Image augmentation")
    assert at.session_state["augment"] is None
    at.slider(key="dt_rot").set_value(10.0)
    at.slider(key="dt_shift").set_value(1)
    at.slider(key="dt_noise").set_value(0.1)
    at.toggle(key="dt_aug_on").set_value(True)
    at.run()
    assert not at.exception
    assert at.session_state["augment"] == AugmentConfig(rotation_degrees=10.0, shift_pixels=1, noise_sigma=0.1)
    assert not any(FLIP_NOTE in w for w in _texts(at.warning))
    at.slider(key="dt_flip").set_value(0.5)
    at.run()
    assert any(FLIP_NOTE in w for w in _texts(at.warning))
    assert at.session_state["augment"].flip_probability == 0.5
    at.toggle(key="dt_aug_on").set_value(False)
    at.run()
    assert at.session_state["augment"] is None
    assert at.session_state["dt_aug_settings"].rotation_degrees == 10.0  # kept for the next visit


def _chart_frames(chart):
    return [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]


def test_preview_shows_originals_next_to_augmented_copies():
    at = _page(config=LabConfig(dataset="Digits 8×8", epochs=1), tab="Image augmentation")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    captions = _chart_frames(charts[0])[0]["caption"].tolist()
    assert len(captions) == 16
    assert [c.split()[1] for c in captions] == ["original", "augmented"] * 8
    pairs = zip(captions[::2], captions[1::2])
    assert all(a.split()[0] == b.split()[0] and a.split()[0] in "0123456789" for a, b in pairs)


def test_preview_pairs_hold_the_labelled_image_and_its_copy():
    from nnlab.data.builtin import load_dataset
    from nnlab.ui.data_augment import preview_chart

    ds = load_dataset("Digits 8×8")
    x, y = ds.x_train[:50], ds.y_train[:50]
    frame = list(preview_chart(x, y, (8, 8), AugmentConfig(), ds.class_names, seed=3).to_dict()["datasets"].values())[0]
    rows = np.sort(np.random.default_rng(3).choice(50, 8, replace=False))
    assert [r["caption"] for r in frame][::2] == [f"{y[i]} original" for i in rows]
    # with every augmentation off, each copy is pixel-for-pixel its original
    urls = [r["url"] for r in frame]
    assert urls[::2] == urls[1::2]


def test_padded_copy_becomes_the_current_dataset():
    at = _page(config=LabConfig(dataset="Digits 8×8", epochs=1), tab="Image augmentation")
    at.slider(key="dt_pad").set_value(2)
    at.run()
    at.button(key="dt_use_padded").click()
    at.run()
    assert not at.exception
    name = "Digits 8×8 padded 12×12"
    ds = at.session_state["user_datasets"][name]
    assert ds.image_shape == (12, 12) and ds.n_features == 144
    img = ds.x_train[0].reshape(12, 12)
    assert img[:2].sum() == 0 and img[:, -2:].sum() == 0  # the new border is black
    assert at.session_state["config"].dataset == name


def test_non_image_dataset_explains_augmentation():
    at = _page(tab="Image augmentation")
    assert any("not an image dataset" in i for i in _texts(at.info))


def test_about_the_dataset_gives_its_sizes():
    at = _page()
    assert [e for e in at.expander if e.label == "About “Iris”"]
    frame = table_with(at, "what").set_index("what")["value"]
    ds = page_dataset(at)
    assert frame["task"] == "classification"
    assert frame["training samples"] == str(len(ds.x_train)) and frame["test samples"] == str(len(ds.x_test))
    assert frame["features (network inputs)"] == "4" and frame["network outputs"] == "3"
    assert frame["classes"] == ", ".join(ds.class_names)


def test_an_upload_in_chinese_shows_its_column_summary():
    """Two headers of the summary once translated alike (type, kind → 类型), and pandas refused the frame with a
    traceback on the page: every header must have its own translation."""
    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.session_state["config"] = IRIS
    at.session_state["language"] = "zh"
    with using_language("zh"):  # AppTest formats the widgets' values in this thread, with its language
        at.run()
        at.switch_page("app_pages/data.py")
        at.session_state["dt_tab"] = "上传 CSV"
        at.run()
        _upload(at, "people.csv", _csv())
    summary = next(d.value for d in at.dataframe if "不同值" in d.value.columns)
    assert list(summary.columns) == ["列", "数据类型", "类型", "缺失", "可能缺失", "不同值", "示例", "说明"]
    assert len(summary) == 4
    # its values too: the column kinds data.columns gives, in the session's language
    assert summary.set_index("列")["数据类型"].to_dict() == {"height": "数值型", "weight": "数值型", "colour": "文本型",
                                                          "label": "文本型"}
    assert set(summary["类型"]) <= {"数值", "类别", "标识符", "自由文本", "真/假", "以文本存储的数字"}
    features = next(m for m in at.multiselect if m.key.startswith("dt_features_"))
    assert features.proto.placeholder == "选择列"  # not Streamlit's own English "Choose options"
