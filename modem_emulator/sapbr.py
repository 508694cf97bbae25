"""AT+SAPBR, the SIM800 / SIM900 bearer for the module's own IP applications (HTTP, FTP, NTP).

A bearer profile (<cid> 1-3) is the packet data context of the same number in the shared
`NetworkState`: AT+SAPBR=3 writes its APN and credentials there, and opening it goes through
`bearer.activate`, so the network's rules (registration, accepted APNs, credentials, activation
time) apply exactly as to AT+CGACT, and `bearer.drop_bearer` takes it down like any context.

Formats, with their sources:
- Test form `+SAPBR: (0-4),(1-3),"ConParamTag","ConParamValue"`; query `+SAPBR: <cid>,<status>,
  "<ip>"` with status 1 connected and 3 closed, `"0.0.0.0"` when closed (SIM800 Series AT Command
  Manual V1.05, AT+SAPBR; `+SAPBR: 1,3,"0.0.0.0"` and `+SAPBR: 1,1,"10.116.118.28"` in
  example-a answer 60765382 and LilyGo-T-Call-SIM800 issue #157 logs).
- `AT+SAPBR=4,<cid>`: `+SAPBR:` on a line of its own, then one `<TAG>: <value>` line each for
  CONTYPE, APN, PHONENUM, USER, PWD, RATE (SIM800 Series IP Application Note V1.02, 3.1 Bearer
  Configure example).
- Parameter tags are matched without regard to case and may come unquoted: public sketches send
  `"Contype"`, `"CONTYPE"` and `APN` bare (aeq-web SIM800 article; LilyGo-T-Call-SIM800 #259).
- Opening an open bearer, or closing a closed one: `+CME ERROR: 3` ("operation not allowed" with
  AT+CMEE=2 in LilyGo-T-Call-SIM800 issue #259; a bare `ERROR` with AT+CMEE=0 in
  thehapyone/BareBoneSim800 issue #10). A refused activation (no registration, unknown APN, wrong
  credentials) answers `ERROR` after the network's answer time (manual: up to 85 s); no public log
  shows a numbered error for it.
- `+SAPBR <cid>: DEACT` when the bearer goes down without AT+SAPBR=0: printed by
  `bearer.deactivate` for a network drop, and here for AT+CGATT=0 (BareBoneSim800 #10 log:
  `AT+CGATT=0` -> `+SAPBR 1: DEACT` -> `OK`).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from modem_emulator import bearer
from modem_emulator.basic import PdpContext
from modem_emulator.commands import AtRequest, CmeError, FinalSent, PlainError

if TYPE_CHECKING:
    from modem_emulator.core import CommandHandler, EmulatedModem

MAX_PROFILE: Final = 3
_CLOSE, _OPEN, _QUERY, _SET, _GET = range(5)
_CONNECTED: Final = 1
_CLOSED: Final = 3
_TEXT_TAGS: Final = ("CONTYPE", "APN", "PHONENUM", "USER", "PWD")


@dataclass
class BearerProfile:
    """What AT+SAPBR=3 sets besides the APN and credentials (those live in the PDP context)."""

    contype: str = "GPRS"
    phonenum: str = ""
    rate: int = 2


class SapbrBearer:
    """The AT+SAPBR bearer profiles of one module."""

    def __init__(self, modem: EmulatedModem) -> None:
        self.modem = modem
        self.profiles: dict[int, BearerProfile] = {}

    def install(self) -> None:
        """Register AT+SAPBR, and make AT+CGATT=0 report the bearers it takes down."""
        self.modem.register("+SAPBR", self.sapbr)
        detach = self.modem.handler_for("+CGATT")
        assert detach is not None, "basic commands are installed first"
        self.modem.register("+CGATT", self._reporting_detach(detach))

    def is_open(self, cid: int) -> bool:
        """Whether bearer profile `cid` is connected."""
        return self.modem.network.context_active(cid)

    def _context(self, cid: int) -> PdpContext:
        return self.modem.network.contexts.setdefault(
            cid, PdpContext(cid, address=f"10.64.0.{cid + 1}")
        )

    async def sapbr(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Close, open, query, set or get bearer profile <cid>."""
        if req.kind == "test":
            modem.send_line('+SAPBR: (0-4),(1-3),"ConParamTag","ConParamValue"')
            return
        if req.kind != "set" or len(req.args) < 2:
            raise PlainError
        command, cid = req.args[0], req.args[1]
        if not isinstance(cid, int) or not 1 <= cid <= MAX_PROFILE:
            raise PlainError
        match command:
            case 0 if len(req.args) == 2:
                if not self.is_open(cid):
                    raise CmeError(bearer.ERR_NOT_ALLOWED)
                bearer.deactivate(modem, cid, by="me")
            case 1 if len(req.args) == 2:
                await self._open(cid)
            case 2 if len(req.args) == 2:
                context = self._context(cid)
                if self.is_open(cid):
                    modem.send_line(f'+SAPBR: {cid},{_CONNECTED},"{context.address}"')
                else:
                    modem.send_line(f'+SAPBR: {cid},{_CLOSED},"0.0.0.0"')
            case 3 if len(req.args) == 4:
                self._set(cid, str(req.args[2]).upper(), req.args[3])
            case 4 if len(req.args) == 2:
                modem.send_lines(["+SAPBR:", *self._parameter_lines(cid)])
            case _:
                raise PlainError

    async def _open(self, cid: int) -> None:
        if self.is_open(cid):
            raise CmeError(bearer.ERR_NOT_ALLOWED)
        self._context(cid)
        if self.profiles.get(cid, BearerProfile()).contype.upper() != "GPRS":
            raise PlainError  # CSD bearers are not emulated: no dial-up far end here
        if await bearer.activate(self.modem, cid) is not None:
            raise PlainError

    def _set(self, cid: int, tag: str, value: str | int) -> None:
        profile = self.profiles.setdefault(cid, BearerProfile())
        context = self._context(cid)
        if tag == "RATE":
            if not isinstance(value, int) or not 0 <= value <= 3:
                raise PlainError
            profile.rate = value
            return
        if tag not in _TEXT_TAGS:
            raise PlainError
        text = str(value)
        match tag:
            case "CONTYPE":
                profile.contype = text
            case "APN":
                context.apn = text
            case "PHONENUM":
                profile.phonenum = text
            case "USER":
                context.username = text
            case "PWD":
                context.password = text

    def _parameter_lines(self, cid: int) -> list[str]:
        profile = self.profiles.get(cid, BearerProfile())
        context = self._context(cid)
        return [
            f"CONTYPE: {profile.contype}",
            f"APN: {context.apn}",
            f"PHONENUM: {profile.phonenum}",
            f"USER: {context.username}",
            f"PWD: {context.password}",
            f"RATE: {profile.rate}",
        ]

    def _reporting_detach(self, detach: CommandHandler) -> CommandHandler:
        async def cgatt(modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
            before = [cid for cid in range(1, MAX_PROFILE + 1) if self.is_open(cid)]
            outcome = await detach(modem, req)
            for cid in before:
                if not self.is_open(cid):
                    modem.send_urc(f"+SAPBR {cid}: DEACT")
            return outcome

        return cgatt
