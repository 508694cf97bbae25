"""Diagnostics: what a bug report needs, with the modem's and SIM's identities left out.

The IMEI, ICCID and IMSI identify a person's line and the SIM's PIN unlocks it; credentials can
sit in a serial URL (`rfc2217://user:pass@host`, ESPHome keys) and in request headers. All are
redacted here. What the SIM is kept as far as it helps a bug report: the country and network its
IMSI starts with (whose SIM it is, compared with the network the modem is on).
Recipients' numbers and webhooks' URLs (which hold tokens) are left out: only how many of each
there are, and the webhooks' methods and content types, are reported.
"""

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .atmodem import ModemStatus
from .atmodem.transport import redact_url
from .const import (
    CONF_CONTENT_TYPE,
    CONF_DELETE_RECEIVED_SMS,
    CONF_DEVICE,
    CONF_METHOD,
    DEFAULT_DELETE_RECEIVED_SMS,
    SUBENTRY_SMS_RECIPIENT,
    SUBENTRY_WEBHOOK,
)
from .fallback import fallback_problem
from .models import ModemHttpConfigEntry

TO_REDACT = {
    "imei",
    "iccid",
    "imsi",
    "pin",
    "puk",
    "serial_number",
    "unique_id",
    "authorization",
    "Authorization",
    "proxy-authorization",
    "Proxy-Authorization",
    "password",
    "username",
    "apn_password",
    "apn_username",
    # The serving cell's identity places the home on public cell maps; the address is the
    # SIM's on the operator's network. Technology, band and signal stay: they explain problems.
    "cell_id",
    "area_code",
    "physical_id",
    "ipv4",
    "ipv6",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ModemHttpConfigEntry
) -> dict[str, Any]:
    """The entry, the modem's identity and dialect, its last status and request figures."""
    coordinator = entry.runtime_data.coordinator
    modem = entry.runtime_data.modem
    data = dict(entry.data)
    if isinstance(data.get(CONF_DEVICE), str):
        data[CONF_DEVICE] = redact_url(data[CONF_DEVICE])
    status = coordinator.data.status
    stats = coordinator.data.requests
    diagnostics = {
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "data": data,
            "options": dict(entry.options),
        },
        "device": {
            **asdict(coordinator.identity),
            "dialect": modem.dialect,
            "methods": sorted(modem.methods),
            "max_body": modem.max_body,
        },
        "connection": {
            "connected": modem.connected,
            "last_update_success": coordinator.last_update_success,
            "last_exception": (
                str(coordinator.last_exception) if coordinator.last_exception else None
            ),
        },
        "status": _status(status),
        "sim": _sim(status),
        "fallback_problem": fallback_problem(coordinator.reachable, status),
        "readings": sorted(modem.readings),
        "notifications": {
            "sms_recipients": len(entry.get_subentries_of_type(SUBENTRY_SMS_RECIPIENT)),
            "webhooks": [
                {
                    "method": sub.data.get(CONF_METHOD),
                    "content_type": sub.data.get(CONF_CONTENT_TYPE),
                }
                for sub in entry.get_subentries_of_type(SUBENTRY_WEBHOOK)
            ],
            "inbox_running": modem.inbox.running,
            "delete_received_sms": entry.options.get(
                CONF_DELETE_RECEIVED_SMS, DEFAULT_DELETE_RECEIVED_SMS
            ),
        },
        "requests": {
            "last": asdict(stats.last) if stats.last is not None else None,
            "last_failure": asdict(stats.last_failure) if stats.last_failure else None,
            "bytes_sent": stats.bytes_sent,
            "bytes_received": stats.bytes_received,
            "requests": stats.requests,
            "failures": stats.failures,
        },
    }
    return async_redact_data(diagnostics, TO_REDACT)


def _status(status: ModemStatus | None) -> dict[str, Any] | None:
    """The last poll, addresses as text (the IMSI is redacted with the other identities)."""
    if status is None:
        return None
    found = asdict(status)
    address = status.address
    found["address"] = (
        None
        if address is None
        else {"cid": address.cid, "ipv4": _text(address.ipv4), "ipv6": _text(address.ipv6)}
    )
    found["imsi"] = status.imsi.value if status.imsi is not None else None
    return found


def _sim(status: ModemStatus | None) -> dict[str, Any] | None:
    """The SIM's home country and network: the first five and six digits of its IMSI.

    Which of the two is the home network depends on the country (2- or 3-digit MNC); both are
    shown, neither identifies the subscriber.
    """
    if status is None or status.imsi is None:
        return None
    imsi = status.imsi.value
    return {
        "home_mcc": imsi[:3],
        "home_plmn_2_digit_mnc": imsi[:5],
        "home_plmn_3_digit_mnc": imsi[:6],
    }


def _text(value: object) -> str | None:
    return None if value is None else str(value)
