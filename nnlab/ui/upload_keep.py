"""Keep the uploaded file and every choice of the upload tab while the user is on another page or tab.

Streamlit forgets a widget's value (and an uploaded file) in every run that does not draw the widget, so
leaving the Data page, or opening another of its tabs, would lose the file, the target, the features and
the rest. Here each choice is copied into ``state.UPLOAD_CHOICES`` as it is drawn and put back into the
widget's key before the widget is drawn again; the file's bytes are kept in ``state.UPLOAD_FILE`` while it can be
read. Removing the file in the uploader (its ×) forgets both.
"""
from dataclasses import dataclass

import streamlit as st

from . import state


@dataclass(frozen=True)
class KeptFile:
    """An uploaded file as the upload flow needs it, whether the uploader still holds it or not."""
    name: str
    file_id: str
    data: bytes


def restore(key, default):
    """Before a widget ``key`` is drawn: its value from before, else ``default``. Draw the widget without a
    default of its own (Streamlit warns when both are given)."""
    ss = st.session_state
    if key not in ss:
        ss[key] = ss.get(state.UPLOAD_CHOICES, {}).get(key, default)
    return key


def remember(key, value):
    """After a widget ``key`` is drawn: keep its value for when the page comes back."""
    st.session_state.setdefault(state.UPLOAD_CHOICES, {})[key] = value
    return value


def current_file(upload):
    """The file to work on: the uploader's (``upload``), or the one kept from before the page was left."""
    if upload is not None:
        return KeptFile(upload.name, upload.file_id, upload.getvalue())
    return st.session_state.get(state.UPLOAD_FILE)


def keep_file(file):
    """Keep ``file`` for when the page comes back (call before drawing its choices): a new file starts with
    fresh choices."""
    ss = st.session_state
    kept = ss.get(state.UPLOAD_FILE)
    if kept is None or kept.file_id != file.file_id:
        ss[state.UPLOAD_CHOICES] = {}
    ss[state.UPLOAD_FILE] = file


def drop_file():
    """A file that could not be read is not kept (the uploader still holds it while the page is open)."""
    st.session_state.pop(state.UPLOAD_FILE, None)


def forget_file():
    """Forget the kept file, its choices and what was read and prepared from it."""
    for key in (state.UPLOAD_FILE, state.UPLOAD_CHOICES, state.UPLOAD_READ, state.UPLOAD_PREPARED,
                state.UPLOAD_COLUMNS, state.UPLOAD_DEFAULTS, state.UPLOAD_AMBIGUOUS):
        st.session_state.pop(key, None)


def on_uploader_change(key):
    """The uploader's callback: an emptied uploader means the user removed the file."""
    if st.session_state.get(key) is None:
        forget_file()
