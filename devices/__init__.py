"""Device ports, adapters for real hardware families, and wire-level simulators.

Nothing here imports the kiosk's services or UI: adapters talk bytes with hardware and
report typed results and errors upward through callbacks.
"""
