"""One modem under load: an emulated module, the integration's Modem, several callers at once.

Callers take requests from the plan in turn; as each request starts, the fault planned for it is
armed. Every request is checked on its own: a response must be status 200 with the caller's own
token and body; an error must be a `ModemError`; and it must end within its timeout plus the
grace `Modem.http_request` allows itself for cleaning up (its outer bound is timeout + 5 s).
"""

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

from custom_components.modem_http.atmodem import HttpResponse, Modem, ModemError, open_modem
from modem_emulator.core import EmulatedModem
from modem_emulator.dialects import create_modem
from modem_emulator.server import ModemServer

from .far_end import TOKEN_HEADER, expected_body
from .injector import FaultInjector
from .ledger import Ledger, Outcome
from .plan import RequestSpec, SoakPlan

FAST_BOOT: dict[str, Any] = {"boot_delay": 0.05, "boot_step": 0.005}
MODEM_GRACE = 5.0
"""Modem.http_request bounds a request at its timeout + 5 s (HTTPTERM/HTTPSTOP after a failure)."""
SLACK = 1.5
"""Scheduling allowance: one event loop runs three modems, their far end and all callers."""
WATCHDOG = 30.0
"""A request still running this long after its timeout is recorded as hung and cancelled."""


@dataclass
class ModemUnderTest:
    """The emulated module, its server, the fault injector and the integration's Modem."""

    dialect: str
    emulator: EmulatedModem
    server: ModemServer
    injector: FaultInjector
    modem: Modem

    @classmethod
    async def start(cls, dialect: str) -> ModemUnderTest:
        """A fast-booting emulated module on 127.0.0.1, opened with reconnection on."""
        emulator = create_modem(dialect, **FAST_BOOT)
        server = ModemServer(emulator)
        await server.start_tcp()
        try:
            modem = await open_modem(server.url, dialect=dialect, reconnect=True)
        except BaseException:
            await server.close()
            raise
        return cls(dialect, emulator, server, FaultInjector(emulator, dialect), modem)

    async def close(self) -> None:
        """Client first (so the server's wait_closed cannot hang), then the server and module."""
        self.injector.calm()
        await self.modem.close()
        await self.server.close()


async def run_plan(
    under_test: ModemUnderTest, plan: SoakPlan, base_url: str, ledger: Ledger, callers: int
) -> None:
    """Run every request of the plan with `callers` concurrent callers; record each outcome."""
    queue = iter(plan.requests)

    async def caller() -> None:
        for spec in queue:
            ledger.add(await _one(under_test, spec, base_url))

    async with asyncio.TaskGroup() as group:
        for number in range(callers):
            group.create_task(caller(), name=f"soak-{plan.dialect}-caller-{number}")


async def _one(under_test: ModemUnderTest, spec: RequestSpec, base_url: str) -> Outcome:
    loop = asyncio.get_running_loop()
    if spec.fault is not None:
        under_test.injector.arm(spec.fault, spec.timeout)
    started = loop.time()
    kind, detail = "success", ""
    watchdog = asyncio.timeout(spec.timeout + WATCHDOG)
    try:
        async with watchdog:
            response = await under_test.modem.http_request(
                spec.method,
                f"{base_url}/t/{spec.token}",
                headers=dict(spec.headers),
                body=spec.body,
                timeout=spec.timeout,
            )
        kind, detail = check_response(spec, response)
    except ModemError as err:
        kind, detail = type(err).__name__, str(err)
    except TimeoutError as err:
        # Our watchdog, or a bare TimeoutError escaping the library (which would be a defect).
        kind = "hung" if watchdog.expired() else "untyped:TimeoutError"
        detail = repr(err)
    except Exception as err:  # any other failure is a defect the report must show
        kind, detail = f"untyped:{type(err).__name__}", repr(err)
    latency = loop.time() - started
    if kind != "hung" and latency > spec.timeout + MODEM_GRACE + SLACK:
        detail = f"{kind}: {detail}"
        kind = "late"
    return Outcome(
        under_test.dialect, spec.index, spec.method, kind, latency, spec.timeout, detail[:300]
    )


def check_response(spec: RequestSpec, response: HttpResponse) -> tuple[str, str]:
    """`success`, or `wrong_response` with what differed."""
    wanted = expected_body(spec.method, spec.token, spec.body or b"")
    if response.status != 200:
        return "wrong_response", f"status {response.status}"
    if response.body != wanted:
        return "wrong_response", (
            f"body of {len(response.body)} bytes, wanted {len(wanted)}; "
            f"starts {response.body[:60]!r}"
        )
    echoed = response.headers.get(TOKEN_HEADER)
    if echoed is not None and echoed != spec.token:
        return "wrong_response", f"{TOKEN_HEADER} {echoed!r}, wanted {spec.token!r}"
    return "success", ""


async def clean_request(under_test: ModemUnderTest, base_url: str) -> str:
    """After the faults: wait for the line and the module to settle, then one plain request."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(10):
            while not under_test.modem.connected or under_test.emulator.booting:
                await asyncio.sleep(0.05)
    spec = RequestSpec(-1, f"{under_test.dialect}-final", "POST", b"are you there?", (), 10.0)
    try:
        response = await under_test.modem.http_request(
            "POST", f"{base_url}/t/{spec.token}", body=spec.body, timeout=spec.timeout
        )
    except ModemError as err:
        return f"FAILED: {type(err).__name__}: {err}"
    kind, detail = check_response(spec, response)
    return "ok (200, own token)" if kind == "success" else f"FAILED: {detail}"
