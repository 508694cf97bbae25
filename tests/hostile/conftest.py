"""The integration's service fixtures (emulated modems on TCP, a far end), reused here."""

from tests.integration.conftest import (  # noqa: F401 - pytest finds fixtures by name
    far_end,
    service_modem,
    service_modem_factory,
)
