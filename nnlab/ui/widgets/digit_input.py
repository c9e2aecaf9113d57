"""Choose the digit a page looks inside: a test digit (the shared sample picker), or the user's own
PNG/JPEG, prepared like MNIST (inverted, cropped, scaled to 20 px, centred) with a preview and notes.

A bad upload shows the DataError's message and the page carries on with the chosen test digit, so
nothing else on the page is lost.
"""
import numpy as np
import streamlit as st

from ...data.dataset import DataError
from ...engine.outputs import predict_classes
from ...data.image_upload import prepare_digit, to_png_bytes
from ...lab.inspect import split_arrays
from .sample_picker import label_text, pick_sample

TEST, UPLOAD = "a test digit", "my own image"


@st.cache_data(max_entries=16, show_spinner=False)
def _prepare(data):
    """prepare_digit on the upload's bytes, cached so reruns do not decode the image again."""
    return prepare_digit(data)


def choose_digit(dataset, prefix):
    """Draw the choice and return (x (1, n_features) float32, caption, label index or None).

    The upload option is offered for 28×28 image data only (what ``prepare_digit`` produces).
    """
    can_upload = dataset.image_shape is not None and tuple(dataset.image_shape) == (28, 28)
    source = TEST
    if can_upload:
        source = st.radio("Digit", [TEST, UPLOAD], key=f"{prefix}_source", horizontal=True)
    if source == UPLOAD:
        file = st.file_uploader("A PNG or JPEG of one digit (dark on light or light on dark)",
                                type=["png", "jpg", "jpeg"], key=f"{prefix}_upload")
        if file is not None:
            try:
                image, notes = _prepare(file.getvalue())
            except DataError as exc:
                st.error(f"“{file.name}” cannot be used: {exc}. Showing the test digit below instead.")
            else:
                left, right = st.columns([1, 3], vertical_alignment="center")
                left.image(to_png_bytes(image, scale=4), caption="as the network sees it (28×28)")
                right.markdown("Prepared like MNIST: " + "; ".join(notes) + ".")
                return image[None, :].astype(np.float32), f"your image “{file.name}”", None
        else:
            st.info("Upload an image of a digit; until then the test digit below is shown.")
    x_all, y_all, _ = split_arrays(dataset)
    index = pick_sample(dataset, prefix)
    y = y_all[index:index + 1]
    label = int(y[0]) if dataset.class_names is not None else None
    return x_all[index:index + 1], f"test digit {index} ({label_text(dataset, y)})", label


def say_prediction(dataset, caption, output):
    """"Looking inside for <digit> · the model says <class> (<confidence>)", for a classifier with one output
    per class. output : the network's output for the one digit, (n_outputs,)."""
    output = np.asarray(output)
    if dataset.class_names is None or output.size != len(dataset.class_names):
        return
    label, confidence = predict_classes(output[None])
    st.markdown(f"Looking inside for **{caption}** · the model says **{dataset.class_names[int(label[0])]}** "
                f"({confidence[0]:.0%}).")
