"""The Lessons page embeds every view a lesson file may name, each drawn by the existing page's section."""
import inspect

from nnlab.lab.lessons import VIEWS
from nnlab.ui import lesson_views
from nnlab.ui.lesson_views import VIEW_SECTIONS, views_of
from nnlab.ui.lessons import all_lessons


def test_the_view_table_and_the_page_mapping_are_equal():
    assert list(VIEW_SECTIONS) == list(VIEWS)


def test_each_view_calls_the_section_of_the_page_its_name_names():
    """"training.weights" is drawn by a function of nnlab.ui.training (or training_live): never a copy here."""
    for name, draw in VIEW_SECTIONS.items():
        page = name.split(".")[0]
        source = inspect.getsource(draw)
        called = {"data": ("data_sections.", "augment_section(")}.get(page, (f"{page}.", f"{page}_live."))
        assert any(c in source for c in called), (name, source)


def test_a_lesson_whose_task_trains_always_has_the_train_button():
    for lesson in all_lessons():
        views = views_of(lesson)
        assert ("training.live" in views) == (bool(lesson.done_epochs) or "training.live" in lesson.views)
        assert [v for v in views if v != "training.live"] == [v for v in lesson.views if v != "training.live"]


def test_no_view_draws_a_chart_of_its_own():
    source = inspect.getsource(lesson_views)
    assert "show_chart" not in source and "st.dataframe" not in source and "altair" not in source


def test_each_section_call_gives_the_arguments_its_section_needs():
    """A section that gained a parameter on its page (the data of architecture.units_section and
    backprop.layer_section) must get it here too: the Lessons page raised TypeError otherwise."""
    import ast
    import types

    for node in ast.walk(ast.parse(inspect.getsource(lesson_views))):
        call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if call and isinstance(node.func.value, ast.Name):
            module = getattr(lesson_views, node.func.value.id, None)
            starred = any(isinstance(a, ast.Starred) for a in node.args)  # its count is not in the source
            if isinstance(module, types.ModuleType) and module.__name__.startswith("nnlab.ui") and not starred:
                section = getattr(module, node.func.attr)
                inspect.signature(section).bind(*node.args, **{k.arg: None for k in node.keywords if k.arg})
