"""Production settings refuse to start unsafely and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    dropped = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("SECURE_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT,
        env={**clean, "CACHE_DIR": tempfile.mkdtemp(prefix="samizdat-settings-"), **env},
        capture_output=True, text=True, timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_unknown_task_backend_is_a_clear_error():
    result = run_manage("check", SECRET_KEY="x" * 60, TASKS_BACKEND="carrier-pigeon")
    assert result.returncode != 0
    assert "TASKS_BACKEND='carrier-pigeon' is not one of" in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY="k3y-" + "q8Zr7vN2xLp5sT0wYb4mJc9hGd6fKa1e" * 2,
        ALLOWED_HOSTS="news.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_database_url_is_a_clear_error():
    result = run_manage("check", SECRET_KEY="x" * 60, DATABASE_URL="mongodb://nowhere/db")
    assert result.returncode != 0
    assert "DATABASE_URL is not a database address" in result.stderr


def test_a_number_setting_that_is_not_a_number_is_a_clear_error():
    result = run_manage("check", SECRET_KEY="x" * 60, SPAM_RATE_LIMIT="five")
    assert result.returncode != 0
    assert "SPAM_RATE_LIMIT='five' is not a number." in result.stderr


def test_models_and_migrations_agree():
    result = run_manage("makemigrations", "--check", "--dry-run", SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stdout + result.stderr
