"""A Babel extractor for lesson files (TOML): the strings under the text keys become msgids.

A lesson is data, so its sentences are not in ``_()`` calls. babel.cfg maps ``nnlab/lessons/**.toml`` to this
extractor and names the keys that hold text for the learner (``text_keys = title goal task …``); every string
under such a key — at any depth, or in a list under it — is extracted, and nothing else (preset names, dataset
ids and checks stay out). The page shows it with ``_(lesson["goal"], **values)``: a lesson's text follows the
msgid rule too (whole sentences, named placeholders).
"""
import tomllib


def extract(fileobj, keywords, comment_tags, options):
    """Babel's extractor protocol: yield (line number, function name, message, comments) per text.

    tomllib keeps no line numbers, and the catalogues record files without lines anyway, so the line is 0; the
    comment names the key, e.g. "lesson: steps.0.task", for the translator.
    """
    text_keys = set(options.get("text_keys", "").split())
    for path, text in _texts(tomllib.loads(fileobj.read().decode("utf-8")), text_keys, inside=False, path=()):
        yield 0, None, text, [f"lesson: {'.'.join(path)}"]


def _texts(value, text_keys, inside, path):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, text_keys, inside or key in text_keys, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, text_keys, inside, (*path, str(index)))
    elif isinstance(value, str) and inside and value.strip():
        yield path, value
