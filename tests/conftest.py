"""Shared test set-up.

Puts the repository root on ``sys.path`` so that plain ``pytest`` (not only ``python -m pytest``) can
import ``nnlab`` from a fresh checkout without installing it.
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
