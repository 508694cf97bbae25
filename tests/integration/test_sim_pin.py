"""A SIM with a PIN, for each module family, from adding the modem to re-authenticating.

It is added with its PIN, unlocked at every start, never given a refused PIN twice, unlocked
with its PUK, and re-authenticated.

The emulated SIM keeps its own counters as a real one does (three PIN tries, then it wants its
PUK), so every story can check what the integration cost it. Each module is a fast-booting
emulator on a TCP port; what the host sent it is recorded.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Final

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.modem_http.const import (
    CONF_BAUDRATE,
    CONF_DEVICE,
    CONF_DIALECT,
    CONF_NEW_PIN,
    CONF_PIN,
    CONF_PIN_REFUSED,
    CONF_PUK,
    DOMAIN,
)
from modem_emulator.radio import PIN_TRIES

from .conftest import ServiceModem, entity_id, set_up, state_of, wait_for_state
from .modems import STATUS_DIALECTS

PIN: Final = "1234"
WRONG_PIN: Final = "0000"
PUK: Final = "12345678"
TRIES_SHOWN: Final = {"simcom": "3", "quectel": "3", "httpcfg": "?", "sim800": "?", "sim7080": "?"}
"""SIMCom's SIM7600 (AT+SPIC) and Quectel (AT+QPINC) say how many tries are left; 27.007 cannot,
and no source shows the SIM800's or SIM7080's retry counter reply."""

type Start = Callable[[str], Awaitable[ServiceModem]]


@pytest.fixture
async def module_factory(hass: HomeAssistant, socket_enabled: None) -> AsyncIterator[Start]:
    """Modules of a family on TCP ports, not yet added; all unloaded and closed at the end."""
    started: list[ServiceModem] = []

    async def start(dialect: str) -> ServiceModem:
        served = await ServiceModem.start(dialect)
        started.append(served)
        return served

    yield start
    for served in started:
        if served.entry.state is ConfigEntryState.LOADED:
            assert await hass.config_entries.async_unload(served.entry.entry_id)
            await hass.async_block_till_done()
        await served.link.close()


@pytest.fixture(params=STATUS_DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    """Each family in turn."""
    value: str = request.param
    return value


def entry_with_pin(served: ServiceModem, **data: Any) -> MockConfigEntry:
    """The entry the flow makes for a modem whose SIM has a PIN (data: the PIN and its fate)."""
    entry = served.entry
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        version=1,
        minor_version=2,
        unique_id=served.imei,
        data={**entry.data, **data},
    )


def pins_sent(served: ServiceModem, mark: int = 0) -> list[str]:
    """The AT+CPIN=<code> commands the host sent since `mark`."""
    return [c for c in served.commands_since(mark) if c.upper().startswith("AT+CPIN=")]


def sim_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"sim_locked_{entry.entry_id}")


def reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"].get("source") == "reauth"
        and flow["context"].get("entry_id") == entry.entry_id
    ]


async def user_flow_to_sim_step(hass: HomeAssistant, served: ServiceModem) -> dict[str, Any]:
    flow = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return dict(
        await hass.config_entries.flow.async_configure(
            flow["flow_id"],
            {CONF_DEVICE: served.link.url, CONF_BAUDRATE: "115200", CONF_DIALECT: "auto"},
        )
    )


@pytest.mark.usefixtures("mock_setup_entry")
async def test_adding_a_modem_asks_for_the_pin_and_catches_a_wrong_one(
    hass: HomeAssistant, module_factory: Start, dialect: str
) -> None:
    """The SIM asks for its PIN: a form asks the user; a typo costs one try and says so."""
    served = await module_factory(dialect)
    sim = served.link.modem.radio
    sim.lock_sim(PIN)

    result = await user_flow_to_sim_step(hass, served)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "sim_pin"
    assert result["description_placeholders"]["tries"] == TRIES_SHOWN[dialect]

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: "12"})
    assert result["errors"] == {CONF_PIN: "invalid_pin"}
    assert pins_sent(served) == []  # refused before the modem heard of it

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PIN: WRONG_PIN}
    )
    assert result["errors"] == {CONF_PIN: "wrong_pin"}
    assert sim.sim.pin_attempts == PIN_TRIES - 1
    shown = "?" if TRIES_SHOWN[dialect] == "?" else str(PIN_TRIES - 1)
    assert result["description_placeholders"]["tries"] == shown

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: PIN})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PIN] == PIN
    assert result["result"].unique_id == served.imei
    assert sim.sim.status == "READY"
    assert pins_sent(served) == [f'AT+CPIN="{WRONG_PIN}"', f'AT+CPIN="{PIN}"']


@pytest.mark.usefixtures("mock_setup_entry")
async def test_adding_a_modem_whose_sim_wants_its_puk(
    hass: HomeAssistant, module_factory: Start, dialect: str
) -> None:
    """Three wrong PINs locked the SIM before: the flow asks for the PUK and a new PIN."""
    served = await module_factory(dialect)
    sim = served.link.modem.radio
    sim.lock_sim(PIN)
    sim.block_pin()

    result = await user_flow_to_sim_step(hass, served)
    assert result["step_id"] == "sim_puk"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUK: "87654321", CONF_NEW_PIN: "4321"}
    )
    assert result["errors"] == {CONF_PUK: "wrong_puk"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PUK: PUK, CONF_NEW_PIN: "4321"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PIN] == "4321"
    assert sim.sim.status == "READY"
    assert sim.sim.pin == "4321"


@pytest.mark.usefixtures("mock_setup_entry")
@pytest.mark.parametrize("answer", ["error", "bare_ok"])
async def test_a_modem_without_a_sim_can_be_added(
    hass: HomeAssistant, module_factory: Start, dialect: str, answer: str
) -> None:
    """No SIM: the ICCID command fails or answers a bare OK; the modem is still the IMEI's."""
    served = await module_factory(dialect)
    served.link.modem.network.sim.iccid_without_sim = answer  # type: ignore[assignment]
    served.link.modem.radio.remove_sim()

    result = await user_flow_to_sim_step(hass, served)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == served.imei
    assert CONF_PIN not in result["data"]


async def test_the_pin_is_entered_at_start_and_after_the_sim_asks_again(
    hass: HomeAssistant,
    module_factory: Start,
    dialect: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Set up with a locked SIM, then the SIM asks again while running: unlocked each time.

    After a right PIN the module prints +CPIN: READY unasked, which is also what a module that
    started over prints: the integration knows it entered the PIN, so nothing restarts.
    """
    served = await module_factory(dialect)
    sim = served.link.modem.radio
    sim.lock_sim(PIN)
    entry = entry_with_pin(served, **{CONF_PIN: PIN})

    assert await set_up(hass, entry)
    assert pins_sent(served) == [f'AT+CPIN="{PIN}"']
    assert state_of(hass, "sensor", "sim_state", served.imei).state == "ready"
    fallback = entity_id(hass, "binary_sensor", "fallback_ready", served.imei)
    assert hass.states.get(fallback).state == STATE_ON
    generation = entry.runtime_data.modem.engine.generation

    mark = len(served.sent)
    sim.lock_sim(PIN)  # the SIM asks again (+CPIN: SIM PIN), as after it was re-seated
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert pins_sent(served, mark) == [f'AT+CPIN="{PIN}"']
    assert sim.sim.status == "READY"
    await wait_for_state(hass, fallback, STATE_ON)
    assert entry.runtime_data.modem.engine.generation == generation
    assert "restarted" not in caplog.text
    assert sim_issue(hass, entry) is None


async def test_a_restarted_module_gets_its_pin_again(
    hass: HomeAssistant, module_factory: Start, dialect: str
) -> None:
    """The module reboots (RDY, +CPIN: SIM PIN): the PIN is entered once more."""
    served = await module_factory(dialect)
    modem = served.link.modem
    modem.radio.lock_sim(PIN)
    entry = entry_with_pin(served, **{CONF_PIN: PIN})
    assert await set_up(hass, entry)
    fallback = entity_id(hass, "binary_sensor", "fallback_ready", served.imei)
    mark = len(served.sent)

    modem.reset()
    await modem.wait_booted()
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert pins_sent(served, mark) == [f'AT+CPIN="{PIN}"']
    await wait_for_state(hass, fallback, STATE_ON)


async def test_a_refused_pin_is_never_entered_again(
    hass: HomeAssistant, module_factory: Start, dialect: str
) -> None:
    """The stored PIN is wrong: one try, a repair issue, reauthentication; never a second try.

    Not at the next poll, not after the entry reloads (Home Assistant restarting), not after
    the module restarts: three wrong PINs would lock the SIM.
    """
    served = await module_factory(dialect)
    modem = served.link.modem
    modem.radio.lock_sim(PIN)
    entry = entry_with_pin(served, **{CONF_PIN: WRONG_PIN})

    assert await set_up(hass, entry)

    assert pins_sent(served) == [f'AT+CPIN="{WRONG_PIN}"']
    assert modem.network.sim.pin_attempts == PIN_TRIES - 1
    assert entry.data[CONF_PIN_REFUSED] is True
    assert state_of(hass, "sensor", "sim_state", served.imei).state == "pin_required"
    ready = state_of(hass, "binary_sensor", "fallback_ready", served.imei)
    assert ready.attributes["problem"] == "sim_locked"
    issue = sim_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "sim_pin_refused"
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders["pin_tries"] == TRIES_SHOWN[dialect].replace(
        "3", str(PIN_TRIES - 1)
    )
    assert reauth_flows(hass, entry)

    await entry.runtime_data.coordinator.async_refresh()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    modem.reset()
    await modem.wait_booted()
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    assert pins_sent(served) == [f'AT+CPIN="{WRONG_PIN}"']
    assert modem.network.sim.pin_attempts == PIN_TRIES - 1
    assert sim_issue(hass, entry) is not None


async def test_reauthentication_takes_the_right_pin(
    hass: HomeAssistant, module_factory: Start, dialect: str
) -> None:
    """After a refused PIN the user follows the repair: the new PIN unlocks and is kept."""
    served = await module_factory(dialect)
    modem = served.link.modem
    modem.radio.lock_sim(PIN)
    entry = entry_with_pin(served, **{CONF_PIN: WRONG_PIN})
    assert await set_up(hass, entry)
    [flow] = reauth_flows(hass, entry)

    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["step_id"] == "sim_pin"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_PIN: "9999"})
    assert result["errors"] == {CONF_PIN: "wrong_pin"}
    assert entry.state is ConfigEntryState.LOADED  # set up again while the user types
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_PIN: PIN})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PIN] == PIN
    assert entry.data[CONF_PIN_REFUSED] is False
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, "sensor", "sim_state", served.imei).state == "ready"
    assert sim_issue(hass, entry) is None
    assert modem.network.sim.pin_attempts == PIN_TRIES


async def test_a_sim_locked_to_its_puk_is_unlocked_by_reauthentication(
    hass: HomeAssistant, module_factory: Start, dialect: str
) -> None:
    """The SIM wants its PUK: nothing is entered, the issue says so, reauth takes PUK + PIN."""
    served = await module_factory(dialect)
    modem = served.link.modem
    modem.radio.lock_sim(PIN)
    modem.radio.block_pin()
    entry = entry_with_pin(served, **{CONF_PIN: PIN})

    assert await set_up(hass, entry)
    assert pins_sent(served) == []
    issue = sim_issue(hass, entry)
    assert issue is not None
    assert issue.translation_key == "sim_puk_required"
    assert state_of(hass, "sensor", "sim_state", served.imei).state == "puk_required"

    [flow] = reauth_flows(hass, entry)
    await hass.config_entries.flow.async_configure(flow["flow_id"])
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["step_id"] == "sim_puk"
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_PUK: PUK, CONF_NEW_PIN: "4321"}
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PIN] == "4321"
    assert modem.network.sim.pin == "4321"
    assert state_of(hass, "sensor", "sim_state", served.imei).state == "ready"
    assert sim_issue(hass, entry) is None


async def test_a_pin_nobody_gave(hass: HomeAssistant, module_factory: Start) -> None:
    """The PIN lock was turned on after the modem was added: the issue asks for the PIN."""
    served = await module_factory("simcom")
    served.link.modem.radio.lock_sim(PIN)

    assert await set_up(hass, served.entry)

    issue = sim_issue(hass, served.entry)
    assert issue is not None
    assert issue.translation_key == "sim_pin_missing"
    assert pins_sent(served) == []
    assert reauth_flows(hass, served.entry)
