"""What the soak saw: every request's outcome and latency, summed up as the table the report quotes.

An outcome is `success` (status 200 and the caller's own token and body back, byte for byte), the
name of a typed `ModemError` subclass, or a defect: `wrong_response` (someone else's answer, or a
corrupted one), `untyped:<Exception>` (an error outside the library's hierarchy), `late` (ended
after its timeout plus the allowed grace) or `hung` (never ended; the watchdog stopped it).
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Final

DEFECTS: Final = ("wrong_response", "untyped", "late", "hung")


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one request ended."""

    dialect: str
    index: int
    method: str
    kind: str
    latency: float
    timeout: float
    detail: str = ""

    @property
    def defect(self) -> bool:
        """True for outcomes the soak must never see."""
        return self.kind.split(":")[0] in DEFECTS


@dataclass
class Ledger:
    """Outcomes and injected faults of one soak run, across modems."""

    seed: int
    grace: float
    outcomes: list[Outcome] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    final_checks: dict[str, str] = field(default_factory=dict)
    """dialect -> outcome of the clean request after the faults stopped."""
    leaks: dict[str, str] = field(default_factory=dict)
    """resource -> description of what was left over (empty: nothing)."""
    far_end_served: int = 0
    wall_seconds: float = 0.0

    def add(self, outcome: Outcome) -> None:
        """Record one request's end."""
        self.outcomes.append(outcome)

    @property
    def defects(self) -> list[Outcome]:
        """Every request that ended in a way it never may."""
        return [outcome for outcome in self.outcomes if outcome.defect]

    def table(self) -> str:
        """The report, as plain text lines."""
        by_dialect: dict[str, list[Outcome]] = {}
        for outcome in self.outcomes:
            by_dialect.setdefault(outcome.dialect, []).append(outcome)
        lines = [
            f"soak seed {self.seed}: {len(self.outcomes)} requests in {self.wall_seconds:.1f} s "
            f"({', '.join(f'{d} {len(o)}' for d, o in sorted(by_dialect.items()))}); "
            f"far end served {self.far_end_served}",
            "",
            "faults injected by kind:",
        ]
        lines += [f"  {kind:<18} {count:>6}" for kind, count in sorted(self.faults.items())]
        lines.append(f"  {'total':<18} {sum(self.faults.values()):>6}")
        lines += ["", "outcomes by kind:"]
        kinds = Counter(outcome.kind.split(":")[0] for outcome in self.outcomes)
        for kind, count in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"  {kind:<24} {count:>6}")
        lines += ["", "outcomes by dialect:"]
        for dialect, outcomes in sorted(by_dialect.items()):
            counts = Counter(outcome.kind for outcome in outcomes)
            shown = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
            lines.append(f"  {dialect:<8} {shown}")
        lines += ["", "latency against timeout:"]
        for dialect, outcomes in sorted(by_dialect.items()):
            worst = max(outcomes, key=lambda o: o.latency)
            over = max(outcomes, key=lambda o: o.latency - o.timeout)
            past_timeout = sum(1 for o in outcomes if o.latency > o.timeout)
            lines.append(
                f"  {dialect:<8} max {worst.latency:6.2f} s (timeout {worst.timeout:.2f} s, "
                f"{worst.kind}); largest overrun {over.latency - over.timeout:+.2f} s "
                f"({over.kind}); {past_timeout} ended after their timeout, "
                f"none may end after timeout + {self.grace:g} s"
            )
        lines += ["", "modem usable afterwards (one clean request):"]
        lines += [
            f"  {dialect:<8} {result}" for dialect, result in sorted(self.final_checks.items())
        ]
        lines += ["", "leaks (tasks, threads, file descriptors):"]
        if self.leaks:
            lines += [f"  {resource}: {what}" for resource, what in sorted(self.leaks.items())]
        else:
            lines.append("  none")
        defects = self.defects
        lines += ["", f"defects: {len(defects)}"]
        lines += [
            f"  {d.dialect} #{d.index} {d.method} {d.kind} after {d.latency:.2f} s "
            f"(timeout {d.timeout:g} s): {d.detail}"
            for d in defects[:20]
        ]
        return "\n".join(lines)
