from pathlib import Path

import pytest

from backend.settings import Settings, SettingsError, resolve_secret


def test_defaults_are_the_embedded_single_process_setup():
    settings = Settings.from_env({})
    assert settings.effective_database_url == "sqlite:///data/bianmin.sqlite3"
    assert settings.is_sqlite and settings.demo_enabled
    assert (settings.host, settings.port, settings.timezone) == ("127.0.0.1", 8000, "Asia/Shanghai")


def test_postgres_turns_demo_off_unless_asked():
    pg = Settings.from_env({"DATABASE_URL": "postgres://u@h/db"})
    assert not pg.is_sqlite and not pg.demo_enabled
    assert Settings.from_env({"DATABASE_URL": "postgres://u@h/db", "BIANMIN_DEMO": "on"}).demo_enabled


@pytest.mark.parametrize(
    "env",
    [
        {"BIANMIN_PORT": "eighty"},
        {"BIANMIN_DEMO": "maybe"},
        {"BIANMIN_SMS_BACKEND": "carrier-pigeon"},
        {"BIANMIN_SMS_BACKEND": "webhook"},
        {"BIANMIN_BODY_TIMEOUT": "soon"},
        {"BIANMIN_BODY_TIMEOUT": "0"},
        {"BIANMIN_MAX_BODY_BYTES": "1MB"},
    ],
)
def test_unusable_settings_stop_startup(env):
    with pytest.raises(SettingsError):
        Settings.from_env(env)


def test_secret_is_generated_once_and_kept_private(tmp_path: Path):
    first = resolve_secret(Settings(data_dir=tmp_path))
    second = resolve_secret(Settings(data_dir=tmp_path))
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert resolve_secret(Settings(data_dir=tmp_path, secret_key="k" * 40)).secret_key == "k" * 40


def test_the_worker_yields_cpu_by_default_and_the_setting_is_checked():
    assert Settings().worker_nice == 10
    assert Settings.from_env({"BIANMIN_WORKER_NICE": "0"}).worker_nice == 0
    with pytest.raises(SettingsError, match="BIANMIN_WORKER_NICE"):
        Settings.from_env({"BIANMIN_WORKER_NICE": "25"})


def test_body_limits_come_from_the_environment():
    assert (Settings.from_env({}).max_body_bytes, Settings.from_env({}).body_timeout_seconds) == (1048576, 60.0)
    settings = Settings.from_env({"BIANMIN_MAX_BODY_BYTES": "65536", "BIANMIN_BODY_TIMEOUT": "2.5"})
    assert (settings.max_body_bytes, settings.body_timeout_seconds) == (65536, 2.5)
