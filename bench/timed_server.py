"""``python bench/timed_server.py run app.py …``: Streamlit's own command line, noting when each script run
starts and ends, so that a bench can split a click's wait into the server's part and the browser's.

Each run appends one line "start end" (wall-clock seconds) to the file that ``NNLAB_RUN_TIMES`` names. Only
benches start the server this way (``bench/ui_latency.py``); the app itself has no timing code.
"""
import os
import sys
import time

from streamlit.runtime.scriptrunner import script_runner
from streamlit.web import cli


def _timed(run):
    def timed_run(self, rerun_data):
        start = time.time()
        try:
            return run(self, rerun_data)
        finally:
            with open(os.environ["NNLAB_RUN_TIMES"], "a") as out:
                out.write(f"{start:.4f} {time.time():.4f}\n")
    return timed_run


def server_seconds(path, since):
    """Seconds from ``since`` (wall clock) to the end of the last run that started after it, or None if none did."""
    with open(path) as lines:
        ends = [float(end) for start, end in (line.split() for line in lines) if float(start) >= since]
    return max(ends) - since if ends else None


if __name__ == "__main__":
    script_runner.ScriptRunner._run_script = _timed(script_runner.ScriptRunner._run_script)
    sys.exit(cli.main())
