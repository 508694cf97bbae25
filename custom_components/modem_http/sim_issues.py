"""A SIM that wants a PIN or PUK the integration may not enter: a repair issue and reauthentication.

The status poll says what the SIM wants (atmodem's SimStatus). When it wants a PIN that was
refused before, a PIN nobody gave, or its PUK, the user has to act: a repair issue says which and
why nothing was tried again, and the reauthentication flow (config_flow.py) takes the PIN, or the
PUK and a new PIN. A refused PIN is remembered in the entry, so it is not entered again after
Home Assistant restarts either. The issue goes as soon as the SIM is ready.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .atmodem import SimState, SimStatus
from .atmodem.shown import shown
from .const import CONF_PIN_REFUSED, DOMAIN, ISSUE_SIM_LOCKED
from .models import ModemHttpConfigEntry


class SimProblem(StrEnum):
    """What the SIM wants from the user: the repair issue's translation keys."""

    PIN_REFUSED = "sim_pin_refused"
    PIN_MISSING = "sim_pin_missing"
    PUK_REQUIRED = "sim_puk_required"


def sim_problem(sim: SimStatus | None) -> SimProblem | None:
    """What the user must give, or None when the SIM needs nothing from them."""
    if sim is None:
        return None
    if sim.state is SimState.PUK_REQUIRED:
        return SimProblem.PUK_REQUIRED
    if sim.state is SimState.PIN_REQUIRED:
        return SimProblem.PIN_REFUSED if sim.pin_refused else SimProblem.PIN_MISSING
    return None


def issue_id(entry: ModemHttpConfigEntry) -> str:
    """One SIM issue per config entry."""
    return f"{ISSUE_SIM_LOCKED}_{entry.entry_id}"


@callback
def async_follow_sim(
    hass: HomeAssistant, entry: ModemHttpConfigEntry, sim: SimStatus | None
) -> None:
    """Raise, update or delete the SIM issue after a poll; start reauthentication when needed."""
    problem = sim_problem(sim)
    if problem is None or sim is None:
        if sim is not None and sim.ready:
            ir.async_delete_issue(hass, DOMAIN, issue_id(entry))
        return
    if problem is SimProblem.PIN_REFUSED and not entry.data.get(CONF_PIN_REFUSED):
        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_PIN_REFUSED: True})
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(entry),
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=problem.value,
        translation_placeholders={
            "title": shown(entry.title),
            "pin_tries": _tries(sim.pin_tries),
            "puk_tries": _tries(sim.puk_tries),
        },
    )
    # The flow learns what the SIM wants from here: it must not open the port this entry holds.
    entry.async_start_reauth(hass, data=reauth_data(sim))


REAUTH_SIM_STATE = "sim_state"
REAUTH_PIN_TRIES = "pin_tries"
REAUTH_PUK_TRIES = "puk_tries"


def reauth_data(sim: SimStatus) -> dict[str, Any]:
    """What the reauthentication flow is told about the SIM (beside the entry's data)."""
    return {
        REAUTH_SIM_STATE: sim.state.value,
        REAUTH_PIN_TRIES: sim.pin_tries,
        REAUTH_PUK_TRIES: sim.puk_tries,
    }


def sim_from_reauth(data: Mapping[str, Any]) -> SimStatus | None:
    """The SIM as reauth_data described it; None when the flow was told nothing."""
    try:
        state = SimState(data[REAUTH_SIM_STATE])
    except KeyError, ValueError:
        return None
    return SimStatus(
        state, pin_tries=data.get(REAUTH_PIN_TRIES), puk_tries=data.get(REAUTH_PUK_TRIES)
    )


@callback
def async_clear_sim_issue(hass: HomeAssistant, entry: ModemHttpConfigEntry) -> None:
    """The entry unloads: its issue goes with it (the next setup raises it again if needed)."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(entry))


def _tries(count: int | None) -> str:
    return "?" if count is None else str(count)
