"""`python -m modem_emulator`: serve an emulated modem over TCP or a pseudo-terminal until Ctrl-C.

`scripts/develop` and manual testing use it; the dialect decides both the HTTP commands and the
identity (SIMCom SIM7600, Quectel EC25, SIMCom SIM800L or SIM7080G); the radio and SIM options
set what the status commands report at power-on (`--technology nb_iot --roaming`,
`--sim-pin 1234`, `--no-sim`); `--sms SENDER:TEXT` puts a received message on the SIM, and every
message the host sends is logged. Output is the serial URL or pty path on one line, so a wrapper
script can read it.
"""

import argparse
import asyncio
import contextlib
import logging
import sys

from modem_emulator.core import EmulatedModem
from modem_emulator.dialects import DIALECTS, create_modem
from modem_emulator.radio import SimCard, Technology
from modem_emulator.server import ModemServer
from modem_emulator.sms import deliver_sms


def _listen_address(text: str) -> tuple[str, int]:
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host or "127.0.0.1", int(port)


def _code(text: str) -> str:
    if not text.isdigit() or not 4 <= len(text) <= 8:
        raise argparse.ArgumentTypeError("expected 4 to 8 digits")
    return text


def _waiting_sms(text: str) -> tuple[str, str]:
    sender, colon, message = text.partition(":")
    if not colon or not sender or not message:
        raise argparse.ArgumentTypeError("expected SENDER:TEXT, e.g. +4915112345678:Hello")
    return sender, message


def build_parser() -> argparse.ArgumentParser:
    """The command line; kept separate so tests can check it."""
    parser = argparse.ArgumentParser(prog="python -m modem_emulator", description=__doc__)
    parser.add_argument("--dialect", choices=sorted(DIALECTS), default="simcom")
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--listen", type=_listen_address, default=("127.0.0.1", 7777), metavar="HOST:PORT"
    )
    target.add_argument(
        "--pty", action="store_true", help="serve a pseudo-terminal and print its path"
    )
    parser.add_argument("--baud", type=int, default=None, help="pace output at N bits/s (8N1)")
    parser.add_argument("--echo", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--boot-delay", type=float, default=0.5, help="seconds from reset to RDY")
    parser.add_argument(
        "--response-delay",
        type=float,
        default=0.0,
        help="seconds before each command is answered (USB modules take some 10-30 ms)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    radio = parser.add_argument_group(
        "radio and SIM at power-on (defaults: the module's own technology, home, SIM ready)"
    )
    radio.add_argument(
        "--technology",
        choices=[t.value for t in Technology],
        help="LTE by default; SIM800 modules are GSM only, SIM7080 LTE-M (or nb_iot)",
    )
    radio.add_argument("--roaming", action="store_true", help="registered on a visited network")
    radio.add_argument("--no-coverage", action="store_true", help="no cell to camp on")
    sim = radio.add_mutually_exclusive_group()
    sim.add_argument("--sim-pin", type=_code, metavar="PIN", help="the SIM asks for this PIN")
    sim.add_argument("--no-sim", action="store_true", help="no SIM in the holder")
    radio.add_argument("--sim-puk", type=_code, default="12345678", metavar="PUK")
    radio.add_argument("--rssi-dbm", type=int, metavar="DBM")
    radio.add_argument("--rsrp-dbm", type=int, metavar="DBM")
    radio.add_argument("--rsrq-db", type=int, metavar="DB")
    radio.add_argument("--sinr-db", type=int, metavar="DB")
    radio.add_argument("--temperature", type=int, metavar="CELSIUS", help="module temperature")
    sms = parser.add_argument_group("SMS (messages the host sends are logged)")
    sms.add_argument(
        "--sms",
        type=_waiting_sms,
        action="append",
        default=[],
        metavar="SENDER:TEXT",
        help="a received message waiting on the SIM at power-on (repeatable)",
    )
    return parser


def apply_radio_options(modem: EmulatedModem, args: argparse.Namespace) -> None:
    """Give the modem the radio and SIM the command line asked for, before anyone connects."""
    modem.radio.preset(coverage=not args.no_coverage, roaming=args.roaming)
    if args.technology is not None:
        modem.radio.preset(technology=Technology(args.technology))
    for name in ("rssi_dbm", "rsrp_dbm", "rsrq_db", "sinr_db"):
        value = getattr(args, name)
        if value is not None:
            setattr(modem.network.radio.signal, name, value)
    modem.network.sim = SimCard(inserted=not args.no_sim, pin=args.sim_pin, puk=args.sim_puk)
    if args.temperature is not None:
        modem.network.temperature_c = args.temperature


def apply_sms_options(modem: EmulatedModem, args: argparse.Namespace) -> None:
    """Put the command line's received messages on the SIM, as if they came before power-on."""
    for sender, text in args.sms:
        deliver_sms(modem, sender, text)


async def serve(args: argparse.Namespace) -> None:
    """Serve until cancelled."""
    modem = create_modem(
        args.dialect,
        strict=False,
        echo=args.echo,
        boot_delay=args.boot_delay,
        response_delay=args.response_delay,
    )
    try:
        apply_radio_options(modem, args)
    except ValueError as err:
        raise SystemExit(f"error: {err}") from None
    apply_sms_options(modem, args)
    if modem.dialect_error:
        print(
            f"warning: {modem.dialect_error}; serving basic commands only",
            file=sys.stderr,
            flush=True,
        )
    async with ModemServer(modem, baud=args.baud) as server:
        if args.pty:
            print(await server.start_pty(), flush=True)
        else:
            host, port = args.listen
            await server.start_tcp(host, port)
            print(server.url, flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    # Sent messages are what someone trying the emulator wants to see, without the debug flood.
    sms_level = logging.DEBUG if args.verbose else logging.INFO
    logging.getLogger("modem_emulator.sms").setLevel(sms_level)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
