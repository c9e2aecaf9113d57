"""The package's pins are requirements.txt (one list): `pip install -e .` and `pip install -r requirements.txt`
give the same versions, the ones the tests ran with; the dev requirements install the package and its linters."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pins(lines):
    """The requirement lines without comments or pip options (-r, -e)."""
    kept = (line.split("#")[0].strip() for line in lines)
    return sorted(line for line in kept if line and not line.startswith("-"))


def test_the_package_installs_requirements_txt_pinned_exactly():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["dynamic"] == ["dependencies"] and "dependencies" not in pyproject["project"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["dependencies"] == {"file": ["requirements.txt"]}
    runtime = pins((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    assert len(runtime) >= 6 and all("==" in pin for pin in runtime)  # exact pins, the tested versions


def test_dev_requirements_install_the_package_and_the_linters():
    lines = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt" in lines and "-e ." in lines
    assert {pin.split("==")[0] for pin in pins(lines)} >= {"pytest", "ruff", "import-linter"}
