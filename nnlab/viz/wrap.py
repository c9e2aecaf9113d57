"""A chart's sentence in lines: Vega cuts a title or subtitle that is wider than its chart ("… the last 200; th…"),
so a long one is given as a list of lines, each narrow enough to be read whole."""
import unicodedata

NO_LINE_START = set("，。、：；！？）》」』％,.:;!?)%")  # punctuation that stays at the end of the line before


def _wide(ch):
    return unicodedata.east_asian_width(ch) in "WF"


def display_width(text):
    """Columns ``text`` takes: a Chinese character (or full-width sign) counts two, any other one."""
    return sum(2 if _wide(ch) else 1 for ch in text)


def _pieces(text):
    """Where a line may break: after a space, or around any wide character (Chinese is written without spaces)."""
    piece = ""
    for ch in text:
        if _wide(ch):
            if piece:
                yield piece
                piece = ""
            yield ch
            continue
        piece += ch
        if ch == " ":
            yield piece
            piece = ""
    if piece:
        yield piece


def wrapped(text, width=64):
    """``text`` as lines of at most ``width`` columns (``display_width``), broken between words or characters.
    A closing punctuation mark never starts a line (it joins the line before, which may then be one mark wider),
    and a word longer than ``width`` has a line of its own."""
    lines, line = [], ""
    for piece in _pieces(text):
        fits = display_width((line + piece).rstrip()) <= width
        if fits or not line.strip() or piece[0] in NO_LINE_START:
            line += piece
        else:
            lines.append(line.rstrip())
            line = piece
    if line.strip():
        lines.append(line.rstrip())
    return lines
