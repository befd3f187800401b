"""The demo district center's command tool: signs one command, sends it to the terminal of
a configuration and prints the terminal's result.

    python -m kiosk.cli.telemetry_demo display.set_announcement text=今天下午停水
    python -m kiosk.cli.telemetry_demo locker.open compartment=3
    python -m kiosk.cli.telemetry_demo guide.replace_catalog catalog=@services.toml

VALUE is read as JSON when it is JSON (3, true) and as text otherwise; @FILE sends the
file base64-encoded. With TLS, give the center's certificate (CN = center).
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contract.key_files import load_signing_key
from contract.topics import Topics
from kiosk.config import load_config
from kiosk.simulation.center import make_command
from kiosk.simulation.host import OVERLAY_NAME
from kiosk.telemetry.command_sender import send_command

DEMO_KEY = Path("config/demo/center-ed25519.key")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.cli.telemetry_demo",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("type", help="command type, e.g. locker.open (docs/mqtt.md)")
    parser.add_argument("args", nargs="*", metavar="KEY=VALUE")
    parser.add_argument("--config", type=Path, default=Path("config/kiosk.toml"))
    parser.add_argument("--overlay", type=Path, action="append", default=[],
                        help="default: the simulators' overlay (simulation.dir/overlay.toml), "
                             "which holds the demo broker's port")
    parser.add_argument("--key", type=Path, default=DEMO_KEY, help="the center's signing key")
    parser.add_argument("--lifetime", type=float, default=300, help="seconds until it expires")
    parser.add_argument("--wait", type=float, default=15, help="seconds to wait for the result")
    parser.add_argument("--tls-cert", type=Path, help="the center's client certificate")
    parser.add_argument("--tls-key", type=Path, help="the center's client key")
    options = parser.parse_args(argv)
    config = load_config(options.config, options.overlay)
    simulated = config.simulation.dir / OVERLAY_NAME
    if not options.overlay and simulated.exists():
        # Under `make run` the local broker listens on a port chosen at start.
        config = load_config(options.config, [simulated])
    station = config.station
    topics = Topics(config.mqtt.topic_prefix, station.district_id, station.terminal_id)
    payload = make_command(load_signing_key(options.key), station.district_id,
                           station.terminal_id, options.type, _arguments(options.args),
                           lifetime_s=options.lifetime)
    command_id = json.loads(base64.b64decode(json.loads(payload)["body"]))["id"]

    result = send_command(config.mqtt, topics, payload, command_id, options.wait,
                          tls_cert=options.tls_cert, tls_key=options.tls_key)
    if result is None:
        print(f"no result for command {command_id} within {options.wait:.0f} s "
              "(is the terminal running and connected?)", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["status"] == "accepted" else 1


def _arguments(pairs: Sequence[str]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator:
            raise SystemExit(f"argument {pair!r} is not KEY=VALUE")
        if value.startswith("@"):
            args[key] = base64.b64encode(Path(value[1:]).read_bytes()).decode("ascii")
            continue
        try:
            args[key] = json.loads(value)
        except ValueError:
            args[key] = value
    return args


if __name__ == "__main__":
    sys.exit(main())
