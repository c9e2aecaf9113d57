"""Labels that name different things in English name different things in 中文 too.

Why: the CSV column summary's "type" and "kind" were both 类型, so its frame had two equal column names and
pandas refused it, a traceback on the Data page after every upload in Chinese. Any module-level table of labels
(column headers, option names) can meet the same fate, so every one is checked here, not only that one.
"""
import importlib
import pkgutil

import nnlab
from nnlab.i18n import translations


def label_tables():
    """(module, name, labels) of every module-level dict of nnlab whose values are distinct strings."""
    for info in pkgutil.walk_packages(nnlab.__path__, "nnlab."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (isinstance(value, dict) and len(value) > 1 and all(isinstance(v, str) for v in value.values())
                    and len(set(value.values())) == len(value)):
                yield info.name, name, list(value.values())


def test_distinct_labels_stay_distinct_in_chinese():
    zh = translations("zh")
    tables = list(label_tables())
    assert any(name == "COLUMN_HEADERS" for _, name, _labels in tables)  # the table that broke is among them
    clashes = []
    for module, name, labels in tables:
        shown = [zh.gettext(label) for label in labels]
        if len(set(shown)) < len(shown):
            clashes.append((module, name, [(a, b) for a, b in zip(labels, shown) if shown.count(b) > 1]))
    assert not clashes
