"""Lock boards of the 24-hour document locker, on RS485 buses."""
