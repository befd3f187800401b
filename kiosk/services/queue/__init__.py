"""Queue tickets: numbering, priority, estimates, calling and the day's summary."""
