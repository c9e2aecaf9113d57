"""The committed catalogues: complete in Chinese, placeholders kept, glossary terms used, the .pot and .mo current.

Each check is a function of nnlab.i18n.catalogue (the update command prints the same findings); the last tests
feed those functions a broken catalogue, so a check that could never fail would show here.
"""
import io

import pytest
from babel.messages.catalog import Catalog

from nnlab.i18n import LOCALE_DIRS, catalogue_path
from nnlab.i18n import catalogue as cat
from nnlab.i18n.lessons import extract as extract_lessons

RUN = f"run `{cat.COMMAND}`"


def _ids(catalogue):
    return {message.id for message in catalogue if message.id}


@pytest.fixture(scope="module")
def template():
    return cat.read(cat.TEMPLATE)


@pytest.fixture(scope="module", params=sorted(LOCALE_DIRS))
def po(request):
    return request.param, cat.read(catalogue_path(request.param, ".po"), LOCALE_DIRS[request.param])


def test_the_template_holds_every_string_in_the_code():
    extracted = cat.extract()
    committed = cat.read(cat.TEMPLATE)
    new, gone = _ids(extracted) - _ids(committed), _ids(committed) - _ids(extracted)
    assert not new, f"strings not yet in messages.pot: {sorted(new)}; {RUN} and translate them in the .po"
    assert not gone, f"messages.pot lists strings no longer in the code: {sorted(gone)}; {RUN}"
    assert cat.po_bytes(extracted) == cat.TEMPLATE.read_bytes(), f"messages.pot is out of date; {RUN}"


def test_every_msgid_has_a_translation(template, po):
    code, catalogue = po
    assert _ids(template), "the template is empty"
    assert not _ids(template) - _ids(catalogue), f"msgids missing from the {code} .po; {RUN}"
    missing = cat.untranslated(catalogue)
    assert not missing, f"{len(missing)} msgid(s) without a {code} translation (or fuzzy): {missing}"


def test_every_translation_keeps_its_msgids_placeholders(po):
    code, catalogue = po
    assert not cat.placeholder_mismatches(catalogue)


def test_translations_use_the_glossary_terms(po):
    code, catalogue = po
    terms = cat.glossary()
    assert terms["backpropagation"] == "反向传播" and terms["epoch"] == "轮" and len(terms) >= 40
    assert not cat.glossary_violations(catalogue, terms)


def test_the_committed_mo_is_compiled_from_the_po(po):
    code, catalogue = po
    assert cat.mo_bytes(catalogue) == catalogue_path(code, ".mo").read_bytes(), f"the {code} .mo is stale; {RUN}"


def test_the_checks_find_a_broken_catalogue():
    broken = Catalog(locale="zh_Hans")
    broken.add("Language", "")  # untranslated
    broken.add("Trained {epochs} epochs", "训练了 {epoch} 轮")  # placeholder renamed
    broken.add("Loss {loss:.4f}", "损失 {loss:.2f}")  # a number shown differently
    broken.add(("{n} epoch", "{n} epochs"), ("{n} 个",))  # glossary: epoch is 轮
    broken.add(("one layer", "{n} layers"), ("一层",))  # Chinese's only form is used for every count: needs {n}
    broken.add("Backpropagation through {layers} layers", "逆传播经过 {layers} 层", flags=["fuzzy"])
    broken.add("Vanishing gradients in the first layer", "第一层的梯度变小")  # glossary: 梯度消失
    assert cat.untranslated(broken) == ["Language", "Backpropagation through {layers} layers"]
    assert [line.split(" -> ")[0] for line in cat.placeholder_mismatches(broken)] == [
        "'Trained {epochs} epochs'", "'Loss {loss:.4f}'", "'one layer'"]
    two_forms = Catalog(locale="de")
    two_forms.add(("one layer", "{n} layers"), ("eine Schicht", "{n} Schichten"))
    assert cat.placeholder_mismatches(two_forms) == []  # a singular form may follow the singular msgid
    violations = cat.glossary_violations(broken, {"epoch": "轮", "backpropagation": "反向传播",
                                                  "vanishing gradient": "梯度消失", "layer": "层"})
    assert violations == ["'{n} epoch' -> '{n} 个': 'epoch' is 轮",
                          "'Backpropagation through {layers} layers' -> '逆传播经过 {layers} 层': "
                          "'backpropagation' is 反向传播",
                          "'Vanishing gradients in the first layer' -> '第一层的梯度变小': "
                          "'vanishing gradient' is 梯度消失"]


def test_glossary_terms_match_plurals_case_hyphens_and_british_spelling():
    assert cat._term_pattern("normalization").search("Layer normalisation")
    assert cat._term_pattern("one-hot").search("One hot vectors")
    assert cat._term_pattern("optimizer").search("two optimisers")
    assert not cat._term_pattern("layer").search("a multilayer network")


def test_a_stale_mo_is_told_apart():
    good = Catalog(locale="zh_Hans")
    good.add("Language", "语言")
    edited = Catalog(locale="zh_Hans")
    edited.add("Language", "语种")
    assert cat.mo_bytes(good) == cat.mo_bytes(good) != cat.mo_bytes(edited)


def test_lesson_files_give_the_strings_under_their_text_keys():
    lesson = b'''
title = "Vanishing gradients"
preset = "deep_sigmoid"
[[steps]]
task = "Train {epochs} epochs and watch layer 1's gradient norm."
check = "smallest_grad_layer"
hints = ["Look at the log scale.", ""]
'''
    found = list(extract_lessons(io.BytesIO(lesson), [], [], {"text_keys": "title task hints"}))
    assert [(text, comments) for _lineno, _func, text, comments in found] == [
        ("Vanishing gradients", ["lesson: title"]),
        ("Train {epochs} epochs and watch layer 1's gradient norm.", ["lesson: steps.0.task"]),
        ("Look at the log scale.", ["lesson: steps.0.hints.0"])]
