"""The translation function: placeholders, plurals, fallback to English, and one language per thread."""
import contextvars
import gettext
import io
import re
import threading

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

import nnlab.i18n as i18n
from nnlab.i18n import N_, _, language, language_from_locale, ngettext, placeholders, set_language, using_language
from tests.engine.test_import_isolation import loaded_modules


@pytest.fixture
def plural_catalogue(monkeypatch):
    """A Chinese catalogue with a plural entry (Chinese has one form) and a reordered sentence."""
    catalogue = Catalog(locale="zh_Hans")
    catalogue.add(("Trained {n} epoch", "Trained {n} epochs"), ("已训练 {n} 轮",))
    catalogue.add("Layer {layer} of {total}", "共 {total} 层中的第 {layer} 层")
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    zh = gettext.GNUTranslations(buffer)
    monkeypatch.setattr(i18n, "translations", lambda code: zh if code == "zh" else gettext.NullTranslations())


def test_english_is_the_default_and_the_catalogue_translates_in_chinese():
    assert language() == "en"
    assert _("Language") == "Language"
    with using_language("zh"):
        assert language() == "zh"
        assert _("Language") == "语言"
    assert language() == "en" and _("Language") == "Language"


def test_an_unknown_msgid_falls_back_to_english_with_its_placeholders_filled():
    with using_language("zh"):
        assert _("A sentence nobody has translated yet") == "A sentence nobody has translated yet"
        assert _("Trained {epochs} epochs in {seconds:.1f} s", epochs=3, seconds=1.26) == "Trained 3 epochs in 1.3 s"


def test_placeholders_move_with_the_translation(plural_catalogue):
    assert _("Layer {layer} of {total}", layer=2, total=5) == "Layer 2 of 5"
    with using_language("zh"):
        assert _("Layer {layer} of {total}", layer=2, total=5) == "共 5 层中的第 2 层"


def test_ngettext_english_has_two_forms_chinese_one(plural_catalogue):
    assert [ngettext("Trained {n} epoch", "Trained {n} epochs", n) for n in (1, 2)] == [
        "Trained 1 epoch", "Trained 2 epochs"]
    assert ngettext("one epoch", "{n} epochs", 1) == "one epoch"
    with using_language("zh"):
        assert [ngettext("Trained {n} epoch", "Trained {n} epochs", n) for n in (1, 2)] == [
            "已训练 1 轮", "已训练 2 轮"]


@pytest.mark.parametrize("call, needs", [
    (lambda: _("Trained {epochs} epochs"), "['epochs']; the call gave []"),
    (lambda: _("Trained {epochs} epochs").format(epochs=3), "['epochs']; the call gave []"),
    (lambda: _("Trained {epochs} epochs", epoch=3), "['epochs']; the call gave ['epoch']"),
    (lambda: _("Trained", epochs=3), "[]; the call gave ['epochs']"),
    (lambda: ngettext("{n} epoch in {s} s", "{n} epochs in {s} s", 2), "['n', 's']; the call gave ['n']"),
])
def test_placeholders_given_must_be_exactly_the_msgids(call, needs):
    with pytest.raises(TypeError, match=re.escape(f"takes the placeholders {needs}")):
        call()


@pytest.mark.parametrize("msgid", ["Epoch {} of {}", "Epoch {0}", "Layer {net.layer}", "Row {rows[0]}", "Set {"])
def test_only_named_placeholders_are_allowed(msgid):
    with pytest.raises(ValueError):
        _(msgid)


def test_ngettext_shows_the_count_as_n():
    with pytest.raises(ValueError, match="must show the count as {n}"):
        ngettext("{count} epoch", "{count} epochs", 2, count=2)
    with pytest.raises(TypeError, match="the count is the third argument"):
        ngettext("{n} epoch", "{n} epochs", 2, n=2)


def test_placeholders_keep_format_specs_and_literal_braces():
    assert placeholders("Loss {loss:.4f} after {steps!r} steps, {{not a field}}") == {
        ("loss", "", ".4f"), ("steps", "r", "")}
    assert _("Write {{x}} for a field, {name}", name="x") == "Write {x} for a field, x"


def test_n_marks_without_translating():
    with using_language("zh"):
        label = N_("Language")
        assert label == "Language" and _(label) == "语言"


def test_switching_language_in_one_thread_leaves_another_threads_alone():
    both_set = threading.Barrier(2, timeout=30)
    seen = {}

    def session(code):
        set_language(code)
        both_set.wait()  # each thread reads only after the other has switched
        seen[code] = (language(), _("Language"))

    threads = [threading.Thread(target=session, args=(code,)) for code in ("zh", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen == {"zh": ("zh", "语言"), "en": ("en", "Language")}
    assert language() == "en"  # nor this one


def test_a_context_with_nothing_set_follows_the_session(monkeypatch):
    monkeypatch.setattr(i18n, "_session_source", lambda: "zh")
    assert contextvars.Context().run(language) == "zh"  # e.g. a fragment's rerun: a new thread, nothing set
    with using_language("en"):
        assert language() == "en"  # what this run set comes first
    monkeypatch.setattr(i18n, "_session_source", lambda: None)  # outside a session
    assert contextvars.Context().run(language) == "en"


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match="'fr' is not one of en, zh"):
        set_language("fr")


@pytest.mark.parametrize("tag, code", [("zh-CN", "zh"), ("zh", "zh"), ("zh-Hant-TW", "zh"), ("zh_SG", "zh"),
                                       ("en-US", "en"), ("fr-FR", "en"), ("", "en"), (None, "en")])
def test_the_browser_language_picks_chinese_for_any_chinese_tag(tag, code):
    assert language_from_locale(tag) == code


def test_the_runtime_needs_only_the_standard_library():
    mods = loaded_modules("import nnlab.i18n as i; i.set_language('zh'); i._('Language')")
    assert "nnlab.i18n" in mods and "gettext" in mods
    assert not {m for m in mods if m.split(".")[0] in ("babel", "streamlit", "numpy")}
