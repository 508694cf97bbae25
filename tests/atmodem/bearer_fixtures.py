"""A rig for the bearer and TLS stories: an emulated module on a real TCP port, a real far end.

Every family starts the way a module comes out of power-on: registered, PDP context 1 defined but
not active. SIMCom is served as an A76xx (its HTTPINIT does not activate the context by itself),
so a request only works when the library brought the bearer up.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from custom_components.modem_http.atmodem import BearerSettings, Modem, TlsSettings, open_modem
from modem_emulator import EmulatedModem, ModemServer
from modem_emulator import httpcfg as httpcfg_emulator
from modem_emulator import sim800 as sim800_emulator
from modem_emulator import sim7080 as sim7080_emulator
from modem_emulator import simcom as simcom_emulator

from ..recording import record_input

FAST_BOOT: dict[str, Any] = {"boot_delay": 0.05, "boot_step": 0.005}
FAMILIES = ("simcom", "httpcfg", "quectel", "sim800", "sim7080")
ACTIVATION = {
    "simcom": "AT+CGACT=1,1",
    "httpcfg": "AT+CGACT=1,1",
    "quectel": "AT+QIACT=1",
    "sim800": "AT+SAPBR=1,1",
    "sim7080": "AT+CNACT=0,1",
}
"""The command that brings context 1 up, per family."""
NO_BEARER_CODE = {"simcom": 714, "httpcfg": 709, "quectel": 709, "sim800": 601, "sim7080": 3}
"""What each family's HTTP stack reports without a bearer (SIM7080: AT+SHCONN's +CME ERROR 3)."""
CONNECT_FAILED = {"simcom": 714, "httpcfg": 716, "quectel": 716, "sim800": 601, "sim7080": 3}
"""What each family reports for a server that refuses the connection: SIMCom 714 connect socket
failed, the AT+HTTPCFG families 716 socket connect error, SIM800 601 network error (its stack has
no number of its own for it), SIM7080 AT+SHCONN's +CME ERROR 3."""
HTTP_BINDING = {
    "simcom": None,
    "httpcfg": 'AT+HTTPCFG="contextid",1',
    "quectel": 'AT+QHTTPCFG="contextid",1',
    "sim800": 'AT+HTTPPARA="CID",1',
    "sim7080": None,
}
"""How the HTTP stack is pointed at context 1 (SIMCom's and SIM7080's use it unasked)."""
BEARER_WORDS = ("CGACT", "QIACT", "SAPBR", "CNACT", "CEREG")
"""Commands that read or change a bearer: a healthy one is not asked again."""

type ServerFactory = Callable[..., Awaitable[Any]]


def emulated(family: str, firmware: dict[str, Any] | None = None) -> EmulatedModem:
    """A freshly booted module of `family` (SIMCom as A76xx: HTTPINIT needs an active context).

    `firmware` holds the SIM800 / SIM7080 emulators' knobs (`ssl="tls10"`, `read_block=64`...).
    """
    knobs = firmware or {}
    if family == "simcom":
        modem = EmulatedModem(identity="simcom", **FAST_BOOT)
        simcom_emulator.install(modem, httpinit_activates=False)
    elif family == "sim800":
        modem = EmulatedModem(identity="sim800", **FAST_BOOT)
        sim800_emulator.install(modem, **({"action_delay": 0.0} | knobs))
    elif family == "sim7080":
        modem = EmulatedModem(identity="sim7080", **FAST_BOOT)
        sim7080_emulator.install(modem, **({"request_delay": 0.0} | knobs))
    else:
        modem = EmulatedModem(identity="quectel", **FAST_BOOT)
        httpcfg_emulator.install(modem, prefix="Q" if family == "quectel" else "")
    modem.dialect = family
    return modem


@dataclass
class FarEnd:
    """The server the modem reaches; `/slow` waits for `release`."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    hits: int = 0

    def app(self) -> web.Application:
        """Routes: / (hello), /slow (held until released)."""

        async def hello(_request: web.Request) -> web.Response:
            self.hits += 1
            return web.Response(text="hello")

        async def slow(_request: web.Request) -> web.Response:
            self.hits += 1
            self.arrived.set()
            await self.release.wait()
            return web.Response(text="late hello")

        app = web.Application()
        app.router.add_get("/", hello)
        app.router.add_get("/slow", slow)
        return app


@dataclass
class Rig:
    """Module, library and far end wired together; `sent` is every byte the host wrote."""

    family: str
    emulator: EmulatedModem
    modem: Modem
    base: str
    far: FarEnd
    sent: bytearray
    server: ModemServer
    """The line the module is served on (`unplug()` / `replug()` take it away and back)."""

    def commands(self) -> list[str]:
        """The command lines the host sent, in order (payload bytes may show up too)."""
        return [line for line in self.sent.decode("latin-1").split("\r") if line.strip()]

    def count(self, command: str) -> int:
        """How often exactly `command` was sent."""
        return self.commands().count(command)


@contextlib.asynccontextmanager
async def bearer_rig(
    family: str,
    aiohttp_server: ServerFactory,
    *,
    bearer: BearerSettings | None = None,
    tls: TlsSettings | None = None,
    ssl: Any = None,
    far_app: web.Application | None = None,
    prepare: Callable[[EmulatedModem], None] | None = None,
    firmware: dict[str, Any] | None = None,
    **modem_options: Any,
) -> AsyncIterator[Rig]:
    """Far end (HTTPS when `ssl` is given), emulated module, and open_modem over TCP.

    `modem_options` go to open_modem (reconnect, link_grace, opener); reconnect is off unless
    asked for.
    """
    far = FarEnd()
    server = await aiohttp_server(far_app or far.app(), host="127.0.0.1", ssl=ssl)
    scheme = "https" if ssl is not None else "http"
    emulator = emulated(family, firmware)
    if prepare is not None:
        prepare(emulator)
    sent = record_input(emulator)
    async with ModemServer(emulator) as modem_server:
        await modem_server.start_tcp()
        modem_options.setdefault("reconnect", False)
        modem = await open_modem(
            modem_server.url, dialect=family, bearer=bearer, tls=tls, **modem_options
        )
        base = f"{scheme}://127.0.0.1:{server.port}"
        try:
            yield Rig(family, emulator, modem, base, far, sent, modem_server)
        finally:
            far.release.set()
            await modem.close()
