"""A host typing each family's HTTP commands at a terminal, with echo off (ATE0).

Each method is one step of the family's manual, reading exactly what the module prints, so tests
read as the conversation a driver has with the module.
"""

import re

from .conftest import AtClient

_SIMCOM_BLOCK = re.compile(rb"\r\n\+HTTPREAD: DATA,(\d+)\r\n")


class SimcomHost:
    """The AT+HTTPINIT family (SIM7600 framing: `+HTTPREAD: DATA,<k>` blocks)."""

    def __init__(self, client: AtClient) -> None:
        self.client = client

    async def start(self, url: str, *parameters: str) -> None:
        """HTTPINIT, the URL, then each `AT+HTTPPARA=...` given (as typed after the `=`)."""
        await self.client.command("ATE0")
        await self.client.command("AT+HTTPINIT")
        await self.client.command(f'AT+HTTPPARA="URL","{url}"')
        for parameter in parameters:
            await self.client.command(f"AT+HTTPPARA={parameter}")

    async def get(self) -> tuple[int, int]:
        """AT+HTTPACTION=0: OK, `+HTTPACTION: 0,<status>,<length>`, then `+HTTP_PEER_CLOSED`."""
        await self.client.command("AT+HTTPACTION=0")
        await self.client.read_until(b"+HTTPACTION: 0,")
        status, length = (await self.client.read_until(b"\r\n")).decode().strip().split(",")
        await self.client.read_until(b"\r\n+HTTP_PEER_CLOSED\r\n")
        return int(status), int(length)

    async def head(self) -> bytes:
        """AT+HTTPHEAD: the header block as the module kept it."""
        reply = await self.client.command("AT+HTTPHEAD")
        return reply[reply.index(b"\r\n", 2) + 2 : -len(b"\r\nOK\r\n")]

    async def read(self, offset: int, size: int) -> bytes:
        """One AT+HTTPREAD=<offset>,<size> read to its end marker; the body bytes it gave."""
        await self.client.send(f"AT+HTTPREAD={offset},{size}\r".encode())
        return body_of_simcom_reads(await self.client.read_until(b"\r\n+HTTPREAD: 0\r\n"))


def body_of_simcom_reads(output: bytes) -> bytes:
    """The body bytes in SIM7600-framed HTTPREAD output, the last block possibly cut short."""
    body = bytearray()
    position = 0
    while (block := _SIMCOM_BLOCK.search(output, position)) is not None:
        start = block.end()
        taken = output[start : start + int(block.group(1))]
        body += taken
        position = start + len(taken)
    return bytes(body)


class HttpcfgHost:
    """The AT+HTTPCFG family, with or without Quectel's `Q`."""

    def __init__(self, client: AtClient, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def at(self, name: str) -> str:
        """`AT+QHTTPGET` or `AT+HTTPGET` for `GET`."""
        return f"AT+{self.prefix}HTTP{name}"

    async def start(self, url: str, **config: int) -> None:
        """Echo off, CME numbers, bearer up, the configuration given, then the URL."""
        await self.client.command("ATE0")
        await self.client.command("AT+CMEE=1")
        await self.client.command("AT+CGACT=1,1")
        for name, value in config.items():
            await self.client.command(f'{self.at("CFG")}="{name}",{value}')
        await self.client.send(f"{self.at('URL')}={len(url)},60\r".encode())
        await self.client.read_until(b"\r\nCONNECT\r\n")
        await self.client.send(url.encode())
        await self.client.read_until(b"\r\nOK\r\n")

    async def result(self, urc: str) -> tuple[int, int | None]:
        """The request's result URC `+<urc>: 0,<status>[,<length>]`."""
        await self.client.read_until(f"+{self.prefix}HTTP{urc}: ".encode())
        fields = (await self.client.read_until(b"\r\n")).decode().strip().split(",")
        assert fields[0] == "0", fields
        return int(fields[1]), int(fields[2]) if len(fields) > 2 else None

    async def getex(self, start: int, length: int) -> tuple[int, int | None]:
        """AT+HTTPGETEX=<rsptime>,<start>,<length> (body mode) and its result."""
        await self.client.command(f"{self.at('GETEX')}=60,{start},{length}")
        # Quectel firmware reports a ranged GET as +QHTTPGET (EG800K log); the seed manual
        # says +HTTPGETEX.
        return await self.result("GET" if self.prefix == "Q" else "GETEX")

    async def raw_get(self, request: bytes) -> tuple[int, int | None]:
        """AT+HTTPGET=<rsptime>,<length>,<input_time> in raw mode, the request, its result."""
        await self.client.send(f"{self.at('GET')}=60,{len(request)},60\r".encode())
        await self.client.read_until(b"\r\nCONNECT\r\n")
        await self.client.send(request)
        await self.client.read_until(b"\r\nOK\r\n")
        return await self.result("GET")

    async def read(self) -> bytes:
        """AT+HTTPREAD=60: what came between CONNECT and the `OK`, `+HTTPREAD: 0` ending."""
        await self.client.send(f"{self.at('READ')}=60\r".encode())
        await self.client.read_until(b"\r\nCONNECT\r\n")
        ending = f"\r\nOK\r\n\r\n+{self.prefix}HTTPREAD: 0\r\n".encode()
        return (await self.client.read_until(ending))[: -len(ending)]
