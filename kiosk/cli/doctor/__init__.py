"""`kiosk doctor` (station.py: everything the terminal depends on; device_checks.py: the card
readers and the locker) and its per-device subcommands (idcard, smartcard, printer, locker)."""
