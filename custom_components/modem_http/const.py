"""Constants shared by the modem_http integration."""

from typing import Final

DOMAIN: Final = "modem_http"
