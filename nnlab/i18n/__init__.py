"""The one translation function of nnlab: every sentence a user sees goes through ``_`` (or ``ngettext``).

Standard library only (``gettext``), so every layer may import it — the engine included. English is the source
language; the Simplified Chinese catalogue is ``nnlab/locale/zh_Hans/LC_MESSAGES/nnlab.mo``, compiled from the
``.po`` by ``python -m nnlab.i18n update`` (Babel, a development tool; the app never needs it).

A msgid is a whole English sentence with named placeholders; the translator moves them to wherever Chinese
puts them. Never glue translated pieces together — the word order is then fixed to English::

    _("Layer {layer} has the smallest gradient, {norm:.2e}.", layer=2, norm=g)          # right
    _("Layer") + f" {layer} " + _("has the smallest gradient")                           # wrong: pieces
    _(f"Layer {layer} has the smallest gradient")                                        # wrong: never found

Placeholders are values of the call, never formatted afterwards: the names given must be exactly the names in
the msgid (a missing or extra one raises TypeError), so ``_("Trained {epochs} epochs").format(epochs=3)`` fails
at once. Literal braces are doubled (``{{``), as in ``str.format``. Counts use ``ngettext``, whose count is always
``{n}``: ``ngettext("Trained {n} epoch", "Trained {n} epochs", n)`` (English has two forms, Chinese one).

Constants built at import (table labels, preset names) are marked with ``N_`` — extracted, not translated,
since no session's language is known at import — and translated where shown::

    TITLES = {"loss": N_("Loss per epoch")}        # module level
    st.subheader(_(TITLES["loss"]))                # display time

The language belongs to a Streamlit session. The UI sets it at the top of every rerun (``set_language``); the
lower layers read it through ``language()`` without importing Streamlit. It is held in a ContextVar: Streamlit
runs each session's script in its own thread, and its parallel fragment workers run in a copy of the caller's
context, so they see the caller's language. A fragment's own rerun starts a thread with nothing set, and then
``language()`` asks the session through the reader the UI registered (``follow_session``).

Caching: anything cached across sessions (``st.cache_data``, ``functools.cache``) that holds translated text —
a chart title, a frame's column names — must have the language in its key: pass ``lang=language()`` as an
argument, otherwise the first session's language is served to everyone.
"""
import gettext
import string
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path

DOMAIN = "nnlab"
# Code -> the language's own name (shown untranslated in the switch, so a reader finds theirs).
LANGUAGES = {"en": "English", "zh": "中文"}
# Code -> gettext folder under nnlab/locale. English is the source, so it has no catalogue. "zh_Hans" names the
# script (Simplified characters, as CLDR and Babel do), not a country: it serves zh-CN, zh-SG and a bare "zh",
# and leaves "zh_Hant" free for a Traditional catalogue.
LOCALE_DIRS = {"zh": "zh_Hans"}
LOCALE_ROOT = Path(__file__).resolve().parent.parent / "locale"

_current = ContextVar("nnlab_language")  # unset: see _session_source
_session_source = None  # the UI's reader of the session's choice, for a context where nothing was set


def set_language(code: str) -> None:
    """Make ``code`` ("en" or "zh") the language of this thread's (i.e. this session's) current run."""
    _current.set(_known(code))


@contextmanager
def using_language(code: str):
    """Run a block in language ``code``, then restore the one before: for tests (the test thread is shared by
    all tests, so a bare ``set_language`` would leak into the next) and for work handed to another thread."""
    token = _current.set(_known(code))
    try:
        yield
    finally:
        _current.reset(token)


def language() -> str:
    """The code of the current language: what ``set_language`` set in this context, else the session's choice
    (see ``follow_session``), else "en"."""
    code = _current.get(None)
    if code is None and _session_source is not None:
        code = _session_source()
    return code if code in LANGUAGES else "en"


def follow_session(source: Callable[[], str | None]) -> None:
    """Let ``language()`` ask ``source`` — the UI's reader of the session's choice — where nothing was set.

    A Streamlit fragment's rerun runs only the fragment, in a new thread, so the top of the script (which calls
    ``set_language``) does not run and the context is empty: without this, the fragment would speak English.
    ``source`` returns None outside a session (tests, other threads), and English applies.
    """
    global _session_source
    _session_source = source


def language_from_locale(tag: str | None) -> str:
    """The app's language for a browser language tag (``navigator.language``: "zh-CN", "en-US", "zh-Hant-TW").

    Any Chinese tag gives "zh" — Simplified is the only Chinese catalogue; an unknown or missing tag gives "en".
    """
    primary = (tag or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


def _known(code: str) -> str:
    if code not in LANGUAGES:
        raise ValueError(f"language {code!r} is not one of {', '.join(LANGUAGES)}")
    return code


def catalogue_path(code: str, suffix: str) -> Path:
    """Where the compiled (".mo") or editable (".po") catalogue of language ``code`` lives."""
    return LOCALE_ROOT / LOCALE_DIRS[code] / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def translations(code: str) -> gettext.NullTranslations:
    """The read-only catalogue of ``code``, loaded once per process (shared by all sessions: it never changes)."""
    if code not in LOCALE_DIRS:
        return gettext.NullTranslations()  # the source language: every msgid is its own translation
    with open(catalogue_path(code, ".mo"), "rb") as mo:
        return gettext.GNUTranslations(mo)


@lru_cache(maxsize=4096)
def placeholders(text: str) -> frozenset[tuple[str, str, str]]:
    """The fields of ``text`` as (name, conversion, format spec): "{loss:.4f}" -> ("loss", "", ".4f").

    Raises ValueError for a positional field ("{}", "{0}"), an attribute or index ("{a.b}", "{a[0]}") or an
    unbalanced brace: a translator can only move named placeholders.
    """
    fields = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"placeholder {{{name}}} in {text!r} must be a plain name, such as {{epochs}}")
        fields.add((name, conversion or "", spec or ""))
    return frozenset(fields)


def _names(text: str) -> set[str]:
    return {name for name, _conversion, _spec in placeholders(text)}


def _fill(msgid: str, expected: set[str], translated: str, values: dict) -> str:
    if set(values) != expected:
        raise TypeError(f"{msgid!r} takes the placeholders {sorted(expected)}; the call gave {sorted(values)}")
    return translated.format(**values)


def _(msgid: str, /, **values) -> str:
    """``msgid`` in the current language with its named placeholders filled: ``_("{n} rows", n=3)``.

    An msgid missing from the catalogue comes back in English.
    """
    return _fill(msgid, _names(msgid), translations(language()).gettext(msgid), values)


def ngettext(singular: str, plural: str, n: int, /, **values) -> str:
    """The form of ``singular``/``plural`` that fits the count ``n``, with ``{n}`` and the other placeholders filled.

    The plural must contain ``{n}``; the singular may leave it out ("one epoch").
    """
    if "n" not in _names(plural):
        raise ValueError(f"the plural {plural!r} must show the count as {{n}}")
    if "n" in values:
        raise TypeError(f"{plural!r}: the count is the third argument, not n=")
    expected = _names(singular) | _names(plural)
    return _fill(plural, expected, translations(language()).ngettext(singular, plural, n), {**values, "n": n})


def N_(msgid: str, /) -> str:
    """Mark ``msgid`` for extraction and return it untranslated: translate it with ``_`` where it is shown."""
    return msgid


class Later:
    """A message translated each time it is shown (``str(note)``, ``f"{note}"``), not when it is made: for words
    made once and kept for every session whatever its language, such as the notes of a cached built-in dataset.
    It equals the English text it stands for."""

    __slots__ = ("msgid", "values")

    def __init__(self, msgid: str, /, **values):
        _fill(msgid, _names(msgid), msgid, values)  # the placeholders are checked now, not when shown
        self.msgid, self.values = msgid, values

    def __str__(self) -> str:
        return _(self.msgid, **self.values)

    def english(self) -> str:
        return self.msgid.format(**self.values)

    def __eq__(self, other):
        if isinstance(other, Later):
            return self.english() == other.english()
        return self.english() == other if isinstance(other, str) else NotImplemented

    def __hash__(self):
        return hash(self.english())

    def __repr__(self):
        return f"Later({self.english()!r})"
