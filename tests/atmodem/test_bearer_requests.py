"""Data bearer stories: a fresh module, the user's APN, a dropped connection, a wrong APN."""

import pytest

from custom_components.modem_http.atmodem import (
    AtCommandError,
    AuthType,
    BearerSettings,
    ModemHttpError,
    NoDataConnectionError,
    RequestRejected,
    ResponseCutError,
)
from modem_emulator.bearer import drop_bearer

from .bearer_fixtures import (
    ACTIVATION,
    BEARER_WORDS,
    CONNECT_FAILED,
    FAMILIES,
    HTTP_BINDING,
    NO_BEARER_CODE,
    bearer_rig,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

REQUEST_WORDS = ("HTTPACTION", "HTTPGET", "SHREQ")
"""The commands that send a request, in each family."""


@pytest.mark.parametrize("family", FAMILIES)
async def test_first_request_on_a_fresh_modem_brings_the_bearer_up(family, aiohttp_server) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        assert not rig.emulator.network.context_active(1)

        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert response.body == b"hello"
        assert rig.emulator.network.context_active(1)
        assert rig.count(ACTIVATION[family]) == 1
        if (binding := HTTP_BINDING[family]) is not None:
            assert binding in rig.commands()


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_healthy_bearer_is_only_read_once(family, aiohttp_server) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        mark = len(rig.sent)

        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        later = rig.sent[mark:].decode()
        assert [word for word in BEARER_WORDS if word in later] == []


async def test_a_context_already_up_is_left_alone(aiohttp_server) -> None:
    def already_up(emulator) -> None:
        emulator.network.contexts[1].active = True

    async with bearer_rig("simcom", aiohttp_server, prepare=already_up) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert "AT+CGACT?" in rig.commands()
        assert rig.count("AT+CGACT=1,1") == 0
        assert not [c for c in rig.commands() if c.startswith("AT+CGDCONT=")]


CREDENTIAL_COMMANDS = {
    # SIMCom's AT+CGAUTH takes the password before the user name.
    "simcom": ['AT+CGAUTH=1,1,"s3cret","dev"'],
    "httpcfg": ['AT+CGAUTH=1,1,"dev","s3cret"'],
    "quectel": ['AT+QICSGP=1,1,"m2m.example","dev","s3cret",1'],
    "sim800": [
        'AT+SAPBR=3,1,"APN","m2m.example"',
        'AT+SAPBR=3,1,"USER","dev"',
        'AT+SAPBR=3,1,"PWD","s3cret"',
    ],
    "sim7080": ['AT+CNCFG=0,1,"m2m.example","dev","s3cret",1'],
}
AUTH_TYPE_SET = {"simcom": 1, "httpcfg": 1, "quectel": 1, "sim800": 0, "sim7080": 1}
"""AT+SAPBR has no authentication type: the network negotiates PAP or CHAP itself."""


@pytest.mark.parametrize("family", FAMILIES)
async def test_the_users_apn_and_credentials_are_configured(family, aiohttp_server) -> None:
    settings = BearerSettings(
        apn="m2m.example", username="dev", password="s3cret", auth=AuthType.PAP
    )

    def strict_network(emulator) -> None:
        emulator.network.working_apns = {"m2m.example"}
        emulator.network.credentials = {"m2m.example": ("dev", "s3cret")}

    async with bearer_rig(family, aiohttp_server, bearer=settings, prepare=strict_network) as rig:
        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert response.status == 200
        context = rig.emulator.network.contexts[1]
        assert (context.apn, context.username, context.password, context.auth) == (
            "m2m.example",
            "dev",
            "s3cret",
            AUTH_TYPE_SET[family],
        )
        sent = rig.commands()
        assert [c for c in CREDENTIAL_COMMANDS[family] if c not in sent] == []


@pytest.mark.parametrize("family", FAMILIES)
async def test_bearer_loss_mid_session_recovers_with_one_retry(family, aiohttp_server) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        # The network takes the context away and says so (+CGEV / +QIURC "pdpdeact").
        rig.emulator.network.cgerep = 2
        drop_bearer(rig.emulator)

        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert response.body == b"hello"
        assert rig.count(ACTIVATION[family]) == 2


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_silent_bearer_loss_is_found_by_the_failed_request(family, aiohttp_server) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        hits = rig.far.hits
        rig.emulator.network.contexts[1].active = False  # no URC at all

        response = await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        # The modem's no-bearer error, a read confirming the context is down, re-activation, and
        # the one retry that reached the server.
        assert response.body == b"hello"
        assert rig.far.hits == hits + 1
        assert rig.count(ACTIVATION[family]) == 2


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_connect_failure_with_the_bearer_up_is_not_retried(family, aiohttp_server) -> None:
    async with bearer_rig(family, aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        with pytest.raises(ModemHttpError) as caught:
            # Nothing listens on port 9: a genuine connection failure, the bearer is fine.
            await rig.modem.http_request("GET", "http://127.0.0.1:9/", timeout=10)

        # Its number may be one of the family's no-bearer codes (601, 3): a read clears the bearer.
        assert caught.value.code == CONNECT_FAILED[family]
        assert rig.count(ACTIVATION[family]) == 1


REFUSAL_CAUSE = {
    "simcom": AtCommandError,
    "httpcfg": AtCommandError,
    "quectel": AtCommandError,
    "sim800": AtCommandError,
    "sim7080": type(None),
}
"""What a refused activation comes as: the activation command's error, or (AT+CNACT) the
`+APP PDP: 0,DEACTIVE` URC after its OK."""


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_wrong_apn_is_a_named_no_data_connection_error(family, aiohttp_server) -> None:
    def strict_network(emulator) -> None:
        emulator.network.working_apns = {"internet"}

    settings = BearerSettings(apn="wrong.apn")
    async with bearer_rig(family, aiohttp_server, bearer=settings, prepare=strict_network) as rig:
        with pytest.raises(NoDataConnectionError) as caught:
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert "refused to activate PDP context 1 with wrong.apn" in str(caught.value)
        assert "check the APN" in caught.value.cause
        assert type(caught.value.__cause__) is REFUSAL_CAUSE[family]
        assert rig.far.hits == 0
        assert not [c for c in rig.commands() if any(w in c for w in REQUEST_WORDS)]


async def test_no_registration_gives_up_after_the_timeout(aiohttp_server) -> None:
    def searching(emulator) -> None:
        emulator.network.registration = 2

    settings = BearerSettings(registration_timeout=1.5)
    async with bearer_rig("quectel", aiohttp_server, bearer=settings, prepare=searching) as rig:
        with pytest.raises(NoDataConnectionError) as caught:
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert "not registered on the network (state searching)" in str(caught.value)
        assert rig.count("AT+QIACT=1") == 0


async def test_a_bearer_that_drops_again_at_once_is_no_data_connection(aiohttp_server) -> None:
    async with bearer_rig("httpcfg", aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        real_activate = rig.emulator.handler_for("+CGACT")
        assert real_activate is not None

        async def flaky(emulator, req):  # activation "works", the context never stays up
            await real_activate(emulator, req)
            emulator.network.contexts[1].active = False

        rig.emulator.register("+CGACT", flaky)
        rig.emulator.network.contexts[1].active = False

        with pytest.raises(NoDataConnectionError) as caught:
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)

        assert "dropped again" in str(caught.value)
        assert isinstance(caught.value.__cause__, ModemHttpError)
        assert caught.value.__cause__.code == NO_BEARER_CODE["httpcfg"]


@pytest.mark.parametrize(
    ("field", "settings"),
    [
        ("apn", {"apn": 'x"+CFUN=0'}),
        ("password", {"password": "a\r\nAT"}),
        ("cid", {"cid": 0}),
        ("auth", {"auth": 7}),
    ],
)
def test_bad_bearer_settings_are_refused(field, settings) -> None:
    with pytest.raises(RequestRejected) as caught:
        BearerSettings(**settings)

    assert caught.value.field == field


def test_the_password_stays_out_of_logs() -> None:
    assert "s3cret" not in repr(BearerSettings(apn="a", username="u", password="s3cret"))


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_streamed_body_is_never_written_twice_by_the_bearer_retry(
    family, aiohttp_server
) -> None:
    """The bearer drops just as a streamed download ends.

    The caller gets a typed error, and what the sink already has is not streamed again by the retry.
    """
    async with bearer_rig(family, aiohttp_server) as rig:
        await rig.modem.http_request("GET", f"{rig.base}/", timeout=10)
        real_request = rig.modem.family.http.request
        received: list[bytes] = []

        async def request_then_lose_the_bearer(engine, plan, deadline, body):
            await real_request(engine, plan, deadline, body)
            rig.emulator.network.contexts[1].active = False
            raise ModemHttpError(NO_BEARER_CODE[family], "connection lost")

        rig.modem.family.http.request = request_then_lose_the_bearer  # type: ignore[method-assign]

        async def sink(chunk: bytes) -> None:
            received.append(chunk)

        with pytest.raises(ResponseCutError) as cut:
            await rig.modem.http_request("GET", f"{rig.base}/", timeout=10, body_sink=sink)

        assert b"".join(received) == b"hello"
        assert cut.value.received == 5  # what the caller has; a resumed download asks for more
