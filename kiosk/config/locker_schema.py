"""The [locker] section: the RS485 buses and their lock boards, where each door is, and
the locker's timers, lockouts and seated reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.config.binding import setting

LockProtocolName = Literal["kerong-cu16", "kerong-cu48", "generic-8a"]
CompartmentSize = Literal["S", "M", "L"]


@dataclass(frozen=True, kw_only=True)
class LockBoardConfig:
    address: int = setting(doc="the board's DIP-switch address", minimum=0, maximum=32)
    locks: int = setting(doc="locks wired to the board", minimum=1, maximum=50)
    closed_when_bit_set: bool = setting(
        True, doc="hook-switch polarity: true if a set status bit means closed (NO/NC locks "
                  "differ; `kiosk locker commission` tells)")
    item_sensor: bool = setting(False, doc="an infrared item sensor strip is fitted")


@dataclass(frozen=True, kw_only=True)
class LockerBusConfig:
    protocol: LockProtocolName = setting(doc="the boards' protocol")
    port: str = setting("", doc="serial device of the RS485 adapter; empty under simulation")
    baud: int = setting(19200, doc="bits per second", minimum=1200, maximum=115200)
    boards: tuple[LockBoardConfig, ...] = setting(doc="the boards on this bus",
                                                 default_factory=tuple)


@dataclass(frozen=True, kw_only=True)
class CompartmentGroup:
    """Consecutive compartments on one board: numbers first_number.. on locks first_lock.."""

    first_number: int = setting(doc="the number on the first door", minimum=1, maximum=999)
    count: int = setting(doc="how many doors", minimum=1, maximum=50)
    bus: str = setting(doc="the bus name, a key of locker.buses")
    board: int = setting(doc="the board's address", minimum=0, maximum=32)
    size: CompartmentSize = setting(doc="S, M or L")
    first_lock: int = setting(1, doc="the lock number of the first door", minimum=1, maximum=50)
    # Where the doors are, for the drawing that shows a resident which door opened.
    column: int = setting(0, doc="the cabinet column the doors stack in, 1 = leftmost as "
                                 "seen from the front; 0 puts each group in its own column",
                          minimum=0, maximum=20)
    top_row: int = setting(0, doc="the row of the first door's top edge, 1 = the top, in "
                                  "small-door heights (S 1, M 2, L 4); 0 continues below the "
                                  "column's last door", minimum=0, maximum=80)


@dataclass(frozen=True, kw_only=True)
class LockerConfig:
    enabled: bool = setting(False, doc="this terminal has a document locker")
    retention_days: int = setting(7, doc="days a result waits before it is overdue and the "
                                         "pickup code expires", minimum=1, maximum=90)
    door_open_alarm_min: int = setting(3, doc="minutes a door may stand open before an alarm",
                                       minimum=1, maximum=120)
    open_timeout_s: int = setting(6, doc="seconds after an unlock pulse for the door to be seen "
                                         "open before it counts as jammed", minimum=2, maximum=60)
    close_wait_min: int = setting(5, doc="minutes a resident's flow waits for the door to be "
                                         "closed", minimum=1, maximum=60)
    wrong_codes_before_lockout: int = setting(5, doc="wrong pickup codes in a row before the "
                                                     "keypad locks", minimum=3, maximum=20)
    first_lockout_s: int = setting(30, doc="the first keypad lockout; each further wrong code "
                                           "doubles it", minimum=5, maximum=3600)
    guessing_alarm_lockout_s: int = setting(
        900, doc="a keypad lockout this long or longer raises pickup.guessing for the staff "
                 "and the district center", minimum=30, maximum=3600)
    seated_reach_rows: tuple[int, ...] = setting(
        doc="[lowest, highest]: the rows, counted from the bottom of the cabinet in small-door "
            "heights (1 = the bottom row), whose floor a person in a wheelchair reaches: those "
            "whose bottom edge is about 400 to 1200 mm above the ground. A door whose "
            "compartment floor lies in them is a lower compartment (放在低处柜格); [] has none",
        minimum=1, maximum=80, default_factory=tuple)
    buses: dict[str, LockerBusConfig] = setting(doc="RS485 buses by name",
                                                default_factory=dict)
    compartments: tuple[CompartmentGroup, ...] = setting(doc="doors, by board",
                                                         default_factory=tuple)
