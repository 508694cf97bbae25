"""What a modem needs before its first request can work: a data bearer and, for HTTPS, TLS.

The Modem hands every HTTP transaction to `DataLink.run`, which brings the bearer up first (once,
then only after a loss), configures the SSL context (once per modem session), and when a request
fails in a way that can mean "no bearer" reads the context state: if it is down, the bearer is
re-activated and the request retried once. A second failure, or a bearer that will not come up,
is a NoDataConnectionError naming the cause.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Final

from .bearer import Bearer, BearerSettings, NoDataConnectionError
from .engine import AtEngine
from .errors import ModemError
from .tls import TlsSettings, configure_tls

_LOGGER = logging.getLogger(__name__)

BRING_UP_TIMEOUT: Final = 90.0
"""Registration wait plus a slow activation; a request's own timeout may cut it shorter."""


def driver_ssl_context(driver: object) -> int:
    """The SSL context the driver's HTTPS requests use."""
    for name in ("ssl_cfg_id", "ssl_ctx_id"):
        value = getattr(driver, name, None)
        if isinstance(value, int):
            return value
    return 0


def use_ssl_context(driver: object, ctx_id: int) -> None:
    """Point the driver's HTTPS requests at another SSL context."""
    for name in ("ssl_cfg_id", "ssl_ctx_id"):
        if hasattr(driver, name):
            setattr(driver, name, ctx_id)


class DataLink:
    """Bearer and TLS state of one modem."""

    def __init__(
        self,
        engine: AtEngine,
        family: str,
        driver: object,
        bearer: BearerSettings | None = None,
        tls: TlsSettings | None = None,
    ) -> None:
        """Nothing is sent until the first transaction."""
        self.engine = engine
        self.family = family
        self.driver = driver
        self.bearer = Bearer(family, bearer)
        self.bearer.attach(engine)
        self.tls = tls
        self._tls_done = False
        if tls is not None and tls.context_id is not None:
            use_ssl_context(driver, tls.context_id)
        self.listeners: list[Callable[[NoDataConnectionError | None], None]] = []
        """Told after each transaction whether a data connection problem was the cause."""

    def forget(self) -> None:
        """The modem restarted or the port reconnected: it lost its bearer and SSL setup."""
        self.bearer.mark_down()
        self._tls_done = False

    def set_tls(self, tls: TlsSettings | None) -> None:
        """New TLS settings, applied before the next request."""
        self.tls = tls
        self._tls_done = False
        if tls is not None and tls.context_id is not None:
            use_ssl_context(self.driver, tls.context_id)

    async def prepare(self, timeout: float = BRING_UP_TIMEOUT) -> None:
        """SSL context (once per session) and bearer (until it is lost)."""
        if self.tls is not None and not self._tls_done:
            await configure_tls(self.engine, self.family, self.tls, driver_ssl_context(self.driver))
            self._tls_done = True
        await self.bearer.ensure(self.engine, timeout)

    async def run[T](self, transaction: Callable[[], Awaitable[T]], timeout: float) -> T:
        """Prepare, run the transaction, and recover once from a lost bearer."""
        try:
            await self.prepare(timeout)
            try:
                result = await transaction()
            except ModemError as err:
                if not await self._bearer_lost(err):
                    raise
                _LOGGER.warning("the data connection was lost (%s); re-activating it", err)
                await self.bearer.bring_up(self.engine, timeout)
                try:
                    result = await transaction()
                except ModemError as again:
                    if await self._bearer_lost(again):
                        raise NoDataConnectionError(
                            f"the data connection dropped again right after re-activation ({again})"
                        ) from again
                    raise
        except NoDataConnectionError as err:
            self._tell(err)
            raise
        except ModemError:
            raise
        self._tell(None)
        return result

    async def _bearer_lost(self, err: ModemError) -> bool:
        """Whether the failure came with the bearer down (read, not guessed)."""
        if not self.bearer.suspect(err) and self.bearer.up:
            return False
        try:
            active = await self.bearer.is_active(self.engine)
        except ModemError:
            return False
        if not active:
            self.bearer.mark_down()
        return not active

    def _tell(self, error: NoDataConnectionError | None) -> None:
        for listener in list(self.listeners):
            try:
                listener(error)
            except Exception:
                _LOGGER.exception("data connection listener failed")


__all__ = ["BRING_UP_TIMEOUT", "DataLink"]
