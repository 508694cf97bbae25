"""The network delivers SMS to the emulated modem: storage, +CMTI/+CMT, listing, reading."""

from datetime import datetime, timedelta, timezone

import pytest

from modem_emulator import EmulatedModem, create_modem, deliver_pdu, deliver_sms

from .conftest import FAST_BOOT, AtClient, Serve
from .sms_fixtures import HELLOHELLO_TPDU, NETWORK_SCA

DREAMFABRIC_TIME = datetime(1999, 3, 29, 15, 16, 59, tzinfo=timezone(timedelta(hours=2)))
MORNING = datetime(2026, 1, 15, 7, 30, 5, tzinfo=timezone(timedelta(hours=1)))
ALPHA_BY_DIALECT = [("simcom", '""'), ("quectel", ""), ("sim800", '""'), ("sim7080", '""')]
"""The empty `<alpha>` of a PDU-mode listing: quoted by SIMCom firmware, bare on Quectel's."""


async def _modem(serve: Serve, dialect: str) -> tuple[EmulatedModem, AtClient]:
    modem = create_modem(dialect, **FAST_BOOT)
    _server, client = await serve(modem)
    await client.command("ATE0")
    return modem, client


@pytest.mark.parametrize(("dialect", "alpha"), ALPHA_BY_DIALECT)
async def test_a_new_message_is_announced_stored_and_read_back_byte_exact(
    serve: Serve, dialect: str, alpha: str
) -> None:
    modem, client = await _modem(serve, dialect)
    assert deliver_sms(modem, "+27838890001", "hellohello", moment=DREAMFABRIC_TIME) == [0]
    assert await client.read_until(b'"SM",0\r\n') == b'\r\n+CMTI: "SM",0\r\n'
    pdu = NETWORK_SCA + HELLOHELLO_TPDU
    assert await client.command("AT+CMGR=0") == (
        f"\r\n+CMGR: 0,{alpha},28\r\n{pdu}\r\n\r\nOK\r\n".encode()
    )
    # Reading marks it read: the next read shows <stat> 1.
    assert await client.command("AT+CMGR=0") == (
        f"\r\n+CMGR: 1,{alpha},28\r\n{pdu}\r\n\r\nOK\r\n".encode()
    )


async def test_a_two_part_ucs2_message_is_listed_part_by_part(serve: Serve) -> None:
    modem, client = await _modem(serve, "quectel")
    text = "Температура в подвале упала ниже нуля, трубы могут замёрзнуть! Срочно проверьте 🥶"
    assert deliver_sms(modem, "+4915112345678", text, moment=MORNING, reference=0x42) == [0, 1]
    await client.read_until(b'"SM",1\r\n')
    listing = await client.command("AT+CMGL=4")
    lines = listing.decode().split("\r\n")
    assert lines[1].startswith("+CMGL: 0,0,,")
    assert lines[3].startswith("+CMGL: 1,0,,")
    # Each PDU: SCA, first octet 44 (UDHI, no more messages), sender, PID 00, DCS 08, the time
    # stamp, UDL, then the header 05 00 03 <ref> <total> <seq>.
    assert lines[2].startswith(NETWORK_SCA + "440D91945111325476F8000862105170035040")
    assert lines[2][56:68] == "050003420201"
    assert lines[4][56:68] == "050003420202"
    # Listing "received unread" turned them into "received read".
    assert await client.command("AT+CMGL=0") == b"\r\nOK\r\n"
    assert (await client.command("AT+CMGL=1")).count(b"+CMGL:") == 2


async def test_parts_can_arrive_out_of_order(serve: Serve) -> None:
    modem, client = await _modem(serve, "simcom")
    deliver_sms(modem, "+4915112345678", "x" * 200, moment=MORNING, reference=7, order=[2, 1])
    await client.read_until(b'"SM",1\r\n')
    listing = (await client.command("AT+CMGL=4")).decode().split("\r\n")
    assert listing[2][56:68] == "050003070202"
    assert listing[4][56:68] == "050003070201"


async def test_deleting_one_message_and_then_all(serve: Serve) -> None:
    modem, client = await _modem(serve, "simcom")
    for sender in ("+491", "+492", "+493"):
        deliver_sms(modem, sender + "5112345678", "hi", moment=MORNING)
    await client.read_until(b'"SM",2\r\n')
    assert await client.command("AT+CPMS?") == (
        b'\r\n+CPMS: "SM",3,30,"SM",3,30,"SM",3,30\r\n\r\nOK\r\n'
    )
    await client.command("AT+CMGD=1")
    assert await client.command("AT+CMGR=1") == b"\r\nOK\r\n"
    assert (await client.command("AT+CMGL=4")).count(b"+CMGL:") == 2
    await client.command("AT+CMGD=,4")
    assert await client.command("AT+CMGL=4") == b"\r\nOK\r\n"
    assert (
        await client.command('AT+CPMS="SM","SM","SM"') == b"\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n"
    )


async def test_delflag_1_deletes_only_read_messages(serve: Serve) -> None:
    modem, client = await _modem(serve, "quectel")
    deliver_sms(modem, "+4915112345678", "first", moment=MORNING)
    await client.command("AT+CMGR=0")
    deliver_sms(modem, "+4915112345678", "second", moment=MORNING)
    await client.command("AT+CMGD=0,1")
    listing = await client.command("AT+CMGL=4")
    assert listing.startswith(b"\r\n+CMGL: 1,0,,")


async def test_a_full_sim_holds_new_messages_at_the_network_until_a_slot_frees(
    serve: Serve,
) -> None:
    modem, client = await _modem(serve, "simcom")
    modem.sms.storages["SM"].capacity = 2
    assert deliver_sms(modem, "+4915112345678", "one", moment=MORNING) == [0]
    assert deliver_sms(modem, "+4915112345678", "two", moment=MORNING) == [1]
    assert deliver_sms(modem, "+4915112345678", "three", moment=MORNING) == [None]
    await client.read_until(b'"SM",1\r\n')
    assert await client.command("AT+CPMS?") == (
        b'\r\n+CPMS: "SM",2,2,"SM",2,2,"SM",2,2\r\n\r\nOK\r\n'
    )
    await client.command("AT+CMEE=1")
    await client.send(b"AT+CMGR=2\r")
    assert await client.read_until(b"321\r\n") == b"\r\n+CMS ERROR: 321\r\n"
    assert await client.command("AT+CMGD=0") == b"\r\nOK\r\n"
    assert await client.read_until(b'"SM",0\r\n') == b'\r\n+CMTI: "SM",0\r\n'
    assert modem.sms.waiting_at_network == []
    listing = await client.command('AT+CMGF=1;+CMGL="ALL"')
    assert listing.count(b"+CMGL:") == 2
    assert b"\r\nthree\r\n" in listing


@pytest.mark.parametrize(("dialect", "alpha"), ALPHA_BY_DIALECT)
async def test_cnmi_mt_2_pushes_the_pdu_with_cmt_and_stores_nothing(
    serve: Serve, dialect: str, alpha: str
) -> None:
    modem, client = await _modem(serve, dialect)
    await client.command("AT+CNMI=2,2,0,0,0")
    assert deliver_sms(modem, "+27838890001", "hellohello", moment=DREAMFABRIC_TIME) == [None]
    pdu = NETWORK_SCA + HELLOHELLO_TPDU
    expected = f"\r\n+CMT: {alpha},28\r\n{pdu}\r\n".encode()
    assert await client.read_until(pdu.encode() + b"\r\n") == expected
    assert await client.command("AT+CPMS?") == (
        b'\r\n+CPMS: "SM",0,30,"SM",0,30,"SM",0,30\r\n\r\nOK\r\n'
    )


async def test_messages_can_go_to_module_memory(serve: Serve) -> None:
    modem, client = await _modem(serve, "quectel")
    await client.command('AT+CPMS="ME","ME","ME"')
    deliver_sms(modem, "+4915112345678", "to ME", moment=MORNING)
    assert await client.read_until(b'"ME",0\r\n') == b'\r\n+CMTI: "ME",0\r\n'
    assert await client.command("AT+CPMS?") == (
        b'\r\n+CPMS: "ME",1,50,"ME",1,50,"ME",1,50\r\n\r\nOK\r\n'
    )


async def test_cnmi_mt_0_stores_silently(serve: Serve) -> None:
    modem, client = await _modem(serve, "simcom")
    await client.command("AT+CNMI=2,0,0,0,0")
    deliver_sms(modem, "+4915112345678", "quiet", moment=MORNING)
    assert await client.read_for(0.2) == b""
    assert (await client.command("AT+CMGL=4")).count(b"+CMGL:") == 1


@pytest.mark.parametrize(("dialect", "alpha"), ALPHA_BY_DIALECT)
async def test_text_mode_listing_and_reading_with_and_without_csdh(
    serve: Serve, dialect: str, alpha: str
) -> None:
    modem, client = await _modem(serve, dialect)
    deliver_sms(modem, "+4915112345678", "Door open", moment=MORNING)
    await client.read_until(b'"SM",0\r\n')
    await client.command('AT+CMGF=1;+CSCS="IRA"')
    header = f'"+4915112345678",{alpha},"26/01/15,07:30:05+04"'
    assert await client.command('AT+CMGL="ALL"') == (
        f'\r\n+CMGL: 0,"REC UNREAD",{header}\r\nDoor open\r\n\r\nOK\r\n'.encode()
    )
    await client.command("AT+CSDH=1")
    assert await client.command('AT+CMGL="REC READ"') == (
        f'\r\n+CMGL: 0,"REC READ",{header},145,9\r\nDoor open\r\n\r\nOK\r\n'.encode()
    )
    assert (
        await client.command("AT+CMGR=0")
        == (
            f'\r\n+CMGR: "REC READ",{header},145,4,0,0,"+491710760000",145,9\r\n'
            "Door open\r\n\r\nOK\r\n"
        ).encode()
    )


async def test_text_mode_under_ucs2_prints_hex_addresses_and_texts(serve: Serve) -> None:
    modem, client = await _modem(serve, "simcom")
    deliver_sms(modem, "+7968", "Привет", moment=MORNING)
    await client.command('AT+CMGF=1;+CSCS="UCS2"')
    sender = "+7968".encode("utf-16-be").hex().upper()
    body = "Привет".encode("utf-16-be").hex().upper()
    assert (
        await client.command('AT+CMGL="ALL"')
        == (
            f'\r\n+CMGL: 0,"REC UNREAD","{sender}","","26/01/15,07:30:05+04"\r\n{body}'
            "\r\n\r\nOK\r\n"
        ).encode()
    )


async def test_a_captured_pdu_can_be_delivered_as_it_is(serve: Serve) -> None:
    modem, client = await _modem(serve, "quectel")
    # An A7670G's read of a real message (LilyGo-Modem-Series issue 264), without its SCA.
    tpdu = bytes.fromhex("040B914326764060F60000524072319385800C31D98C062ACFE961F21B04")
    assert deliver_pdu(modem, tpdu) == 0
    assert await client.read_until(b'"SM",0\r\n') == b'\r\n+CMTI: "SM",0\r\n'
    listing = await client.command("AT+CMGL=4")
    assert listing == (
        f"\r\n+CMGL: 0,0,,30\r\n{NETWORK_SCA}{tpdu.hex().upper()}\r\n\r\nOK\r\n".encode()
    )


async def test_settings_return_to_defaults_on_reboot_but_messages_stay(serve: Serve) -> None:
    modem, client = await _modem(serve, "quectel")
    deliver_sms(modem, "+4915112345678", "kept", moment=MORNING)
    await client.command('AT+CMGF=1;+CSCS="UCS2";+CNMI=2,2,0,0,0')
    await client.send(b"AT+CFUN=1,1\r")
    await client.read_until(b"+QIND: PB DONE\r\n")
    await client.command("ATE0")
    assert await client.command("AT+CMGF?;+CSCS?;+CNMI?") == (
        b'\r\n+CMGF: 0\r\n\r\n+CSCS: "GSM"\r\n\r\n+CNMI: 2,1,0,0,0\r\n\r\nOK\r\n'
    )
    assert (await client.command("AT+CMGL=4")).count(b"+CMGL:") == 1


async def test_settings_formats_of_both_families(serve: Serve) -> None:
    _, client = await _modem(serve, "simcom")
    assert await client.command("AT+CSCS?") == b'\r\n+CSCS: "IRA"\r\n\r\nOK\r\n'
    assert await client.command("AT+CSCS=?") == b'\r\n+CSCS: ("IRA","GSM","UCS2")\r\n\r\nOK\r\n'
    assert await client.command("AT+CMGF=?") == b"\r\n+CMGF: (0-1)\r\n\r\nOK\r\n"
    assert await client.command("AT+CNMI=?") == (
        b"\r\n+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)\r\n\r\nOK\r\n"
    )
    assert await client.command("AT+CPMS=?") == (
        b'\r\n+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")\r\n\r\nOK\r\n'
    )
    assert await client.command("AT+CSCA?") == b'\r\n+CSCA: "+491710760000",145\r\n\r\nOK\r\n'
    await client.command("AT+CMEE=1")
    await client.send(b'AT+CPMS="XX"\r')
    assert await client.read_until(b"302\r\n") == b"\r\n+CMS ERROR: 302\r\n"
    await client.send(b"AT+CMGF=2\r")
    assert await client.read_until(b"302\r\n") == b"\r\n+CMS ERROR: 302\r\n"
