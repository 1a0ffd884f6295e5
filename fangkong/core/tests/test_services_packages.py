"""Issue 9: services split into a package by topic stay one front door. Every function, class and
constant a topic module defines is reachable as `services.<name>` and is the very same object, so a
caller or a `monkeypatch` of the package never meets a stale copy, and no module grows past the split."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import fangkong

# Every app whose services grew into a package (found on disk, so a new one cannot be forgotten).
PACKAGES = sorted(
    f"fangkong.{path.parent.parent.name}.services"
    for path in Path(fangkong.__file__).parent.glob("*/services/__init__.py")
)


def _topics(package):
    pkg = importlib.import_module(package)
    return pkg, [importlib.import_module(f"{package}.{m.name}") for m in pkgutil.iter_modules(pkg.__path__)]


def _defined(mod) -> list[str]:
    """Names a topic module itself defines at top level (its own functions, classes and constants)."""
    names = []
    for node in ast.parse(inspect.getsource(mod)).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_every_name_of_every_topic_is_re_exported(package):
    pkg, topics = _topics(package)
    assert len(topics) >= 3
    defined = {f"{m.__name__}.{n}": (m, n) for m in topics for n in _defined(m)}
    assert len(defined) > 10  # the parse found the modules' names
    missing = [key for key, (m, n) in defined.items() if getattr(pkg, n, None) is not getattr(m, n)]
    assert missing == []
    assert sorted(pkg.__all__) == sorted(n for _, n in defined.values())


@pytest.mark.parametrize("package", PACKAGES)
def test_no_topic_module_is_a_second_monolith(package):
    _, topics = _topics(package)
    sizes = {m.__name__: len(inspect.getsource(m).splitlines()) for m in topics}
    assert max(sizes.values()) <= 700, sizes
