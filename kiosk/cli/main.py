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
    doctor_targets = doctor.add_subparsers(dest="doctor_target", metavar="DEVICE")
    doctor_locker = doctor_targets.add_parser(
        "locker", help="read lock boards door by door",
        description="Print every door of one board as {\"door\": n, \"open\": bool, "
                    "\"item\": bool|null} (doors numbered from 1). Without --port, "
                    "--protocol and --board it checks every configured board, asking the "
                    "running terminal if there is one.")
    _add_config_options(doctor_locker)
    doctor_locker.add_argument("--port", help="serial device of the RS485 adapter")
    doctor_locker.add_argument("--protocol", choices=["kerong-cu16", "kerong-cu48",
                                                      "generic-8a"])
    doctor_locker.add_argument("--board", type=int, help="the board's address")
    doctor_locker.add_argument("--baud", type=int, help="bits per second (default 19200)")
    doctor_locker.add_argument("--json", action="store_true",
                               help="print one JSON document and nothing else")
    doctor_idcard = doctor_targets.add_parser(
        "idcard", help="read one resident ID card",
        description="Wait for an ID card on the SAM reader at PATH, read it once and print "
                    "the masked identity. The full name and ID number are never printed.")
    doctor_idcard.add_argument("--port", required=True, help="serial device of the reader")
    doctor_idcard.add_argument("--baud", type=int, default=115200, help="default 115200")
    doctor_idcard.add_argument("--json", action="store_true", help="print one JSON document")
    doctor_printer = doctor_targets.add_parser(
        "printer", help="check the receipt printer and print a test slip",
        description="Ask the receipt printer for its status (online, paper) and print a test "
                    "slip: 打印测试, Chinese and ASCII text, a QR code and a cut. Without "
                    "--port it uses the configured printer.")
    _add_config_options(doctor_printer)
    doctor_printer.add_argument("--port", help="serial device of a printer to check instead "
                                               "of the configured one")
    doctor_printer.add_argument("--baud", type=int, help="bits per second (default: "
                                                         "devices.printer.baud)")
    doctor_printer.add_argument("--status-only", action="store_true",
                                help="ask for the status, print nothing")
    doctor_printer.add_argument("--json", action="store_true",
                                help="print one JSON document and nothing else")
    doctor_smartcard = doctor_targets.add_parser(
        "smartcard", help="read the card on a PC/SC reader",
        description="Wait for a card on the PC/SC reader and print its kind and the masked "
                    "identity (social-security card) or the badge's UID hash.")
    _add_config_options(doctor_smartcard)
    doctor_smartcard.add_argument("--reader", help="part of the reader's name "
                                                   "(default: devices.smartcard.reader)")
    doctor_smartcard.add_argument("--json", action="store_true", help="print one JSON document")

    locker = commands.add_parser("locker", help="locker tools for installers and staff")
    locker_commands = locker.add_subparsers(dest="locker_command", required=True,
                                            metavar="ACTION")
    open_door = locker_commands.add_parser(
        "open", help="open a compartment for maintenance (audited)",
        description="Ask the running terminal to open compartment N for maintenance. The "
                    "audit trail records the Unix user who asked.")
    _add_config_options(open_door)
    open_door.add_argument("number", type=int, metavar="N", help="the number on the door")
    commission = locker_commands.add_parser(
        "commission", help="check every door's sensor polarity (terminal stopped)",
        description="With every door shut, read each configured board and tell, door by "
                    "door, whether closed_when_bit_set looks right. Stop the terminal first: "
                    "it owns the serial lines.")
    _add_config_options(commission)
    commission.add_argument("--yes", action="store_true",
                            help="do not ask; the doors are already shut")

    staff = commands.add_parser("staff", help="staff tools")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    hash_pin = staff_commands.add_parser(
        "hash-pin", help="make the pin_hash for a staff member's PIN",
        description="Ask for a PIN twice and print the value for security.staff[].pin_hash. "
                    "The PIN itself is never stored.")
    hash_pin.add_argument("--stdin", action="store_true", help="read the PIN from stdin")
    enroll = staff_commands.add_parser(
        "enroll-badge", help="make the badge_hash for a staff member's badge",
        description="Wait for a staff badge on the configured PC/SC reader and print the value "
                    "for security.staff[].badge_hash (a keyed hash of its UID).")
    _add_config_options(enroll)

    config = commands.add_parser("config", help="configuration tools")
    config_commands = config.add_subparsers(dest="config_command", required=True,
                                            metavar="ACTION")
    check = config_commands.add_parser("check", help="validate a configuration file",
                                       description="Load FILE (and overlays) exactly as the "
                                                   "terminal would and report the first error.")
    check.add_argument("file", type=Path, metavar="FILE")
    check.add_argument("--overlay", type=Path, action="append", default=[], metavar="FILE")

    window = commands.add_parser(
        "window", help="call residents from a service window",
        description="Act for a service window on the terminal's queue over the window API. "
                    "The token, if the terminal requires one, is read from "
                    "KIOSK_WINDOW_TOKEN.")
    window.add_argument("number", type=int, metavar="WINDOW", help="the window's number")
    window.add_argument("action", choices=("status", "open", "close", "next", "recall",
                                           "no-show", "finish", "transfer", "summary",
                                           "print-summary", "help", "answer-help"))
    window.add_argument("request", type=int, nargs="?", metavar="REQUEST",
                        help="answer-help: the number of the help request to answer (from "
                             "`help`, which lists residents waiting for help)")
    window.add_argument("--category", help="transfer: the queue to send the resident to")
    window.add_argument("--url", help="the terminal's window API, e.g. http://10.0.0.5:8765 "
                                      "(default: from the config)")
    window.add_argument("--json", action="store_true", help="print the reply as JSON")
    _add_config_options(window)

    call_display = commands.add_parser(
        "call-display", help="show the queue's calls on a TV and speak them",
        description="Run the waiting area's call display: it follows the terminal's calls "
                    "over the window API and speaks each through queue.announce_command.")
    call_display.add_argument("--url", help="the terminal's window API (default: from the "
                                            "config's queue.api_host and api_port)")
    call_display.add_argument("--virtual-display", action="store_true",
                              help="run on a private Xvfb display (no screen needed)")
    _add_config_options(call_display)

    catalog = commands.add_parser("catalog", help="service catalog tools")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", required=True,
                                              metavar="ACTION")
    catalog_check = catalog_commands.add_parser(
        "check", help="validate a service catalog file",
        description="Validate FILE exactly as the terminal would before installing it "
                    "(docs/catalog.md) and report the first error, naming the item and the "
                    "field.")
    catalog_check.add_argument("file", type=Path, metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        from kiosk.app.run import run_terminal

        return run_terminal(args.config, args.overlay, args.virtual_display)
    if args.command == "sim":
        from kiosk.cli.sim import perform, run_simulators

        if args.sim_command == "do":
            return perform(args.config, args.device, args.action, args.args)
        return run_simulators(args.config, args.overlay)
    if args.command == "doctor":
        if args.doctor_target == "idcard":
            from kiosk.cli.doctor.cards import doctor_idcard

            return doctor_idcard(args.port, args.baud, args.json)
        if args.doctor_target == "printer":
            from kiosk.cli.doctor.printer import doctor_printer

            return doctor_printer(args.config, args.overlay, args.port, args.baud,
                                  args.status_only, args.json)
        if args.doctor_target == "smartcard":
            from kiosk.cli.doctor.cards import doctor_smartcard

            return doctor_smartcard(args.config, args.overlay, args.reader, args.json)
        if args.doctor_target == "locker":
            from kiosk.cli.doctor.locker import doctor_locker

            return doctor_locker(args.config, args.port, args.protocol, args.board, args.baud,
                                 args.json)
        from kiosk.cli.doctor.station import doctor

        return doctor(args.config, args.overlay, args.json)
    if args.command == "config":
        return _config_check(args.file, args.overlay)
    if args.command == "catalog":
        return _catalog_check(args.file)
    if args.command == "call-display":
        from kiosk.cli.call_display import run_call_display

        return run_call_display(args.config, args.overlay, args.url, args.virtual_display)
    if args.command == "window":
        from kiosk.cli.window import window_command

        return window_command(args.config, args.number, args.action, args.category, args.url,
                              args.json, args.request)
    if args.command == "locker":
        if args.locker_command == "commission":
            from kiosk.cli.locker import commission

            return commission(args.config, args.yes)
        from kiosk.cli.locker import open_compartment

        return open_compartment(args.config, args.number)
    if args.command == "staff":
        if args.staff_command == "enroll-badge":
            from kiosk.cli.staff import enroll_badge

            return enroll_badge(args.config)
        from kiosk.cli.staff import hash_pin_command

        return hash_pin_command(args.stdin)
    return 2


def _config_check(file: Path, overlays: list[Path]) -> int:
    from kiosk.config import load_config_or_report

    config = load_config_or_report(file, overlays)
    if config is None:
        return 2
    print(f"{file}: OK (terminal {config.station.terminal_id}, {config.station.name})")
    return 0


def _catalog_check(file: Path) -> int:
    from kiosk.services.guide.catalog import CatalogError, load_catalog

    try:
        catalog = load_catalog(file)
    except CatalogError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"{file}: OK (version {catalog.info.version}, {len(catalog.items)} items from "
          f"{len(catalog.sources)} sources, {len(catalog.themes)} themes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
