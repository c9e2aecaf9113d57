"""The lessons in Chinese: every lesson text and every message of the lesson code has a non-empty translation
in the app's catalogue with the same placeholders, and a lesson renders through nnlab.i18n in 中文."""
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

from nnlab.i18n import LOCALE_DIRS, catalogue_path, using_language
from nnlab.i18n.catalogue import read
from nnlab.lab import lessons as L
from nnlab.lab.lesson_run import Run
from nnlab.lab.lesson_text import placeholders
from tests.lab.lesson_runs import ARTICLE_PRINTED, lessons, neuron

CODE = sorted(Path(L.__file__).parent.glob("lesson*.py"))


def catalogue():
    return {m.id: m.string for m in read(catalogue_path("zh", ".po"), LOCALE_DIRS["zh"]) if m.id}


def lesson_texts():
    for path in sorted(L.LESSONS_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        yield from ((f"{path.name}:{field}", data[field]) for field in L.TEXT_FIELDS)


def code_messages():
    for path in CODE:
        for line, message, _comments, _context in extract_from_file("python", path, keywords={"N_": None}):
            yield f"{path.name}:{line}", message


@pytest.mark.parametrize("where, msgid", [*lesson_texts(), *code_messages()])
def test_every_text_has_a_chinese_translation_with_the_same_placeholders(where, msgid):
    translations = catalogue()
    assert translations.get(msgid), f"{where}: no Chinese for {msgid!r}"
    assert placeholders(translations[msgid]) == placeholders(msgid), where


def test_the_code_messages_were_found():
    found = {msgid for _, msgid in code_messages()}
    assert L.MORE_EPOCHS in found and L.NOT_DIVERGED in found and "epochs {first} to {last}" in found


def test_every_lesson_renders_in_chinese_with_the_engines_numbers():
    for lesson in lessons().values():
        messages = L.texts(lesson, article_neuron=neuron(), printed=ARTICLE_PRINTED)
        english = {field: m.render() for field, m in messages.items()}
        with using_language("zh"):
            for field, message in messages.items():
                text = message.render()
                assert text and "{" not in text and text != english[field], (lesson.id, field)
    forward = L.texts(lessons()["forward_pass"], article_neuron=neuron(), printed=ARTICLE_PRINTED)
    with using_language("zh"):
        assert "0.3·0.5 + 0.7·0.1 + (−0.2) = 0.02，所以 y = σ(0.02) = 0.505" in forward["notice"].render()


def test_an_explanation_with_a_formula_inside_renders_in_chinese():
    q = L.ask(lessons()["forward_pass"], Run(neuron=neuron(), printed=ARTICLE_PRINTED))
    with using_language("zh"):
        assert q.explanation.render() == ("z = w·x + b = 0.3·0.5 + 0.7·0.1 + (−0.2) = 0.02。"
                                          "文章在这里印的是 0.35：它的算术出了错。")
        assert [o.label.render() for o in q.options] == ["0.02", "0.22", "0.35"]
