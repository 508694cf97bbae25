"""One coordinator per modem: status polls, request figures, and the modem's reachability.

Two sources feed the entities. Status polls (signal, registration, operator, packet attach) run at
the fixed SCAN_INTERVAL. Every request a service makes is recorded through
`async_record_request`, which updates the request figures at once without touching the poll
schedule: a busy modem still gets its status polled, so a dead radio is noticed even while
requests keep coming.

Reachability follows the poll results and the serial port's connection listener. When the modem
has been unreachable for UNREACHABLE_ISSUE_AFTER seconds a repair issue is raised; it is deleted
as soon as a poll succeeds again (or the entry unloads).

What a poll finds may need more than showing: a SIM that wants a PIN or PUK the integration may
not enter raises its repair issue and reauthentication (sim_issues.py), and a data context the
network dropped while the modem is registered is brought back in the background, so the
fallback is ready before the next request needs it (at most once per RECONNECT_BACKOFF after a
failed attempt).
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import override

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .atmodem import ON_DEMAND, ConnectionState, Modem, ModemError, ModemStatus, Reading
from .atmodem import DeviceInfo as ModemIdentity
from .atmodem.shown import shown
from .atmodem.transport import redact_url
from .const import (
    CONF_DEVICE,
    DOMAIN,
    ISSUE_MODEM_UNREACHABLE,
    RECONNECT_BACKOFF,
    SCAN_INTERVAL,
    STATUS_TIMEOUT,
    UNREACHABLE_ISSUE_AFTER,
)
from .data_connection import SETUP_CONNECT_TIMEOUT
from .models import ModemHttpConfigEntry, RequestRecord
from .sim_issues import async_clear_sim_issue, async_follow_sim

_LOGGER = logging.getLogger(__package__)


@dataclass(frozen=True, slots=True)
class RequestStats:
    """Figures about the requests made since the entry loaded (plus restored totals)."""

    last: RequestRecord | None = None
    last_failure: RequestRecord | None = None
    """The most recent failed request; kept when later requests succeed."""
    bytes_sent: int = 0
    bytes_received: int = 0
    requests: int = 0
    failures: int = 0


@dataclass(frozen=True, slots=True)
class ModemData:
    """What the entities show: the last status poll and the request figures."""

    status: ModemStatus | None
    requests: RequestStats


class ModemCoordinator(DataUpdateCoordinator[ModemData]):
    """Polls one modem and collects what its requests did."""

    config_entry: ModemHttpConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        config_entry: ModemHttpConfigEntry,
        modem: Modem,
        identity: ModemIdentity,
        wanted: frozenset[Reading] = frozenset(),
    ) -> None:
        """The modem is already open; identity is what it told at setup (for the device).

        `wanted` are the on-demand readings an enabled entity shows (sensor.enabled_readings):
        enabling or disabling an entity reloads the entry, so they hold for its lifetime.
        """
        super().__init__(
            hass,
            _LOGGER,
            config_entry=config_entry,
            name=f"{DOMAIN} {identity.model}",
            update_interval=SCAN_INTERVAL,
            always_update=False,
        )
        self.modem = modem
        self.identity = identity
        self._stats = RequestStats()
        self._unreachable_timer: CALLBACK_TYPE | None = None
        self._connection_lost = False
        self._remove_listener = modem.add_listener(self._on_connection_state)
        self.wanted = wanted & ON_DEMAND
        self._reconnecting = False
        self._reconnect_failed_at: datetime | None = None

    @property
    def issue_id(self) -> str:
        """One repair issue per config entry."""
        return f"{ISSUE_MODEM_UNREACHABLE}_{self.config_entry.entry_id}"

    @property
    def stats(self) -> RequestStats:
        """The request figures as of now (also in `data.requests` after each update)."""
        return self._stats

    @property
    def reachable(self) -> bool:
        """The port is open and the last status poll succeeded."""
        return self.modem.connected and self.last_update_success

    @override
    async def _async_update_data(self) -> ModemData:
        try:
            status = await self.modem.status(timeout=STATUS_TIMEOUT, wanted=self.wanted)
        except ModemError as err:
            self._start_unreachable_timer()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="modem_not_responding",
                translation_placeholders={"error": shown(str(err) or type(err).__name__)},
            ) from err
        self._mark_reachable()
        async_follow_sim(self.hass, self.config_entry, status.sim)
        self._bring_data_back_if_dropped(status)
        # Read the stats after the await: requests recorded during the poll are kept.
        return ModemData(status=status, requests=self._stats)

    @callback
    def _bring_data_back_if_dropped(self, status: ModemStatus) -> None:
        """Registered, SIM ready, but no data context: bring it up in the background.

        The network drops idle contexts; the next request would bring it back, but the
        dashboard's "fallback ready" should be true before that request is needed. A failed
        attempt raises the data connection issue (data_connection.py) and waits out
        RECONNECT_BACKOFF.
        """
        if self._reconnecting or not status.registered or status.data_active is not False:
            return
        now = dt_util.utcnow()
        if (
            self._reconnect_failed_at is not None
            and now - self._reconnect_failed_at < RECONNECT_BACKOFF
        ):
            return
        self._reconnecting = True
        self.config_entry.async_create_background_task(
            self.hass, self._reconnect(), name=f"{DOMAIN} bring the data connection back"
        )

    async def _reconnect(self) -> None:
        try:
            await self.modem.connect(SETUP_CONNECT_TIMEOUT)
        except ModemError as err:
            self._reconnect_failed_at = dt_util.utcnow()
            _LOGGER.debug("Bringing the data connection back failed: %s", shown(str(err)))
        else:
            self._reconnect_failed_at = None
            await self.async_request_refresh()
        finally:
            self._reconnecting = False

    @callback
    def async_record_request(self, record: RequestRecord) -> None:
        """Take in what one service call did and refresh the entities at once."""
        stats = self._stats
        failed = record.error is not None
        self._stats = replace(
            stats,
            last=record,
            last_failure=record if failed else stats.last_failure,
            bytes_sent=stats.bytes_sent + max(record.bytes_sent, 0),
            bytes_received=stats.bytes_received + max(record.bytes_received, 0),
            requests=stats.requests + 1,
            failures=stats.failures + (1 if failed else 0),
        )
        self._publish()

    @callback
    def async_restore_totals(self, *, bytes_sent: int = 0, bytes_received: int = 0) -> None:
        """Carry byte totals over a restart; only the total sensors call this, once each."""
        self._stats = replace(
            self._stats,
            bytes_sent=self._stats.bytes_sent + max(bytes_sent, 0),
            bytes_received=self._stats.bytes_received + max(bytes_received, 0),
        )
        self._publish()

    @callback
    def _publish(self) -> None:
        """Hand the new figures to the entities without resetting the poll schedule.

        async_set_updated_data would mark the modem reachable and postpone the next poll; a
        failed request says nothing good about the modem, and a steady stream of requests must
        not starve the status polls.
        """
        status = self.data.status if self.data is not None else None
        self.data = ModemData(status=status, requests=self._stats)
        self.async_update_listeners()

    @callback
    def _on_connection_state(self, state: ConnectionState) -> None:
        """The serial port went away or came back; entities follow at once."""
        if state is ConnectionState.DISCONNECTED:
            if not self._connection_lost:
                self._connection_lost = True
                # Info, once: the entities say it at once, and an outage is not a fault of
                # Home Assistant's (a ser2net box rebooting, a cable pulled).
                _LOGGER.info(
                    "Lost the serial connection to the modem at %s",
                    redact_url(self.config_entry.data[CONF_DEVICE]),
                )
            self._start_unreachable_timer()
            self.async_update_listeners()
            return
        if state is ConnectionState.CONNECTED and self._connection_lost:
            self._connection_lost = False
            _LOGGER.info(
                "Serial connection to the modem at %s is back",
                redact_url(self.config_entry.data[CONF_DEVICE]),
            )
            # A poll that finds nothing new would not notify the entities; they must still
            # leave the unavailable state the disconnect put them in.
            self.async_update_listeners()
        # Connected again, or the modem restarted: poll now so entities recover without waiting
        # a whole interval.
        self.config_entry.async_create_background_task(
            self.hass, self.async_request_refresh(), name=f"{DOMAIN} refresh after {state}"
        )

    @callback
    def _start_unreachable_timer(self) -> None:
        if self._unreachable_timer is None:
            self._unreachable_timer = async_call_later(
                self.hass, UNREACHABLE_ISSUE_AFTER, self._raise_unreachable_issue
            )

    @callback
    def _mark_reachable(self) -> None:
        if self._unreachable_timer is not None:
            self._unreachable_timer()
            self._unreachable_timer = None
        ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)

    @callback
    def _raise_unreachable_issue(self, _now: object) -> None:
        self._unreachable_timer = None
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            self.issue_id,
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_MODEM_UNREACHABLE,
            translation_placeholders={
                "title": shown(self.config_entry.title),
                "device": shown(redact_url(self.config_entry.data[CONF_DEVICE])),
                "minutes": str(UNREACHABLE_ISSUE_AFTER // 60),
            },
        )

    @override
    async def async_shutdown(self) -> None:
        """Stop listening and timing; an unloaded entry raises no issue."""
        await super().async_shutdown()
        self._remove_listener()
        self._remove_listener = _nothing
        if self._unreachable_timer is not None:
            self._unreachable_timer()
            self._unreachable_timer = None
        ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
        async_clear_sim_issue(self.hass, self.config_entry)


def _nothing() -> None:
    """A remover that has already run."""
