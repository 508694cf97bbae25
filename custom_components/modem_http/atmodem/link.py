"""What a modem needs before its first request can work: a data bearer and, for HTTPS, TLS.

The Modem hands every HTTP transaction to `DataLink.run`, which brings the bearer up first (once,
then only after a loss), configures the SSL context (once per modem session), and when a request
fails in a way that can mean "no bearer" reads the context state: if it is down, the bearer is
re-activated and the request retried once. A second failure, or a bearer that will not come up,
is a NoDataConnectionError naming the cause. All of it runs within the one deadline of the
operation that asked for it. A serial link that is down never counts as a lost bearer: that is
ModemDisconnectedError, and data connection listeners are not told anything about it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Final

from .bearer import Bearer, BearerSettings, NoDataConnectionError
from .deadline import Deadline
from .engine import AtEngine
from .errors import ModemDisconnectedError, ModemError
from .tls import TlsSettings, configure_tls

_LOGGER = logging.getLogger(__name__)

_READ_TIMEOUT: Final = 10.0


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

    async def prepare(self, deadline: Deadline) -> None:
        """SSL context (once per session) and bearer (until it is lost)."""
        if self.tls is not None and not self._tls_done:
            await configure_tls(
                self.engine, self.family, self.tls, driver_ssl_context(self.driver), deadline
            )
            self._tls_done = True
        await self.bearer.ensure(self.engine, deadline)

    async def run[T](self, transaction: Callable[[], Awaitable[T]], deadline: Deadline) -> T:
        """Prepare, run the transaction, and recover once from a lost bearer."""
        try:
            await self.prepare(deadline)
            try:
                result = await transaction()
            except ModemError as err:
                if not await self._bearer_lost(err, deadline):
                    raise
                _LOGGER.warning("the data connection was lost (%s); re-activating it", err)
                await self.bearer.bring_up(self.engine, deadline)
                try:
                    result = await transaction()
                except ModemError as again:
                    if await self._bearer_lost(again, deadline):
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

    async def _bearer_lost(self, err: ModemError, deadline: Deadline) -> bool:
        """Whether the failure came with the bearer down (read, not guessed)."""
        if isinstance(err, ModemDisconnectedError):
            return False  # the serial link or the modem itself went away, not the bearer
        if not self.bearer.suspect(err) and self.bearer.up:
            return False
        try:
            active = await self.bearer.is_active(self.engine, deadline.step(_READ_TIMEOUT))
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


__all__ = ["DataLink"]
