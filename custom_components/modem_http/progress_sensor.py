"""The transfer progress sensor: how far the body the modem is moving now has got.

State: percent done (0 while nothing runs, `activity` then says `idle`); attributes: bytes done,
bytes in all, the rate over the last update, what is being transferred (`target`), resumes so
far. A dashboard's gauge card shows the state as a dial; the attributes are for a tile or an
entities card's secondary line.

Written at most every UPDATE_INTERVAL, and only for a transfer that has run that long, so a
quick GET never shows at all and a ten-minute download writes about three hundred states, not
one per received block. The recorder keeps only the state and the activity: the byte counts and
the rate change with every update and are worth nothing in a week's history, so they are left
out of it (`_unrecorded_attributes`); and there is no state class, as a transfer's percentage is
no measurement to keep long-term statistics of.
"""

import time
from datetime import datetime, timedelta
from typing import Final, override

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import PERCENTAGE
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.event import async_track_time_interval

from .coordinator import ModemCoordinator
from .entity import ModemEntity
from .transfers import ActiveTransfer, TransferMonitor

UPDATE_INTERVAL: Final = timedelta(seconds=2)
"""The most often the state is written while a transfer runs."""
IDLE: Final = "idle"

DESCRIPTION: Final = SensorEntityDescription(
    key="transfer_progress",
    translation_key="transfer_progress",
    native_unit_of_measurement=PERCENTAGE,
    suggested_display_precision=0,
)


class TransferProgressSensor(ModemEntity, SensorEntity):
    """Percent done of the transfer in flight; idle (0) when nothing runs."""

    _unrecorded_attributes = frozenset({"bytes_done", "bytes_total", "rate", "target", "resumes"})

    def __init__(self, coordinator: ModemCoordinator, transfers: TransferMonitor) -> None:
        """Shows the modem's transfers; nothing is read until one runs."""
        super().__init__(coordinator, DESCRIPTION)
        self._transfers = transfers
        self._shown: ActiveTransfer | None = None
        self._stop_clock: CALLBACK_TYPE | None = None
        self._last_sample: tuple[ActiveTransfer, float, int] | None = None
        """(transfer, monotonic time, bytes done) at the last update, for the rate."""
        self._rate: int | None = None
        self._attr_native_value = 0
        self._attr_extra_state_attributes = {"activity": IDLE}

    @property
    @override
    def available(self) -> bool:
        """Always: the integration knows its own transfers, even while the modem is away.

        A transfer whose line dropped is still running (it resumes), and shows so.
        """
        return True

    @override
    async def async_added_to_hass(self) -> None:
        """Listen for transfers starting and ending."""
        await super().async_added_to_hass()
        self.async_on_remove(self._transfers.add_listener(self._transfers_changed))
        self.async_on_remove(self._stop)

    @callback
    def _transfers_changed(self) -> None:
        """Start the clock for a transfer; show idle at once when the last one ended."""
        if self._transfers.current is None:
            self._stop()
            if self._shown is not None:
                self._shown = None
                self._show_idle()
            return
        if self._stop_clock is None:
            self._stop_clock = async_track_time_interval(
                self.hass, self._tick, UPDATE_INTERVAL, name="modem_http transfer progress"
            )

    @callback
    def _stop(self) -> None:
        if self._stop_clock is not None:
            self._stop_clock()
            self._stop_clock = None
        self._last_sample = None

    @callback
    def _tick(self, _now: datetime) -> None:
        transfer = self._transfers.current
        if transfer is None:
            return
        progress = transfer.progress
        now = time.monotonic()
        if now - progress.started < UPDATE_INTERVAL.total_seconds() and self._shown is None:
            return  # a short request never shows
        last = self._last_sample
        if last is not None and last[0] is transfer and now > last[1]:
            self._rate = max(0, round((progress.done - last[2]) / (now - last[1])))
        else:
            self._rate = None
        self._last_sample = (transfer, now, progress.done)
        self._shown = transfer
        fraction = progress.fraction
        self._attr_native_value = None if fraction is None else round(fraction * 100, 1)
        self._attr_extra_state_attributes = {
            "activity": transfer.action,
            "bytes_done": progress.done,
            "bytes_total": progress.total,
            "rate": self._rate,
            "target": transfer.target,
            "resumes": progress.resumes,
        }
        self.async_write_ha_state()

    @callback
    def _show_idle(self) -> None:
        self._rate = None
        self._attr_native_value = 0
        self._attr_extra_state_attributes = {"activity": IDLE}
        self.async_write_ha_state()
