"""Soak: five modems, several callers each, faults at random; nothing lost, nothing mixed up.

The story: a Home Assistant with a SIMCom SIM7600, an AT+HTTPCFG, a Quectel, a SIM800 and a SIM7080
modem fires requests from many automations at once while the line misbehaves in every way the
emulator knows (replies cut at random bytes, replies slowed to the timeouts, line noise, URC
bursts, modem resets mid-reply, the cable pulled, a firmware that stops answering for a while).
Every request must end with its own answer or a typed ModemError in time; afterwards each modem
still works and nothing is left running or open.

The default test run soaks briefly (MODEM_HTTP_SOAK_REQUESTS total, 150 unless set; every fault
kind is still armed at least once); `scripts/soak` runs 1050 requests, `scripts/soak 20000` the long
mode. The seed is random unless MODEM_HTTP_SOAK_SEED is set; it is printed with the report, which
is also written to a file under the test's tmp dir.
"""

import asyncio
import os
import random
from pathlib import Path

from .far_end import TokenEcho
from .leaks import Resources
from .ledger import Ledger
from .plan import FAULT_KINDS, make_plan
from .runner import MODEM_GRACE, SLACK, ModemUnderTest, clean_request, run_plan

DIALECTS = ("simcom", "httpcfg", "quectel", "sim800", "sim7080")
DEFAULT_REQUESTS = 150
"""The short soak of the default test run: 30 requests per modem, each fault kind at least once."""
CALLERS_PER_MODEM = 4


def _settings() -> tuple[int, int]:
    total = int(os.environ.get("MODEM_HTTP_SOAK_REQUESTS", DEFAULT_REQUESTS))
    seed_text = os.environ.get("MODEM_HTTP_SOAK_SEED")
    seed = int(seed_text) if seed_text else random.SystemRandom().randrange(2**32)
    return total, seed


async def test_soak_every_request_ends_with_its_own_answer_or_a_typed_error(
    token_echo: tuple[TokenEcho, str], tmp_path: Path
) -> None:
    """Faults at random under concurrent load; see the module docstring for what is proven."""
    echo, base_url = token_echo
    total, seed = _settings()
    print(f"\nsoak seed {seed} (MODEM_HTTP_SOAK_SEED={seed} replays it), {total} requests")
    ledger = Ledger(seed, MODEM_GRACE + SLACK)
    loop = asyncio.get_running_loop()
    # The test harness turns asyncio debug mode on; it multiplies the cost of every callback and
    # would make this a benchmark of debug mode rather than of the modems.
    debug = loop.get_debug()
    loop.set_debug(False)
    await asyncio.sleep(0)
    before = Resources.now()
    started = loop.time()

    per_modem = -(-total // len(DIALECTS))
    plans = {dialect: make_plan(dialect, seed, per_modem) for dialect in DIALECTS}
    modems = [await ModemUnderTest.start(dialect) for dialect in DIALECTS]
    try:
        async with asyncio.TaskGroup() as group:
            for under_test in modems:
                plan = plans[under_test.dialect]
                group.create_task(run_plan(under_test, plan, base_url, ledger, CALLERS_PER_MODEM))
        for under_test in modems:
            under_test.injector.calm()
            ledger.faults.update(under_test.injector.counts)
        for under_test in modems:
            ledger.final_checks[under_test.dialect] = await clean_request(under_test, base_url)
    finally:
        for under_test in modems:
            await under_test.close()
        loop.set_debug(debug)
    ledger.wall_seconds = loop.time() - started
    ledger.far_end_served = echo.served

    # Give closed sockets and cancelled work their last turns, then count what is left.
    for _ in range(5):
        await asyncio.sleep(0.05)
    await loop.shutdown_default_executor()
    ledger.leaks = Resources.now().leaks_since(before)

    report = ledger.table()
    report_path = tmp_path / "soak_report.txt"
    report_path.write_text(report + "\n")
    print(report)
    print(f"\nreport written to {report_path}")

    assert len(ledger.outcomes) == per_modem * len(DIALECTS), report
    assert ledger.defects == [], report
    assert set(ledger.faults) == set(FAULT_KINDS), report
    assert all(result.startswith("ok") for result in ledger.final_checks.values()), report
    assert ledger.leaks == {}, report
    assert sum(1 for o in ledger.outcomes if o.kind == "success") > len(ledger.outcomes) // 2, (
        report
    )
