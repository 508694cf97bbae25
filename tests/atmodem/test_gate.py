"""The command gate: strictly first come, first served, and a caller that gives up loses nothing.

Waiters are started eagerly, so each has joined the queue when the next line of the story runs.
"""

import asyncio

from custom_components.modem_http.atmodem.gate import FifoGate


async def test_callers_are_served_in_arrival_order() -> None:
    gate = FifoGate()
    order: list[int] = []

    async def caller(n: int) -> None:
        if not gate.try_acquire():
            await gate.wait()
        try:
            order.append(n)
            await asyncio.sleep(0)
        finally:
            gate.release()

    await asyncio.gather(*(caller(n) for n in range(20)))

    assert order == list(range(20))
    assert not gate.held


async def test_a_queued_caller_that_gives_up_does_not_block_the_next() -> None:
    gate = FifoGate()
    assert gate.try_acquire()
    quitter = asyncio.create_task(gate.wait(), eager_start=True)
    patient = asyncio.create_task(gate.wait(), eager_start=True)

    quitter.cancel()
    await asyncio.gather(quitter, return_exceptions=True)
    gate.release()
    await asyncio.wait_for(patient, 1)

    assert gate.held
    gate.release()
    assert not gate.held


async def test_a_caller_cancelled_just_as_it_was_handed_the_gate_passes_it_on() -> None:
    gate = FifoGate()
    assert gate.try_acquire()
    first = asyncio.create_task(gate.wait(), eager_start=True)
    second = asyncio.create_task(gate.wait(), eager_start=True)

    gate.release()  # handed to `first`, which has not resumed yet...
    first.cancel()  # ...and gives up before it does
    await asyncio.gather(first, return_exceptions=True)

    await asyncio.wait_for(second, 1)
    assert gate.held
    gate.release()
    assert not gate.held


async def test_a_newcomer_does_not_jump_the_queue() -> None:
    gate = FifoGate()
    assert gate.try_acquire()
    queued = asyncio.create_task(gate.wait(), eager_start=True)
    gate.release()  # handed to the queued caller

    assert not gate.try_acquire()
    await queued
    gate.release()
