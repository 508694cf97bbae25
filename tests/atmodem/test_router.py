"""The reply router on its own: what each line and data block of a modem's output belongs to.

No transport and no event loop: bytes are fed the way a serial port may deliver them, split at
every point, and each story checks that the command in flight, the URC handlers and the restart
detection see exactly the same thing however the stream was cut.
"""

from dataclasses import dataclass, field

import pytest

from custom_components.modem_http.atmodem import AtCommandError, ModemError, Urc
from custom_components.modem_http.atmodem.framing import UntilTerminator
from custom_components.modem_http.atmodem.router import (
    BOOT_WINDOW,
    STANDARD_LINES,
    AtReply,
    Exchange,
    LineTables,
    Prompt,
    ReplyRouter,
)

SIM7600 = STANDARD_LINES.merged(
    LineTables(restart_lines=frozenset({"RDY"}), unsolicited=("SMS DONE", "PB DONE"))
)
"""A module that boots with RDY, +CPIN: READY, SMS DONE, PB DONE (SIM7600 boot log)."""


@dataclass
class Owner:
    """What the engine would be told, in order."""

    answers: list[AtReply | ModemError] = field(default_factory=list)
    prompts: int = 0
    restarts: list[str] = field(default_factory=list)

    def answered(self, exchange: Exchange, outcome: AtReply | ModemError) -> None:
        self.answers.append(outcome)

    def prompted(self, exchange: Exchange) -> None:
        self.prompts += 1

    def restarted(self, line: str) -> None:
        self.restarts.append(line)


class Clock:
    """Time that moves only when the story says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def splits(stream: bytes) -> list[list[bytes]]:
    """The stream whole, cut once at every byte, and one byte at a time."""
    cuts = [[stream[:cut], stream[cut:]] for cut in range(1, len(stream))]
    return [[stream], *cuts, [stream[i : i + 1] for i in range(len(stream))]]


def simcom_read(line: str) -> int | None:
    """`+HTTPREAD: DATA,<n>` announces n bytes (SIM7600 AT+HTTPREAD framing)."""
    if line.startswith("+HTTPREAD: DATA,"):
        return int(line.rsplit(",", 1)[1])
    return None


BODY = b"\r\nOK\r\n+HTTPREAD: 0\r\n\x00\xff<html>"
# SIM7600 AT+HTTPREAD: OK first, then the announced data, then `+HTTPREAD: 0`; a registration URC
# lands between OK and the data. The echo is there because the modem has just rebooted (ATE1).
READ_STREAM = (
    b"AT+HTTPREAD=0,28\r\r\n"
    b"\r\nOK\r\n"
    b"\r\n+CEREG: 5\r\n"
    b"\r\n+HTTPREAD: DATA,28\r\n" + BODY + b"\r\n+HTTPREAD: 0\r\n"
)


def test_a_read_full_of_final_codes_comes_back_whole_however_the_stream_is_cut() -> None:
    assert len(BODY) == 28
    for pieces in splits(READ_STREAM):
        owner = Owner()
        router = ReplyRouter(owner, SIM7600)
        registrations: list[Urc] = []
        router.on_urc("+CEREG:", registrations.append)
        router.begin(
            Exchange.of(
                "AT+HTTPREAD=0,28",
                data_after=simcom_read,
                complete=lambda reply: "0" in reply.lines_with("+HTTPREAD:"),
            )
        )
        for piece in pieces:
            router.feed(piece)

        assert len(owner.answers) == 1, pieces
        reply = owner.answers[0]
        assert isinstance(reply, AtReply)
        assert reply.data == BODY
        assert reply.lines == ["+HTTPREAD: DATA,28", "+HTTPREAD: 0"]
        assert reply.final == "OK"
        assert registrations == [Urc("+CEREG: 5")]


def test_a_line_with_the_commands_own_prefix_is_its_reply_not_a_urc() -> None:
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    urcs: list[Urc] = []
    router.on_urc("+CREG:", urcs.append)
    router.begin(Exchange.of("AT+CREG?"))

    router.feed(b"\r\n+CREG: 0,1\r\n\r\nOK\r\n")

    assert urcs == []
    assert owner.answers == [AtReply("AT+CREG?", lines=["+CREG: 0,1"], final="OK")]


def test_boot_chatter_nobody_listens_for_stays_out_of_the_next_reply() -> None:
    """AT+CGMI sent right after RDY must not answer "SMS DONE"."""
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    router.begin(Exchange.of("AT+CGMI"))

    router.feed(b"\r\nSMS DONE\r\n\r\nSIMCOM INCORPORATED\r\n\r\nPB DONE\r\n\r\nOK\r\n")

    assert owner.answers == [AtReply("AT+CGMI", lines=["SIMCOM INCORPORATED"], final="OK")]


@pytest.mark.parametrize(
    ("final", "code", "text"),
    [
        ("+CME ERROR: 10", 10, None),
        ("+CME ERROR: SIM not inserted", 10, "SIM not inserted"),
        ("ERROR", None, None),
    ],
)
def test_an_error_final_answers_with_its_typed_error(
    final: str, code: int | None, text: str | None
) -> None:
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    router.begin(Exchange.of("AT+CPIN?"))

    router.feed(f"\r\n{final}\r\n".encode())

    [error] = owner.answers
    assert isinstance(error, AtCommandError)
    assert (error.final, error.cme_code, error.cme_text) == (final, code, text)


def test_a_result_urc_in_the_same_read_as_ok_goes_to_its_handler() -> None:
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    results: list[Urc] = []
    router.on_urc("+HTTPACTION:", results.append)
    router.begin(Exchange.of("AT+HTTPACTION=0"))

    router.feed(b"\r\nOK\r\n\r\n+HTTPACTION: 0,200,5\r\n")

    assert owner.answers == [AtReply("AT+HTTPACTION=0", final="OK")]
    assert results == [Urc("+HTTPACTION: 0,200,5")]


def test_a_reboot_ends_the_command_in_flight_once_for_the_whole_boot() -> None:
    """RDY ends the read; +CPIN: READY a moment later is the same boot, not a second one."""
    clock = Clock()
    owner = Owner()
    router = ReplyRouter(owner, SIM7600, clock=clock)
    exchange = Exchange.of("AT+HTTPREAD?")
    router.begin(exchange)

    router.feed(b"\r\n+HTTPREAD: LE\r\nRDY\r\n")
    router.fail(ModemError("the engine ends the exchange when it hears of the restart"))
    clock.now += 1.0
    router.feed(b"\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n")

    assert owner.restarts == ["RDY"]
    assert len(owner.answers) == 1
    assert router.in_flight is None


def test_cpin_ready_out_of_the_blue_long_after_a_boot_is_a_restart() -> None:
    clock = Clock()
    owner = Owner()
    router = ReplyRouter(owner, SIM7600, clock=clock)

    router.feed(b"\r\nRDY\r\n")
    clock.now += BOOT_WINDOW + 1
    router.feed(b"\r\n+CPIN: READY\r\n")

    assert owner.restarts == ["RDY", "+CPIN: READY"]


def test_cpin_ready_as_the_answer_to_at_cpin_is_not_a_restart() -> None:
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    router.begin(Exchange.of("AT+CPIN?"))

    router.feed(b"\r\n+CPIN: READY\r\n\r\nOK\r\n")

    assert owner.restarts == []
    assert owner.answers == [AtReply("AT+CPIN?", lines=["+CPIN: READY"], final="OK")]


def test_the_late_reply_of_a_command_given_up_on_is_stale() -> None:
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    given_up = Exchange.of("AT+COPS=?")
    router.begin(given_up)
    router.end(given_up)

    router.feed(b'\r\n+COPS: (1,"Late","Late","00101",7)\r\n\r\nOK\r\n')

    assert owner.answers == []
    assert given_up.reply.lines == []


@pytest.mark.parametrize(
    ("prompt", "stream"),
    [
        (Prompt.GREATER_THAN, b"\r\n> "),
        (Prompt.DOWNLOAD, b"\r\nDOWNLOAD\r\n"),
        (Prompt.CONNECT, b"\r\nCONNECT\r\n"),
    ],
)
def test_the_prompt_a_payload_waits_for_is_not_a_reply_line(prompt: Prompt, stream: bytes) -> None:
    for pieces in splits(stream + b"\r\nOK\r\n"):
        owner = Owner()
        router = ReplyRouter(owner, SIM7600)
        router.begin(Exchange.of("AT+HTTPDATA=5,10", prompt=prompt))
        for piece in pieces:
            router.feed(piece)

        assert owner.prompts == 1
        assert owner.answers == [AtReply("AT+HTTPDATA=5,10", final="OK")]


@pytest.mark.parametrize(
    ("prompt", "stream"),
    [
        (Prompt.GREATER_THAN, b"\r\n> "),
        (Prompt.DOWNLOAD, b"\r\nDOWNLOAD\r\n"),
        (Prompt.CONNECT, b"\r\nCONNECT\r\n"),
    ],
)
def test_a_given_up_command_hears_its_late_prompt_and_the_end_of_its_input(
    prompt: Prompt, stream: bytes
) -> None:
    # Given up before its prompt; the module prints it late, then times out waiting for data.
    for pieces in splits(stream + b"\r\n+CME ERROR: 726\r\n\r\nSMS DONE\r\n"):
        owner = Owner()
        router = ReplyRouter(owner, SIM7600)
        exchange = Exchange.of("AT+HTTPPOST=3,1,5", prompt=prompt)
        router.begin(exchange)
        router.end(exchange)
        router.watch_abandoned(exchange)
        for piece in pieces:
            router.feed(piece)

        assert owner.prompts == 1
        assert len(owner.answers) == 1
        assert isinstance(owner.answers[0], AtCommandError)
        assert owner.answers[0].cme_code == 726


def test_a_resynchronising_at_does_not_take_a_late_prompt_or_lend_its_ok() -> None:
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    abandoned = Exchange.of("AT+HTTPDATA=3,10", prompt=Prompt.DOWNLOAD)
    router.watch_abandoned(abandoned)
    router.begin(Exchange.of("AT"))
    router.feed(b"\r\nDOWNLOAD\r\n\r\nOK\r\n")

    # The prompt went to the given-up command, the OK to the AT; its input is still open.
    assert owner.prompts == 1
    assert owner.answers == [AtReply("AT", final="OK")]


def test_streamed_data_goes_to_the_sink_and_is_not_kept() -> None:
    for pieces in splits(READ_STREAM):
        owner = Owner()
        router = ReplyRouter(owner, SIM7600)
        received = bytearray()
        router.begin(
            Exchange.of(
                "AT+HTTPREAD=0,28",
                data_after=simcom_read,
                complete=lambda reply: "0" in reply.lines_with("+HTTPREAD:"),
                data_sink=received.extend,
            )
        )
        for piece in pieces:
            router.feed(piece)

        [reply] = owner.answers
        assert isinstance(reply, AtReply)
        assert (reply.chunks, reply.data_size) == ([], len(BODY))
        assert bytes(received) == BODY


class TooMuch(ModemError):
    """What a sink with a limit raises."""


def test_a_sink_that_refuses_data_refuses_the_reply_only_once_the_command_has_ended() -> None:
    """The modem prints all it announced anyway; the conversation must stay in step."""
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    kept = bytearray()

    def at_most_ten(piece: bytes) -> None:
        if len(kept) + len(piece) > 10:
            raise TooMuch("more than 10 bytes")
        kept.extend(piece)

    router.begin(
        Exchange.of(
            "AT+HTTPREAD=0,28",
            data_after=simcom_read,
            complete=lambda reply: "0" in reply.lines_with("+HTTPREAD:"),
            data_sink=at_most_ten,
        )
    )
    for byte in range(len(READ_STREAM) - 5):
        router.feed(READ_STREAM[byte : byte + 1])
    assert owner.answers == []  # the end marker has not come yet

    router.feed(READ_STREAM[-5:])
    [refused] = owner.answers
    assert isinstance(refused, TooMuch)
    assert len(kept) <= 10
    assert router.in_flight is None


def test_cpin_ready_after_a_pin_the_owner_entered_is_not_a_restart() -> None:
    """AT+CPIN="1234" answers OK; the module then prints +CPIN: READY and SMS DONE unasked."""
    clock = Clock()
    owner = Owner()
    router = ReplyRouter(owner, SIM7600, clock=clock)
    readiness: list[Urc] = []
    router.on_urc("+CPIN:", readiness.append)
    router.begin(Exchange.of('AT+CPIN="1234"'))
    router.expect("+CPIN: READY", within=30.0)

    router.feed(b"\r\nOK\r\n")
    clock.now += 2.0
    router.feed(b"\r\n+CPIN: READY\r\n\r\nSMS DONE\r\n")

    assert owner.restarts == []
    assert readiness == [Urc("+CPIN: READY")]


def test_an_expected_ready_line_is_taken_once_and_only_within_its_window() -> None:
    """A second +CPIN: READY, or one after the window, is a restart again."""
    clock = Clock()
    owner = Owner()
    router = ReplyRouter(owner, SIM7600, clock=clock)

    router.expect("+CPIN: READY", within=30.0)
    router.feed(b"\r\n+CPIN: READY\r\n")
    clock.now += BOOT_WINDOW + 1
    router.feed(b"\r\n+CPIN: READY\r\n")
    router.expect("+CPIN: READY", within=30.0)
    clock.now += 31.0
    router.feed(b"\r\n+CPIN: READY\r\n")

    assert owner.restarts == ["+CPIN: READY", "+CPIN: READY"]


def test_rdy_is_a_restart_even_while_a_ready_line_is_expected() -> None:
    """A module that reboots right after the PIN still says RDY: that is never expected."""
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    router.expect("+CPIN: READY", within=30.0)

    router.feed(b"\r\nRDY\r\n")

    assert owner.restarts == ["RDY"]


def test_a_sim_state_line_never_joins_another_commands_reply() -> None:
    """+CPIN: SIM PIN printed at boot while AT+CGMI is answered is unsolicited, not a reply line."""
    owner = Owner()
    router = ReplyRouter(owner, SIM7600)
    router.begin(Exchange.of("AT+CGMI"))

    router.feed(b"\r\nSIMCOM INCORPORATED\r\n\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")

    assert owner.answers == [AtReply("AT+CGMI", lines=["SIMCOM INCORPORATED"], final="OK")]


@pytest.mark.parametrize(
    ("stopped_on", "module_spoke"),
    [
        (b"\r\n+CME ERROR: 717\r\n\r\n+CGEV: NW PDN DEACT 1\r\n\r\n+VENDOR: 1\r\n", True),
        (b"\r\nRDY\r\n", True),
        (b"\r\n+CEREG: 5\r\n", True),
        (b"\x00\xff<html>", False),
        (b"<p>line one</p>\r\n<p>line two</p>\r\n", False),
        (b"\r\n", False),
    ],
)
def test_raw_data_that_stopped_is_seen_to_end_in_the_modules_own_lines(
    stopped_on: bytes, module_spoke: bool
) -> None:
    """A read counting 1000 body bytes stops: on the module's error, boot or URC lines, or a body.

    The module's lines inside the announced block are still data to the router; only the end of
    what arrived tells a stalled read that the module has spoken in the meantime.
    """
    router = ReplyRouter(Owner(), SIM7600)
    router.on_urc("+CEREG:", lambda _urc: None)
    router.begin(
        Exchange.of(
            "AT+HTTPREAD=0,1000",
            data_after=simcom_read,
            complete=lambda reply: "0" in reply.lines_with("+HTTPREAD:"),
        )
    )
    router.feed(b"\r\nOK\r\n\r\n+HTTPREAD: DATA,1000\r\n" + b"x" * 400 + stopped_on)

    assert router.in_raw_data
    assert router.raw_data_ends_in_a_line() is module_spoke


# A SIM7600 listing in PDU mode (27.005 3.4.2, `<alpha>` quoted as SIMCom prints it) with a new
# message announced between its two entries.
CMGL_STREAM = (
    b'\r\n+CMGL: 0,1,"",28\r\n07919471016700000406C923B46D0000993092516195800AE8329BFD4697D9EC37'
    b'\r\n+CMTI: "SM",2\r\n'
    b'\r\n+CMGL: 1,0,"",28\r\n07919471016700000406C923B46D0000993092516195800AE8329BFD4697D9EC37'
    b"\r\n\r\nOK\r\n"
)


def test_a_new_message_announced_amid_a_listing_goes_to_its_handler_not_the_listing() -> None:
    for pieces in splits(CMGL_STREAM):
        owner = Owner()
        router = ReplyRouter(owner, SIM7600)
        announced: list[Urc] = []
        router.on_urc("+CMTI:", announced.append)
        router.begin(Exchange.of("AT+CMGL=4"))
        for piece in pieces:
            router.feed(piece)

        assert announced == [Urc('+CMTI: "SM",2')]
        (reply,) = owner.answers
        assert isinstance(reply, AtReply)
        assert [line[:8] for line in reply.lines] == [
            "+CMGL: 0",
            "07919471",
            "+CMGL: 1",
            "07919471",
        ]


CMT_PDU = b"07919471016700000406C923B46D0000993092516195800AE8329BFD4697D9EC37"


def test_a_pushed_message_binds_its_pdu_line_even_in_the_middle_of_a_reply() -> None:
    """`+CMT: ,28` and the PDU on the next line are one URC (27.005 3.4.1, AT+CNMI mt=2)."""
    stream = b"\r\n+CSQ: 20,99\r\n\r\n+CMT: ,28\r\n" + CMT_PDU + b"\r\n\r\nOK\r\n"
    for pieces in splits(stream):
        owner = Owner()
        router = ReplyRouter(owner, SIM7600)
        pushed: list[Urc] = []
        router.on_urc("+CMT:", pushed.append, data_after=lambda _line: UntilTerminator(b"\r\n"))
        router.begin(Exchange.of("AT+CSQ"))
        for piece in pieces:
            router.feed(piece)

        assert pushed == [Urc("+CMT: ,28", CMT_PDU)]
        assert owner.answers == [AtReply("AT+CSQ", lines=["+CSQ: 20,99"], final="OK")]


@pytest.mark.parametrize(
    "stream",
    [
        b"\r\n+CMS ERROR: 310\r\n",  # no SIM: refused before the prompt
        b"\r\n+CMS ERROR: 331\r\n",
    ],
)
def test_a_final_instead_of_the_prompt_ends_the_command_without_a_prompt(stream: bytes) -> None:
    for pieces in splits(stream):
        owner = Owner()
        router = ReplyRouter(owner, SIM7600)
        router.begin(Exchange.of("AT+CMGS=24", prompt=Prompt.GREATER_THAN))
        for piece in pieces:
            router.feed(piece)

        assert owner.prompts == 0
        (error,) = owner.answers
        assert isinstance(error, AtCommandError)
        assert error.cms_code == int(stream.strip()[-3:])


def test_the_message_reference_after_the_payload_is_the_commands_reply() -> None:
    stream = b"\r\n> " + b"\r\n+CMGS: 17\r\n\r\nOK\r\n"
    for pieces in splits(stream):
        owner = Owner()
        router = ReplyRouter(owner, SIM7600)
        router.begin(Exchange.of("AT+CMGS=24", prompt=Prompt.GREATER_THAN))
        for piece in pieces:
            router.feed(piece)

        assert owner.prompts == 1
        assert owner.answers == [AtReply("AT+CMGS=24", lines=["+CMGS: 17"], final="OK")]
