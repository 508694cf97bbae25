"""The admin send_command action: one AT command, the modem's answer lines back."""

from typing import Any

import pytest
from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError, Unauthorized

from custom_components.modem_http.const import DOMAIN

from .conftest import ModemLink, call_service

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_a_command_returns_the_modems_answer(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink
) -> None:
    response = await call_service(hass, "send_command", command="AT+CSQ")

    assert response == {"command": "AT+CSQ", "lines": ["+CSQ: 20,99"], "final": "OK"}


async def test_the_modems_error_is_an_answer_not_a_failure(
    hass: HomeAssistant, loaded_entry: Any
) -> None:
    response = await call_service(hass, "send_command", command="AT+NOSUCHCOMMAND")

    assert response["final"] == "ERROR"
    assert response["lines"] == []


async def test_a_multi_line_answer_comes_back_whole(hass: HomeAssistant, loaded_entry: Any) -> None:
    response = await call_service(hass, "send_command", command="AT+CGDCONT?")

    assert response["lines"][0].startswith('+CGDCONT: 1,"IP","internet"')
    assert response["final"] == "OK"


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("ATE1", "only ATI and AT&V"),
        ("AT+CFUN=1,1", "use the restart button"),
        ("AT+IPR=9600", "would break the session"),
        ("AT+CMEE=2", "would break the session"),
        ("ATD*99#", "only ATI and AT&V"),
        ("+++", "leave command mode"),
        ('AT+HTTPPARA="URL","x', "unbalanced quote"),
        ("AT+CSQ;E1", "single command"),
        ("AT+HTTPDATA=5,10", "takes a payload"),
    ],
)
async def test_commands_that_would_break_the_session_are_refused(
    hass: HomeAssistant, loaded_entry: Any, modem_link: ModemLink, command: str, reason: str
) -> None:
    echo_before = modem_link.modem.echo

    with pytest.raises(ServiceValidationError) as caught:
        await call_service(hass, "send_command", command=command)

    assert caught.value.translation_key == "command_refused"
    assert reason in str(caught.value)
    assert modem_link.modem.echo == echo_before
    # The modem still answers the library as before.
    assert (await call_service(hass, "send_command", command="AT"))["final"] == "OK"


async def test_only_administrators_may_send_commands(
    hass: HomeAssistant, loaded_entry: Any, hass_read_only_user: User
) -> None:
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "send_command",
            {"command": "AT+CSQ"},
            blocking=True,
            return_response=True,
            context=Context(user_id=hass_read_only_user.id),
        )
