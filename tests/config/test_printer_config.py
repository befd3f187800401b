"""[devices.printer]: typed, ranged, and the keys each transport needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.printer_setup import receipt_layout, transport_settings
from kiosk.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[2]


def test_without_a_printer_section_there_is_no_printer(write_config):
    printer = write_config.load().devices.printer
    assert printer.driver == "none"
    assert (printer.paper_width_mm, printer.qr_mode, printer.cutter) == (58, "raster", True)


def test_shipped_configs_have_printers():
    demo = load_config(REPO / "config" / "kiosk.toml").devices.printer
    assert (demo.driver, demo.transport, demo.port) == ("escpos", "serial", "")
    terminal = load_config(REPO / "config" / "examples" / "terminal.toml").devices.printer
    assert (terminal.driver, terminal.paper_width_mm, terminal.cut_mode) == (
        "escpos", 80, "partial")
    assert terminal.port.startswith("/dev/serial/by-id/")


def test_every_transport_maps_to_its_settings(write_config):
    usb = write_config.load({"devices": {"printer": {
        "driver": "escpos", "transport": "usb", "usb_vendor": 0x0416, "usb_product": 0x5011,
        "usb_in_ep": 0x81, "usb_out_ep": 0x03, "paper_width_mm": 80, "qr_mode": "native",
        "text_encoding": "gbk", "feed_lines_before_cut": 6}}}).devices.printer
    settings = transport_settings(usb)
    assert (settings.vendor, settings.product, settings.in_ep, settings.out_ep) == (  # type: ignore[union-attr]
        0x0416, 0x5011, 0x81, 0x03)
    layout = receipt_layout(usb)
    assert (layout.columns, layout.dots, layout.qr_mode, layout.text_encoding) == (
        48, 576, "native", "gbk")
    network = write_config.load({"devices": {"printer": {
        "driver": "escpos", "transport": "network", "host": "10.0.0.5"}}}).devices.printer
    assert transport_settings(network).port == 9100  # type: ignore[union-attr]


@pytest.mark.parametrize(("printer", "pattern"), [
    ({"paper_width_mm": 57}, r"devices\.printer\.paper_width_mm: 57 is not allowed; choose one "
                             r"of 58, 80"),
    ({"qr_mode": "bitmap"}, r"devices\.printer\.qr_mode: 'bitmap' is not allowed"),
    ({"transport": "bluetooth"}, r"devices\.printer\.transport: 'bluetooth' is not allowed"),
    ({"baud": 600}, r"devices\.printer\.baud: 600 is out of range; allowed 1200 to 921600"),
    ({"usb_vendor": 0x10000}, r"devices\.printer\.usb_vendor: 65536 is out of range"),
    ({"usb_in_ep": 0x01}, r"devices\.printer\.usb_in_ep: 1 is out of range"),
    ({"status_timeout_ms": 10}, r"devices\.printer\.status_timeout_ms: 10 is out of range"),
    ({"cutter": "yes"}, r"devices\.printer\.cutter: must be true or false"),
    ({"paper_widht_mm": 58}, r"devices\.printer\.paper_widht_mm: unknown key; did you mean "
                             r"'paper_width_mm'\?"),
])
def test_bad_values_are_named(write_config, printer, pattern):
    with pytest.raises(ConfigError, match=pattern):
        write_config.load({"devices": {"printer": {"driver": "none", **printer}}})


@pytest.mark.parametrize(("printer", "key", "needs"), [
    ({"transport": "serial"}, "port", "a serial device"),
    ({"transport": "usb", "usb_vendor": 0x0416}, "usb_product", "USB vendor and product ids"),
    ({"transport": "network"}, "host", "the printer's address"),
    ({"transport": "file"}, "file", "a device file"),
])
def test_each_transport_needs_its_address(write_config, printer, key, needs):
    path = write_config({"devices": {"printer": {"driver": "escpos", **printer}}})
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert f"{path}: devices.printer.{key}: transport = \"{printer['transport']}\" needs" in message
    assert needs in message


def test_under_simulation_the_host_supplies_the_printer(write_config):
    config = write_config.load({"devices": {"printer": {"driver": "escpos",
                                                        "transport": "network"}},
                                "simulation": {"start": True}})
    assert config.devices.printer.host == ""
