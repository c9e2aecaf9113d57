"""Every lesson walked in Chromium, in English and in 中文 (chosen with the sidebar's language switch): each set up
with its one click, drawn without an error, and screenshotted under the test's tmp dir. Each language is one test
(a session of its own, about five minutes on two loaded cores)."""
import re
import shutil

import pytest

from nnlab.i18n import _, using_language
from nnlab.ui.lessons import all_lessons, lesson_texts

CJK = re.compile(r"[\u4e00-\u9fff]")


def _walk(lab, language, shots):
    with using_language(language):
        set_up, following = _("Set up this lesson"), _("Next")
        done_setup = _("Set up: the preset “{preset}” on “{dataset}”.", preset="", dataset="").split("“")[0]
        titles = [lesson_texts(lesson)["title"] for lesson in all_lessons()]
    for number, (lesson, title) in enumerate(zip(all_lessons(), titles), start=1):
        lab.main.locator("h2").filter(has_text=title).first.wait_for()
        if lab.button(set_up).count():
            lab.click(set_up)
            lab.settle()
        lab.wait_text(done_setup)
        lab.assert_clean()
        if language == "zh":
            assert CJK.search(lab.main.locator("h2").first.inner_text()), title
        shutil.move(lab.shoot(f"lesson-{language}-{number:02d}-{lesson.id}"), shots)
        if number < len(titles):
            lab.click(following)
            lab.settle()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_lesson_set_up_and_shown(lab, tmp_path, language):
    lab.open("lessons", "Lessons")
    if language == "zh":
        lab.sidebar.get_by_text("中文", exact=True).click()
        lab.expect_title("课程")
        lab.settle()
    _walk(lab, language, tmp_path)
    assert len(list(tmp_path.glob("lesson-*.png"))) == len(all_lessons())
