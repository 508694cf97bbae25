"""Would the cellular fallback work right now? The dashboard's one question, and why not.

The answer is yes when Home Assistant talks to the modem, its SIM is ready, it is registered on
a network and its data context is up (it has an address): then a `modem_http.post` goes out at
once. Otherwise the first condition that fails is the answer's reason, in the order a user fixes
them (a modem that does not answer says nothing about its SIM).
"""

from enum import StrEnum

from .atmodem import ModemStatus, SimState


class FallbackProblem(StrEnum):
    """Why the fallback is not ready: the `problem` attribute's translated states."""

    MODEM_DISCONNECTED = "modem_disconnected"
    SIM_MISSING = "sim_missing"
    SIM_LOCKED = "sim_locked"
    SIM_NOT_READY = "sim_not_ready"
    NOT_REGISTERED = "not_registered"
    NO_DATA_CONNECTION = "no_data_connection"
    DATA_CONNECTION_UNKNOWN = "data_connection_unknown"
    """The module's reply did not say whether the data context is up: not ready, but not down."""


_LOCKED = frozenset({SimState.PIN_REQUIRED, SimState.PUK_REQUIRED, SimState.PHONE_LOCKED})


def fallback_problem(reachable: bool, status: ModemStatus | None) -> FallbackProblem | None:
    """The first failing condition, or None when the fallback is ready."""
    if not reachable or status is None:
        return FallbackProblem.MODEM_DISCONNECTED
    sim = status.sim
    if sim is not None and not sim.ready:
        if sim.state is SimState.NOT_INSERTED:
            return FallbackProblem.SIM_MISSING
        if sim.state in _LOCKED:
            return FallbackProblem.SIM_LOCKED
        return FallbackProblem.SIM_NOT_READY
    if not status.registered:
        return FallbackProblem.NOT_REGISTERED
    if status.data_active is None:
        return FallbackProblem.DATA_CONNECTION_UNKNOWN
    if not status.data_active:
        return FallbackProblem.NO_DATA_CONNECTION
    return None
