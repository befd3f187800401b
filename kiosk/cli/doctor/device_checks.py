"""`kiosk doctor`'s checks of the PC/SC reader, the ID-card reader and the locker.

Each asks the device itself, through the code the terminal uses, when it can do so without
disturbing the terminal: pcscd is shared, so the smartcard check always asks it. The
serial devices are opened exclusively, so while a terminal runs (its admin socket answers)
the doctor takes the terminal's own view of them instead of fighting it for the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devices.errors import DeviceError, DeviceNotFound
from devices.serial_link import PortInUse
from devices.smartcard.pcsc_socket import (
    SYSTEM_SOCKET,
    PcscSocketConflict,
    daemon_pid,
    socket_owner,
    use_socket,
)
from kiosk.cli.doctor.check import Check
from kiosk.config import KioskConfig

SIMULATED = "simulated (started by kiosk run)"
SEEN_BY_TERMINAL = "as the running terminal sees it"
# What a running terminal's health says about a device.
_STATUS_OF_STATE = {"ready": "ok", "connecting": "warn", "disabled": "ok",
                    "absent": "fail", "fault": "fail"}

# Who may hold pcscd's socket: pcscd, or systemd until pcscd.socket starts it.
_PCSCD_SOCKET_HOLDERS = {"pcscd", "systemd"}

RunningTerminal = dict[str, Any]


def running_terminal(config: KioskConfig) -> RunningTerminal | None:
    """The running terminal's device health and alarms, or None when none answers."""
    from kiosk.api.admin import admin_client

    try:
        reply = admin_client(config.store.path).call({"op": "devices.health"})
    except (OSError, ValueError):       # ConnectionError, a timeout, a garbled reply
        return None
    return reply if reply.get("ok") else None


# -- the PC/SC reader ------------------------------------------------------------------------


def check_smartcard(config: KioskConfig) -> Check:
    """The configured reader on the pcscd the terminal talks to, and on no other."""
    from devices.sim.pcscd import list_readers
    from kiosk.cli.doctor.smartcard import configured_pcscd

    smartcard = config.devices.smartcard
    if smartcard.driver == "none":
        return Check("smartcard", "ok", "not fitted (driver = none)")
    pcscd = configured_pcscd(config)
    owner = socket_owner(pcscd.socket) if Path(pcscd.socket).exists() else None
    if owner is None:
        if config.simulation.start and not smartcard.pcscd_socket:
            return Check("smartcard", "warn",
                         f"{pcscd.whose} is not running yet (kiosk run starts it at "
                         f"{pcscd.socket}){_other_pcscd(pcscd.socket)}")
        fix = ("systemctl start pcscd" if pcscd.socket == SYSTEM_SOCKET
               else "start the program that runs it (for the demo: kiosk sim)")
        return Check("smartcard", "fail", f"{pcscd.whose} is not running: nothing answers at "
                                          f"{pcscd.socket}; {fix}{_other_pcscd(pcscd.socket)}")
    if owner.program and owner.program not in _PCSCD_SOCKET_HOLDERS:
        return Check("smartcard", "fail", f"{pcscd.socket} is answered by {owner.program} "
                                          f"(pid {owner.pid}), not by pcscd")
    daemon = {"pcscd": f"pid {owner.pid}",
              "systemd": "started on demand by systemd"}.get(owner.program, "pid unknown")
    where = f"{pcscd.whose} ({daemon}, {pcscd.socket})"
    try:
        use_socket(pcscd.socket)
    except PcscSocketConflict as error:
        return Check("smartcard", "fail", str(error))
    readers = list_readers()
    if readers is None:
        return Check("smartcard", "fail", f"{where} does not answer PC/SC requests")
    matching = [r for r in readers if smartcard.reader in r]
    if not matching:
        wanted = f"matching '{smartcard.reader}'" if smartcard.reader else "at all"
        return Check("smartcard", "fail", f"no reader {wanted} on {where}; it sees: "
                                          f"{', '.join(readers) or 'no readers'}")
    return Check("smartcard", "ok", f"{matching[0]} on {where}")


def _other_pcscd(expected: str) -> str:
    """Names a pcscd on the system socket that is not the expected one: it answers, but
    its readers and cards are not the terminal's."""
    if expected == SYSTEM_SOCKET:
        return ""
    pid = daemon_pid(SYSTEM_SOCKET)
    if pid is None:
        return ""
    return f"; the pcscd at {SYSTEM_SOCKET} (pid {pid}) is another one and is not used"


# -- the ID-card reader ---------------------------------------------------------------------


def check_id_card(config: KioskConfig, terminal: RunningTerminal | None) -> Check:
    from kiosk.cli.doctor.idcard import read_sam_id

    id_card = config.devices.id_card
    if id_card.driver == "none":
        return Check("id_card", "ok", "not fitted (driver = none)")
    if terminal is not None:
        return _from_terminal("id_card", terminal, "idcard")
    if not id_card.port:
        return Check("id_card", "ok", SIMULATED)
    try:
        sam = read_sam_id(id_card.port, id_card.baud)
    except DeviceError as error:
        return Check("id_card", "fail", str(error))
    return Check("id_card", "ok", f"the reader on {id_card.port} answers (SAM {sam})")


def _from_terminal(name: str, terminal: RunningTerminal, device: str) -> Check:
    health = terminal.get("devices", {}).get(device)
    if health is None:
        return Check(name, "warn", "the running terminal does not report it")
    status = _STATUS_OF_STATE.get(health["state"], "warn")
    return Check(name, status, f"{health['state']}: {health['detail'] or '-'} "
                               f"({SEEN_BY_TERMINAL})")


# -- the locker -----------------------------------------------------------------------------


def check_locker(config: KioskConfig, terminal: RunningTerminal | None) -> Check:
    """Every configured board of every bus: asked for its status with the real protocol
    adapter (kiosk/cli/doctor/locker.py), or as the running terminal sees it."""
    locker = config.locker
    if not locker.enabled:
        return Check("locker", "ok", "not fitted (locker.enabled = false)")
    found: list[tuple[str, str]] = []       # (status, text) per bus
    for name in locker.buses:
        if terminal is not None:
            found.append(_bus_from_terminal(config, name, terminal))
        elif not locker.buses[name].port:
            found.append(("ok", f"bus {name}: {SIMULATED}"))
        else:
            found.append(_probe_bus(config, name))
    worst = next((s for s in ("fail", "warn") if any(f[0] == s for f in found)), "ok")
    return Check("locker", worst, "; ".join(text for _, text in found))


def _probe_bus(config: KioskConfig, name: str) -> tuple[str, str]:
    from kiosk.cli.doctor.locker import probe_board

    bus = config.locker.buses[name]
    answering: list[int] = []
    problems: list[str] = []
    for board in bus.boards:
        try:
            probe_board(bus.port, bus.protocol, board.address, bus.baud, board.locks)
        except (DeviceNotFound, PortInUse) as error:
            # The line itself: the same for every board on it.
            return "fail", f"bus {name}: {error}"
        except (DeviceError, ValueError) as error:
            problems.append(str(error))
        else:
            answering.append(board.address)
    return _bus_verdict(name, answering, problems, f"on {bus.port}")


def _bus_from_terminal(config: KioskConfig, name: str,
                       terminal: RunningTerminal) -> tuple[str, str]:
    health = terminal.get("devices", {}).get(f"locker-{name}")
    if health is not None and health["state"] in ("absent", "fault"):
        return "fail", f"bus {name}: {health['detail']} ({SEEN_BY_TERMINAL})"
    offline = {alarm["subject"]: alarm.get("detail") or {}
               for alarm in terminal.get("alarms", []) if alarm["kind"] == "board_offline"}
    answering: list[int] = []
    problems: list[str] = []
    for board in config.locker.buses[name].boards:
        alarm = offline.get(f"{name}/{board.address}")
        if alarm is None:
            answering.append(board.address)
        else:
            reason = alarm.get("detail") or "no answer"
            problems.append(f"board {board.address} does not answer ({reason}), "
                            f"{SEEN_BY_TERMINAL}")
    return _bus_verdict(name, answering, problems, f"({SEEN_BY_TERMINAL})")


def _bus_verdict(name: str, answering: list[int], problems: list[str],
                 where: str) -> tuple[str, str]:
    """One bus in a few words: the boards that do not answer first (each problem names its
    board and where it was asked), then those that do; ``where`` is said once."""
    found = list(problems)
    if answering:
        boards = ", ".join(str(address) for address in answering)
        found.append(f"board {boards} answers" if len(answering) == 1
                     else f"boards {boards} answer")
        if not problems:
            found[-1] += f" {where}"
    return ("fail" if problems else "ok"), f"bus {name}: " + "; ".join(found)
