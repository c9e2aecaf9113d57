"""The language switch (English / 中文): one choice per session, first taken from the browser's language."""
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ...i18n import LANGUAGES, _, follow_session, language, language_from_locale, set_language

KEY = "language"  # st.session_state[KEY]: the session's language code, also the switch's widget key


def language_switch() -> str:
    """Apply the session's language to this rerun, then draw the switch; returns the language code.

    Call it before any other translated text of the run (page titles included): the choice a click made is
    already in ``st.session_state`` when the rerun starts, so it is applied first and the whole run — the
    switch's own label too — is in the new language.
    """
    follow_session(_session_language)
    browser = st.context.locale
    if st.session_state.get(KEY) not in LANGUAGES:
        st.session_state[KEY] = language_from_locale(browser)
    set_language(st.session_state[KEY])
    if browser:
        why = _("Pages are shown in this language for the rest of the session. It was first chosen from your "
                "browser's language, {locale}; numbers, formulas and names are the same in both.", locale=browser)
    else:
        why = _("Pages are shown in this language for the rest of the session. Your browser did not tell its "
                "language, so English came first; numbers, formulas and names are the same in both.")
    st.segmented_control(_("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key=KEY, required=True,
                         help=why, on_change=_keep_choices)
    return language()


def _session_language() -> str | None:
    """The session's choice inside a script run (a fragment's rerun too); None in any other thread."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get(KEY)


def _keep_choices():
    """The switch's callback: every choice keeps its value in the new language.

    The browser keeps a select box's choice as the text it showed ("binary cross-entropy"); after a switch no
    option has that text any more (二元交叉熵), and Streamlit would hand the old text to the script as if it
    were an option. Writing each choice back (its value from the old language's run) makes it the widget's
    value in the new run. Only plain values are written: buttons (True/False), uploads and tables cannot be."""
    ss = st.session_state
    for key in list(ss.keys()):
        if key != KEY and _plain(ss[key]):
            ss[key] = ss[key]


def _plain(value):
    """A choice's value: text or a number (not a button's bool), or a list of them (a multiselect's)."""
    if isinstance(value, (list, tuple)):
        return all(map(_plain, value))
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)
