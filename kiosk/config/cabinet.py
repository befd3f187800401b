"""Where each door sits on the front of the cabinet, from the compartment groups in the
configuration: what the door screen draws so a resident looks at the right door, checked
when the configuration loads so two doors never claim one place.

Heights are counted in small doors: a medium door is two high, a large one four, which
is how the common 16- and 24-door government lockers are built. Each group stacks its
doors downwards in one column, from its top row or from below the column's last door.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.config.schema import CompartmentGroup

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
