import re
from pathlib import Path

import msgspec
import pytest

from backend.settings import FIXED, PROJECT_ROOT, Settings, SettingsError, resolve_secret


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


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("Yes", True), ("ON", True), ("false", False), ("off", False)]
)
def test_on_off_settings_take_the_usual_spellings(raw, expected):
    assert Settings.from_env({"BIANMIN_TIMERS_IN_PROCESS": raw}).timers_in_process is expected


def test_a_wrong_setting_is_named_with_what_it_must_be():
    with pytest.raises(SettingsError, match="BIANMIN_DELIVERY_IN_PROCESS must be on or off, got 'sometimes'"):
        Settings.from_env({"BIANMIN_DELIVERY_IN_PROCESS": "sometimes"})
    with pytest.raises(SettingsError, match="BIANMIN_TIMER_INTERVAL must be a whole number, got 'often'"):
        Settings.from_env({"BIANMIN_TIMER_INTERVAL": "often"})


def test_sign_in_policy_is_not_read_from_the_environment():
    assert Settings.from_env({"BIANMIN_OTP_LIMIT": "1000"}).otp_limit == Settings().otp_limit


def test_the_readme_lists_every_variable_the_settings_read():
    readme = (PROJECT_ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Command line")]
    documented = set(re.findall(r"`(BIANMIN_\w+|DATABASE_URL)`", table))
    assert documented == {f.encode_name for f in msgspec.structs.fields(Settings) if f.name not in FIXED}
