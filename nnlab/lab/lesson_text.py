"""A sentence for the learner as data: an English template plus its values, translated where it is shown.

The lessons' checks and status messages are built here, in the headless layer, but the language belongs to the
page's session. So they return a ``Message`` — the English msgid and the values of its named placeholders —
and the page renders it with the app's translation function: ``message.render(_)``. Values are already
formatted strings (numbers look the same in every language); the template alone is translated, so a Chinese
catalogue can move the placeholders to wherever Chinese word order puts them.
"""
import string
from dataclasses import dataclass, field


def N_(text):
    """Mark ``text`` as a msgid for extraction (Babel's ``N_`` keyword) and return it untranslated."""
    return text


def placeholders(text):
    """The names of the ``{placeholders}`` of ``text``, e.g. {"epochs"} for "Train for {epochs} epochs.".

    Raises ValueError for a positional ``{}``, an attribute or index (``{a.b}``) or an unbalanced brace: a
    translator can only move named placeholders.
    """
    names = set()
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"{exc} (write a literal brace as {{{{ or }}}})") from None
    for _literal, name, _spec, _conversion in fields:
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"the placeholder {{{name}}} must be a plain name such as {{epochs}}")
        names.add(name)
    return names


@dataclass(frozen=True)
class Message:
    """One sentence (or label): ``template`` is the English msgid, ``values`` fill its placeholders.

    A value is a formatted string, or a Message of its own (rendered in the same language first, e.g. a formula
    sentence inside "… The article prints …"). translate=False marks a label that is the same in every
    language (a layer name, a number, a shape).
    """
    template: str
    values: dict = field(default_factory=dict)
    translate: bool = True

    def __post_init__(self):
        missing = placeholders(self.template) - set(self.values)
        if missing:
            raise ValueError(f"{self.template!r} needs values for {sorted(missing)}")

    def render(self, gettext=None):
        """The text in the page's language: ``gettext(template, **values)`` (nnlab's ``_``), or English."""
        values = {name: self.values[name] for name in placeholders(self.template)}
        values = {name: v.render(gettext) if isinstance(v, Message) else v for name, v in values.items()}
        if gettext is None or not self.translate:
            return self.template.format(**values)
        return gettext(self.template, **values)


def raw(text):
    """A label shown as it is in every language (a layer name, a number)."""
    return Message("{text}", {"text": str(text)}, translate=False)


def fmt(value, digits=4):
    """A number as the lessons show it: ``digits`` significant figures and a true minus sign (−0.07374)."""
    return f"{value:.{digits}g}".replace("-", "−")


def percent(share):
    """A share as a percentage with one decimal: 0.935 -> "93.5 %"."""
    return f"{100 * share:.1f} %"
