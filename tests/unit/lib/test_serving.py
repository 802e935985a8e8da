"""The header-limited protocol as `bianmin serve --workers N` hands it to each worker process."""

import pickle

from backend.lib import serving
from backend.lib.i18n import Texts
from backend.settings import Settings


def test_the_protocol_with_its_limits_survives_the_trip_to_a_worker_process():
    settings = Settings(max_header_bytes=8192, header_timeout_seconds=3)
    factory = pickle.loads(pickle.dumps(serving.protocol(settings, Texts.load(settings.locales_dir))))
    assert factory.func is serving.HeaderLimitedProtocol
    assert (factory.keywords["max_header_bytes"], factory.keywords["header_timeout"]) == (8192, 3)
    assert factory.keywords["too_large"].startswith(b"HTTP/1.1 431 ")
    assert b"8192" in factory.keywords["too_large"]
    assert factory.keywords["too_slow"].startswith(b"HTTP/1.1 408 ")
