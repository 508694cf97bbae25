"""What an emulated module received from the host, byte for byte."""

from modem_emulator import EmulatedModem


def record_input(emulator: EmulatedModem) -> bytearray:
    """Every byte fed to `emulator` from now on, in order (the buffer fills as they arrive)."""
    received = bytearray()
    feed = emulator.feed

    def recording_feed(data: bytes) -> None:
        received.extend(data)
        feed(data)

    emulator.feed = recording_feed  # type: ignore[method-assign]
    return received
