"""Lesson progress round-trips through its JSON download; a bad upload is refused with a sentence, and ids of
lessons this app does not have are left out and named, never dropped silently."""
import json

import pytest

from nnlab.lab.lesson_progress import MAX_BYTES, Progress, ProgressError, ignored_message, progress_from_json

ORDER = ("what_is_a_network", "structure", "activations", "preprocessing")


def test_progress_round_trips_in_lesson_order():
    progress = Progress().with_done("activations", ORDER).with_done("what_is_a_network", ORDER)
    assert progress.done == ("what_is_a_network", "activations")
    again, ignored = progress_from_json(progress.to_json(), ORDER)
    assert again == progress and ignored == ()
    assert json.loads(progress.to_json()) == {"format": "nnlab-lesson-progress", "version": 1,
                                              "done": ["what_is_a_network", "activations"]}


def test_marking_an_unknown_lesson_done_is_refused():
    with pytest.raises(ValueError, match="'nope' is not a lesson id"):
        Progress().with_done("nope", ORDER)


def test_ids_this_app_lacks_are_left_out_and_named():
    raw = json.dumps({"format": "nnlab-lesson-progress", "version": 1,
                      "done": ["structure", "gone", "gone", "what_is_a_network"]}).encode()
    progress, ignored = progress_from_json(raw, ORDER)
    assert progress.done == ("what_is_a_network", "structure") and ignored == ("gone",)
    assert ignored_message(ignored).render() == ("Left out of the uploaded progress, as this app has no such "
                                                 "lessons: gone.")
    assert ignored_message(()) is None


@pytest.mark.parametrize("raw, words", [
    (b"x" * (MAX_BYTES + 1), "has 65,537 bytes; a progress file has at most 65,536"),
    (b"\xff\xfe", "it is not text (UTF-8)"),
    (b'{"format": "nnlab-lesson-progress",\n "done": [}', "not valid JSON (line 2, column 11)"),
    (b'["structure"]', 'it does not say "format": "nnlab-lesson-progress"'),
    (b'{"format": "nnlab-lesson-progress", "version": 2, "done": []}', "has version 2; this app reads version 1"),
    (b'{"format": "nnlab-lesson-progress", "version": 1, "done": "structure"}', '"done" must be a list of lesson ids'),
    (b'{"format": "nnlab-lesson-progress", "version": 1, "done": [3]}', '"done" must be a list of lesson ids'),
])
def test_a_bad_upload_is_refused_with_a_sentence(raw, words):
    with pytest.raises(ProgressError) as caught:
        progress_from_json(raw, ORDER)
    assert words in caught.value.message.render()
