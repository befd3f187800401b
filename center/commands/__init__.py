"""Signed commands to terminals (docs/mqtt.md "Commands"): issued from a terminal's page or
to a filtered set of terminals from the fleet page (a BulkAction), signed with the center's
Ed25519 key, sent by the ingest workers while the terminal is online (and again after its
next birth while still valid), closed by the terminal's command.result."""
