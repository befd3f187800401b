"""QR code scanners."""
