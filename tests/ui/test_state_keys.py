"""Every non-widget session key is declared once, in ui/state.py, with its owner; the code uses the constants.

The scan reads the ui and page sources: a session key written as a string literal must be a widget's own
key (given as ``key="…"`` to a widget, or one of the sidebar's ``sb_*`` widget values)."""
import ast
import importlib
import re
from pathlib import Path

from nnlab.ui import state

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "nnlab" / "ui").rglob("*.py")) + sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"]
SESSION = ("session_state", "ss")  # how the code names st.session_state


def _is_session(node):
    return (isinstance(node, ast.Attribute) and node.attr == "session_state") or \
        (isinstance(node, ast.Name) and node.id in SESSION)


def literal_keys(source):
    """String keys used on the session state: ss["k"], ss.get("k"), ss.setdefault("k"), ss.pop("k"), ss.k."""
    keys = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _is_session(node.value) and isinstance(node.slice, ast.Constant):
            keys.add(node.slice.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_session(node.func.value) \
                and node.func.attr in ("get", "setdefault", "pop") and node.args \
                and isinstance(node.args[0], ast.Constant):
            keys.add(node.args[0].value)
        elif isinstance(node, ast.Attribute) and _is_session(node.value) and not node.attr.startswith("_") \
                and node.attr not in ("get", "setdefault", "pop", "update", "items", "keys"):
            keys.add(node.attr)
    return keys


def widget_keys(text):
    return set(re.findall(r'key="([^"]+)"', text)) | set(re.findall(r'"(sb_[a-z_]+)"', text))


def test_each_key_is_declared_once_with_an_owner_that_uses_it():
    assert len(state.KEYS) == len(set(state.KEYS)) >= 20
    constants = {value: name for name, value in vars(state).items()
                 if name.isupper() and isinstance(value, str) and value in state.KEYS}
    assert set(constants) == set(state.KEYS)  # every declared key has its constant
    for key, (owner, holds) in state.KEYS.items():
        assert holds, key
        module = importlib.import_module(f"nnlab.{owner}")
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert constants[key] in source, f"{owner} owns {key!r} but never uses state.{constants[key]}"


def test_code_uses_the_constants_and_literals_are_widget_keys():
    texts = {path: path.read_text(encoding="utf-8") for path in SOURCES}
    widgets = set().union(*(widget_keys(t) for t in texts.values()))
    for path, text in texts.items():
        used = literal_keys(text)
        assert not used & set(state.KEYS), f"{path.name} writes declared keys as strings: {used & set(state.KEYS)}"
        if path.name != "state.py":
            assert used <= widgets, f"{path.name} uses undeclared non-widget keys {used - widgets}"


def test_the_scan_finds_string_keys():
    """Guard against a vacuous scan."""
    code = 'ss = st.session_state\nss["model"] = 1\nst.session_state.get("cmp_cache")\nss.tr_hist_epochs = []\n'
    assert literal_keys(code) == {"model", "cmp_cache", "tr_hist_epochs"}
