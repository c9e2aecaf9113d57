"""Which modules a fresh interpreter has loaded after an import: the probe behind the layering tests."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def loaded_modules(statement):
    """The names in ``sys.modules`` after running ``statement`` in a new Python process at the repository root."""
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    # ``python -c`` puts its working directory (the repository root) first on the module path.
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))
