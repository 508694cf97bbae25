"""A user's requests through an AT+HTTPCFG / AT+QHTTPCFG module, end to end over real sockets."""

from __future__ import annotations

import json

import pytest

from .httpcfg_fixtures import DIALECTS, make_rig, pattern

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_get_returns_status_headers_and_body(dialect: str, aiohttp_server) -> None:
    async with make_rig(dialect, aiohttp_server) as rig:
        response = await rig.modem.http_request("GET", f"{rig.base}/bytes/1000", timeout=10)

        assert response.status == 200
        assert response.body == pattern(1000)
        assert response.content_length == 1000
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert rig.modem.dialect == dialect
        # Body mode: a plain GET needs no raw request, and the module's own headers go out.
        assert rig.http.requests == []
        assert rig.far.seen[0].headers["User-Agent"] == "QUECTEL_MODULE"
