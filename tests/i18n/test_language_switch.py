"""The language switch in a running app: browser default, the choice kept for the session, the run translated."""
from streamlit.testing.v1 import AppTest

from nnlab.i18n import language


def app():
    import streamlit as st

    from nnlab.i18n import _
    from nnlab.ui.widgets.language import language_switch

    code = language_switch()
    st.markdown(f"code {code}: {_('Language')}")


def app_with_a_fragment_rerun():
    import contextvars

    import streamlit as st

    from nnlab.i18n import _
    from nnlab.ui.widgets.language import language_switch

    language_switch()
    # A fragment's rerun runs only the fragment, in a new thread whose context has no language set:
    st.markdown(contextvars.Context().run(lambda: _("Language")))


def start(locale=None, script=app):
    at = AppTest.from_function(script)
    at.context = {"locale": locale}
    return at.run()


def shown(at):
    switch = at.segmented_control(key="language")
    return switch.value, switch.label, at.markdown[0].value


def test_without_a_browser_language_english_comes_first_and_says_why():
    at = start()
    assert not at.exception
    assert shown(at) == ("en", "Language", "code en: Language")
    assert "Your browser did not tell its language" in at.segmented_control(key="language").help


def test_a_chinese_browser_opens_in_chinese_and_names_its_language():
    at = start("zh-CN")
    assert shown(at) == ("zh", "语言", "code zh: 语言")
    assert "你的浏览器语言 zh-CN" in at.segmented_control(key="language").help


def test_another_browser_language_opens_in_english():
    assert shown(start("fr-FR"))[0] == "en"


def test_the_choice_translates_the_whole_next_run_and_stays_for_the_session():
    at = start("en-US")
    at.segmented_control(key="language").set_value("zh").run()
    assert shown(at) == ("zh", "语言", "code zh: 语言")
    assert at.session_state["language"] == "zh"
    at.run()  # any later rerun of the session
    assert shown(at) == ("zh", "语言", "code zh: 语言")
    at.segmented_control(key="language").set_value("en").run()
    assert shown(at) == ("en", "Language", "code en: Language")
    assert language() == "en"  # the app's runs never touched the test's thread


def test_a_fragment_rerun_keeps_the_sessions_language():
    at = start("zh-CN", app_with_a_fragment_rerun)
    assert at.markdown[0].value == "语言"
