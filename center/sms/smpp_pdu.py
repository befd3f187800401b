"""SMPP 3.4 PDUs as the simulated SMSC reads and writes them (the center's own client side
is smpplib). Only what a short-message centre needs to serve an ESME that binds, submits
and takes delivery receipts: the header, C-octet strings, the submit_sm / deliver_sm
layout, TLVs, and the concatenation header (UDH) of long messages.

Every PDU is a 16-octet header of four big-endian uint32 (command_length including the
header, command_id, command_status, sequence_number) and a body. A response's id is its
request's with the high bit set, and carries the request's sequence number.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

HEADER = struct.Struct(">IIII")
RESPONSE = 0x80000000

GENERIC_NACK = 0x80000000
BIND_RECEIVER = 0x00000001
BIND_TRANSMITTER = 0x00000002
SUBMIT_SM = 0x00000004
DELIVER_SM = 0x00000005
UNBIND = 0x00000006
BIND_TRANSCEIVER = 0x00000009
ENQUIRE_LINK = 0x00000015
BINDS = (BIND_RECEIVER, BIND_TRANSMITTER, BIND_TRANSCEIVER)

# command_status values this SMSC answers with.
ROK = 0x00
RINVCMDLEN = 0x02
RINVCMDID = 0x03
RINVBNDSTS = 0x04
RALYBND = 0x05
RSYSERR = 0x08
RINVDSTADR = 0x0B
RINVPASWD = 0x0E
RMSGQFUL = 0x14
RTHROTTLED = 0x58

# esm_class and data_coding
ESM_UDHI = 0x40
ESM_DELIVERY_RECEIPT = 0x04
CODING_DEFAULT = 0x00
CODING_UCS2 = 0x08

# TLV tags
TAG_RECEIPTED_MESSAGE_ID = 0x001E
TAG_MESSAGE_STATE = 0x0427
MESSAGE_STATE_DELIVERED = 2
MESSAGE_STATE_UNDELIVERABLE = 5

MAX_PDU = 64 * 1024


class PduError(ValueError):
    """A PDU this SMSC cannot read; ``status`` is the command_status to answer with."""

    def __init__(self, message: str, status: int = RINVCMDLEN) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Pdu:
    command_id: int
    status: int
    sequence: int
    body: bytes = b""

    def encode(self) -> bytes:
        return HEADER.pack(HEADER.size + len(self.body), self.command_id, self.status,
                           self.sequence) + self.body


def read_header(data: bytes) -> tuple[int, int, int, int]:
    """(command_length, command_id, command_status, sequence_number) of 16 octets."""
    length, command_id, status, sequence = HEADER.unpack(data)
    if not HEADER.size <= length <= MAX_PDU:
        raise PduError(f"command_length {length} out of range")
    return length, command_id, status, sequence


class BodyReader:
    """Reads a PDU body field by field."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.at = 0

    def octet(self) -> int:
        if self.at >= len(self.body):
            raise PduError("the body ends early")
        self.at += 1
        return self.body[self.at - 1]

    def c_string(self, most: int) -> str:
        """A NUL-terminated string of at most ``most`` octets with its NUL."""
        end = self.body.find(b"\0", self.at, self.at + most)
        if end < 0:
            raise PduError(f"a string longer than {most - 1} octets or without its NUL")
        text = self.body[self.at:end].decode("latin-1")
        self.at = end + 1
        return text

    def octets(self, count: int) -> bytes:
        if self.at + count > len(self.body):
            raise PduError("the body ends early")
        self.at += count
        return self.body[self.at - count:self.at]

    def tlvs(self) -> dict[int, bytes]:
        found: dict[int, bytes] = {}
        while self.at < len(self.body):
            tag, length = struct.unpack(">HH", self.octets(4))
            found[tag] = self.octets(length)
        return found


def c_string(text: str) -> bytes:
    return text.encode("latin-1") + b"\0"


def tlv(tag: int, value: bytes) -> bytes:
    return struct.pack(">HH", tag, len(value)) + value


@dataclass(frozen=True)
class Bind:
    system_id: str
    password: str
    system_type: str
    interface_version: int


def read_bind(body: bytes) -> Bind:
    reader = BodyReader(body)
    bind = Bind(reader.c_string(16), reader.c_string(9), reader.c_string(13), reader.octet())
    reader.octet()                      # addr_ton
    reader.octet()                      # addr_npi
    reader.c_string(41)                 # address_range
    return bind


@dataclass(frozen=True)
class ShortMessage:
    """submit_sm and deliver_sm share this layout."""

    source_addr: str
    destination_addr: str
    esm_class: int
    registered_delivery: int
    data_coding: int
    short_message: bytes
    source_addr_ton: int = 0
    source_addr_npi: int = 0
    dest_addr_ton: int = 0
    dest_addr_npi: int = 0
    service_type: str = ""
    tlvs: dict[int, bytes] = field(default_factory=dict)

    def encode(self) -> bytes:
        return (c_string(self.service_type)
                + bytes([self.source_addr_ton, self.source_addr_npi])
                + c_string(self.source_addr)
                + bytes([self.dest_addr_ton, self.dest_addr_npi])
                + c_string(self.destination_addr)
                + bytes([self.esm_class, 0, 0]) + c_string("") + c_string("")
                + bytes([self.registered_delivery, 0, self.data_coding, 0,
                         len(self.short_message)])
                + self.short_message
                + b"".join(tlv(tag, value) for tag, value in self.tlvs.items()))


def read_short_message(body: bytes) -> ShortMessage:
    reader = BodyReader(body)
    service_type = reader.c_string(6)
    source_ton, source_npi = reader.octet(), reader.octet()
    source = reader.c_string(21)
    dest_ton, dest_npi = reader.octet(), reader.octet()
    destination = reader.c_string(21)
    esm_class = reader.octet()
    reader.octet()                      # protocol_id
    reader.octet()                      # priority_flag
    reader.c_string(17)                 # schedule_delivery_time
    reader.c_string(17)                 # validity_period
    registered_delivery = reader.octet()
    reader.octet()                      # replace_if_present_flag
    data_coding = reader.octet()
    reader.octet()                      # sm_default_msg_id
    text = reader.octets(reader.octet())
    return ShortMessage(source, destination, esm_class, registered_delivery, data_coding,
                        text, source_ton, source_npi, dest_ton, dest_npi, service_type,
                        reader.tlvs())


@dataclass(frozen=True)
class Segment:
    """One part of a concatenated message: its reference, the count and its place."""

    reference: int
    total: int
    number: int
    payload: bytes


def split_udh(message: ShortMessage) -> Segment | None:
    """The concatenation header of a part with UDHI set (8-bit or 16-bit reference)."""
    if not message.esm_class & ESM_UDHI:
        return None
    data = message.short_message
    if not data or len(data) < data[0] + 1:
        raise PduError("a user data header longer than the message", RSYSERR)
    header, payload = data[1:data[0] + 1], data[data[0] + 1:]
    at = 0
    while at + 2 <= len(header):
        element, length = header[at], header[at + 1]
        value = header[at + 2:at + 2 + length]
        if element == 0x00 and length == 3:
            return Segment(value[0], value[1], value[2], payload)
        if element == 0x08 and length == 4:
            return Segment(value[0] << 8 | value[1], value[2], value[3], payload)
        at += 2 + length
    raise PduError("UDHI set but no concatenation header", RSYSERR)


def decode_text(data_coding: int, payload: bytes) -> str:
    if data_coding == CODING_UCS2:
        return payload.decode("utf-16-be", errors="replace")
    # The SMSC default alphabet, read as ASCII: enough for the Latin text of tests.
    return payload.decode("latin-1")
