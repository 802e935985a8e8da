"""Delivery settings from the environment."""

import pytest

from backend.settings import Settings, SettingsError


def test_delivery_settings_have_defaults_and_read_the_environment():
    assert (Settings().delivery_in_process, Settings().delivery_lease_seconds, Settings().push_concurrency) == (
        False,
        120,
        32,
    )
    settings = Settings.from_env(
        {
            "BIANMIN_DELIVERY_IN_PROCESS": "on",
            "BIANMIN_DELIVERY_INTERVAL": "5",
            "BIANMIN_DELIVERY_LEASE": "30",
            "BIANMIN_PUSH_CONCURRENCY": "64",
        }
    )
    assert (
        settings.delivery_in_process,
        settings.delivery_interval_seconds,
        settings.delivery_lease_seconds,
        settings.push_concurrency,
    ) == (True, 5, 30, 64)


@pytest.mark.parametrize(
    ("name", "value"), [("BIANMIN_DELIVERY_IN_PROCESS", "sometimes"), ("BIANMIN_DELIVERY_LEASE", "2m")]
)
def test_unusable_delivery_settings_stop_startup(name, value):
    with pytest.raises(SettingsError):
        Settings.from_env({name: value})
