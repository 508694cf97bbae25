"""Rigs several atmodem story files share.

`rig` and `modem` are the SIMCom stories' module and library: an emulated SIM7600 served on a TCP
port (recording what it received and printed) and the Modem opened on it the integration's way.
A story file with a rig of its own defines its own fixture of that name.
"""

from collections.abc import AsyncIterator

import pytest

from custom_components.modem_http.atmodem import Modem

from .simcom_fixtures import SimcomRig, start_rig


@pytest.fixture
async def rig(socket_enabled: None) -> AsyncIterator[SimcomRig]:
    """A SIMCom module on a TCP port."""
    started = await start_rig()
    yield started
    await started.close()


@pytest.fixture
async def modem(rig: SimcomRig) -> Modem:
    """The library's Modem on the rig's module."""
    return await rig.open()


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Emulated modules print their boot lines milliseconds apart, not a second apart.

    After a restart, ModemAdmin waits for the boot lines to stop (admin.SETTLE); a tenth of a
    second of quiet is plenty for the emulator and keeps the restart stories short.
    """
    monkeypatch.setattr("custom_components.modem_http.atmodem.admin.SETTLE", 0.1)
