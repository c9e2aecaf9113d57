"""Numbers as people write them: a few significant digits, thousands grouped, a real minus sign.

One helper for every table, finding and caption (numbers are part of what a reader reads, like words; they sit
beside the translation function so every layer can use it): ``sig(0.8423)`` is "0.842", not "8.42e-1";
``sig(1.6e-5)`` is "1.6e-5" (a power of ten only where a decimal would need many zeros); ``sig(1250)`` is
"1,250".
"""
import math

MINUS = "−"  # U+2212: the typographic minus, as wide as the plus sign
SMALL, LARGE = 1e-3, 1e6  # outside [SMALL, LARGE) a number is written with a power of ten


def sig(value, digits=3, minus=MINUS):
    """``value`` with ``digits`` significant digits, trailing zeros dropped.

    Decimal notation from 0.001 up to a million (large numbers grouped: 12,345); otherwise a mantissa and a
    power of ten (1.6e-5, 3.2e7). 0, NaN and ±inf are "0", "nan", "inf" / "−inf". ``minus`` replaces "-"
    (pass "-" where the text must parse back as a number).
    """
    value = float(value)
    if value == 0 or not math.isfinite(value):
        text = "0" if value == 0 else f"{value:g}"
        return text.replace("-", minus)
    digits = max(1, int(digits))
    magnitude = abs(value)
    if SMALL <= magnitude < LARGE:
        exponent = math.floor(math.log10(magnitude))
        decimals = max(0, digits - 1 - exponent)
        text = f"{value:,.{decimals}f}"
        rounded = float(text.replace(",", ""))
        if rounded != 0 and math.floor(math.log10(abs(rounded))) > exponent and decimals > 0:
            text = f"{value:,.{decimals - 1}f}"  # 0.9996 rounds up to 1.000: keep ``digits`` digits, not one more
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", minus)


def percent(share, digits=2):
    """A share (0.72) as a percentage with ``digits`` significant digits: "72%", "0.4%", "100%"."""
    return f"{sig(100 * float(share), digits)}%"
