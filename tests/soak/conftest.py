"""Soak fixtures: the token-echo far end on 127.0.0.1."""

from typing import Any

import pytest

from .far_end import TokenEcho


@pytest.fixture
async def token_echo(aiohttp_server: Any, socket_enabled: None) -> tuple[TokenEcho, str]:
    """The far end and its base URL."""
    echo = TokenEcho()
    server = await aiohttp_server(echo.app(), host="127.0.0.1")
    return echo, f"http://127.0.0.1:{server.port}"
