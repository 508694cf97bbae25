"""The 3GPP TS 27.007 network status commands, printed from the radio state (radio.py).

Formats, with their sources:
- `+CSQ: <rssi>,<ber>` (27.007 section 8.5): <rssi> 0 at -113 dBm or less, 2 dBm a step, 31 at
  -51 dBm or more, 99 not known; `+CSQ: 99,99` without coverage or with the radio off (SIM7600
  and EC25 manuals, AT+CSQ). LTE modules print 99 for <ber> (obsy/packages issue #3 log).
- `+CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>` (27.007 section 8.69): each technology fills
  its own fields and prints 99 / 255 in the others, as `+CESQ:99,99,255,255,12,40` in the
  obsy/packages issue #3 log of an LTE modem.
- `+CREG/+CGREG/+CEREG: <n>,<stat>[,"<lac>","<ci>",<AcT>]` (27.007 sections 7.2, 10.1.20,
  10.1.22): location and cell only while registered, LAC/TAC as 4 and cell id as 8 hex digits
  (`+CREG: 2,1,"FFFE","23E3E34",7` in 4IceG/luci-app-3ginfo-lite issue #37, the SIM7600 and EC25
  manual examples); the URC form drops <n>. A module camped on GSM or UMTS is not registered on EPS
  (+CEREG <stat> 0), one on NB-IoT has no CS or GPRS registration (+CREG/+CGREG <stat> 0).
- `+COPS: <mode>[,<format>,"<oper>",<AcT>]`; `AT+COPS=3,2` switches to the numeric `"26201"` form
  (`+COPS: 0,0,"vodafone.de",7` then `+COPS: 0,2,"26202",7` in luci-app-3ginfo-lite PR #32).
  <AcT> (27.007 section 7.3): 0 GSM, 2 UTRAN, 7 E-UTRAN, 9 E-UTRAN NB-S1, 13 E-UTRA-NR dual
  connectivity; LTE-M is 7 on SIMCom (SIM7000 manual, AT+COPS <AcT> 7 "LTE M1") and 8 on Quectel
  (BG96 AT commands manual, AT+COPS <AcT> 8 "eMTC").
- `+CGPADDR: <cid>,<addr>` (27.007 section 10.1.14) for every defined context, 0.0.0.0 while it is
  down: SIMCom prints the address bare (`+CGPADDR: 1,10.175.163.107`, an A7670 reply kept in a
  public driver's tests; `+CGPADDR: 1,10.0.0.2` in other SIMCom mocks), Quectel as a quoted string
  the way 27.007 prints <PDP_addr> (`+CGPADDR: 1,"100.65.1.2"` in the same A7670 driver's tests,
  `+CGPADDR: 1,"10.215.15.91"` in public Telit GE865 fixtures).
- SIM800/SIM900 (2G only) have no AT+CEREG and no AT+CESQ (ERROR), and print no <AcT>:
  `+CREG: <n>,<stat>[,"<lac>","<ci>"]` and `+COPS: <mode>[,<format>,"<oper>"]` (SIM800 Series AT
  Command Manual V1.09, AT+CREG, AT+CGREG, AT+COPS; `+CREG: 2,1,"07E6","D68F"` in a public SIM800
  driver's parser comment, `+CREG: 2,1,"2483","0E9D"` in another GSM driver's).
- SIM7070/SIM7080 answer AT+CPSI? in the LTE-M / NB-IoT layouts of simcom_status.py (the same
  firmware family as SIM7000: `+CPSI: LTE NB-IOT,Online,242-01,0xA411,18460008,457,
  EUTRAN-BAND20,6352,0,0,-7,-77,-70,14` in botletics/SIM7000-LTE-Shield issue #50).
"""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from modem_emulator.commands import AtRequest, CmeError, PlainError
from modem_emulator.radio import LTE_FAMILY, PROFILE_TECHNOLOGIES, Technology

if TYPE_CHECKING:
    from modem_emulator.basic import NetworkState
    from modem_emulator.core import EmulatedModem

ERR_NOT_ALLOWED: Final = 3
ERR_INVALID: Final = 50
type _Handler = Callable[[EmulatedModem, AtRequest], Awaitable[None]]

_REGISTRATION_COMMANDS: Final = ("+CREG", "+CGREG", "+CEREG")
_MODE_ATTRIBUTES: Final = {"+CREG": "creg_n", "+CGREG": "cgreg_n", "+CEREG": "cereg_n"}


_GSM_ONLY_PROFILES: Final = frozenset({"sim800"})
"""2G modules: no EPS registration, no AT+CESQ, no <AcT> in their replies."""


def install(modem: EmulatedModem) -> None:
    """Register the 3GPP status commands, then the profile's own status commands."""
    profile = modem.identity.profile
    gsm_only = profile in _GSM_ONLY_PROFILES
    modem.register("+CSQ", _csq)
    if not gsm_only:
        modem.register("+CESQ", _cesq)
    for name in _REGISTRATION_COMMANDS:
        if name != "+CEREG" or not gsm_only:
            modem.register(name, _registration(name))
    modem.register("+COPS", _cops)
    modem.register("+CGPADDR", _cgpaddr)
    technologies = PROFILE_TECHNOLOGIES.get(profile)
    if technologies is not None and modem.network.radio.technology not in technologies:
        modem.radio.preset(technology=technologies[0])
    from modem_emulator import quectel_status, simcom_status  # noqa: PLC0415 - import this one

    if profile == "simcom":
        simcom_status.install(modem)
    elif profile == "sim7080":
        simcom_status.install(modem, temperature=False)
    elif profile == "quectel":
        quectel_status.install(modem)


def _act_suffix(modem: EmulatedModem) -> str:
    """`,<AcT>` where the profile prints one."""
    if modem.identity.profile in _GSM_ONLY_PROFILES:
        return ""
    return f",{access_technology(modem)}"


# --- what the modem reports -----------------------------------------------------------------------


def access_technology(modem: EmulatedModem) -> int:
    """The 27.007 <AcT> of the current technology, as this profile numbers it."""
    technology = modem.network.radio.technology
    if technology is Technology.LTE_M:
        return 8 if modem.identity.profile == "quectel" else 7
    return _ACT[technology]


_ACT: Final[dict[Technology, int]] = {
    Technology.GSM: 0,
    Technology.UMTS: 2,
    Technology.LTE: 7,
    Technology.NB_IOT: 9,
    Technology.NR5G_NSA: 13,
}


def command_stat(net: NetworkState, name: str) -> int:
    """The <stat> one registration command reports: each covers its own domain."""
    stat = net.stat
    technology = net.radio.technology
    if stat not in {1, 5}:
        return stat
    if name == "+CEREG" and technology not in LTE_FAMILY:
        return 0
    if name in {"+CREG", "+CGREG"} and technology is Technology.NB_IOT:
        return 0
    return stat


def registration_fields(modem: EmulatedModem, name: str) -> str:
    """`<stat>[,"<lac>","<ci>",<AcT>]` as printed with <n>=2 (location only while registered)."""
    net = modem.network
    stat = command_stat(net, name)
    if stat not in {1, 5}:
        return str(stat)
    cell = net.radio.cell
    cell_id = (
        f"{cell.cell_id & 0xFFFF:04X}"
        if net.radio.technology is Technology.GSM
        else f"{cell.cell_id:08X}"
    )
    return f'{stat},"{cell.area_code:04X}","{cell_id}"{_act_suffix(modem)}'


def _urc(modem: EmulatedModem, name: str, n: int) -> str:
    net = modem.network
    if n >= 2:
        return f"{name}: {registration_fields(modem, name)}"
    return f"{name}: {command_stat(net, name)}"


def announce(modem: EmulatedModem) -> None:
    """Print the registration URCs whose content changed, for the commands the host enabled."""
    net = modem.network
    for name in _REGISTRATION_COMMANDS:
        n = getattr(net, _MODE_ATTRIBUTES[name])
        if n < 1:
            continue
        urc = _urc(modem, name, n)
        if net.announced.get(name) != urc:
            net.announced[name] = urc
            modem.send_urc(urc)


def announce_registration(modem: EmulatedModem, registration: int) -> None:
    """Change the registration state and print the +CREG/+CGREG/+CEREG URCs enabled by `=<n>`."""
    modem.network.registration = registration
    announce(modem)


# --- handlers -------------------------------------------------------------------------------------


async def _csq(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        modem.send_line("+CSQ: (0-31,99),(0-7,99)")
        return
    if req.kind != "exec":
        raise PlainError
    net = modem.network
    signal = net.radio.signal
    if net.cfun != 1 or not net.radio.coverage:
        modem.send_line("+CSQ: 99,99")
        return
    ber = 99 if signal.ber is None else signal.ber
    modem.send_line(f"+CSQ: {net.rssi},{ber}")


def cesq_fields(modem: EmulatedModem) -> tuple[int, int, int, int, int, int]:
    """<rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp> per 27.007 section 8.69's tables."""
    net = modem.network
    radio = net.radio
    signal = radio.signal
    unknown = (99, 99, 255, 255, 255, 255)
    if net.cfun != 1 or not radio.coverage:
        return unknown
    if radio.technology is Technology.GSM:
        rxlev = 99 if signal.rssi_dbm is None else _clamp(signal.rssi_dbm + 111, 0, 63)
        return (rxlev, 99 if signal.ber is None else signal.ber, 255, 255, 255, 255)
    if radio.technology is Technology.UMTS:
        rscp = _clamp(signal.rscp_dbm + 121, 0, 96)
        ecno = _clamp(int((signal.ecio_db + 24.5) * 2), 0, 49)
        return (99, 99, rscp, ecno, 255, 255)
    rsrq = _clamp(int((signal.rsrq_db + 20) * 2), 0, 34)
    rsrp = _clamp(signal.rsrp_dbm + 141, 0, 97)
    return (99, 99, 255, 255, rsrq, rsrp)


async def _cesq(modem: EmulatedModem, req: AtRequest) -> None:
    if req.kind == "test":
        modem.send_line("+CESQ: (0-63,99),(0-7,99),(0-96,255),(0-49,255),(0-34,255),(0-97,255)")
        return
    if req.kind != "exec":
        raise PlainError
    modem.send_line("+CESQ: " + ",".join(str(value) for value in cesq_fields(modem)))


def _clamp(value: int, low: int, high: int) -> int:
    return min(high, max(low, value))


def _registration(name: str) -> _Handler:
    attribute = _MODE_ATTRIBUTES[name]

    async def handler(modem: EmulatedModem, req: AtRequest) -> None:
        net = modem.network
        if req.kind == "test":
            modem.send_line(f"{name}: (0-2)")
        elif req.kind == "set":
            n = req.arg_int(0, 0)
            if not 0 <= n <= 2:
                raise CmeError(ERR_INVALID)
            setattr(net, attribute, n)
            if n >= 1:
                # What the host now knows; later changes are reported from here.
                net.announced[name] = _urc(modem, name, n)
        elif req.kind == "read":
            n = getattr(net, attribute)
            if n == 2:
                modem.send_line(f"{name}: {n},{registration_fields(modem, name)}")
            else:
                modem.send_line(f"{name}: {n},{command_stat(net, name)}")
        else:
            raise PlainError

    return handler


def operator_name(modem: EmulatedModem) -> str:
    """The operator in the format AT+COPS=3,<format> selected."""
    net = modem.network
    if net.cops_format == 2:
        return net.radio.cell.plmn
    if net.cops_format == 1:
        return net.operator[:8]
    return net.operator


async def _cops(modem: EmulatedModem, req: AtRequest) -> None:
    net = modem.network
    if req.kind == "read":
        if net.registered:
            modem.send_line(
                f'+COPS: 0,{net.cops_format},"{operator_name(modem)}"{_act_suffix(modem)}'
            )
        else:
            modem.send_line("+COPS: 0")
    elif req.kind == "test":
        modem.send_line(
            f'+COPS: (2,"{net.operator}","{net.operator[:8]}","{net.radio.cell.plmn}"'
            f"{_act_suffix(modem)}),,(0-4),(0-2)"
        )
    elif req.kind == "set":
        mode = req.arg_int(0)
        if not 0 <= mode <= 4:
            raise CmeError(ERR_INVALID)
        if mode == 3:
            fmt = req.arg_int(1)
            if fmt not in (0, 1, 2):
                raise CmeError(ERR_INVALID)
            net.cops_format = fmt
    else:
        raise PlainError


async def _cgpaddr(modem: EmulatedModem, req: AtRequest) -> None:
    contexts = modem.network.contexts
    if req.kind == "test":
        modem.send_line(f"+CGPADDR: ({','.join(str(cid) for cid in sorted(contexts))})")
        return
    if req.kind == "exec":
        cids = sorted(contexts)
    elif req.kind == "set":
        cids = [req.arg_int(index) for index in range(len(req.args))]
        if any(cid not in contexts for cid in cids):
            raise CmeError(ERR_NOT_ALLOWED)
    else:
        raise PlainError
    quote = '"' if modem.identity.profile == "quectel" else ""
    modem.send_lines(
        f"+CGPADDR: {cid},{quote}{contexts[cid].address if contexts[cid].active else '0.0.0.0'}"
        f"{quote}"
        for cid in cids
    )
