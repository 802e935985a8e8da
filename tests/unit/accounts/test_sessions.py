"""Reading a device off a User-Agent, and how long a new session lasts."""

from datetime import timedelta

import pytest

from backend.accounts._sessions import device_of, lifetimes
from backend.settings import Settings


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (
            "Mozilla/5.0 (Linux; Android 12; V2118A; wv) AppleWebKit/537.36 Chrome/86.0 Mobile "
            "Safari/537.36 MicroMessenger/8.0.28",
            "wechat/android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Version/17.1 Mobile/15E148 Safari/604.1",
            "safari/ios",
        ),
        (
            "Mozilla/5.0 (Linux; Android 10; HarmonyOS; NOH-AN00) Chrome/99.0 HuaweiBrowser/13.0 Mobile",
            "huawei/harmonyos",
        ),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36 Edg/120.0", "edge/windows"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36", "chrome/linux"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:120.0) Gecko/20100101 Firefox/120.0", "firefox/macos"),
        ("", "other/other"),
        ("x" * 100_000, "other/other"),
    ],
)
def test_the_device_is_the_browser_and_system_in_short(agent, device):
    assert device_of(agent) == device


def test_a_session_lasts_by_role_and_choice():
    settings = Settings()
    assert lifetimes(settings, "resident", True) == (timedelta(days=180), timedelta(days=730))
    assert lifetimes(settings, "resident", False) == (timedelta(hours=12), timedelta(days=730))
    assert lifetimes(settings, "staff", True) == (timedelta(days=7), timedelta(days=30))
    assert lifetimes(settings, "admin", False) == (timedelta(hours=12), timedelta(days=30))
