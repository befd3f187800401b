"""Alarms the terminals raise: standing and past, as the retained alarm topics and the
alarm events report them."""
