"""Extract → update → compile the gettext catalogues with Babel, and the checks the tests run on them.

Development only (``python -m nnlab.i18n update``, the tests): the app reads the committed ``.mo`` through the
standard library and never imports this module or Babel.

The files are written so that two branches which each add strings merge cleanly: entries sorted by msgid,
locations without line numbers, no dates in the headers, a file rewritten only when its content changes. The
``.mo`` is reproducible — the same ``.po`` always compiles to the same bytes — so a test can tell a stale one.
"""
import datetime
import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.util import pathmatch

from . import LOCALE_DIRS, LOCALE_ROOT, catalogue_path, placeholders

ROOT = LOCALE_ROOT.parents[1]  # the repository: babel.cfg's patterns are relative to it
CONFIG = ROOT / "babel.cfg"
TEMPLATE = LOCALE_ROOT / "messages.pot"
GLOSSARY = LOCALE_ROOT / "GLOSSARY.md"
COMMAND = "python -m nnlab.i18n update"
KEYWORDS = {"_": None, "N_": None, "Later": None, "ngettext": (1, 2)}
HEADER = f"""\
# nnlab's user-visible strings. Source language: English.
# Regenerate with `{COMMAND}` after adding or changing a string; terms in nnlab/locale/GLOSSARY.md."""
# Header lines left out: dates (they would make every two branches' catalogues conflict) and Babel's
# placeholders for a version and a bug address nnlab does not have.
_UNWRITTEN_HEADER = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date|Project-Id-Version|Report-Msgid-Bugs-To): '
                               rb'.*\\n"\n', re.MULTILINE)
_FIXED_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)  # inside the .mo only, for reproducible bytes


def extract() -> Catalog:
    """Every msgid in the files babel.cfg maps (``_``, ``N_``, ``ngettext`` calls and lesson texts)."""
    method_map, options_map = _mapping()
    template = _new_catalogue(locale=None)
    found = extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS,
                             comment_tags=("Translators:",), strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(Path(filename).as_posix(), lineno)], auto_comments=comments, context=context)
    return template


def python_files() -> list[Path]:
    """The Python files babel.cfg maps: those whose ``_()`` calls reach the catalogue."""
    patterns = [pattern for pattern, method in _mapping()[0] if method == "python"]
    return sorted(path for path in ROOT.rglob("*.py")
                  if any(pathmatch(pattern, path.relative_to(ROOT).as_posix()) for pattern in patterns))


def update() -> list[Path]:
    """Extract the template, merge it into every language's ``.po`` and compile the ``.mo``; the files changed.

    A msgid whose English changed keeps its old translation marked fuzzy: it needs review, and until then the
    compiled catalogue leaves it out (English shows) and the tests fail.
    """
    template = extract()
    changed = []
    _write(TEMPLATE, po_bytes(template), changed)
    for code, folder in LOCALE_DIRS.items():
        po_path = catalogue_path(code, ".po")
        catalogue = read(po_path, folder) if po_path.exists() else _new_catalogue(locale=folder)
        catalogue.update(template)
        catalogue.fuzzy = False  # the header: this catalogue is maintained, not a fresh copy of the template
        _write(po_path, po_bytes(catalogue), changed)
        _write(catalogue_path(code, ".mo"), mo_bytes(read(po_path, folder)), changed)
    return changed


def po_bytes(catalogue: Catalog) -> bytes:
    """The ``.po``/``.pot`` text of ``catalogue``: sorted, file locations only, obsolete entries dropped, no dates."""
    buffer = io.BytesIO()
    write_po(buffer, catalogue, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return _UNWRITTEN_HEADER.sub(b"", buffer.getvalue())


def mo_bytes(catalogue: Catalog) -> bytes:
    """The compiled ``.mo`` of ``catalogue`` (fuzzy and empty translations left out, so those show in English).

    The ``.po`` has no dates, so the header compiled into the ``.mo`` gets a fixed one: same ``.po``, same bytes.
    """
    catalogue.creation_date = catalogue.revision_date = _FIXED_DATE
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    return buffer.getvalue()


def read(path: Path, locale: str | None = None) -> Catalog:
    """The catalogue in the ``.po``/``.pot`` file ``path``."""
    with open(path, "rb") as po:
        return read_po(po, locale=locale, domain=path.stem)


def untranslated(catalogue: Catalog) -> list[str]:
    """The msgids of ``catalogue`` with an empty or fuzzy translation (any plural form)."""
    missing = []
    for message in _entries(catalogue):
        _ids, forms = _ids_and_forms(message)
        if message.fuzzy or not all(form and form.strip() for form in forms):
            missing.append(_msgid(message))
    return missing


def placeholder_mismatches(catalogue: Catalog) -> list[str]:
    """One line per translation whose placeholders differ from its msgid's (name, conversion and format spec).

    A plural's forms must keep the plural msgid's placeholders; only the first form of a language with several
    (English's "one epoch") may keep the singular's instead. Chinese has one form, used for 1 too, so it needs
    the ``{n}``.
    """
    problems = []
    for message in _entries(catalogue):
        ids, forms = _ids_and_forms(message)
        for index, form in enumerate(forms):
            allowed = [placeholders(ids[-1])]
            if index == 0 and len(ids) == 2 and catalogue.num_plurals > 1:
                allowed.append(placeholders(ids[0]))
            if form and placeholders(form) not in allowed:
                problems.append(f"{_msgid(message)!r} -> {form!r}: placeholders {_show(placeholders(form))}, "
                                f"msgid has {_show(allowed[0])}")
    return problems


def glossary() -> dict[str, str]:
    """English term -> the Chinese term a translation must use, read from the table in GLOSSARY.md."""
    terms = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and cells[0] not in ("English", "") and set(cells[0]) != {"-"}:
            terms[cells[0]] = cells[1]
    return terms


def glossary_violations(catalogue: Catalog, terms: dict[str, str]) -> list[str]:
    """One line per translation whose msgid uses a glossary term (any case, plural, -ise/-ize) but not its 中文."""
    patterns = {english: _term_pattern(english) for english in terms}
    problems = []
    for message in _entries(catalogue):
        ids, forms = _ids_and_forms(message)
        for english, chinese in terms.items():
            if any(patterns[english].search(msgid) for msgid in ids):
                problems += [f"{_msgid(message)!r} -> {form!r}: '{english}' is {chinese}"
                             for form in forms if form and chinese not in form]
    return problems


def _term_pattern(english: str) -> re.Pattern:
    words = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", english)).replace("iz", "i[sz]")
    return re.compile(rf"\b{words}(s|es)?\b", re.IGNORECASE)


def _mapping():
    with open(CONFIG, encoding="utf-8") as cfg:
        return parse_mapping_cfg(cfg, str(CONFIG))


def _new_catalogue(locale: str | None) -> Catalog:
    return Catalog(locale=locale, domain="nnlab", header_comment=HEADER, last_translator="nnlab contributors",
                   language_team="nnlab")


def _entries(catalogue: Catalog):
    return (message for message in catalogue if message.id)


def _ids_and_forms(message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if message.pluralizable:
        return tuple(message.id), tuple(message.string)
    return (message.id,), (message.string,)


def _msgid(message) -> str:
    return message.id[0] if message.pluralizable else message.id


def _show(fields) -> str:
    return "{" + ", ".join(sorted(name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "")
                                  for name, conv, spec in fields)) + "}"


def _write(path: Path, content: bytes, changed: list[Path]) -> None:
    if path.exists() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    changed.append(path)
