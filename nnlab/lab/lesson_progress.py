"""Which lessons a learner has done: kept for the session, downloaded as a small JSON file and uploaded again.

The file is plain JSON (never pickle) — {"format": "nnlab-lesson-progress", "version": 1, "done": [ids]} — and
an upload is checked before it is used: its size first, then that it is this format, then every id. Ids of
lessons this app does not have are left out and named, so nothing is dropped silently.
"""
import json
from dataclasses import dataclass

from ..i18n import N_
from .lesson_text import Message

FORMAT = "nnlab-lesson-progress"
VERSION = 1
MAX_BYTES = 64 * 1024  # a progress file of every lesson is well under 1 KB


class ProgressError(ValueError):
    """An uploaded progress file that cannot be used; ``message`` says why, for the page."""

    def __init__(self, message: Message):
        super().__init__(message.render())
        self.message = message


@dataclass(frozen=True)
class Progress:
    done: tuple = ()  # ids of the lessons done, in the lessons' order

    def with_done(self, lesson_id, order):
        """This progress with ``lesson_id`` done too; ``order`` is every lesson id in the lessons' order."""
        if lesson_id not in order:
            raise ValueError(f"{lesson_id!r} is not a lesson id")
        done = set(self.done) | {lesson_id}
        return Progress(tuple(i for i in order if i in done))

    def to_json(self):
        """The download: UTF-8 JSON bytes."""
        return json.dumps({"format": FORMAT, "version": VERSION, "done": list(self.done)}, indent=1).encode()


def _fail(template, **values):
    return ProgressError(Message(template, {k: str(v) for k, v in values.items()}))


def progress_from_json(raw, order):
    """(Progress, ignored ids) from an uploaded file's bytes; ``order`` is every lesson id in order.

    Raises ProgressError for a file that is too large, not JSON, not this format or version, or malformed.
    """
    if len(raw) > MAX_BYTES:
        raise _fail(N_("The progress file has {size} bytes; a progress file has at most {limit}."),
                    size=f"{len(raw):,}", limit=f"{MAX_BYTES:,}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _fail(N_("This is not an nnlab progress file: it is not text (UTF-8).")) from None
    except json.JSONDecodeError as exc:
        raise _fail(N_("This is not an nnlab progress file: it is not valid JSON (line {line}, column {column})."),
                    line=exc.lineno, column=exc.colno) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _fail(N_("This is not an nnlab progress file: it does not say \"format\": \"{format}\"."),
                    format=FORMAT)
    if data.get("version") != VERSION:
        raise _fail(N_("This progress file has version {version}; this app reads version {expected}."),
                    version=json.dumps(data.get("version")), expected=VERSION)
    done = data.get("done")
    if not isinstance(done, list) or not all(isinstance(i, str) for i in done):
        raise _fail(N_("The progress file's \"done\" must be a list of lesson ids."))
    ignored = tuple(dict.fromkeys(i for i in done if i not in order))
    return Progress(tuple(i for i in order if i in set(done))), ignored


IGNORED = N_("Left out of the uploaded progress, as this app has no such lessons: {ids}.")


def ignored_message(ignored):
    """The notice for ids left out of an upload (None when none were)."""
    return Message(IGNORED, {"ids": ", ".join(ignored)}) if ignored else None
