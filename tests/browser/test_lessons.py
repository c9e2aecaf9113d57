"""Every lesson walked in Chromium, in English and then in 中文 (chosen with the sidebar's language switch): each set up
with its one click, drawn without an error, and screenshotted under the test's tmp dir."""
import re
import shutil

from nnlab.i18n import _, using_language
from nnlab.ui.lessons import all_lessons, lesson_texts

CJK = re.compile(r"[\u4e00-\u9fff]")


def _walk(lab, language, shots):
    with using_language(language):
        set_up, done_setup, following = _("Set up this lesson"), _("Set up: the preset"), _("Next")
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


def test_every_lesson_in_english_and_in_chinese(lab, tmp_path):
    lab.open("lessons", "Lessons")
    _walk(lab, "en", tmp_path)
    lab.sidebar.get_by_role("button", name="中文", exact=True).click()
    lab.expect_title("课程")
    lab.settle()
    lab.click("下一课")  # from the last lesson round to the first
    lab.settle()
    _walk(lab, "zh", tmp_path)
    assert len(list(tmp_path.glob("lesson-*.png"))) == 2 * len(all_lessons())
