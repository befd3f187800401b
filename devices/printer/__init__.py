"""Thermal receipt printers speaking ESC/POS, and the printer-neutral receipt model (Slip)."""
