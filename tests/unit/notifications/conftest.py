from collections.abc import AsyncIterator

import pytest

from tests.listener import Listener, listening


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    """Something on this machine the push worker must not reach; counts accepted connections."""
    async with listening() as listener:
        yield listener
