"""Tensor shapes in words: (16, 26, 26) -> "16×26×26". One helper for every page, table and message, kept
beside the engine whose shapes it names, so the layers above (lab, viz, ui) all write shapes alike."""


def shape_text(shape):
    """A shape tuple (or any sequence of sizes) as text, e.g. (1, 28, 28) -> "1×28×28"; () -> ""."""
    return "×".join(str(int(s)) for s in shape)
