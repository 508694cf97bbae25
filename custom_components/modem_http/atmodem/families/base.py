"""What a module family is: the one object that knows how its modules do each job.

Modules of one family speak the same command set. Detection picks the family (each declares the
probe only its modules answer); from then on the engine, the Modem and the data connection ask the
family object and never compare names. A family owns:

- `http`: the HTTP driver, which checks a request against the family's limits and turns it into
  a plan of commands (`plan()`), which it then executes, and says how a cut download resumes
  (`resume`);
- `bearer`: the commands that read and bring up the packet data context the HTTP stack uses;
- `tls`: the SSL context configuration, and how certificate files get onto the module;
- `lines`: what its modules print unasked (boot progress, HTTP and bearer events);
- `status`: the commands that read the serving cell and signal, the module's temperature and data
  counters, the SIM's retry counters and ICCID (status/standard.py; the 27.007 readings are
  `StandardStatus`, which families extend);
- `sms`: the SMS commands (27.005 PDU mode), with the family's ready line, storage and
  `+CMS ERROR` numbers;
- `limits`: methods, body size, URL and file name lengths, SSL contexts;
- `unsafe_commands`: commands a user's raw command may not be (payloads, raw output, line
  settings), for the troubleshooting command.

A new member is added here and to each family; a new family is a
package under families/ implementing these protocols, listed in families/__init__.py.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from ..bearer import BearerCommands
from ..deadline import Deadline
from ..engine import AtEngine
from ..errors import AtCommandError
from ..request import HttpRequest, ResponseBody
from ..response import HttpResponse
from ..resume_facts import HeaderCarrier
from ..router import LineTables
from ..sms import CmsCause, StoredMessage, SubmitPart
from ..status import StatusCommands
from ..tls import TlsSettings


@dataclass(frozen=True, slots=True)
class Probe:
    """A command whose test form only this family's modules answer, and the prefix they answer."""

    command: str
    answer: str


@dataclass(frozen=True, slots=True)
class Limits:
    """What the family's manual allows; requests beyond it are refused before anything is sent."""

    methods: frozenset[str]
    """HTTP methods the family can send."""
    max_body: int
    """Largest request body in bytes."""
    max_url: int
    max_file_name: int
    """Longest name of a file on the module (HTTPPOSTFILE, HTTPREADFILE, certificates)."""
    ssl_contexts: tuple[int, int]
    """The SSL context ids the HTTP stack can use (inclusive range)."""
    default_ssl_context: int


class RequestPlan(Protocol):
    """A request checked in full and turned into the family's commands; nothing is sent yet."""

    @property
    def method(self) -> str:
        """The HTTP method (upper-case)."""

    async def execute(
        self, engine: AtEngine, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """Send the commands and read the response, every step within `deadline`.

        The response body goes to `body` (which enforces the caller's limit); the returned
        response carries what `body` collected. Raises ModemHttpError for the modem's own HTTP
        errors, ModemTimeoutError, ModemDisconnectedError, ResponseTooLargeError.
        """


type Runner[D] = Callable[[AtEngine, D, Deadline, ResponseBody], Awaitable[HttpResponse]]
"""A driver step that executes a plan's details."""


@dataclass(frozen=True, slots=True)
class Planned[D]:
    """A RequestPlan: the checked details of a request, and the driver step that executes them."""

    method: str
    details: D
    runner: Runner[D]

    async def execute(
        self, engine: AtEngine, deadline: Deadline, body: ResponseBody
    ) -> HttpResponse:
        """Run the driver's step on the details."""
        return await self.runner(engine, self.details, deadline, body)


@dataclass(frozen=True, slots=True)
class ResumeSupport:
    """How a family resumes a download that was cut (resume.py decides what to send).

    `carrier` is what its ranged request can carry besides the range (an If-Range with a quoted
    entity-tag, a date, or nothing); None refuses resuming, for the `reason` given: a cut
    download is then failed, never continued. `piece_size` asks for the body in closed ranges
    of at most that many bytes, for a family that could not keep the part of a read that came
    through before a cut (None: the whole rest at once, streamed).
    """

    carrier: HeaderCarrier | None
    piece_size: int | None = None
    reason: str = ""


class HttpDriver(Protocol):
    """The family's HTTP stack: plans requests, and puts the stack in the state plans rely on."""

    ssl_context: int
    """The SSL context HTTPS requests use (within the family's limits)."""

    @property
    def resume(self) -> ResumeSupport:
        """How a cut download is resumed with this family's requests."""

    def plan(self, request: HttpRequest) -> RequestPlan:
        """Check the request against the family's limits (RequestRejected) and plan it."""

    def plan_post_file(self, url: str, file_name: str) -> RequestPlan:
        """POST a file already in the module's file system as the body."""

    def plan_download(self, url: str, file_name: str, *, certificate: bool = False) -> RequestPlan:
        """GET url and let the module store the body under file_name.

        With `certificate`, the file goes where the SSL configuration finds certificates.
        """

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """Put the HTTP stack in the state plans rely on; after every restart or reconnect."""


class TlsCommands(Protocol):
    """How the family configures an SSL context and gets certificate files onto the module."""

    def configuration(self, settings: TlsSettings, context: int) -> list[str]:
        """The commands that configure SSL context `context` for `settings`."""

    def file_name(self, name: str) -> str:
        """How the SSL commands name a certificate file stored as `name`."""

    async def upload(self, engine: AtEngine, name: str, data: bytes, deadline: Deadline) -> str:
        """Store a certificate file; the name SSL commands use. UnsupportedOperation if it can't."""


class SmsCommands(Protocol):
    """How the family's modules send, list, read and delete SMS (sms_commands.py)."""

    @property
    def ready_line(self) -> str:
        """What the modules print once SMS commands work after a boot (`SMS DONE`)."""

    @property
    def storage(self) -> str:
        """The message storage used for reading, writing and receiving ("SM": the SIM)."""

    def cause(self, err: AtCommandError) -> CmsCause | None:
        """What a `+CMS ERROR` means on this family; None for other failures."""

    async def setup(self, engine: AtEngine, deadline: Deadline) -> None:
        """PDU mode, the storage, new messages announced by `+CMTI`; after every restart."""

    async def send(self, engine: AtEngine, part: SubmitPart, deadline: Deadline) -> int:
        """Send one SMS-SUBMIT part; its message reference (SmsRejected on `+CMS ERROR`)."""

    async def list_messages(
        self, engine: AtEngine, deadline: Deadline, *, unread_only: bool
    ) -> list[StoredMessage]:
        """The messages in the storage (all, or the unread ones)."""

    async def read(self, engine: AtEngine, index: int, deadline: Deadline) -> StoredMessage | None:
        """The message at `index`; None for an empty slot."""

    async def delete(self, engine: AtEngine, index: int, deadline: Deadline) -> None:
        """Free the slot at `index`."""


class Family(Protocol):
    """One module family, as detection created it for one modem."""

    @property
    def name(self) -> str:
        """The family's identifier: the dialect string of the public contract."""

    @property
    def http(self) -> HttpDriver:
        """The HTTP driver."""

    @property
    def bearer(self) -> BearerCommands:
        """The data context commands."""

    @property
    def tls(self) -> TlsCommands:
        """The SSL and certificate commands."""

    @property
    def status(self) -> StatusCommands:
        """The status commands of its own, beyond 27.007."""

    @property
    def sms(self) -> SmsCommands:
        """The SMS commands."""

    @property
    def lines(self) -> LineTables:
        """What the family's modules print unasked."""

    @property
    def limits(self) -> Limits:
        """What the family's manual allows."""

    @property
    def unsafe_commands(self) -> frozenset[str]:
        """Extended command names (`+HTTPREAD`) a user's raw command may not use."""


class FamilyKind(Protocol):
    """A family before a modem is known: its name, its probe and its tables (the class itself)."""

    name: str
    probe: Probe
    lines: LineTables
    unsafe_commands: frozenset[str]
    limits: Limits

    def __call__(self) -> Family:
        """A fresh family object for one modem."""


__all__ = [
    "BearerCommands",
    "Family",
    "FamilyKind",
    "HttpDriver",
    "Limits",
    "Planned",
    "Probe",
    "RequestPlan",
    "ResumeSupport",
    "SmsCommands",
    "StatusCommands",
    "TlsCommands",
]
