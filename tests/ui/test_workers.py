"""Whichever page starts the fork server first, it imports what every worker needs."""
import subprocess
import sys
from pathlib import Path


def test_the_data_page_starts_a_fork_server_that_preloads_the_compare_workers_too():
    script = """
from multiprocessing import forkserver
import nnlab.ui.data_augment  # the Data page, which starts the server when augmentation is switched on
from nnlab.ui import workers
workers.warm_up().join(60)
print(forkserver._forkserver._preload_modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['nnlab.engine.processes', 'nnlab.lab.compare_pool', 'nnlab.data.augment']"
