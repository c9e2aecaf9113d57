"""Home's suggested path: every step links a page that app.py routes, in the order the pages build on each other."""
import re
from pathlib import Path

from nnlab.data.builtin import DATASETS
from nnlab.i18n import using_language
from nnlab.ui import home

ROOT = Path(__file__).resolve().parents[2]
ROUTED = re.findall(r'st\.Page\("([^"]+)"', (ROOT / "app.py").read_text())


def test_every_step_of_the_route_is_a_routed_page_in_learning_order():
    paths = [path for pages, _look in home.ROUTE for path, _title in pages]
    assert paths and all(p in ROUTED for p in paths)
    assert len(set(paths)) == len(paths)
    order = [p for p in ROUTED if p in paths]
    assert paths == order  # the route follows the sidebar: architecture before forward before backprop …
    assert "app_pages/home.py" not in paths
    # the lessons link appears exactly when that page exists (and is then routed)
    if (ROOT / home.LESSONS_PAGE).exists():
        assert home.LESSONS_PAGE in ROUTED


def test_datasets_table_has_every_dataset_once_in_both_languages():
    frame = home.datasets_frame()
    assert list(frame["dataset"]) == list(DATASETS)
    with using_language("zh"):
        assert list(home.datasets_frame().columns) == ["数据集", "类型", "描述"]
