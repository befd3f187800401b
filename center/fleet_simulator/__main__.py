"""python -m center.fleet_simulator: N simulated terminals publishing to a broker.

    python -m center.fleet_simulator --terminals 200 --port 1883 --speed 60

Terminals share a few MQTT connections (--connections), so this needs a broker that lets
one client publish for many terminals (a development broker, kiosk.simulation's
LocalBroker), not the district broker with its per-terminal certificates and ACL."""

from __future__ import annotations

import argparse
import base64
import json
import signal
import sys
import threading
import time
from datetime import datetime

from center.fleet_simulator.fleet import Fleet, FleetPlan, center_key_from_seed
from center.fleet_simulator.hours import STATION_TZ
from center.fleet_simulator.live import run_live
from center.fleet_simulator.station import Outages
from center.fleet_simulator.wire import Wire
from contract.sealing import public_key_from_base64


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m center.fleet_simulator",
                                description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=1883)
    p.add_argument("--username", default="")
    p.add_argument("--password", default="")
    p.add_argument("--prefix", default="kiosk/v1", help="the topic prefix (mqtt.topic_prefix)")
    p.add_argument("--district", default="sim", help="district id; terminals are DISTRICT-0001...")
    p.add_argument("--terminals", type=int, default=10)
    p.add_argument("--connections", type=int, default=4,
                   help="MQTT connections the terminals share (terminal i uses i mod K; "
                        "as many as terminals gives each its own)")
    p.add_argument("--window", type=int, default=100,
                   help="unacknowledged messages per connection (mqtt.inflight_window)")
    p.add_argument("--speed", type=float, default=60.0,
                   help="simulated seconds per real second; 0 runs as fast as it can")
    p.add_argument("--hours", type=float, default=None,
                   help="simulated hours to run (default: until interrupted)")
    p.add_argument("--start", default="now",
                   help="simulated start, ISO 8601 with offset, or 'now' (default)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--busyness", type=float, default=1.0,
                   help="scales every station's rates (1: about 500 events a staffed day)")
    p.add_argument("--outages-per-day", type=float, default=0.5,
                   help="each terminal's random link outages per simulated day")
    p.add_argument("--outage-minutes", type=float, default=30.0,
                   help="their mean length (simulated minutes)")
    p.add_argument("--offline-after", type=float, default=None, metavar="HOURS",
                   help="every terminal loses its link this many simulated hours in ...")
    p.add_argument("--offline-hours", type=float, default=0.0,
                   help="... for this many hours; the backlogs then drain as historical")
    p.add_argument("--center-public-key", default="",
                   help="base64 X25519 key pickup codes are sealed to (default: one made "
                        "from the seed)")
    p.add_argument("--dry-run", action="store_true",
                   help="print the messages as JSON lines instead of publishing")
    return p


def plan_from(args: argparse.Namespace) -> FleetPlan:
    start = time.time() if args.start == "now" else datetime.fromisoformat(args.start
                                                                            ).timestamp()
    offline_from = offline_until = None
    if args.offline_after is not None and args.offline_hours > 0:
        offline_from = start + args.offline_after * 3600
        offline_until = offline_from + args.offline_hours * 3600
    key = (public_key_from_base64(args.center_public_key) if args.center_public_key
           else center_key_from_seed(args.seed).public_key())
    return FleetPlan(terminals=args.terminals, seed=args.seed, start=start,
                     district=args.district, prefix=args.prefix, busyness=args.busyness,
                     outages=Outages(args.outages_per_day, args.outage_minutes, offline_from,
                                     offline_until),
                     center_key=key)


def dry_run(fleet: Fleet, until: float) -> None:
    fleet.advance(until)
    fleet.shut_down(until)
    while fleet.has_output:
        for _, message in fleet.take(1000):
            print(json.dumps({"topic": message.topic, "retain": message.retain,
                              "payload": message.payload.decode()}, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    plan = plan_from(args)
    until = None if args.hours is None else plan.start + args.hours * 3600
    say = print if not args.dry_run else (lambda *a, **k: print(*a, **k, file=sys.stderr))
    say(f"fleet simulator: {plan.terminals} terminals of district {plan.district!r}, seed "
        f"{plan.seed}, start {datetime.fromtimestamp(plan.start, STATION_TZ).isoformat()} "
        f"(repeat with --start and --seed), speed {args.speed:g}x")
    if args.dry_run:
        if until is None:
            say("--dry-run needs --hours")
            return 2
        dry_run(Fleet(plan), until)
        return 0
    if plan.center_key is not None and not args.center_public_key:
        raw = plan.center_key.public_bytes_raw()
        say(f"pickup codes sealed to the seed's center key {base64.b64encode(raw).decode()}")
    wire = Wire(args.host, args.port, min(args.connections, plan.terminals),
                f"fleet-simulator-{plan.district}", args.window, args.username, args.password)
    fleet = Fleet(plan)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    wire.start()
    try:
        totals = run_live(fleet, wire, speed=args.speed, until=until, stop=stop, report=say)
    finally:
        wire.stop()
    say(f"stopped after {totals.simulated_s / 3600:.2f} simulated hours in "
        f"{totals.real_s:.1f} s: {totals.events} events ({totals.unsent} still waiting in "
        f"outboxes), {totals.published} messages "
        f"published, {totals.acknowledged} acknowledged, {totals.refused} refused")
    return 0 if totals.refused == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
