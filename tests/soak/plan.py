"""The soak's script, drawn from one seed: which requests run and which faults are armed when.

Everything random is decided here, before anything runs, from `random.Random(f"{seed}/{dialect}")`:
request methods, bodies, headers, timeouts and tokens, and which fault is armed as which request
starts, with its parameters. Rerunning with the same seed replays the same script; only the
interleaving in time differs, because the modems, the far end and the callers run concurrently.
"""

import random
from dataclasses import dataclass, field, replace
from typing import Final

FAULT_KINDS: Final = (
    "split_output",
    "delay_replies",
    "garbage_line",
    "urc_in_reply",
    "urc_burst",
    "reset_mid_reply",
    "drop_connection",
    "stop_answering",
)
"""Every kind of fault the soak injects (the names of FaultPlan's methods where there is one)."""

# How often each fault is armed, relative to each other. Faults that cost whole timeouts (a modem
# that stops answering, replies slowed to the timeout) are rarer, so a bounded run still gets
# through its requests; every kind still fires many times in the default run.
_FAULT_WEIGHTS: Final = {
    "split_output": 14,
    "delay_replies": 5,
    "garbage_line": 14,
    "urc_in_reply": 14,
    "urc_burst": 14,
    "reset_mid_reply": 6,
    "drop_connection": 6,
    "stop_answering": 3,
}

# Unsolicited result codes real modules print at any time; none of them means "I rebooted"
# (RDY, +CPIN: READY) or belongs to the HTTP commands, so the engine must pass them by.
URCS: Final = (
    "+CREG: 1",
    "+CGREG: 5",
    '+CEREG: 1,"1A2B","01C3D4E5",7',
    "+CSQ: 23,99",
    "RING",
    '+CMTI: "SM",3',
    "+CGEV: NW MODIFY 1,0",
    '+QIURC: "pdpdeact",1',
    "+CPSI: LTE,Online,262-01,0x1A2B,27447301,319,EUTRAN-BAND3,1300,5,5,-94,-1045,-756,16",
    "+QIND: SMS DONE",
    "SMS DONE",
    "PB DONE",
)

# Line noise: what a flaky USB adapter or a chatty debug firmware puts on the line. None of it is
# a final result code or an HTTP command's own line (a modem printing a spurious "OK" would fool
# any host; that is not line noise).
_NOISE: Final = (
    b"\x00\x00\x00",
    b"\xff\xfe\xfd",
    b"~~~~",
    b"AT",
    b"+++",
    b"\x1b[0m",
    b"debug: tx 0x7e",
    b"+CME",
    b"O",
    b"ERR",
)

BODY_NOISE: Final = b"\r\nOK\r\n\x00+HTTPREAD: 0\r\n+QHTTPREAD: 0\r\nCONNECT\r\n\r\nERROR\r\n"
"""Put inside request bodies: what a sloppy reader would take for the modem's own output."""


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """One fault to arm as a request starts; the meaning of the numbers depends on the kind."""

    kind: str
    delay: float = 0.0
    """Seconds after the request starts at which the fault acts (drop, burst)."""
    duration: float = 0.0
    """How long a standing fault lasts (delay_replies, stop_answering), in seconds."""
    amount: float = 0.0
    """split: largest piece; delay_replies: the share of the timeout the commands take."""
    texts: tuple[bytes, ...] = ()
    """Garbage or URC lines."""
    seed: int = 0


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """One caller's request; the token makes its answer unmistakably its own."""

    index: int
    token: str
    method: str
    body: bytes | None
    headers: tuple[tuple[str, str], ...]
    timeout: float
    fault: FaultSpec | None = None


@dataclass
class SoakPlan:
    """All the requests for one modem, in the order callers take them."""

    dialect: str
    seed: int
    requests: list[RequestSpec] = field(default_factory=list)

    def faults(self) -> list[FaultSpec]:
        """The faults this plan arms, in order."""
        return [spec.fault for spec in self.requests if spec.fault is not None]


_METHODS: Final = {
    # dialect -> (method, weight); simcom has no PUT/PATCH, and sends DELETE without a body.
    "simcom": (("GET", 40), ("POST", 45), ("HEAD", 8), ("DELETE", 7)),
    "httpcfg": (("GET", 35), ("POST", 40), ("PUT", 10), ("PATCH", 5), ("HEAD", 5), ("DELETE", 5)),
    "quectel": (("GET", 35), ("POST", 40), ("PUT", 10), ("PATCH", 5), ("HEAD", 5), ("DELETE", 5)),
    # SIM800's AT+HTTPACTION has GET, POST and HEAD; SIM7080's AT+SHREQ no DELETE.
    "sim800": (("GET", 45), ("POST", 45), ("HEAD", 10)),
    "sim7080": (("GET", 40), ("POST", 40), ("PUT", 8), ("PATCH", 5), ("HEAD", 7)),
}
_MAX_BODY: Final = {"sim7080": 4096}
"""Families whose request bodies stop below the plan's largest (SIM7080's BODYLEN)."""
_CARRIES_BODY: Final = frozenset({"POST", "PUT", "PATCH"})


def make_plan(dialect: str, seed: int, count: int, *, fault_rate: float = 0.2) -> SoakPlan:
    """`count` requests for a modem of `dialect`, a fault armed at about `fault_rate` of them."""
    rng = random.Random(f"{seed}/{dialect}")
    plan = SoakPlan(dialect, seed)
    methods, weights = zip(*_METHODS[dialect], strict=True)
    for index in range(count):
        method = rng.choices(methods, weights)[0]
        token = f"{dialect[:2]}{index:06d}{rng.getrandbits(32):08x}"
        body = _body(rng, token) if method in _CARRIES_BODY else None
        if body is not None and dialect in _MAX_BODY:
            body = body[: _MAX_BODY[dialect]]
        headers: tuple[tuple[str, str], ...] = ()
        if rng.random() < 0.3:
            headers = (("X-Request-Token", token), ("Accept", "application/octet-stream"))
        timeout = round(rng.uniform(2.0, 3.0), 2)
        fault = _fault(rng, timeout) if rng.random() < fault_rate else None
        plan.requests.append(RequestSpec(index, token, method, body, headers, timeout, fault))
    _arm_missing_kinds(rng, plan)
    return plan


def _arm_missing_kinds(rng: random.Random, plan: SoakPlan) -> None:
    """Give every fault kind the draw left out to a request without a fault.

    A long plan draws every kind many times over and is left as drawn; a short one (the default
    test run's) could miss the rare kinds, and a soak that never pulls the cable proves nothing
    about pulled cables.
    """
    drawn = {fault.kind for fault in plan.faults()}
    missing = [kind for kind in FAULT_KINDS if kind not in drawn]
    calm = [spec for spec in plan.requests if spec.fault is None]
    for kind, spec in zip(missing, rng.sample(calm, min(len(missing), len(calm))), strict=False):
        fault = _fault_of_kind(rng, kind, spec.timeout)
        plan.requests[spec.index] = replace(spec, fault=fault)


def _body(rng: random.Random, token: str) -> bytes:
    """Mostly small, sometimes a few KiB, rarely 40 KiB (more than one SIMCom read chunk)."""
    roll = rng.random()
    if roll < 0.1:
        size = 0
    elif roll < 0.75:
        size = rng.randint(1, 300)
    elif roll < 0.98:
        size = rng.randint(301, 6000)
    else:
        size = rng.randint(33_000, 40_000)
    if size == 0:
        return b""
    stamp = token.encode() + BODY_NOISE
    filler = rng.randbytes(max(0, size - len(stamp)))
    return (stamp + filler)[:size]


def _fault(rng: random.Random, timeout: float) -> FaultSpec:
    kinds, weights = zip(*_FAULT_WEIGHTS.items(), strict=True)
    return _fault_of_kind(rng, rng.choices(kinds, weights)[0], timeout)


def _fault_of_kind(rng: random.Random, kind: str, timeout: float) -> FaultSpec:
    match kind:
        case "split_output":
            return FaultSpec(
                kind,
                duration=rng.uniform(0.3, 1.5),
                amount=rng.randint(1, 48),
                seed=rng.randint(0, 2**31),
            )
        case "delay_replies":
            # The commands of one request take from 60 % to 130 % of its timeout.
            return FaultSpec(kind, duration=rng.uniform(0.5, 2.0), amount=rng.uniform(0.6, 1.3))
        case "garbage_line":
            texts = tuple(
                rng.choice(_NOISE) if rng.random() < 0.6 else _random_noise(rng)
                for _ in range(rng.randint(1, 3))
            )
            return FaultSpec(kind, texts=texts)
        case "urc_in_reply":
            picked = rng.sample(URCS, rng.randint(1, 3))
            return FaultSpec(kind, texts=tuple(urc.encode() for urc in picked))
        case "urc_burst":
            picked = [rng.choice(URCS) for _ in range(rng.randint(2, 12))]
            return FaultSpec(
                kind, delay=rng.uniform(0.0, 0.6), texts=tuple(urc.encode() for urc in picked)
            )
        case "drop_connection":
            return FaultSpec(kind, delay=rng.uniform(0.0, 0.6))
        case "stop_answering":
            return FaultSpec(kind, duration=rng.uniform(0.3, min(2.5, timeout)))
        case _:
            return FaultSpec(kind)


def _random_noise(rng: random.Random) -> bytes:
    """Random bytes without CR or LF (those would make it two lines, or none)."""
    data = rng.randbytes(rng.randint(1, 40))
    return data.replace(b"\r", b".").replace(b"\n", b".")
