"""Sections of the Lessons page: choose a lesson, set it up without losing the learner's own model, its task and
status, the article's numbers beside the engine's, the question answered from the learner's run, and progress.

A lesson is data (``nnlab/lessons/*.toml``, loaded by ``lab.lessons``); nothing here knows one lesson from
another. Setting a lesson up keeps the learner's own settings and model (its TrainingSession, history and all)
under ``state.LESSON_STASH`` until they restore it, so trying a lesson never throws their work away.
"""
from dataclasses import replace
from functools import cache

import pandas as pd
import streamlit as st

from ..data.builtin import DATASETS
from ..i18n import N_, _, ngettext
from ..lab.config import validate
from ..lab.lesson_progress import Progress, ProgressError, ignored_message, progress_from_json
from ..lab.lesson_text import fmt
from ..lab.lessons import (DIFFERENT_SETUP, NotReady, Run, ask, load_lessons, setup_changes, setup_differences,
                           task_status, texts)
from ..lab.presets import PRESETS
from ..lab.seed_neuron import ARTICLE_PRINTED, neuron_example
from . import state
from .widgets import sidebar
from .widgets.neuron_editor import article_values

PICK, UPLOAD = "ls_lesson", "ls_upload"  # widget keys: the lesson choice, the progress upload
OWN_MODEL = (state.MODEL, state.HISTORY, state.TRAINING, state.MODEL_KEY, state.INITIAL_PARAMS)
PAGE_TITLES = {"home": N_("Home"), "architecture": N_("Architecture"), "forward": N_("Forward pass"),
               "backprop": N_("Backprop"), "training": N_("Training"), "feature_maps": N_("Feature maps"),
               "attention": N_("Attention"), "data": N_("Data"), "compare": N_("Compare")}
SEED_ROWS = (("z", "z", "z"), ("y", "y", "y"), ("L", "L", "loss"), ("δ", "delta", "delta"))  # shown, printed, engine


def _check_setup(preset, changes):
    validate(replace(PRESETS[preset], **changes))


@cache
def all_lessons():
    """The shipped lessons, loaded and validated once per process (frozen data, the same for every session)."""
    return load_lessons(PRESETS, list(DATASETS), check_setup=_check_setup)


def _by_id(lesson_id):
    return next(lesson for lesson in all_lessons() if lesson.id == lesson_id)


def lesson_texts(lesson):
    """field -> the lesson's sentence in the session's language, its numbers filled in by the engine."""
    return {field: message.render() for field, message in
            texts(lesson, article_neuron=neuron_example(), printed=ARTICLE_PRINTED).items()}


def progress() -> Progress:
    return st.session_state.setdefault(state.LESSON_PROGRESS, Progress())


def _step(delta):
    ids = [lesson.id for lesson in all_lessons()]
    st.session_state[PICK] = ids[(ids.index(st.session_state[PICK]) + delta) % len(ids)]


def choose_lesson(lessons):
    """The lesson picker (first from ``?lesson=<id>`` in the address), with previous/next; returns the lesson.

    The address follows the choice, so a lesson's address can be shared."""
    ids = [lesson.id for lesson in lessons]
    asked = st.query_params.get("lesson")
    if PICK not in st.session_state:
        st.session_state[PICK] = asked if asked in ids else ids[0]
        if asked is not None and asked not in ids:
            st.warning(_("There is no lesson “{asked}”; the first lesson is shown.", asked=asked))
    done = progress().done
    titles = {lesson.id: lesson_texts(lesson)["title"] for lesson in lessons}
    left, prev, nxt = st.columns([6, 1, 1], vertical_alignment="bottom")
    chosen = left.selectbox(_("Lesson"), ids, key=PICK, format_func=lambda i: f"{ids.index(i) + 1}. {titles[i]}"
                            + (" ✓" if i in done else ""))
    prev.button(_("Previous"), key="ls_prev", on_click=_step, args=(-1,), icon=":material/arrow_back:",
                width="stretch")
    nxt.button(_("Next"), key="ls_next", on_click=_step, args=(1,), icon=":material/arrow_forward:",
               width="stretch")
    if st.query_params.get("lesson") != chosen:
        st.query_params["lesson"] = chosen
    return next(lesson for lesson in lessons if lesson.id == chosen)


def _trained(hist):
    return ngettext("{n} epoch trained", "{n} epochs trained", hist.last_epoch if hist is not None else 0)


def _set_up(lesson_id):
    """The one click: keep the learner's own model (unless a lesson's setup is what they have now), then load the
    lesson's preset with its changes. Runs as a callback, before the sidebar's widgets are drawn."""
    ss, lesson = st.session_state, _by_id(lesson_id)
    stash = ss.get(state.LESSON_STASH)
    if stash is None or ss.get(state.MODEL_KEY) != stash["lesson_key"]:
        if stash is not None:
            state.notice(_("You had changed the model since the last lesson's setup, so that one is now the model "
                           "kept for you to restore; the one kept before ({trained}) is gone.",
                           trained=_trained(stash[state.HISTORY])))
        stash = {"config": state.config(), "preset": ss.get("sb_preset"), **{key: ss.get(key) for key in OWN_MODEL}}
    cfg = replace(PRESETS[lesson.setup.preset], **setup_changes(lesson))
    sidebar.apply_config(cfg, _("Set up for the lesson “{title}”: the preset “{preset}”, a fresh, untrained model. "
                                "Your own model is kept: restore it with the button on the Lessons page.",
                                title=lesson_texts(lesson)["title"], preset=lesson.setup.preset))
    ss["sb_preset"] = lesson.setup.preset
    ss[state.LESSON_STASH] = {**stash, "lesson_key": cfg.model_key()}


def _restore():
    ss = st.session_state
    stash = ss.pop(state.LESSON_STASH)
    sidebar.apply_config(stash["config"], _("Your own model is back, as you left it ({trained}).",
                                            trained=_trained(stash[state.HISTORY])))
    ss["sb_preset"] = stash["preset"]
    for key in OWN_MODEL:
        ss[key] = stash[key]


def setup_section(lesson, cfg):
    """Whether the learner's settings are the lesson's; the one-click setup; the way back to their own model."""
    changes = setup_differences(lesson, cfg)
    left, right = st.columns(2)
    dataset = lesson.setup.dataset or PRESETS[lesson.setup.preset].dataset
    if changes:
        left.button(_("Set up this lesson"), key="ls_setup", type="primary", icon=":material/play_lesson:",
                    on_click=_set_up, args=(lesson.id,))
        left.caption(_("Loads the preset “{preset}” on “{dataset}” as a fresh model. Your own model and its "
                       "training are kept, to restore whenever you like.", preset=lesson.setup.preset,
                       dataset=dataset))
    else:
        left.success(_("Set up: the preset “{preset}” on “{dataset}”.", preset=lesson.setup.preset,
                       dataset=dataset), icon=":material/check_circle:")
    stash = st.session_state.get(state.LESSON_STASH)
    if stash is not None:
        right.button(_("Restore my own model"), key="ls_restore", icon=":material/restore:", on_click=_restore)
        right.caption(_("Kept since your first lesson setup: your own model on “{dataset}” ({trained}).",
                        dataset=stash["config"].dataset, trained=_trained(stash[state.HISTORY])))


def _neuron():
    """The seed neuron as the Forward and Backprop pages have it (the learner may have edited it), or None."""
    v = st.session_state.get(state.SEED_NEURON) or article_values()
    try:
        return neuron_example(x=(v["x1"], v["x2"]), w=(v["w1"], v["w2"]), b=v["b"], activation=v["activation"],
                              target=v["t"])
    except ValueError:
        return None


def learner_run(cfg, data, net):
    """The learner's own run, as the checks read it."""
    return Run.of(state.history(), config=cfg, net=net, inputs=data.x_train, neuron=_neuron(),
                  printed=ARTICLE_PRINTED)


def task_section(lesson, run, where):
    """The task's status in ``where`` (a container above the views, filled after they ran: training may have
    happened in between)."""
    status = task_status(lesson, run)
    if status.done:
        where.success(_("Task done with this lesson's setup."), icon=":material/task_alt:")
    for message in status.todo:
        if message.template == DIFFERENT_SETUP:  # a long list of settings: short line first, the list on request
            where.warning(_("Your settings are not this lesson's: set it up with the button above (or change the "
                            "settings back)."), icon=":material/tune:")
            where.expander(_("Which settings differ")).markdown(message.render())
        else:
            where.info(message.render(), icon=":material/pending:")
    return status


def numbers_section(lesson):
    """For a lesson on the article's worked neuron: what the article prints beside what the engine computes."""
    if lesson.numbers != "seed_neuron":
        return
    r = neuron_example()
    st.markdown(_("**The article's numbers are wrong.** Its worked example (x = ({x1}, {x2}), w = ({w1}, {w2}), "
                  "b = {b}, t = {t}, sigmoid) slips in its arithmetic; the engine's numbers are computed now, from "
                  "the same inputs.", x1=fmt(r.x[0]), x2=fmt(r.x[1]), w1=fmt(r.w[0]), w2=fmt(r.w[1]), b=fmt(r.b),
                  t=fmt(r.target)))
    st.dataframe(pd.DataFrame({_("quantity"): [row[0] for row in SEED_ROWS],
                               _("the article prints"): [fmt(ARTICLE_PRINTED[row[1]]) for row in SEED_ROWS],
                               _("the engine computes"): [fmt(getattr(r, row[2])) for row in SEED_ROWS]}),
                 hide_index=True, width="content")


def _mark_done(lesson_id):
    ids = [lesson.id for lesson in all_lessons()]
    st.session_state[state.LESSON_PROGRESS] = progress().with_done(lesson_id, ids)


def question_section(lesson, question_text, run, status):
    """The lesson's question, answered from the learner's run; a right answer with the task done completes it."""
    try:
        question = ask(lesson, run)
    except NotReady as exc:
        st.markdown(f"**{question_text}**")
        st.info(exc.message.render(), icon=":material/pending:")
        return
    labels = {option.key: option.label.render() for option in question.options}
    keys = list(labels)
    choice = st.radio(f"**{question_text}**", keys, index=None, format_func=labels.get,
                      key=f"ls_q_{lesson.id}_{'_'.join(keys)}")
    if choice is None:
        st.caption(_("Choose an answer: it is checked against your own run."))
        return
    why = question.explanation.render()
    if not question.is_correct(choice):
        st.error(_("Not this one. From your run: {why}", why=why), icon=":material/close:")
        return
    st.success(_("Right. From your run: {why}", why=why), icon=":material/check:")
    if status.done:
        _mark_done(lesson.id)
        st.success(_("Lesson done."), icon=":material/school:")
    else:
        st.info(_("Finish the task above to count this lesson as done."), icon=":material/pending:")


def link_section(lesson):
    st.page_link(f"app_pages/{lesson.page}.py", icon=":material/open_in_new:",
                 label=_("Everything this view is part of: the full {page} page", page=_(PAGE_TITLES[lesson.page])))


def _on_upload():
    file = st.session_state.get(UPLOAD)
    if file is None:
        return
    ids = [lesson.id for lesson in all_lessons()]
    try:
        uploaded, ignored = progress_from_json(file.getvalue(), ids)
    except ProgressError as exc:
        state.notice(_("The progress file “{name}” cannot be used: {why}", name=file.name,
                       why=exc.message.render()))
        return
    done = set(progress().done) | set(uploaded.done)
    st.session_state[state.LESSON_PROGRESS] = Progress(tuple(i for i in ids if i in done))
    state.notice(ngettext("Progress added from “{name}”: {n} lesson is done now.",
                          "Progress added from “{name}”: {n} lessons are done now.", len(done), name=file.name))
    ignored = ignored_message(ignored)
    if ignored:
        state.notice(ignored.render())


def progress_section(lessons):
    """Lessons done this session; a download to keep them, an upload to bring them back."""
    done = progress().done
    st.progress(len(done) / len(lessons), text=_("Lessons done: {done} of {total}", done=len(done), total=len(lessons)))
    left, right = st.columns(2)
    left.download_button(_("Download your progress"), progress().to_json(), file_name="nnlab-lesson-progress.json",
                         mime="application/json", key="ls_download", icon=":material/download:",
                         help=_("A small JSON file listing the lessons you have done; upload it here next time."))
    right.file_uploader(_("Bring back saved progress"), type=["json"], key=UPLOAD, on_change=_on_upload)
