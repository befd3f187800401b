"""The `kiosk` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__

DEFAULT_CONFIG = Path(os.environ.get("KIOSK_CONFIG", "config/kiosk.toml"))


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, metavar="FILE",
                        help=f"station configuration (default: {DEFAULT_CONFIG}, or $KIOSK_CONFIG)")
    parser.add_argument("--overlay", type=Path, action="append", default=[], metavar="FILE",
                        help="a file whose keys override the configuration (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service terminal of a community government service station.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start the terminal",
                              description="Start the terminal UI and its devices. With "
                                          "simulation.start = true (the default config) it "
                                          "starts the device simulators itself.")
    _add_config_options(run)
    run.add_argument("--virtual-display", action="store_true",
                     help="run on a private Xvfb display (machines without a screen)")

    sim = commands.add_parser("sim", help="run device simulators for another process",
                              description="Start wire-level simulators for the configured "
                                          "devices, print where they are and write a config "
                                          "overlay for `kiosk run --overlay`.")
    _add_config_options(sim)
    sim_commands = sim.add_subparsers(dest="sim_command", metavar="ACTION")
    do = sim_commands.add_parser("do", help="make a running simulator do something",
                                 description="Drive a running `kiosk sim`, for example "
                                             "`kiosk sim do qr_scanner scan text=HELLO`.")
    do.add_argument("device", help="qr_scanner, smartcard, ...")
    do.add_argument("action", help="scan, unplug, badge, remove, ...")
    do.add_argument("args", nargs="*", metavar="KEY=VALUE")

    doctor = commands.add_parser("doctor", help="check the terminal's dependencies",
                                 description="Check configuration, translations, font, "
                                             "database, disk, devices and the broker, without "
                                             "disturbing a running terminal.")
    _add_config_options(doctor)
    doctor.add_argument("--json", action="store_true", help="print one JSON document")

    config = commands.add_parser("config", help="configuration tools")
    config_commands = config.add_subparsers(dest="config_command", required=True,
                                            metavar="ACTION")
    check = config_commands.add_parser("check", help="validate a configuration file",
                                       description="Load FILE (and overlays) exactly as the "
                                                   "terminal would and report the first error.")
    check.add_argument("file", type=Path, metavar="FILE")
    check.add_argument("--overlay", type=Path, action="append", default=[], metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        from kiosk.run import run_terminal

        return run_terminal(args.config, args.overlay, args.virtual_display)
    if args.command == "sim":
        from kiosk.sim_command import perform, run_simulators

        if args.sim_command == "do":
            return perform(args.config, args.device, args.action, args.args)
        return run_simulators(args.config, args.overlay)
    if args.command == "doctor":
        from kiosk.doctor import doctor

        return doctor(args.config, args.overlay, args.json)
    if args.command == "config":
        return _config_check(args.file, args.overlay)
    return 2


def _config_check(file: Path, overlays: list[Path]) -> int:
    from kiosk.config import ConfigError, load_config

    try:
        config = load_config(file, overlays)
    except ConfigError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return 2
    print(f"{file}: OK (terminal {config.station.terminal_id}, {config.station.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
