"""send_sms: a text message to one or more phone numbers through the modem.

Every number is checked (E.164) before the first message goes out, and the text is checked by the
codec before anything reaches the modem (empty, control characters, too many parts), so a bad
call changes nothing. Numbers are then sent to in order, each message queued behind the modem's
HTTP requests like any operation; a failure stops the rest and is raised translated. The response
lists each number with the message references the network gave its parts.
"""

from typing import Final

import probatio as vol
from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv
from homeassistant.util.json import JsonValueType

from ..atmodem import ModemError, SentSms
from ..atmodem.sms import SmsError, validate_e164
from ..models import ModemHttpConfigEntry
from .errors import library_error
from .fields import ATTR_TIMEOUT, ENTRY_FIELD, request_timeout
from .target import modem_entry

ATTR_NUMBER: Final = "number"
ATTR_MESSAGE: Final = "message"
MAX_NUMBERS: Final = 10
"""A runaway template should not text a whole phone book."""

SEND_SMS_SCHEMA: Final = vol.Schema(
    {
        **ENTRY_FIELD,
        vol.Required(ATTR_NUMBER): vol.All(
            cv.ensure_list, [cv.string], vol.Length(min=1, max=MAX_NUMBERS)
        ),
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_TIMEOUT): vol.All(vol.Coerce(float), vol.Range(min=1, max=600)),
    }
)


async def async_send_text(
    entry: ModemHttpConfigEntry, number: str, text: str, timeout: float
) -> SentSms:
    """Send one message through the entry's modem; failures come back translated."""
    try:
        return await entry.runtime_data.modem.send_sms(number, text, timeout=timeout)
    except (ModemError, SmsError, TimeoutError) as err:
        raise library_error(err, timeout=timeout) from err


async def async_send_sms(call: ServiceCall) -> ServiceResponse:
    """modem_http.send_sms."""
    entry = modem_entry(call)
    numbers: list[str] = list(dict.fromkeys(call.data[ATTR_NUMBER]))
    text: str = call.data[ATTR_MESSAGE]
    timeout = request_timeout(entry, call.data)
    for number in numbers:
        try:
            validate_e164(number)
        except SmsError as err:
            raise library_error(err, timeout=timeout) from err
    messages: list[JsonValueType] = []
    for number in numbers:
        sent = await async_send_text(entry, number, text, timeout)
        messages.append({"number": number, "references": list(sent.references)})
    return {"messages": messages}
