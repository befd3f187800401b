"""Signed commands to terminals (docs/mqtt.md "Commands"): issued from the pages, signed
with the center's Ed25519 key, sent by the ingest workers while the terminal is online (and
again after its next birth while still valid), closed by the terminal's command.result."""
