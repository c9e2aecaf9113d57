"""Your own data in the browser: a CSV uploaded through the real file input becomes the current dataset,
trains on the Training page and is compared across two architectures; an upload above the server's cap
gets Streamlit's own size message and changes nothing."""
import re

import numpy as np

CLASSES = ("red", "green", "blue")


def write_csv(path, n_rows=60, seed=0):
    """Three numeric features and a text class: three well separated clusters, so a network can learn it."""
    rng = np.random.default_rng(seed)
    lines = ["length,width,height,colour"]
    for i in range(n_rows):
        k = i % len(CLASSES)
        x = rng.normal(2.0 * k, 0.5, size=3)
        lines.append(f"{x[0]:.3f},{x[1]:.3f},{x[2]:.3f},{CLASSES[k]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def open_upload_tab(lab):
    lab.open("data", "Data")
    lab.main.get_by_role("tab", name="Upload a CSV").click()
    lab.wait_text("Upload a table")
    lab.settle()
    return lab.main.get_by_test_id("stFileUploaderDropzoneInput")


def test_uploaded_csv_trains_and_compares(lab, tmp_path):
    csv = write_csv(tmp_path / "flowers.csv")
    open_upload_tab(lab).set_input_files(str(csv))
    lab.wait_text("Read 60 rows × 4 columns")
    lab.wait_text("Split: 42 train / 9 validation / 9 test (stratified by class)")
    lab.settle()
    assert lab.tables().count() >= 2  # the file's first rows and its column summary
    assert lab.main.get_by_role("combobox", name="Target (what to predict)").input_value() == "colour"
    assert lab.main.get_by_role("radio", name="classification (inferred)").is_checked()
    lab.assert_clean()
    lab.click("Use this dataset")
    lab.wait_text("“flowers” is now the current dataset (classification): the network takes 3 inputs and gives "
                  "3 output(s)")
    lab.settle()
    assert lab.sidebar.get_by_role("combobox", name="Dataset", exact=True).input_value() == "flowers"
    lab.wait_text("current dataset: flowers")
    lab.assert_clean()
    lab.shoot("data_upload")

    # Train on it: the Training page names the data and the 3 → … → 3 network.
    lab.set_sidebar_epochs(15)
    lab.nav("Training")
    lab.wait_text("flowers · 42 training samples")
    lab.wait_text("3 → 128 relu → 64 relu → 3 softmax")
    lab.click("Train 15 epochs")
    lab.wait_text(re.compile(r"Trained 15 epochs in .* \(15 in all\), validation accuracy"))
    lab.settle()
    assert lab.metric("Epochs trained") == "15"
    lab.wait_until(lambda: lab.drawn_charts() >= 3, "the learning curves drawn")
    lab.main.get_by_test_id("stButtonGroup").get_by_text("Results on the test set", exact=True).click()  # a section
    lab.main.get_by_test_id("stMetricLabel").filter(has_text="Test accuracy").first.wait_for()
    lab.assert_clean()
    lab.shoot("training_upload")

    # Compare the sidebar model (A) with the compare page's default custom slot (B, one layer of 32).
    lab.nav("Compare", "Compare architectures")
    lab.wait_text("Every architecture trains on flowers")
    lab.set_number("Epochs (all)", 10)
    run = lab.main.get_by_role("button", name="Train and compare (2 to train, 0 cached)")
    run.click()
    lab.main.get_by_role("heading", name="Learning curves").wait_for()
    lab.settle()
    lab.wait_until(lambda: lab.drawn_charts() >= 3, "loss, accuracy and gradient-norm charts drawn")
    assert lab.tables().count() >= 1  # the metrics table
    # Each architecture has its own curves, solid for training and dashed for validation: the first chart's
    # legends name both architectures and both parts of the data.
    first = lab.charts().first
    labels = first.locator("svg .role-legend-label text").all_text_contents()
    assert {"A", "B"} <= set(labels) and {"train", "validation"} <= set(labels), labels
    shown = "Show the results (all 2 architectures are trained already)"  # both results now cached
    assert lab.main.get_by_role("button", name=shown).count() == 1
    assert lab.main.get_by_role("button", name=re.compile("Download the comparison")).count() == 1
    lab.assert_clean()
    lab.shoot("compare_upload")


def test_oversize_upload_gets_streamlits_size_message(lab, tmp_path):
    big = tmp_path / "big.csv"
    row = b"1.0,2.0,3.0,red\n"
    with open(big, "wb") as f:
        f.write(b"a,b,c,label\n")
        f.write(row * (51 * 2**20 // len(row) + 1))  # just over 51 MiB; the cap is 50 MB
    assert big.stat().st_size > 51 * 2**20
    open_upload_tab(lab).set_input_files(str(big))
    # Streamlit refuses the file in the browser: the file chip turns red, with the message announced to
    # screen readers (role=alert) and shown as a tooltip on the chip.
    uploader = lab.main.get_by_test_id("stFileUploader")
    too_big = re.compile(r"File must be 50(\.0)?\s?MB or smaller")
    uploader.get_by_role("alert").filter(has_text=too_big).wait_for(state="attached")
    chip = uploader.get_by_test_id("stFileChip").filter(has_text="big.csv")
    assert chip.get_attribute("aria-invalid") == "true"
    lab.settle()
    assert lab.main.get_by_text(re.compile(r"^Read [\d,]+ rows")).count() == 0  # nothing was read
    lab.wait_text("current dataset: MNIST subset")  # the current dataset is unchanged
    lab.assert_clean()
    chip.hover()
    tooltip = lab.page.get_by_text(too_big).filter(visible=True).last
    lab.wait_until(lambda: (tooltip.bounding_box() or {}).get("width", 0) > 50, "the size message as a tooltip")
    lab.shoot("data_oversize", hover=chip)
