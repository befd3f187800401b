"""Where each door sits on the front of the cabinet, from the compartment groups in the
configuration: what the door screen draws so a resident looks at the right door, checked
when the configuration loads so two doors never claim one place.

Heights are counted in small doors: a medium door is two high, a large one four, which
is how the common 16- and 24-door government lockers are built. Each group stacks its
doors downwards in one column, from its top row or from below the column's last door.

The same plan says which doors are lower compartments, within reach from a wheelchair:
those whose floor lies in ``locker.seated_reach_rows``, counted from the cabinet's bottom.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.config.locker_schema import CompartmentGroup

DOOR_HEIGHTS = {"S": 1, "M": 2, "L": 4}


@dataclass(frozen=True)
class DoorPlace:
    number: int
    column: int      # 1 = leftmost, seen from the front
    top_row: int     # 1 = the top
    height: int      # in small-door heights
    size: str


@dataclass(frozen=True)
class CabinetPlan:
    columns: int
    rows: int
    doors: tuple[DoorPlace, ...]

    def place_of(self, number: int) -> DoorPlace | None:
        return next((door for door in self.doors if door.number == number), None)


class CabinetOverlap(ValueError):
    """Two doors drawn in the same place: the configuration's columns or rows are wrong."""

    def __init__(self, group_index: int, message: str) -> None:
        super().__init__(message)
        self.group_index = group_index


def plan_cabinet(groups: Sequence[CompartmentGroup]) -> CabinetPlan:
    doors: list[DoorPlace] = []
    taken: dict[tuple[int, int], int] = {}          # (column, row) -> door number
    bottom: dict[int, int] = {}                      # column -> last row used
    for index, group in enumerate(groups):
        column = group.column or index + 1
        row = group.top_row or bottom.get(column, 0) + 1
        height = DOOR_HEIGHTS[group.size]
        for offset in range(group.count):
            number = group.first_number + offset
            for cell in range(row, row + height):
                if (column, cell) in taken:
                    raise CabinetOverlap(index, (
                        f"door {number} would cover door {taken[column, cell]} in column "
                        f"{column}, row {cell}"))
                taken[column, cell] = number
            doors.append(DoorPlace(number, column, row, height, group.size))
            row += height
        bottom[column] = max(bottom.get(column, 0), row - 1)
    return CabinetPlan(
        columns=max((door.column for door in doors), default=0),
        rows=max((door.top_row + door.height - 1 for door in doors), default=0),
        doors=tuple(doors),
    )


def floor_row(door: DoorPlace, rows: int) -> int:
    """The row the door's compartment floor stands on, counted from the bottom of a cabinet
    ``rows`` high (1 = the bottom row): where a document lies, so where a hand must reach."""
    return rows - (door.top_row + door.height - 1) + 1


def within_seated_reach(plan: CabinetPlan, reach_rows: Sequence[int]) -> frozenset[int]:
    """The doors whose compartment floor lies in ``reach_rows`` ([lowest, highest], counted
    from the bottom): the lower compartments a person in a wheelchair can reach into."""
    if len(reach_rows) != 2:
        return frozenset()
    low, high = reach_rows
    return frozenset(door.number for door in plan.doors
                     if low <= floor_row(door, plan.rows) <= high)


def seated_reach_problem(plan: CabinetPlan, reach_rows: Sequence[int]) -> str | None:
    """Why ``locker.seated_reach_rows`` cannot be used with this cabinet, or None."""
    if not reach_rows:
        return None
    if len(reach_rows) != 2:
        return ("give two rows, [lowest, highest], counted from the bottom of the cabinet in "
                "small-door heights (1 = the bottom row), e.g. [2, 5]; [] for none")
    low, high = reach_rows
    if low > high:
        return f"[{low}, {high}]: put the lowest row first"
    if high > plan.rows:
        return (f"row {high} is above the cabinet, which is {plan.rows} small-door heights "
                "high; rows are counted from the bottom (1 = the bottom row)")
    if not within_seated_reach(plan, reach_rows):
        floors = sorted({floor_row(door, plan.rows) for door in plan.doors})
        return (f"no door's compartment floor lies in rows {low} to {high} from the bottom; "
                f"the floors are in rows {', '.join(map(str, floors))}")
    return None
