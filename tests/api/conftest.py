"""Fixtures shared by the API tests."""

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.api.authz_world import World, built_world


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory, template_url) -> AsyncIterator[World]:
    """The authorization tests' world (``authz_world.py``), built once for each module that asks."""
    async with built_world(tmp_path_factory.mktemp("authz"), template_url) as built:
        yield built
