"""The packet data bearer (PDP context) as real modules guard it, and ways to lose it.

Modem HTTP stacks only work over an active PDP context, and a fresh module has none active: hosts
define the context (APN, credentials) and activate it first. The network decides whether that
works, so `NetworkState` holds which APNs it accepts and which credentials it insists on.

Formats, with their sources:
- `AT+CGACT?` lists every defined context as `+CGACT: <cid>,<state>` (27.007 10.1.10; SIM7600G-H
  log in Xinyuan-LilyGO/T-SIM7600X issue #90). Activation refused by the network: `+CME ERROR: 133`
  ("requested service option not subscribed", what an unknown APN gives) or 149 ("PDP
  authentication failure") for wrong credentials; 30 when not registered.
- `AT+CGAUTH`: SIMCom takes `<cid>,<auth_type>,<passwd>,<user>` (A76xx AT manual 5.2.16, quoted by
  public A7677S drivers: "password comes BEFORE username"); 27.007 order (user, then password)
  elsewhere.
- `+CGEV: NW PDN DEACT <cid>` / `+CGEV: ME PDN DEACT <cid>` when AT+CGEREP is 1 or 2 (27.007
  10.1.19; seen in u-blox and MediaTek RIL logs and in public URC parsers).
- Quectel: `AT+QICSGP=<cid>,<type>,"<apn>","<user>","<pwd>",<auth>`; `AT+QIACT?` lists active
  contexts only, `+QIACT: <cid>,1,1,"<ip>"`; `AT+QIACT=<cid>` answers a plain `ERROR` when the
  network refuses (EC21-J log, SeeedJP/WioLTEforArduino issue #5); `+QIURC: "pdpdeact",<cid>` when
  the network drops the context, printed whatever AT+CGEREP says (BG96/EC25 logs and public URC
  handlers).
- SIM800: `+SAPBR <cid>: DEACT` when the bearer goes down without AT+SAPBR=0 (SIM800 Series AT
  Command Manual V1.05, AT+SAPBR unsolicited result code; thehapyone/BareBoneSim800 issue #10
  log shows it after AT+CGATT=0).
- SIM7080: `+APP PDP: <pdpidx>,DEACTIVE` (TinyGSM TinyGsmClientSIM7080.h waits for it next to
  `,ACTIVE`); AT+CNACT's <pdpidx> 0 is PDP context 1 (same file: "use PDP context identifier of 0
  for what we defined as 1").
"""

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, Literal

from modem_emulator.basic import PdpContext
from modem_emulator.commands import AtRequest, CmeError, PlainError

if TYPE_CHECKING:
    from modem_emulator.basic import NetworkState
    from modem_emulator.core import EmulatedModem

ERR_NOT_ALLOWED: Final = 3
ERR_NO_NETWORK: Final = 30
ERR_INVALID: Final = 50
ERR_APN_REFUSED: Final = 133
ERR_AUTH_FAILED: Final = 149
MAX_CID: Final = 24

# What a module prints, besides +CGEV, when the network takes a context down.
_NETWORK_DROP_URCS: Final[dict[str, Callable[[int], str]]] = {
    "quectel": lambda cid: f'+QIURC: "pdpdeact",{cid}',
    "sim800": lambda cid: f"+SAPBR {cid}: DEACT",
    "sim7080": lambda cid: f"+APP PDP: {cid - 1},DEACTIVE",
}


def activation_error(net: NetworkState, cid: int) -> int | None:
    """Why context `cid` cannot be activated now (a CME error number), or None if it can."""
    ctx = net.contexts.get(cid)
    if ctx is None:
        return ERR_NOT_ALLOWED
    if not (net.registered and net.attached):
        return ERR_NO_NETWORK
    apn = ctx.apn or net.default_apn
    if net.working_apns is not None and apn not in net.working_apns:
        return ERR_APN_REFUSED
    wanted = net.credentials.get(apn)
    if wanted is not None and (ctx.username, ctx.password) != wanted:
        return ERR_AUTH_FAILED
    return None


async def activate(modem: EmulatedModem, cid: int) -> int | None:
    """Bring context `cid` up (a CME error number when the network refuses).

    The network's answer takes `activation_delay` seconds, during which the command is pending.
    """
    if modem.network.activation_delay > 0:
        await asyncio.sleep(modem.network.activation_delay)
    error = activation_error(modem.network, cid)
    if error is None:
        modem.network.contexts[cid].active = True
    return error


def deactivate(modem: EmulatedModem, cid: int, *, by: Literal["me", "network"]) -> None:
    """Take context `cid` down and print what the module prints for it."""
    ctx = modem.network.contexts.get(cid)
    if ctx is None or not ctx.active:
        return
    ctx.active = False
    if modem.network.cgerep in (1, 2):
        modem.send_urc(f"+CGEV: {'NW' if by == 'network' else 'ME'} PDN DEACT {cid}")
    drop_urc = _NETWORK_DROP_URCS.get(modem.identity.profile)
    if by == "network" and drop_urc is not None:
        modem.send_urc(drop_urc(cid))


def drop_bearer(modem: EmulatedModem, cid: int = 1) -> None:
    """For tests: the network drops the data connection (coverage lost, session timeout)."""
    deactivate(modem, cid, by="network")


def install(modem: EmulatedModem) -> None:
    """Register the bearer commands (the Quectel ones on Quectel-profile modems only)."""
    modem.register("+CGACT", _cgact)
    modem.register("+CGAUTH", _cgauth)
    modem.register("+CGEREP", _cgerep)
    if modem.identity.profile == "quectel":
        modem.register("+QICSGP", _qicsgp)
        modem.register("+QIACT", _qiact)
        modem.register("+QIDEACT", _qideact)


def _cid(req: AtRequest, index: int = 0) -> int:
    cid = req.arg_int(index)
    if not 1 <= cid <= MAX_CID:
        raise CmeError(ERR_INVALID)
    return cid


async def _cgact(modem: EmulatedModem, req: AtRequest) -> None:
    net = modem.network
    if req.kind == "read":
        modem.send_lines(
            f"+CGACT: {ctx.cid},{int(ctx.active)}"
            for ctx in sorted(net.contexts.values(), key=lambda c: c.cid)
        )
    elif req.kind == "test":
        modem.send_line("+CGACT: (0,1)")
    elif req.kind == "set":
        state = req.arg_int(0)
        if state not in (0, 1):
            raise CmeError(ERR_INVALID)
        cids = [_cid(req, i) for i in range(1, len(req.args))] or sorted(net.contexts)
        if any(cid not in net.contexts for cid in cids):
            raise CmeError(ERR_NOT_ALLOWED)
        for cid in cids:
            if state == 0:
                deactivate(modem, cid, by="me")
            elif not net.contexts[cid].active:
                error = await activate(modem, cid)
                if error is not None:
                    raise CmeError(error)
    else:
        raise PlainError


async def _cgauth(modem: EmulatedModem, req: AtRequest) -> None:
    net = modem.network
    if req.kind == "test":
        modem.send_line("+CGAUTH: (1-24),(0-2),,")
        return
    if req.kind == "read":
        modem.send_lines(
            f'+CGAUTH: {ctx.cid},{ctx.auth},"{ctx.username}"'
            for ctx in sorted(net.contexts.values(), key=lambda c: c.cid)
        )
        return
    if req.kind != "set":
        raise PlainError
    cid = _cid(req)
    ctx = net.contexts.setdefault(cid, PdpContext(cid))
    auth = req.arg_int(1, 0)
    if auth not in (0, 1, 2):
        raise CmeError(ERR_INVALID)
    first, second = req.arg_str(2, ""), req.arg_str(3, "")
    # SIMCom: password before user; 27.007: user before password.
    user, password = (second, first) if modem.identity.profile == "simcom" else (first, second)
    ctx.auth, ctx.username, ctx.password = auth, user, password


async def _cgerep(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "read":
        modem.send_line(f"+CGEREP: {modem.network.cgerep},0")
    elif req.kind == "test":
        modem.send_line("+CGEREP: (0-2),(0,1)")
    elif req.kind == "set":
        mode = req.arg_int(0)
        if mode not in (0, 1, 2):
            raise CmeError(ERR_INVALID)
        modem.network.cgerep = mode
    else:
        raise PlainError


async def _qicsgp(modem: EmulatedModem, req: AtRequest) -> None:
    net = modem.network
    if req.kind == "test":
        modem.send_line("+QICSGP: (1-16),(1-3),<APN>,<username>,<password>,(0-3)")
        return
    if req.kind != "set":
        raise PlainError
    cid = _cid(req)
    if len(req.args) == 1:
        ctx = net.contexts.get(cid) or PdpContext(cid)
        kind = {"IP": 1, "IPV6": 2, "IPV4V6": 3}.get(ctx.pdp_type, 1)
        modem.send_line(f'+QICSGP: {kind},"{ctx.apn}","{ctx.username}","{ctx.password}",{ctx.auth}')
        return
    kind = req.arg_int(1)
    auth = req.arg_int(5, 0)
    if kind not in (1, 2, 3) or auth not in (0, 1, 2, 3):
        raise CmeError(ERR_INVALID)
    old = net.contexts.get(cid)
    net.contexts[cid] = PdpContext(
        cid,
        {1: "IP", 2: "IPV6", 3: "IPV4V6"}[kind],
        req.arg_str(2, ""),
        old.address if old else f"10.64.0.{cid + 1}",
        active=old.active if old else False,
        username=req.arg_str(3, ""),
        password=req.arg_str(4, ""),
        auth=auth,
    )


async def _qiact(modem: EmulatedModem, req: AtRequest) -> None:
    net = modem.network
    if req.kind == "test":
        modem.send_line("+QIACT: (1-16)")
    elif req.kind == "read":
        modem.send_lines(
            f'+QIACT: {ctx.cid},1,1,"{ctx.address}"'
            for ctx in sorted(net.contexts.values(), key=lambda c: c.cid)
            if ctx.active
        )
    elif req.kind == "set":
        cid = _cid(req)
        if cid not in net.contexts:
            net.contexts[cid] = PdpContext(cid, address=f"10.64.0.{cid + 1}")
        if net.contexts[cid].active or await activate(modem, cid) is not None:
            raise PlainError  # EC2x: ERROR for an active context and for a refusal alike
    else:
        raise PlainError


async def _qideact(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        modem.send_line("+QIDEACT: (1-16)")
        return
    if req.kind != "set":
        raise PlainError
    deactivate(modem, _cid(req), by="me")
