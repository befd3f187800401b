"""The fault matrix: every device, crossed with every fault its simulator offers.

Each row injects one fault into a real adapter's wire-level simulator and asserts, while it
lasts: the device's health (devices/health.py), the alarms the service layer raises, and
the words the terminal shows the resident (produced by the UI's own text functions). Then
it tells the simulator the device is back (or lets a passing fault pass) and asserts the
device is ready again, its alarms cleared, within RECOVERY_LIMIT_S. A new fault is one row.

Rows that show a product defect keep their right expectations and are marked xfail
(strict, and only for the named kind of failure): see Defect.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.sim.pcscd import VirtualReaderService
from tests.fixtures.fault_rigs import rig_factories
from tests.fixtures.faults import (
    FaultNotAsExpected,
    FaultRow,
    Measured,
    RecoveryTooSlow,
    RigPool,
    act,
    alarm,
    run_row,
)

NO_ALARM: frozenset[tuple[str, str]] = frozenset()
LOCKER_CANNOT_OPEN = "The locker cannot open right now. The staff have been told."
DOOR_1_DID_NOT_OPEN = ("Door 1 did not open. The staff have been told. Your document is safe "
                       "inside. Please collect it at the windows during staffed hours. For "
                       "help, ask the staff at the windows.")
CARD_NOT_READ = "The card was not read. Lay it flat on the reader and keep it still."
READER_BROKEN = "The card reader is not working. The staff have been told."
CARD_UNREADABLE = "This card cannot be read. Please use your ID card or social-security card."
PAPER_OUT = ("The printer has run out of paper. Take a photo of this page, or scan the code "
             "with your phone.")
PRINTER_BROKEN = ("The printer is not working. Take a photo of this page, or scan the code "
                  "with your phone.")

def locker_rows(device: str, board: int) -> list[FaultRow]:
    b = str(board)
    offline = frozenset({alarm("board_offline", f"main/{board}"),
                         alarm("bus_offline", "locker-main")})
    return [
        FaultRow(device, "silence_board", (act("silence_board", board=b),),
                 (act("clear_faults"),), "fault", offline, None),
        FaultRow(device, "unplug_board", (act("unplug_board", board=b),),
                 (act("clear_faults"),), "fault", offline, None),
        # One bad checksum is retried away; three in a row give the board up for a sweep.
        FaultRow(device, "corrupt", (act("corrupt", count="1"),), (), "ready", NO_ALARM, None,
                 variant="1"),
        FaultRow(device, "corrupt", (act("corrupt", count="3"),), (), "fault", offline, None,
                 variant="3"),
        FaultRow(device, "noise", (act("noise"),), (act("clear_faults"),), "ready", NO_ALARM,
                 None),
        # A jam shows when someone opens the door; staff put it back in service.
        FaultRow(device, "jam", (act("jam", door=f"{b}/1"), act("pickup")),
                 (act("clear_faults"), act("back_in_service")), "ready",
                 frozenset({alarm("door_jammed", "compartment 1")}), DOOR_1_DID_NOT_OPEN),
        FaultRow(device, "force_open", (act("force_open", door=f"{b}/2"),),
                 (act("close_door", door=f"{b}/2"),), "ready",
                 frozenset({alarm("forced_open", "compartment 2")}), None),
        FaultRow(device, "unplug", (act("unplug"), act("later"), act("pickup")),
                 (act("plug"),), "absent", frozenset({alarm("bus_offline", "locker-main")}),
                 LOCKER_CANNOT_OPEN),
    ]


# A resident's code while the bus has not yet noticed its cable gone (the unlock's own
# write finds out), or to a board it has given up on. The unlock path is the same for every
# protocol, so these run on one. A refusal shows at once: a second is ample for it.
LOCKER_PROBES = [
    FaultRow("locker-cu16", "unplug", (act("unplug"), act("pickup")), (act("plug"),), "absent",
             frozenset({alarm("bus_offline", "locker-main")}), LOCKER_CANNOT_OPEN,
             variant="pickup-unnoticed", within_s=1.0),
    FaultRow("locker-cu16", "silence_board",
             (act("silence_board", board="0"), act("later"), act("pickup")),
             (act("clear_faults"),), "fault", frozenset({alarm("board_offline", "main/0"),
                                                         alarm("bus_offline", "locker-main")}),
             LOCKER_CANNOT_OPEN, variant="pickup",
             within_s=1.0),
]

# A reader that stays broken past the alarm delay (0.3 s in these rigs) tells the staff.
IDCARD_BROKEN = frozenset({alarm("device.fault", "idcard")})

IDCARD_ROWS = [
    FaultRow("idcard", "no_card", (act("no_card"), act("place")), (act("clear_faults"),),
             "ready", NO_ALARM, None),
    # A failed select or read is tried again while the card lies there ...
    *(FaultRow("idcard", fault, (act(fault), act("place")), (), "ready", NO_ALARM,
               CARD_NOT_READ) for fault in ("fail_select", "fail_read")),
    # ... but a read spoilt on the wire has halted the card: the resident lays it down again.
    *(FaultRow("idcard", fault, (act(fault), act("place")), (act("remove"), act("place")),
               "ready", NO_ALARM, CARD_NOT_READ) for fault in ("corrupt", "truncate")),
    FaultRow("idcard", "silence", (act("silence"),), (act("clear_faults"),), "fault",
             IDCARD_BROKEN, READER_BROKEN),
    FaultRow("idcard", "sam_fault", (act("sam_fault"),), (act("clear_faults"),), "fault",
             IDCARD_BROKEN, READER_BROKEN),
    FaultRow("idcard", "unplug", (act("unplug"),), (act("plug"),), "absent", IDCARD_BROKEN,
             None),
]

# pcscd going away (and coming back) is the pcscd fixture's fault; vpcd's one reader
# cannot be removed while pcscd runs, so "reader removed" is not offered.
SMARTCARD_ROWS = [
    *(FaultRow("smartcard", fault, (act(fault),), (act("remove"), act("social_security")),
               "ready", NO_ALARM, CARD_UNREADABLE)
      for fault in ("social_security_pin", "blank_card")),
    FaultRow("smartcard", "pcscd_stop", (act("pcscd_stop"),), (act("pcscd_start"),), "absent",
             frozenset({alarm("device.fault", "smartcard")}), None, variant="restart"),
]

# Every fault is met by a resident printing (the one-time notice): the slip goes on screen.
PRINTER_ROWS = [
    FaultRow("printer", "paper_out", (act("paper_out"), act("print")), (act("load_paper"),),
             "fault", frozenset({alarm("printer.paper_out", "printer")}), PAPER_OUT),
    FaultRow("printer", "paper_near_end", (act("paper_near_end"), act("print")),
             (act("load_paper"),), "ready", frozenset({alarm("printer.paper_low", "printer")}),
             None),
    FaultRow("printer", "open_cover", (act("open_cover"), act("print")), (act("close_cover"),),
             "fault", frozenset({alarm("printer.offline", "printer")}), PRINTER_BROKEN),
    FaultRow("printer", "silence", (act("silence"), act("print")), (act("clear_faults"),),
             "fault", frozenset({alarm("printer.unreachable", "printer")}), PRINTER_BROKEN),
    FaultRow("printer", "unplug", (act("unplug"), act("print")), (act("plug"),), "absent",
             frozenset({alarm("printer.unreachable", "printer")}), PRINTER_BROKEN),
]

QR_ROWS = [
    FaultRow("qr-serial", "garbage", (act("garbage"),), (act("scan_good"),), "ready", NO_ALARM,
             None),
    FaultRow("qr-serial", "unplug", (act("unplug"),), (act("plug"),), "absent",
             frozenset({alarm("device.fault", "qr_scanner")}), None),
    FaultRow("qr-camera", "show_damaged", (act("show_damaged", text="预约号:20261121-0007"),),
             (act("take_away"), act("scan_good")), "ready", NO_ALARM, None),
    FaultRow("qr-camera", "show_not_text", (act("show_not_text"),),
             (act("take_away"), act("scan_good")), "ready", NO_ALARM, None),
    # The stream's faults pass by themselves: the adapter skips to the next frame or
    # restarts its capture program. An unplugged camera is a program that exits: a fault.
    *(FaultRow("qr-camera", fault, (act(fault),), (), "fault", NO_ALARM, None)
      for fault in ("garbage", "truncate", "freeze", "crash")),
    FaultRow("qr-camera", "unplug", (act("unplug"),), (act("plug"),), "fault", NO_ALARM, None),
]

# The district broker down: the status bar says so; the outbox keeps what waits.
MQTT_ROWS = [
    FaultRow("mqtt", "broker_stop", (act("broker_stop"),), (act("broker_start"),), "offline",
             NO_ALARM, "Offline"),
]

ROWS = [
    *locker_rows("locker-cu16", 0), *LOCKER_PROBES,
    *locker_rows("locker-cu48", 0),
    *locker_rows("locker-8a", 1),
    *IDCARD_ROWS, *SMARTCARD_ROWS, *PRINTER_ROWS, *QR_ROWS, *MQTT_ROWS,
]


@pytest.fixture(scope="module")
def rigs(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
         ) -> Iterator[RigPool]:
    pool = RigPool(rig_factories(tmp_path_factory.mktemp("faults"),
                                 lambda: request.getfixturevalue("vpcd")))
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def measured(request: pytest.FixtureRequest) -> Iterator[list[Measured]]:
    """Collects each row's times and prints them when the module is done."""
    results: list[Measured] = []
    yield results
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if not results or capture is None:
        return
    with capture.global_and_fixture_disabled():
        print(f"\n{'fault matrix row':<42} {'seen':>6} {'back':>6}  (s)")
        for result in results:
            if result.failure:
                print(f"{result.row:<42} {'-':>6} {'-':>6}  {result.failure}")
                continue
            how = "by itself" if result.self_clearing else "after restore"
            print(f"{result.row:<42} {result.detect_s:6.2f} {result.recovery_s:6.2f}  {how}")


def test_every_fault_a_simulator_offers_has_a_row(tmp_path: Path) -> None:
    # Rigs are made, not started: a simulator lists its actions before it runs.
    factories = rig_factories(tmp_path, lambda: VirtualReaderService(tmp_path, 0))
    for device, make in factories.items():
        rig = make()
        try:
            offered = rig.faults_offered()
        finally:
            rig.stop()
        assert offered == {row.fault for row in ROWS if row.device == device}, device


def test_rows_are_unique() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("row", [row.param() for row in ROWS])
def test_fault(row: FaultRow, rigs: RigPool, measured: list[Measured]) -> None:
    try:
        measured.append(run_row(rigs.get(row.device), row))
    except (FaultNotAsExpected, RecoveryTooSlow) as failure:
        measured.append(Measured(row.id, None, None, not row.restore,
                                 type(failure).__name__))
        raise
