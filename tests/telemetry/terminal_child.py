"""The real terminal without its UI, in a process of its own, for the tests that kill it.

    python -m tests.telemetry.terminal_child CONFIG [--flow] [--drain]

It builds the terminal from CONFIG (composition root, store, devices, MQTT link) and
starts it, then prints "ready". With --flow it writes business transactions with one
event each, without pause, until it is killed. With --drain it waits until the outbox is
delivered, prints "drained" and stops cleanly. Otherwise it takes one line at a time on
stdin and prints the outcome:

    deposit CASE        staff store a result (the test plays the person at the locker)
    pickup CODE         a resident collects it
    notice ITEM         the service guide prints an item's one-time notice
    ticket CATEGORY     a resident takes a queue number
    window N ACTION     a window acts on the queue: next, recall, no-show, finish
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

from kiosk.app.terminal import Terminal, build_terminal
from kiosk.config import load_config
from kiosk.services.outbox import PRIORITY_ALARM, PRIORITY_BUSINESS, PRIORITY_REPORT, append_event
from kiosk.store import open_store

FLOW_PRIORITIES = (PRIORITY_BUSINESS, PRIORITY_BUSINESS, PRIORITY_ALARM, PRIORITY_REPORT)


def main() -> int:
    config = load_config(Path(sys.argv[1]))
    store = open_store(config.store.path)
    terminal = build_terminal(config, store)
    terminal.start()
    if terminal.locker is not None and not terminal.locker.ready.wait(15):
        print("locker not ready", flush=True)
        return 1
    print("ready", flush=True)
    if "--flow" in sys.argv:
        flow(terminal)
    elif "--drain" in sys.argv:
        drain(terminal)
    else:
        serve(terminal)
    terminal.stop()
    store.close()
    return 0


def flow(terminal: Terminal) -> None:
    with terminal.store.reading() as db:
        start = db.execute("SELECT count(*) FROM outbox WHERE type = 'test.flow'").fetchone()[0]
    for n in itertools.count(start):
        with terminal.store.transaction() as db:
            append_event(db, "test.flow", {"n": n}, FLOW_PRIORITIES[n % len(FLOW_PRIORITIES)])
        time.sleep(0.002)


def drain(terminal: Terminal) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with terminal.store.reading() as db:
            if not db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]:
                print("drained", flush=True)
                return
        time.sleep(0.05)
    print("not drained", flush=True)


def serve(terminal: Terminal) -> None:
    for line in sys.stdin:
        verb, _, argument = line.strip().partition(" ")
        if verb == "deposit" and terminal.locker is not None:
            outcome = terminal.locker.deposit("staff-1", argument, None).result(10)
        elif verb == "pickup" and terminal.locker is not None:
            outcome = terminal.locker.pickup(argument).result(10)
        elif verb == "notice" and terminal.guide is not None:
            item = terminal.guide.catalog.item(argument)
            outcome = terminal.guide.print_notice(item)[1].result(30) if item else None
        elif verb == "ticket" and terminal.queue is not None:
            issued = terminal.queue.issue(argument)
            outcome = getattr(getattr(issued, "ticket", None), "label", issued)
        elif verb == "window" and terminal.queue is not None:
            number, _, action = argument.partition(" ")
            act = {"next": terminal.queue.call_next, "recall": terminal.queue.recall,
                   "no-show": terminal.queue.no_show, "finish": terminal.queue.finish}
            outcome = act[action](int(number))
        else:
            outcome = f"unknown request {line.strip()!r}"
        print(f"done {outcome!r}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
