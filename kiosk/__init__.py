"""Station kiosk: the self-service terminal of a community government service station."""

__version__ = "0.1.0"
