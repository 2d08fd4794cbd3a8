"""The scale path: Redis as the cache, the database as a task queue with separate workers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import on_own_sqlite

ROOT = Path(__file__).resolve().parents[3]


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "TASKS_BACKEND"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=180, env={**base, "SECRET_KEY": "x" * 50, "TASKS_BACKEND": "immediate", **env},
    )


@pytest.mark.skipif(not redis_is_up(), reason="no Redis server on 127.0.0.1:6379")
def test_redis_cache_is_used_when_redis_url_is_set():
    script = (
        "from django.core.cache import cache; from django.conf import settings;"
        "cache.set('samizdat-test', 'kept', 30);"
        "print(settings.CACHES['default']['BACKEND'], cache.get('samizdat-test'))"
    )
    result = manage("shell", "-c", script, REDIS_URL="redis://127.0.0.1:6379/15")
    assert result.returncode == 0, result.stderr
    assert "django_redis.cache.RedisCache kept" in result.stdout


UPLOAD = (
    "import io; from PIL import Image as P; from django.core.files.images import ImageFile;"
    "from samizdat.core.models import OutletImage as I;"
    "b = io.BytesIO(); P.new('RGB', (900, 500), 'red').save(b, 'JPEG');"
    "i = I.objects.create(title='t', description='d', file=ImageFile(b, name='t.jpg'));"
    "print('renditions', i.renditions.count())"
)
COUNT = "from samizdat.core.models import OutletRendition as R; print(R.objects.count())"


def upload_then_run_worker(tmp_path, migrated, worker: list[str], **env: str) -> None:
    """Upload an image: the request queues its renditions; a separate worker makes them."""
    shutil.copy(migrated, tmp_path / "queue.sqlite3")
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
           "MEDIA_ROOT": str(tmp_path / "media"), "CACHE_DIR": str(tmp_path / "cache"), **env}
    upload = manage("shell", "-c", UPLOAD, **env)
    assert upload.returncode == 0, upload.stderr
    assert "renditions 0" in upload.stdout, "the upload waited for its renditions"
    run = manage(*worker, **env)
    assert run.returncode == 0, run.stderr
    count = manage("shell", "-c", COUNT, **env)
    assert count.stdout.strip().endswith("6"), count.stdout + count.stderr + run.stderr


@on_own_sqlite
def test_database_queue_makes_renditions_in_a_separate_worker(tmp_path, migrated_sqlite):
    upload_then_run_worker(tmp_path, migrated_sqlite, ["db_worker", "--batch", "--no-startup-delay"],
                           TASKS_BACKEND="database")


@on_own_sqlite
@pytest.mark.skipif(not redis_is_up(), reason="no Redis server on 127.0.0.1:6379")
def test_redis_queue_makes_renditions_in_a_separate_worker(tmp_path, migrated_sqlite):
    import redis

    # A fresh database reuses ids: forget what an earlier run cached and queued there.
    redis.Redis.from_url("redis://127.0.0.1:6379/14").flushdb()
    worker = ["rqworker", "--burst", "--job-class", "django_tasks_rq.Job", "default"]
    upload_then_run_worker(tmp_path, migrated_sqlite, worker,
                           TASKS_BACKEND="redis", REDIS_URL="redis://127.0.0.1:6379/14")


BUMP = (
    "from samizdat.core.invalidation import bump_tree_version, tree_version;"
    "before = tree_version(); bump_tree_version(); print(before, tree_version())"
)
READ = "from samizdat.core.invalidation import tree_version; print(tree_version())"


@on_own_sqlite
def test_default_cache_is_shared_by_the_processes_of_one_machine(tmp_path):
    """Without Redis, a publish in one gunicorn worker must invalidate the others' caches."""
    env = {"CACHE_DIR": str(tmp_path / "cache"), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    bumped = manage("shell", "-c", BUMP, **env)
    assert bumped.returncode == 0, bumped.stderr
    before, after = (int(value) for value in bumped.stdout.split()[-2:])
    assert after == before + 1
    seen = manage("shell", "-c", READ, **env)
    assert int(seen.stdout.split()[-1]) == after, seen.stdout + seen.stderr
