"""docs/deployment.md stays true (issue 24): it names every environment variable the code reads, and its
production environment block is one with which `manage.py check --deploy` finds nothing to warn about."""

from __future__ import annotations

import ast
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "deployment.md"


def _environment_reads(path: Path) -> set[str]:
    """Names read by os.environ.get/[]/setdefault/pop or os.getenv with a literal name."""

    def is_environ(node) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "environ"
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
        )

    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            if isinstance(func, ast.Attribute) and (
                (func.attr in ("get", "setdefault", "pop") and is_environ(func.value))
                or (func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os")
            ):
                names.add(node.args[0].value)
        elif (
            isinstance(node, ast.Subscript)
            and is_environ(node.value)
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
        elif (  # "NAME" in os.environ
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and any(is_environ(c) for c in node.comparators)
        ):
            names.add(node.left.value)
    return {n for n in names if isinstance(n, str)}


def _runtime_modules() -> list[Path]:
    """The settings and every module of the project outside tests and migrations."""
    return [
        p
        for p in sorted((ROOT / "fangkong").rglob("*.py"))
        if "tests" not in p.parts and "migrations" not in p.parts
    ]


def test_the_parser_sees_the_settings_reads():
    """The check below is only as good as its parser: the settings' well-known reads are found."""
    names = _environment_reads(ROOT / "fangkong" / "settings.py")
    assert {"DATABASE_URL", "SECRET_KEY", "FANGKONG_FIELD_KEY", "FANGKONG_HMAC_KEY", "REDIS_URL"} <= names
    assert len(names) >= 20


def test_every_environment_variable_is_documented():
    doc = DOC.read_text(encoding="utf-8")
    table = doc.split("## Every environment variable", 1)[1]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, flags=re.M))
    missing = {}
    for path in _runtime_modules():
        for name in _environment_reads(path) - documented:
            missing.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert not missing, (
        f"read from the environment but not in the table of docs/deployment.md (## Every environment "
        f"variable): {missing}"
    )


def _documented_production_env() -> dict[str, str]:
    """The `KEY=value` lines of the block after the doc's production-env marker, CHANGE-ME values replaced
    by freshly generated secrets of the kind the doc asks for."""
    doc = DOC.read_text(encoding="utf-8")
    block = doc.split("<!-- production-env", 1)[1].split("```ini", 1)[1].split("```", 1)[0]
    env = {}
    for line in block.strip().splitlines():
        key, _, value = line.partition("=")
        env[key.strip()] = value.strip()
    fresh = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FANGKONG_FIELD_KEY": Fernet.generate_key().decode(),
        "FANGKONG_HMAC_KEY": secrets.token_urlsafe(48),
    }
    for key, value in env.items():
        if key in fresh:
            assert "CHANGE-ME" in value, f"{key} has a real-looking value in the doc"
            env[key] = fresh[key]
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.Popen:
    # Only the documented variables (plus what a process needs to run): nothing of the test run leaks in.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "SYSTEMROOT") if k in os.environ}
    return subprocess.Popen(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**base, **env},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_check_deploy_is_clean_with_the_documented_production_env():
    """(Its converse, a production environment the checks do flag, is test_security_headers'.)"""
    env = _documented_production_env()
    assert env["DATABASE_URL"].startswith("postgres://") and "DEBUG" not in env
    run = _check_deploy(env)
    out, _ = run.communicate(timeout=120)
    assert run.returncode == 0, out
    assert "System check identified no issues" in out and "WARNINGS" not in out, out


def _unit_files() -> dict[str, str]:
    """The systemd units the docs give, by file name (`/etc/systemd/system/NAME` then its ini block)."""
    text = DOC.read_text(encoding="utf-8") + (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    found = re.finditer(
        r"`/etc/systemd/system/([\w.-]+)`[^\n]*\n(?:[^\n]*\n)*?\n```ini\n(.*?)```", text, re.S
    )
    return {m.group(1): m.group(2) for m in found}


def test_documented_systemd_units_parse(tmp_path):
    units = _unit_files()
    assert {"fangkong-web.service", "fangkong-worker.service", "fangkong-beat.service"} <= set(units)
    assert {"fangkong-backup.service", "fangkong-backup.timer"} <= set(units)
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    for name, body in units.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    run = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(tmp_path / n) for n in units)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The programs live on the production host only; anything else (unknown key, bad section) is ours.
    complaints = [
        line for line in (run.stdout + run.stderr).splitlines() if line and "is not executable" not in line
    ]
    assert not complaints, complaints


def test_proxy_accepts_the_largest_upload():
    from fangkong.core.imports import MAX_FILE_BYTES

    sizes = re.findall(r"client_max_body_size (\d+)m;", DOC.read_text(encoding="utf-8"))
    assert sizes and all(int(mb) * 1024 * 1024 > MAX_FILE_BYTES for mb in sizes)
