"""Constants shared by the modem_http integration."""

from datetime import timedelta
from typing import Final

from .atmodem.families import DIALECTS

DOMAIN: Final = "modem_http"

CONF_DEVICE: Final = "device"
"""Serial device path or URL (socket://, rfc2217://, esphome://)."""
CONF_BAUDRATE: Final = "baudrate"
CONF_DIALECT: Final = "dialect"
CONF_SCAN_INTERVAL: Final = "scan_interval"
"""An option of config entries before version 1.2 (a user-set poll interval); migrated away."""
CONF_TIMEOUT: Final = "timeout"
CONF_PIN: Final = "pin"
"""The SIM's PIN (entry data), entered when the SIM asks for it; redacted in diagnostics."""
CONF_PIN_REFUSED: Final = "pin_refused"
"""True once the SIM refused the stored PIN: it is not entered again, not even after Home
Assistant restarts, until the reauthentication flow stores another (three wrong PINs lock a
SIM to its PUK)."""
CONF_PUK: Final = "puk"
CONF_NEW_PIN: Final = "new_pin"

DIALECT_AUTO: Final = "auto"
DIALECT_OPTIONS: Final = [DIALECT_AUTO, *DIALECTS]
"""What the config flow's dialect selector offers: detection, or one of the known families."""
BAUDRATES: Final = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]

DEFAULT_BAUDRATE: Final = 115200
SCAN_INTERVAL: Final = timedelta(seconds=60)
"""Time between status polls. A poll is four or five short AT queries on the local serial line
(nothing goes over the air; atmodem/status/reader.py lists them), and what it reads (SIM,
registration, serving cell, signal, data context) changes on a scale of minutes; the serial
link's own loss is noticed at once by a connection listener, and request figures are pushed
after every action, so polling faster buys nothing for most users. Those who want a fresh
reading now call `homeassistant.update_entity`."""
RECONNECT_BACKOFF: Final = timedelta(minutes=10)
"""After a failed attempt to bring a dropped data connection back, polls wait this long before
the next one (a refused APN stays refused; networks throttle hosts that keep asking)."""
DEFAULT_TIMEOUT: Final = 60
"""Default HTTP request timeout in seconds."""

EVENT_DOWNLOAD_COMPLETED: Final = "modem_http_download_completed"
EVENT_DOWNLOAD_FAILED: Final = "modem_http_download_failed"

# --- Config flow, coordinator and repairs ---

MIN_TIMEOUT: Final = 5
MAX_TIMEOUT: Final = 600

PROBE_TIMEOUT: Final = 10.0
"""Seconds the config flow gives a modem to open, answer AT and name its HTTP family."""
STATUS_TIMEOUT: Final = 10.0
"""Seconds a whole status poll (four to seven short commands) may take before it counts as failed.

Status commands run between the steps of a request in flight, so one may wait behind a long
HTTPREAD; a serial link that is down fails the poll within the link grace anyway."""

UNREACHABLE_ISSUE_AFTER: Final = 15 * 60
"""Seconds a modem may stay unreachable before a repair issue tells the user."""
ISSUE_MODEM_UNREACHABLE: Final = "modem_unreachable"

# --- Data bearer, TLS and modem control ---

CONF_APN: Final = "apn"
CONF_APN_USERNAME: Final = "apn_username"
CONF_APN_PASSWORD: Final = "apn_password"  # noqa: S105 - an option key, not a secret
CONF_APN_AUTH: Final = "apn_auth"
"""none, pap or chap."""
CONF_PDP_CONTEXT: Final = "pdp_context"
CONF_TLS_VERIFY: Final = "tls_verify"
"""none, server or mutual."""
CONF_CA_PATH: Final = "ca_path"
CONF_CLIENT_CERT_PATH: Final = "client_cert_path"
CONF_CLIENT_KEY_PATH: Final = "client_key_path"

APN_AUTH_OPTIONS: Final = ["none", "pap", "chap"]
TLS_VERIFY_OPTIONS: Final = ["none", "server", "mutual"]
DEFAULT_PDP_CONTEXT: Final = 1

MODEM_CA_FILE: Final = "modem_http_ca.pem"
MODEM_CLIENT_CERT_FILE: Final = "modem_http_client.pem"
MODEM_CLIENT_KEY_FILE: Final = "modem_http_client.key"
"""Names of the certificate files the integration keeps on the modem."""

ISSUE_NO_DATA_CONNECTION: Final = "no_data_connection"
ISSUE_SIM_LOCKED: Final = "sim_locked"
"""One issue per entry while the SIM wants a PIN or PUK the integration may not enter; its
translation key says which (sim_pin_refused, sim_pin_missing, sim_puk_required)."""

# --- SMS and notifications ---

CONF_DELETE_RECEIVED_SMS: Final = "delete_received_sms"
"""Option: free a received message's SIM slots once it was handed over (default on)."""
DEFAULT_DELETE_RECEIVED_SMS: Final = True
EVENT_SMS_RECEIVED: Final = "modem_http_sms_received"

SUBENTRY_SMS_RECIPIENT: Final = "sms_recipient"
"""A phone number that gets a notify entity (config subentry type)."""
SUBENTRY_WEBHOOK: Final = "webhook"
"""A URL that gets a notify entity, reached through the modem's HTTP stack."""
CONF_NUMBER: Final = "number"
CONF_URL: Final = "url"
CONF_METHOD: Final = "method"
CONF_BODY_TEMPLATE: Final = "body_template"
CONF_CONTENT_TYPE: Final = "content_type"
WEBHOOK_METHODS: Final = ["POST", "PUT"]
WEBHOOK_CONTENT_TYPES: Final = [
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
]
DEFAULT_BODY_TEMPLATE: Final = (
    '{"title": {{ title | to_json }}, "message": {{ message | to_json }}}'
)
"""A JSON body with the notification's title and message, each escaped as a JSON string."""
MAX_WEBHOOK_BODY_TEMPLATE: Final = 4096
