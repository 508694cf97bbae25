"""The far end of the soak: every answer names the request it answers, so a mix-up cannot hide.

Each request carries a unique token in its path (`/t/<token>`). The answer echoes the method, the
token and the request body, and repeats the token in an `X-Token` header, so the caller can tell
byte for byte whether what it got back was produced for it.
"""

from aiohttp import web

TOKEN_HEADER = "X-Token"


def expected_body(method: str, token: str, body: bytes) -> bytes:
    """What the far end answers to `method /t/<token>` with `body` (HEAD: nothing)."""
    if method == "HEAD":
        return b""
    return f"{method} {token}\n".encode() + body


class TokenEcho:
    """An aiohttp application that echoes each request with its token, and counts them."""

    def __init__(self) -> None:
        """Nothing seen yet."""
        self.served = 0
        self.tokens: set[str] = set()

    def app(self) -> web.Application:
        """Routes: `/t/{token}` for every method."""
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_route("*", "/t/{token}", self._echo)
        return app

    async def _echo(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        body = await request.read()
        self.served += 1
        self.tokens.add(token)
        return web.Response(
            body=expected_body(request.method, token, body),
            content_type="application/octet-stream",
            headers={TOKEN_HEADER: token},
        )
