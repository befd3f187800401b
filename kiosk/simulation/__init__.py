"""Runs the wire-level simulators for a configuration, for `kiosk sim` and `kiosk run`."""
