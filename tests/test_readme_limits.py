"""The README's "Limits" section states the caps the code enforces (issue 14): each constant, as written there."""
from pathlib import Path

from nnlab.data import csv_reader, image_upload, table_limits
from nnlab.engine import model_limits, serialize

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
LIMITS = README[README.index("\n## Limits\n"):]


def test_the_limits_section_is_the_last_one():
    assert "\n## " not in LIMITS[len("\n## Limits\n"):]


def test_every_cap_is_stated_as_the_code_has_it():
    stated = [
        f"{model_limits.MAX_SPEC_BYTES // 2**10} KiB", f"≤ {model_limits.MAX_JSON_DEPTH}",
        f"≤ {model_limits.MAX_LAYERS} layers", f"≤ {model_limits.MAX_INPUT_SIZE:,} values",
        f"≤ {model_limits.MAX_PARAMS:,} parameters", f"≤ {model_limits.MAX_LAYER_VALUES:,} values",
        f"≤ {serialize.MAX_MEMBERS} members", f"≤ {serialize.MAX_DIRECTORY_BYTES // 2**10} KiB",
        f"≤ {serialize.MAX_NPY_HEADER // 2**10} KiB",
        f"≤ {table_limits.MAX_COLUMNS:,} columns", f"≤ {table_limits.MAX_CELLS:,} values",
        f"over {table_limits.MAX_NAME_CHARS} characters", f"at most {table_limits.EXCERPT_CHARS} characters",
        f"≤ {image_upload.MAX_BYTES // 2**20} MB", f"≤ {image_upload.MAX_ASPECT} : 1",
        f"≤ {image_upload.WORK_SIDE} px", f"{csv_reader.MAX_BYTES // 2**20} MB",
    ]
    side = int(image_upload.MAX_PIXELS ** 0.5)
    assert side * side == image_upload.MAX_PIXELS and f"≤ {side} × {side} pixels" in LIMITS
    assert model_limits.MAX_SEED == 2**63 - 1 and "0 … 2⁶³ − 1" in LIMITS
    missing = [text for text in stated if text not in LIMITS]
    assert not missing
