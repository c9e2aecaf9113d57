"""The upload tab's judgement calls on the page: cells that may mean missing are shown and stay values until
confirmed, identifier columns are left out with the reason, and the file with every choice survives leaving
the page and coming back."""
from streamlit.testing.v1 import AppTest

from nnlab.lab.config import LabConfig

IRIS = LabConfig(dataset="Iris", hidden=(8,), activations=("relu",), epochs=2)


def _csv(n=40):
    """student_id: one per row; pets: 'none' in 8 rows (a real answer); score: numbers but '?' in 3 cells."""
    rows = ["student_id,pets,score,passed"]
    for i in range(n):
        pets = "none" if i % 5 == 0 else ("cat" if i % 2 else "dog")
        score = "?" if i in (4, 11, 30) else str(40 + (i * 7) % 50)
        rows.append(f"{1000 + i},{pets},{score},{'yes' if i % 3 else 'no'}")
    return "\n".join(rows).encode()


def _upload_page():
    at = AppTest.from_file("../../app.py", default_timeout=120)
    at.session_state["config"] = IRIS
    at.run()
    at.switch_page("app_pages/data.py")
    at.session_state["dt_tab"] = "Upload a CSV"
    at.run()
    at.file_uploader(key="dt_upload").set_value(("school.csv", _csv(), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _features(at):
    return next(m for m in at.multiselect if m.label == "Features (what to predict it from)")


def test_ambiguous_cells_are_named_with_counts_and_stay_values_until_confirmed():
    at = _upload_page()
    assert [w.value for w in at.warning] == [
        "11 cells may mean a missing value, or may be real answers ('none' in 8 cells in 'pets'; '?' in 3 cells "
        "in 'score'). They stay values unless you confirm below that they mean missing in their column."]
    confirm = next(m for m in at.multiselect if m.label == "Columns in which these cells mean missing")
    assert confirm.options == ["pets ('none' in 8 cells)", "score ('?' in 3 cells)"] and confirm.value == []
    # Unconfirmed: 'none' is a category, no row is dropped; score (numbers as text) and the id are left out.
    assert _features(at).value == ["pets"]
    captions = [c.value for c in at.caption]
    assert "Left out by default: 'student_id': a different whole number in every row — an identifier, not a " \
           "feature. Add it above to use it anyway." in captions
    assert any(c.startswith("Left out by default: 'score': numbers, except '?' in 3 cells") for c in captions)
    assert [m.value for m in at.metric][:3] == ["40", "40", "0"]
    assert at.session_state["dt_prep"][1].dataset.feature_names == ("pets=cat", "pets=dog", "pets=none")

    confirm.set_value(["score"]).run()
    assert not at.exception
    assert _features(at).value == ["pets", "score"]  # score is a number column now, a default feature
    assert [m.value for m in at.metric][:3] == ["40", "37", "3"]
    infos = [i.value for i in at.info]
    assert "Treated as missing, as you chose: '?' in 3 cells of 'score'." in infos
    assert "Dropped 3 rows with a missing value in the feature 'score'." in infos


def test_file_and_choices_survive_leaving_the_page():
    at = _upload_page()
    token = at.session_state["dt_file"].file_id[-8:]
    next(m for m in at.multiselect if m.label == "Columns in which these cells mean missing").set_value(["score"])
    at.run()
    at.selectbox(key=f"dt_target_{token}").set_value("pets").run()
    features_key = f"dt_features_{token}_pets_score"
    at.multiselect(key=features_key).set_value(["score", "student_id"]).run()
    at.selectbox(key="dt_scaling").set_value("minmax01").run()
    at.selectbox(key="dt_missing").set_value("mean").run()
    at.slider(key="dt_test").set_value(0.25).run()
    assert not at.exception
    before = at.session_state["dt_prep"][0]

    at.switch_page("app_pages/training.py").run()
    assert not at.exception
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert at.file_uploader(key="dt_upload").value is None  # Streamlit's uploader forgets; the page does not
    assert any("Working on **school.csv**, kept from before." in i.value for i in at.info)
    assert at.selectbox(key=f"dt_target_{token}").value == "pets"
    assert at.multiselect(key=f"dt_confirm_{token}").value == ["score"]
    assert at.multiselect(key=features_key).value == ["score", "student_id"]
    assert (at.selectbox(key="dt_scaling").value, at.selectbox(key="dt_missing").value) == ("minmax01", "mean")
    assert at.slider(key="dt_test").value == 0.25
    assert at.session_state["dt_prep"][0] == before  # the same preparation, not a fresh default one
    assert [m.value for m in at.metric][:4] == ["40", "40", "0", "3"]  # 3 '?' cells filled with the mean

    at.button(key="dt_forget").click().run()
    assert not at.exception
    assert "dt_file" not in at.session_state and not at.metric
