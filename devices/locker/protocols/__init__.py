"""Lock-board protocols: one module per board family, each from its vendor's spec."""

from __future__ import annotations

from devices.locker.port import ProtocolName
from devices.locker.protocols.base import LockProtocol
from devices.locker.protocols.generic_8a import Generic8A
from devices.locker.protocols.kerong_cu16 import KerongCu16
from devices.locker.protocols.kerong_cu48 import KerongCu48

PROTOCOLS: dict[str, type[KerongCu16] | type[KerongCu48] | type[Generic8A]] = {
    "kerong-cu16": KerongCu16,
    "kerong-cu48": KerongCu48,
    "generic-8a": Generic8A,
}


def protocol_named(name: ProtocolName | str) -> LockProtocol:
    try:
        return PROTOCOLS[name]()
    except KeyError:
        raise ValueError(f"unknown lock-board protocol {name!r}; "
                         f"known: {', '.join(PROTOCOLS)}") from None
