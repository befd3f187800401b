"""The pickup notices' key files (tests/fixtures/center_pickup.py): ``phone_key`` sets
CENTER_PHONE_KEY_FILE and returns its vault, ``sealing_key`` sets CENTER_SEALING_KEY_FILE
and returns the X25519 key."""

from tests.fixtures.center_pickup import phone_key, sealing_key

__all__ = ["phone_key", "sealing_key"]
