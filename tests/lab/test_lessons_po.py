"""The Chinese catalogue of the lessons (nnlab/lessons/lessons.zh.po): every lesson text and every message of
the lesson code has a non-empty translation with the same placeholders, nothing stale, and it renders."""
import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from nnlab.lab import lessons as L
from nnlab.lab.lesson_run import Run
from nnlab.lab.lesson_text import placeholders
from tests.lab.lesson_runs import ARTICLE_PRINTED, lessons, neuron

PO = L.LESSONS_DIR / "lessons.zh.po"
CODE = sorted(Path(L.__file__).parent.glob("lesson*.py"))


def catalogue():
    with open(PO, "rb") as f:
        return {m.id: m.string for m in read_po(f, locale="zh_Hans") if m.id}


def lesson_texts():
    for path in sorted(L.LESSONS_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        yield from ((f"{path.name}:{field}", data[field]) for field in L.TEXT_FIELDS)


def code_messages():
    for path in CODE:
        for line, message, _comments, _context in extract_from_file("python", path, keywords={"N_": None}):
            yield f"{path.name}:{line}", message


def zh(msgid, **values):
    """nnlab's ``_`` in Chinese, from this catalogue: the translation with the msgid's placeholders filled."""
    return catalogue()[msgid].format(**values)


@pytest.mark.parametrize("where, msgid", [*lesson_texts(), *code_messages()])
def test_every_text_has_a_chinese_translation_with_the_same_placeholders(where, msgid):
    translations = catalogue()
    assert translations.get(msgid), f"{where}: no Chinese for {msgid!r}"
    assert placeholders(translations[msgid]) == placeholders(msgid), where


def test_the_catalogue_holds_only_texts_that_exist():
    used = {msgid for _, msgid in [*lesson_texts(), *code_messages()]}
    assert set(catalogue()) == used


def test_the_code_messages_were_found():
    found = {msgid for _, msgid in code_messages()}
    assert L.MORE_EPOCHS in found and L.NOT_DIVERGED in found and "epochs {first} to {last}" in found


def test_every_lesson_renders_in_chinese_with_the_engines_numbers():
    for lesson in lessons().values():
        for message in L.texts(lesson, article_neuron=neuron(), printed=ARTICLE_PRINTED).values():
            text = message.render(zh)
            assert text and "{" not in text and text != message.render()
    forward = L.texts(lessons()["forward_pass"], article_neuron=neuron(), printed=ARTICLE_PRINTED)
    assert "0.3·0.5 + 0.7·0.1 + (−0.2) = 0.02，所以 y = σ(0.02) = 0.505" in forward["notice"].render(zh)


def test_an_explanation_with_a_formula_inside_renders_in_chinese():
    q = L.ask(lessons()["forward_pass"], Run(neuron=neuron(), printed=ARTICLE_PRINTED))
    assert q.explanation.render(zh) == ("z = w·x + b = 0.3·0.5 + 0.7·0.1 + (−0.2) = 0.02。"
                                        "文章在这里印的是 0.35：它的算术出了错。")
    assert [o.label.render(zh) for o in q.options] == ["0.02", "0.22", "0.35"]
