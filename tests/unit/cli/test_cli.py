"""The ``bianmin`` command line, run in a real subprocess against the test database."""

import os
import subprocess

import jwt

from tests.conftest import PG_URL, SECRET
from tests.processes import BIANMIN


def run(args, env_extra, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "DATABASE_URL"))}
    env.update(env_extra)
    return subprocess.run([BIANMIN, *args], env=env, capture_output=True, text=True, timeout=timeout)


def cli_env(tmp_path, settings=None):
    """Environment for the CLI; with ``settings``, the test's own (migrated, seeded) database."""
    env = {"BIANMIN_DATA_DIR": str(tmp_path / "data"), "BIANMIN_SECRET_KEY": SECRET}
    if settings is not None:
        env["DATABASE_URL"] = settings.effective_database_url
    elif PG_URL:
        env["DATABASE_URL"] = PG_URL
    return env


def test_seed_add_user_and_token(tmp_path, client, settings):
    # `client` has migrated and seeded this database; the CLI works on the same one.
    env = cli_env(tmp_path, settings)
    added = run(
        [
            "users",
            "add",
            "--phone",
            "13933334444",
            "--role",
            "resident",
            "--region",
            "990101001001002",
            "--name",
            "孙奶奶",
            "--flags",
            "elderly,disabled",
        ],
        env,
    )
    assert added.returncode == 0, added.stderr
    assert "已创建用户 13933334444" in added.stderr
    token = run(["token", "13933334444"], env)
    assert token.returncode == 0, token.stderr
    lines = token.stdout.splitlines()
    assert len(lines) == 1
    claims = jwt.decode(lines[0], SECRET, algorithms=["HS256"])
    assert int(claims["sub"]) > 0


async def test_token_works_against_the_api(tmp_path, client, settings):
    env = cli_env(tmp_path, settings)
    token = run(["token", "13800000003"], env)
    assert token.returncode == 0, token.stderr
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.stdout.strip()}"})
    assert me.status_code == 200 and me.json()["role"] == "staff"


def test_token_for_unknown_phone_fails_clearly(tmp_path, client, settings):
    env = cli_env(tmp_path, settings)
    result = run(["token", "13999999999"], env)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "没有手机号为 13999999999 的用户" in result.stderr


def test_bad_flag_is_refused(tmp_path):
    result = run(["users", "add", "--phone", "13911112222", "--role", "resident", "--flags", "rich"], cli_env(tmp_path))
    assert result.returncode != 0 and "rich" in result.stderr


def test_a_name_with_a_bidi_override_is_refused(tmp_path):
    result = run(
        ["users", "add", "--phone", "13911112222", "--role", "resident", "--name", "王\u202e芳"], cli_env(tmp_path)
    )
    assert result.returncode != 0 and "U+202E" in result.stderr and "Traceback" not in result.stderr


def test_unreachable_database_stops_with_a_clear_message(tmp_path):
    env = cli_env(tmp_path) | {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing"}
    result = run(["migrate"], env)
    assert result.returncode == 1
    assert "无法连接数据库" in result.stderr
    assert "Traceback" not in result.stderr


def test_unsupported_database_url_stops_with_a_clear_message(tmp_path):
    result = run(["migrate"], cli_env(tmp_path) | {"DATABASE_URL": "mysql://root@localhost/x"})
    assert result.returncode == 1
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_bad_setting_stops_with_a_clear_message(tmp_path):
    result = run(["migrate"], cli_env(tmp_path) | {"BIANMIN_PORT": "eighty"})
    assert result.returncode == 1
    assert "BIANMIN_PORT" in result.stderr and "Traceback" not in result.stderr


def test_migrate_and_seed_on_a_fresh_embedded_database(tmp_path):
    env = {"BIANMIN_DATA_DIR": str(tmp_path / "fresh")}
    assert run(["migrate"], env).returncode == 0
    seeded = run(["seed", "--demo"], env)
    assert seeded.returncode == 0, seeded.stderr
    assert "13800000001" in seeded.stderr
    again = run(["seed", "--demo"], env)
    assert again.returncode == 0
    assert (tmp_path / "fresh" / "bianmin.sqlite3").exists()
