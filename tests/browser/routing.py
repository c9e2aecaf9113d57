"""Which pages app.py routes to, so a browser test of a page another helper is still building can skip."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def routed(url_path):
    """Is there a page script ``app_pages/<url_path>.py`` that app.py routes to?"""
    script = ROOT / "app_pages" / f"{url_path}.py"
    return script.exists() and f"app_pages/{url_path}.py" in (ROOT / "app.py").read_text(encoding="utf-8")


def need_page(url_path):
    """Skip, saying why, until the page ``/url_path`` is routed."""
    return pytest.mark.skipif(not routed(url_path), reason=(
        f"the /{url_path} page is not there yet (app_pages/{url_path}.py routed in app.py); "
        "another helper is building it"))
