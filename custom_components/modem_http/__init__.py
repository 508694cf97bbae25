"""The Modem HTTP integration: HTTP(S) requests through a cellular modem's own HTTP stack."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN

__all__ = ["DOMAIN", "async_setup"]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up the integration; services are registered here once (later issues)."""
    return True
