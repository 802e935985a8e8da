"""Photo work happens off the event loop: the server keeps answering while it runs.
How quickly it answers meanwhile is measured in bench/responsiveness.py."""

import asyncio
import threading

from backend.media import _images as images
from tests.unit.media.pictures import jpeg

from .helpers import upload


async def test_health_answers_while_ten_large_photos_are_processed(client, auth, monkeypatch):
    resident = await auth.role("resident")
    photos = [jpeg((4000, 3000), quality=90) for _ in range(2)]  # 12 MP, about 5 MB each
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    worked_on: list[int] = []
    decoding = asyncio.Event()
    original = images.process

    def recording(data: bytes) -> images.Processed:
        worked_on.append(threading.get_ident())
        loop.call_soon_threadsafe(decoding.set)
        return original(data)

    # Which thread decodes each photo says whether the loop is spared, without timing it.
    monkeypatch.setattr(images, "process", recording)
    uploads = [asyncio.create_task(upload(client, resident, photos[i % 2])) for i in range(10)]
    await asyncio.wait_for(decoding.wait(), 30)  # the bodies are in and decoding has begun
    for _ in range(3):
        health = await client.get("/healthz")
        assert health.status_code == 200
    still_working = sum(not task.done() for task in uploads)
    answers = await asyncio.gather(*uploads)
    assert [a.status_code for a in answers] == [201] * 10
    assert still_working > 0, "the uploads were over before /healthz was asked"
    assert len(worked_on) == 10 and loop_thread not in worked_on, "a photo was processed on the event loop"
