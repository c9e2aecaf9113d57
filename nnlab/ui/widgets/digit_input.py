"""Choose the digit a page looks inside: a test digit (the shared sample picker), the user's own PNG/JPEG,
or a digit drawn with the mouse — both of the latter prepared like MNIST (inverted if need be, cropped,
scaled to 20 px, centred) by the same ``prepare_digit``, with a preview and notes.

A drawing is the canvas's PNG (at most CANVAS_PX² pixels), so it passes the same checks and bounds as an
upload. A bad upload shows the DataError's message and the page carries on with the chosen test digit, so
nothing else on the page is lost. The canvas sends its drawing at the end of every stroke, so the page —
and the prediction — follows the drawing as it grows.
"""
import numpy as np
import streamlit as st

from ...data.dataset import DataError
from ...data.image_upload import prepare_digit, to_png_bytes
from ...engine import encode_targets
from ...engine.outputs import predict_classes
from ...i18n import N_, _
from ...lab.inspect import sample, split_arrays
from .sample_picker import label_text, pick_sample

SOURCES = {"test": N_("a test digit"), "upload": N_("my own image"), "draw": N_("draw one")}
CANVAS_PX = 224  # 8 canvas pixels per MNIST pixel
STROKE_PX = 18  # about MNIST's stroke of 2–3 px, scaled to the 20 px box after cropping


@st.cache_data(max_entries=16, show_spinner=False)
def _prepare(data):
    """prepare_digit on the image's bytes, cached so reruns do not decode the image again."""
    return prepare_digit(data)


def _can_own(dataset):
    """Own digits are offered for 28×28 image data only (what ``prepare_digit`` produces)."""
    return dataset.image_shape is not None and tuple(dataset.image_shape) == (28, 28)


def _preview(image, notes, caption):
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.image(to_png_bytes(image, scale=4), caption=_("as the network sees it (28×28)"))
    right.markdown(_("Prepared like MNIST: {notes}.", notes="; ".join(map(str, notes))))
    return image[None, :].astype(np.float32), caption


def _uploaded(prefix):
    file = st.file_uploader(_("A PNG or JPEG of one digit (dark on light or light on dark)"),
                            type=["png", "jpg", "jpeg"], key=f"{prefix}_upload")
    if file is None:
        st.info(_("Upload an image of a digit; until then the test digit below is shown."))
        return None
    try:
        image, notes = _prepare(file.getvalue())
    except DataError as exc:
        st.error(_("“{name}” cannot be used: {error}. Showing the test digit below instead.", name=file.name,
                   error=exc))
        return None
    return _preview(image, notes, _("your image “{name}”", name=file.name))


def _drawn(prefix):
    """The canvas, and the drawing prepared like MNIST once there is one."""
    from streamlit_drawable_canvas import st_canvas  # imports only inside a running Streamlit script

    left, right = st.columns([1, 2], vertical_alignment="center")
    with left:
        result = st_canvas(stroke_width=STROKE_PX, stroke_color="#ffffff", background_color="#000000",
                           height=CANVAS_PX, width=CANVAS_PX, drawing_mode="freedraw", return_image_data=True,
                           key=f"{prefix}_canvas")
    right.caption(_("Draw one digit, large, in the black box; the page follows each stroke. The bin under the "
                    "box clears it."))
    png = result.image_bytes if result is not None else None
    if not png:
        st.info(_("Draw a digit in the box; until then the test digit below is shown."))
        return None
    try:
        image, notes = _prepare(png)
    except DataError:  # an empty (all black) canvas: nothing to prepare yet
        st.info(_("Draw a digit in the box; until then the test digit below is shown."))
        return None
    return _preview(image, notes, _("your drawing"))


def own_digit(dataset, prefix):
    """The source radio and, for an own digit, (x (1, 784) float32, caption); None for a test digit."""
    if not _can_own(dataset):
        return None
    source = st.radio(_("Digit"), list(SOURCES), key=f"{prefix}_source", horizontal=True,
                      format_func=lambda code: _(SOURCES[code]))
    if source == "upload":
        return _uploaded(prefix)
    if source == "draw":
        return _drawn(prefix)
    return None


def choose_digit(dataset, prefix):
    """Draw the choice and return (x (1, n_features) float32, caption, label index or None)."""
    own = own_digit(dataset, prefix)
    if own is not None:
        return own[0], own[1], None
    x_all, y_all, _split = split_arrays(dataset)
    index = pick_sample(dataset, prefix)
    y = y_all[index:index + 1]
    label = int(y[0]) if dataset.class_names is not None else None
    return x_all[index:index + 1], _("test digit {i} ({label})", i=index, label=label_text(dataset, y)), label


def choose_sample(dataset, net, prefix):
    """(x (1, n_features), t (1, n_outputs), y (1,), caption) for pages that need a target: a test sample,
    or the user's own digit with the class they say it is (by default the one the network predicts)."""
    own = own_digit(dataset, prefix)
    if own is None:
        index = pick_sample(dataset, prefix)
        x, t, y = sample(dataset, net, index)
        return x, t, y, _("test sample {i}", i=index)
    x, caption = own
    predicted = int(predict_classes(net.predict(x))[0][0])
    names = dataset.class_names
    label = st.selectbox(_("Which digit is it? (the target t of the loss)"), range(len(names)), index=predicted,
                         key=f"{prefix}_own_label_{predicted}", format_func=lambda c: str(names[c]),
                         help=_("The class the loss and the gradients compare the output with; it starts at the "
                                "network's own prediction."))
    y = np.array([label])
    return x, encode_targets(net, y), y, caption


def say_prediction(dataset, caption, output):
    """"Looking inside for <digit> · the model says <class> (<confidence>)", for a classifier with one output
    per class. output : the network's output for the one digit, (n_outputs,)."""
    output = np.asarray(output)
    if dataset.class_names is None or output.size != len(dataset.class_names):
        return
    label, confidence = predict_classes(output[None])
    st.markdown(_("Looking inside for **{caption}** · the model says **{label}** ({confidence:.0%}).",
                  caption=caption, label=dataset.class_names[int(label[0])], confidence=float(confidence[0])))
