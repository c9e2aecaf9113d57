"""``python -m nnlab.i18n update``: extract the strings, merge them into every ``.po``, compile the ``.mo``,
then list what still needs a Chinese translation (or breaks the placeholder or glossary rules)."""
import argparse
import sys

from . import LOCALE_DIRS, catalogue_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnlab.i18n", description=__doc__)
    parser.add_argument("command", choices=["update"], help="extract → update → compile")
    parser.parse_args(argv)
    from . import catalogue  # Babel: a development tool, imported only here and in the tests

    for path in catalogue.update():
        print(f"wrote {path.relative_to(catalogue.ROOT)}")
    problems = 0
    terms = catalogue.glossary()
    for code, folder in LOCALE_DIRS.items():
        po_path = catalogue_path(code, ".po")
        po = catalogue.read(po_path, folder)
        checks = {"no translation yet (or fuzzy: review it and delete the fuzzy flag)": catalogue.untranslated(po),
                  "placeholders differ from the msgid": catalogue.placeholder_mismatches(po),
                  "does not use the glossary's term": catalogue.glossary_violations(po, terms)}
        for what, found in checks.items():
            problems += len(found)
            for line in found:
                print(f"{po_path.relative_to(catalogue.ROOT)}: {what}: {line}")
    if problems:
        print(f"{problems} problem(s): edit the .po, then run `{catalogue.COMMAND}` again", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
