"""The [devices] section: the QR scanner, the ID-card and smartcard readers, the receipt
printer, and how long a device may stay faulty before staff are told."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.config.binding import setting


@dataclass(frozen=True, kw_only=True)
class QrScannerConfig:
    driver: Literal["serial", "camera", "none"] = setting(
        "serial", doc="serial (a scanner in COM/TTL mode), camera (a camera's frames decoded "
                      "with zbar) or none")
    port: str = setting(
        "", doc="serial device, e.g. /dev/serial/by-id/usb-...; empty under simulation"
    )
    baud: int = setting(115200, doc="bits per second", minimum=1200, maximum=921600)
    terminator: Literal["CR", "LF", "CRLF", "none"] = setting(
        "CR", doc="suffix the scanner sends after each code; none ends a code after a pause"
    )
    capture_command: str | tuple[str, ...] = setting(
        "", doc="driver = camera: the program that writes the camera's frames to its stdout as "
                "binary PGM (P5) or PPM (P6) images, as one command line or an array of its "
                "words, e.g. \"ffmpeg -loglevel error -f v4l2 -framerate 10 -video_size 640x480 "
                "-i /dev/video0 -vf format=gray -f image2pipe -vcodec pgm -\"; empty under "
                "simulation")
    hold_s: float = setting(
        2.0, doc="driver = camera: seconds a code must be out of view before the same code "
                 "counts as scanned again", minimum=0.2, maximum=60)
    frame_timeout_s: float = setting(
        10.0, doc="driver = camera: seconds without a frame before the capture program is "
                  "restarted", minimum=2, maximum=120)


@dataclass(frozen=True, kw_only=True)
class IdCardConfig:
    driver: Literal["sam", "none"] = setting("sam", doc="GA 467 SAM reader on a serial port, "
                                                       "or none")
    port: str = setting("", doc="serial device of the ID-card reader; empty under simulation")
    baud: int = setting(115200, doc="bits per second (the SAM module's default is 115200)",
                        minimum=9600, maximum=115200)


@dataclass(frozen=True, kw_only=True)
class SmartcardConfig:
    driver: Literal["pcsc", "none"] = setting("pcsc", doc="PC/SC through pcscd, or none")
    reader: str = setting("", doc="part of the reader's PC/SC name; empty takes the first reader")
    pcscd_socket: str = setting(
        "", doc="pcscd's socket; empty: $PCSCLITE_CSOCK_NAME or the system's "
                "/run/pcscd/pcscd.comm. The simulators set it to their own pcscd's")


@dataclass(frozen=True, kw_only=True)
class PrinterConfig:
    driver: Literal["escpos", "none"] = setting(
        "none", doc="escpos: an ESC/POS thermal receipt printer; none: slips are shown on "
                    "screen only")
    transport: Literal["serial", "usb", "network", "file"] = setting(
        "serial", doc="how the printer is connected: serial (RS232 or USB serial), usb "
                      "(through libusb), network (raw TCP, port 9100) or file (a device "
                      "file such as /dev/usb/lp0; its status cannot be read)")
    port: str = setting("", doc="serial device (transport = serial); empty under simulation")
    baud: int = setting(9600, doc="bits per second (transport = serial); the printer's "
                                  "self-test page shows it", minimum=1200, maximum=921600)
    flow_control: Literal["none", "rtscts", "xonxoff"] = setting(
        "none", doc="serial flow control, as set on the printer (transport = serial)")
    usb_vendor: int = setting(0, doc="USB vendor id, e.g. 0x0416 (transport = usb; lsusb "
                                     "shows it)", minimum=0, maximum=0xFFFF)
    usb_product: int = setting(0, doc="USB product id, e.g. 0x5011 (transport = usb)",
                               minimum=0, maximum=0xFFFF)
    usb_in_ep: int = setting(0x82, doc="USB IN endpoint (many 58 mm printers: 0x81)",
                             minimum=0x81, maximum=0x8F)
    usb_out_ep: int = setting(0x01, doc="USB OUT endpoint (many 58 mm printers: 0x03 or 0x02)",
                              minimum=0x01, maximum=0x0F)
    host: str = setting("", doc="the printer's address (transport = network)")
    tcp_port: int = setting(9100, doc="the printer's raw TCP port (transport = network)",
                            minimum=1, maximum=65535)
    file: str = setting("", doc="device file (transport = file), e.g. /dev/usb/lp0")
    paper_width_mm: Literal[58, 80] = setting(
        58, doc="paper width: 58 (32 columns, 384 dots) or 80 (48 columns, 576 dots)")
    cutter: bool = setting(True, doc="the printer has an auto-cutter (false: a tear bar)")
    cut_mode: Literal["full", "partial"] = setting(
        "full", doc="full cut, or partial (a hinge holds the receipt until it is taken)")
    feed_lines_before_cut: int = setting(
        4, doc="lines fed after a receipt so its end passes the cutter or tear bar",
        minimum=0, maximum=20)
    qr_mode: Literal["raster", "native"] = setting(
        "raster", doc="raster: QR codes drawn as images (every printer); native: GS ( k, "
                      "drawn by the printer (many 58 mm models lack it)")
    text_encoding: Literal["gb18030", "gbk"] = setting(
        "gb18030", doc="the printer's Chinese character set; gbk firmware prints characters "
                       "outside GBK as a box")
    status_timeout_ms: int = setting(
        500, doc="how long to wait for the printer's answer to a status request",
        minimum=50, maximum=5000)
    status_interval_s: int = setting(
        30, doc="seconds between status checks while idle (paper-out alarms clear this "
                "soon after a roll is loaded)", minimum=5, maximum=3600)


@dataclass(frozen=True, kw_only=True)
class DevicesConfig:
    qr_scanner: QrScannerConfig = setting(doc="the QR code scanner",
                                          default_factory=QrScannerConfig)
    smartcard: SmartcardConfig = setting(doc="the PC/SC card reader",
                                         default_factory=SmartcardConfig)
    id_card: IdCardConfig = setting(doc="the resident ID-card reader",
                                    default_factory=IdCardConfig)
    printer: PrinterConfig = setting(doc="the thermal receipt printer",
                                     default_factory=PrinterConfig)
    fault_alarm_after_s: float = setting(
        20.0, doc="seconds the QR scanner or a card reader may stay faulty or missing before "
                  "the device.fault alarm tells staff and the district center",
        minimum=0, maximum=3600)
