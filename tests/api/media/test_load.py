"""Photo work happens off the event loop: the server keeps answering while it runs."""

import asyncio
import time

from backend.media import images
from tests.unit.media.pictures import jpeg

from .helpers import upload


async def test_health_answers_quickly_while_ten_large_photos_are_processed(client, auth):
    resident = await auth.role("resident")
    photos = [jpeg((4000, 3000), quality=90) for _ in range(2)]  # 12 MP, about 5 MB each
    started = time.perf_counter()
    images.process(photos[0])
    one_photo = time.perf_counter() - started  # what each upload would block the loop for if run on it
    uploads = [asyncio.create_task(upload(client, resident, photos[i % 2])) for i in range(10)]
    worst_lag = 0.0

    async def watch_the_loop() -> None:
        nonlocal worst_lag
        while not all(task.done() for task in uploads):
            asked = time.perf_counter()
            await asyncio.sleep(0.005)
            worst_lag = max(worst_lag, time.perf_counter() - asked - 0.005)

    watcher = asyncio.create_task(watch_the_loop())
    await asyncio.sleep(0.3)  # the bodies are in and decoding has begun
    slowest = 0.0
    for _ in range(3):
        asked = time.perf_counter()
        health = await client.get("/healthz")
        slowest = max(slowest, time.perf_counter() - asked)
        assert health.status_code == 200
    still_working = sum(not task.done() for task in uploads)
    answers = await asyncio.gather(*uploads)
    await watcher
    assert [a.status_code for a in answers] == [201] * 10
    assert still_working > 0, "the uploads were over before /healthz was asked"
    assert slowest < 1.0, f"/healthz took {slowest:.2f} s"
    # Run on the loop, every upload would stall it for at least one photo's time.
    assert worst_lag < one_photo, f"the event loop stalled {worst_lag:.3f} s (one photo takes {one_photo:.3f} s)"
