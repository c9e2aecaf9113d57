"""A sentence for the learner as data: an English msgid plus its values, translated where it is shown.

The lessons' checks and status messages are built here, in the headless layer, and the language belongs to the
page's session. So they return a ``Message`` — the msgid and the values of its named placeholders — and
``message.render()`` translates it with ``nnlab.i18n._`` in the current session's language. Values are already
formatted strings (numbers look the same in every language); only the template is translated, so the Chinese
catalogue can move the placeholders to wherever Chinese word order puts them.
"""
from dataclasses import dataclass, field

from .. import i18n


def placeholders(text):
    """The names of the ``{placeholders}`` of ``text``, e.g. {"epochs"} for "Train for {epochs} epochs.".

    Raises ValueError for a positional ``{}``, an attribute or index (``{a.b}``) or an unbalanced brace: a
    translator can only move named placeholders.
    """
    try:
        return {name for name, _conversion, _spec in i18n.placeholders(text)}
    except ValueError as exc:
        raise ValueError(f"{exc} (write a literal brace as {{{{ or }}}})") from None


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

    def render(self, gettext=i18n._):
        """The text in the current language (``nnlab.i18n._``; pass another ``gettext(msgid, **values)`` to
        choose)."""
        values = {name: self.values[name] for name in placeholders(self.template)}
        values = {name: v.render(gettext) if isinstance(v, Message) else v for name, v in values.items()}
        if not self.translate:
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
