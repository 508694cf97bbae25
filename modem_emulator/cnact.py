"""AT+CNACT and AT+CNCFG: the SIM7070 / SIM7080 bearer for the module's own IP applications.

The module's application stack (AT+SH* HTTP, AT+CA* sockets) runs over "application networks"
<pdpidx> 0-3; <pdpidx> 0 is PDP context 1 of the shared `NetworkState` (TinyGSM
TinyGsmClientSIM7080.h: "use PDP context identifier of 0 for what we defined as 1"), so
activation goes through `bearer.activate` and obeys the network's rules like AT+CGACT does, and
`bearer.drop_bearer` takes it down like any context.

Formats, with their sources:
- `AT+CNACT=<pdpidx>,<action>` (0 deactivate, 1 activate, 2 auto-activate): OK at once, then
  `+APP PDP: <pdpidx>,ACTIVE` once the network accepts, `+APP PDP: <pdpidx>,DEACTIVE` when it
  refuses (TinyGSM waits for either) and after a deactivation (VMflow modem_https.c: CNACT=0,0
  "returns OK immediately, +APP PDP: <n>,DEACTIVE arrives later as URC"). SIM7070G log in
  botletics/SIM7000-LTE-Shield issue #200: `AT+CNACT=0,1`, `OK`, `+APP PDP: 0,ACTIVE`.
- `AT+CNACT?`: one `+CNACT: <pdpidx>,<status>,"<ip>"` line for each of the four networks
  (`+CNACT: 0,1,"10.155.118.146"` in botletics issue #243; VMflow's note that the reply has four
  lines, the last one for bearer 3).
- Activating an active network or deactivating an inactive one: `+CME ERROR: 3` (the module's
  answer to a command its state does not allow, as for AT+SHCONN in botletics issue #329).
- `AT+CNCFG=<pdpidx>,<ip_type>[,<APN>[,<user>,<password>[,<auth>]]]` (TinyGSM's comment block).
- `AT+CGNAPN`: `+CGNAPN: 1,"<apn>"` once attached, `+CGNAPN: 0,""` before (botletics issue #200
  log shows the latter).
- The test forms answer a bare OK: no source shows their text.
"""

from typing import TYPE_CHECKING, Final

from modem_emulator import bearer
from modem_emulator.basic import PdpContext
from modem_emulator.commands import (
    NO_FINAL,
    AtRequest,
    CmeError,
    FinalSent,
    PlainError,
    execute_form,
)

if TYPE_CHECKING:
    from modem_emulator.core import EmulatedModem

NETWORKS: Final = 4
_DEACTIVATE, _ACTIVATE, _AUTO_ACTIVATE = range(3)
_IP_TYPES: Final = {0: "IPV4V6", 1: "IP", 2: "IPV6"}


def context_id(pdpidx: int) -> int:
    """The PDP context an application network runs on."""
    return pdpidx + 1


class CnactBearer:
    """The application networks of one SIM7070/SIM7080 module."""

    def __init__(self, modem: EmulatedModem) -> None:
        self.modem = modem

    def install(self) -> None:
        """Register AT+CNACT, AT+CNCFG and AT+CGNAPN."""
        self.modem.register("+CNACT", self.cnact)
        self.modem.register("+CNCFG", self.cncfg)
        self.modem.register("+CGNAPN", self.cgnapn)

    def is_active(self, pdpidx: int) -> bool:
        """Whether application network `pdpidx` is up."""
        return self.modem.network.context_active(context_id(pdpidx))

    def _context(self, pdpidx: int) -> PdpContext:
        cid = context_id(pdpidx)
        return self.modem.network.contexts.setdefault(
            cid, PdpContext(cid, address=f"10.64.0.{cid + 1}")
        )

    def _pdpidx(self, value: str | int) -> int:
        if not isinstance(value, int) or not 0 <= value < NETWORKS:
            raise PlainError
        return value

    async def cnact(self, modem: EmulatedModem, req: AtRequest) -> FinalSent | None:
        """Activate or deactivate a network (result as a URC), or list all four."""
        if req.kind == "test":
            return None
        if req.kind == "read":
            lines = []
            for pdpidx in range(NETWORKS):
                address = self._context(pdpidx).address if self.is_active(pdpidx) else "0.0.0.0"
                lines.append(f'+CNACT: {pdpidx},{int(self.is_active(pdpidx))},"{address}"')
            modem.send_lines(lines)
            return None
        if req.kind != "set" or len(req.args) != 2:
            raise PlainError
        pdpidx = self._pdpidx(req.args[0])
        action = req.args[1]
        if action == _DEACTIVATE:
            if not self.is_active(pdpidx):
                raise CmeError(bearer.ERR_NOT_ALLOWED)
            bearer.deactivate(modem, context_id(pdpidx), by="me")
            modem.send_final("OK")
            modem.send_urc(f"+APP PDP: {pdpidx},DEACTIVE")
            return NO_FINAL
        if action not in (_ACTIVATE, _AUTO_ACTIVATE):
            raise PlainError
        if self.is_active(pdpidx):
            raise CmeError(bearer.ERR_NOT_ALLOWED)
        self._context(pdpidx)
        modem.send_final("OK")
        modem.spawn(self._activate(pdpidx))
        return NO_FINAL

    async def _activate(self, pdpidx: int) -> None:
        refused = await bearer.activate(self.modem, context_id(pdpidx))
        state = "DEACTIVE" if refused is not None else "ACTIVE"
        self.modem.send_urc(f"+APP PDP: {pdpidx},{state}")

    async def cncfg(self, modem: EmulatedModem, req: AtRequest) -> None:
        """Set a network's IP type, APN and credentials (they live in its PDP context)."""
        if req.kind == "test":
            return
        if req.kind != "set" or not 2 <= len(req.args) <= 6:
            raise PlainError
        context = self._context(self._pdpidx(req.args[0]))
        ip_type, auth = req.args[1], req.args[5] if len(req.args) > 5 else 0
        if ip_type not in _IP_TYPES or auth not in (0, 1, 2, 3):
            raise PlainError
        context.pdp_type = _IP_TYPES[int(ip_type)]
        context.apn = req.arg_str(2, "")
        context.username = req.arg_str(3, "")
        context.password = req.arg_str(4, "")
        context.auth = int(auth)

    async def cgnapn(self, modem: EmulatedModem, req: AtRequest) -> None:
        """The APN the network assigned, once attached."""
        if not execute_form(req):
            return
        network = modem.network
        if network.registered and network.attached:
            modem.send_line(f'+CGNAPN: 1,"{network.default_apn}"')
        else:
            modem.send_line('+CGNAPN: 0,""')
