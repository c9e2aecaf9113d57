"""Lessons: a guided path through the seed article, one short lesson per idea, each over the learner's own run —
its goal, a one-click setup that keeps the learner's model, the task, the existing pages' live views, a question
answered from the run, what to notice, and the progress to download."""
import streamlit as st

from nnlab.i18n import _
from nnlab.ui import lessons, state
from nnlab.ui.lesson_views import ViewContext, draw_views

st.title(_("Lessons"))
st.caption(_("Short lessons in the order of the seed article. Each one sets up what it needs with one click, "
             "keeps your own model to restore, and checks its question against your own run."))
all_lessons = lessons.all_lessons()
lesson = lessons.choose_lesson(all_lessons)
text = lessons.lesson_texts(lesson)
st.header(text["title"])
st.caption(_("The article's {section}", section=lesson.section))
st.markdown(_("**Goal:** {goal}", goal=text["goal"]))

lessons.setup_section(lesson, state.config())
cfg, data, net, _hist = state.current_model()

st.subheader(_("Task"))
st.markdown(text["task"])
status_box = st.container()
lessons.numbers_section(lesson)
st.subheader(_("Try it here"))
st.caption(_("The same views as on the full page, on your current model."))
draw_views(lesson, ViewContext(cfg, data, net, state.history()))

st.subheader(_("Question"))
run = lessons.learner_run(cfg, data, net)
status = lessons.task_section(lesson, run, status_box)
lessons.question_section(lesson, text["question"], run, status)

st.subheader(_("What to notice"))
st.markdown(text["notice"])
lessons.link_section(lesson)

st.divider()
lessons.progress_section(all_lessons)
