"""The receipt printer as the configuration describes it: transport settings, the paper
layout, and the adapter built from them. Used by the composition root and by
`kiosk doctor printer`, so both talk to the printer the same way."""

from __future__ import annotations

from devices.printer.escpos_printer import EscposReceiptPrinter
from devices.printer.escpos_render import ReceiptLayout
from devices.printer.transport import (
    FileSettings,
    NetworkSettings,
    SerialSettings,
    TransportSettings,
    UsbSettings,
    build_transport,
)
from kiosk.config.devices_schema import PrinterConfig


def transport_settings(config: PrinterConfig) -> TransportSettings:
    if config.transport == "serial":
        return SerialSettings(config.port, config.baud, config.flow_control)
    if config.transport == "usb":
        return UsbSettings(config.usb_vendor, config.usb_product, config.usb_in_ep,
                           config.usb_out_ep)
    if config.transport == "network":
        return NetworkSettings(config.host, config.tcp_port)
    return FileSettings(config.file)


def receipt_layout(config: PrinterConfig) -> ReceiptLayout:
    return ReceiptLayout(
        paper_width_mm=config.paper_width_mm, cutter=config.cutter, cut_mode=config.cut_mode,
        feed_lines_before_cut=config.feed_lines_before_cut, qr_mode=config.qr_mode,
        text_encoding=config.text_encoding,
    )


def build_printer(config: PrinterConfig) -> EscposReceiptPrinter:
    return EscposReceiptPrinter(
        build_transport(transport_settings(config)), receipt_layout(config),
        status_timeout_s=config.status_timeout_ms / 1000,
        poll_interval_s=float(config.status_interval_s),
    )
