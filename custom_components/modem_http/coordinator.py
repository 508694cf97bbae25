"""One coordinator per modem: status polls, request figures, and the modem's reachability.

Two sources feed the entities. Status polls (signal, registration, operator, packet attach) run at
the fixed SCAN_INTERVAL. Every request a service makes is recorded through
`async_record_request`, which updates the request figures at once without touching the poll
schedule: a busy modem still gets its status polled, so a dead radio is noticed even while
requests keep coming.

Reachability follows the poll results and the serial port's connection listener. When the modem
has been unreachable for UNREACHABLE_ISSUE_AFTER seconds a repair issue is raised; it is deleted
as soon as a poll succeeds again (or the entry unloads).
"""

import logging
from dataclasses import dataclass, replace
from typing import override

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .atmodem import ConnectionState, Modem, ModemError, ModemStatus
from .atmodem import DeviceInfo as ModemIdentity
from .atmodem.shown import shown
from .atmodem.transport import redact_url
from .const import (
    CONF_DEVICE,
    DOMAIN,
    ISSUE_MODEM_UNREACHABLE,
    SCAN_INTERVAL,
    STATUS_TIMEOUT,
    UNREACHABLE_ISSUE_AFTER,
)
from .models import ModemHttpConfigEntry, RequestRecord

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
    ) -> None:
        """The modem is already open; identity is what it told at setup (for the device)."""
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
            status = await self.modem.status(timeout=STATUS_TIMEOUT)
        except ModemError as err:
            self._start_unreachable_timer()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="modem_not_responding",
                translation_placeholders={"error": shown(str(err) or type(err).__name__)},
            ) from err
        self._mark_reachable()
        # Read the stats after the await: requests recorded during the poll are kept.
        return ModemData(status=status, requests=self._stats)

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


def _nothing() -> None:
    """A remover that has already run."""
