"""What a modem needs before a request can work: a data bearer and, for HTTPS, its SSL context.

Every HTTP operation runs through `DataConnection.run`, which brings the bearer up first (once,
then only after a loss), configures the SSL context (once per modem session), and when a request
fails in a way that can mean "no bearer" reads the context state: if it is down, the bearer is
re-activated and the request retried once. A second failure, or a bearer that will not come up,
is a NoDataConnectionError naming the cause. All of it runs within the one deadline of the
operation that asked for it. A serial link that is down never counts as a lost bearer: that is
ModemDisconnectedError, and data connection listeners are not told anything about it.
"""

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from .bearer import Bearer, BearerSettings, NoDataConnectionError
from .deadline import Deadline
from .engine import AtEngine
from .errors import ModemDisconnectedError, ModemError
from .families import Family
from .tls import COMMAND_TIMEOUT, TlsSettings
from .validation import check_range

_LOGGER = logging.getLogger(__name__)

READ_TIMEOUT: Final = 10.0

DataConnectionListener = Callable[[NoDataConnectionError | None], None]
"""Told after each HTTP operation whether a data connection problem was its cause."""


class DataConnection:
    """The bearer and the SSL context of one modem, in its family's commands."""

    def __init__(
        self,
        engine: AtEngine,
        family: Family,
        bearer: BearerSettings | None = None,
        tls: TlsSettings | None = None,
    ) -> None:
        """Nothing is sent until the first operation needs it."""
        self.engine = engine
        self.family = family
        self.bearer = Bearer(family.bearer, bearer)
        self.bearer.attach(engine)
        self.tls: TlsSettings | None = None
        self._tls_done = False
        self._listeners: list[DataConnectionListener] = []
        self.set_tls(tls)

    def add_listener(self, listener: DataConnectionListener) -> Callable[[], None]:
        """Be told after each HTTP operation whether the data connection failed it."""
        self._listeners.append(listener)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return remove

    def forget(self) -> None:
        """The modem restarted or the port reconnected: it lost its bearer and SSL setup."""
        self.bearer.mark_down()
        self._tls_done = False

    def set_tls(self, tls: TlsSettings | None) -> None:
        """New TLS settings, applied before the next request (RequestRejected: bad context)."""
        limits = self.family.limits
        context = limits.default_ssl_context
        if tls is not None and tls.context_id is not None:
            context = check_range("context_id", tls.context_id, *limits.ssl_contexts)
        self.family.http.ssl_context = context
        self.tls = tls
        self._tls_done = False

    async def is_active(self, timeout: float) -> bool | None:
        """Whether the HTTP stack's PDP context is active now (None when it cannot be read)."""
        try:
            return await self.bearer.is_active(self.engine, timeout)
        except ModemError:
            return None

    async def prepare(self, deadline: Deadline) -> None:
        """SSL context (once per session) and bearer (until it is lost)."""
        if self.tls is not None and not self._tls_done:
            commands = self.family.tls.configuration(self.tls, self.family.http.ssl_context)
            for command in commands:
                await self.engine.command(command, timeout=deadline.step(COMMAND_TIMEOUT))
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
                _LOGGER.warning("The data connection was lost (%s), so it is activated again.", err)
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
        self._tell(None)
        return result

    async def _bearer_lost(self, err: ModemError, deadline: Deadline) -> bool:
        """Whether the failure came with the bearer down (read, not guessed)."""
        if isinstance(err, ModemDisconnectedError):
            return False  # the serial link or the modem itself went away, not the bearer
        if not self.bearer.suspect(err) and self.bearer.up:
            return False
        active = await self.is_active(deadline.step(READ_TIMEOUT))
        if active is False:
            self.bearer.mark_down()
        return active is False

    def _tell(self, error: NoDataConnectionError | None) -> None:
        for listener in list(self._listeners):
            try:
                listener(error)
            except Exception:
                _LOGGER.exception("A data connection listener failed.")


__all__ = ["DataConnection", "DataConnectionListener"]
