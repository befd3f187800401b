"""The `kiosk` command: main.py holds the whole argument tree and sends each command to its
module here, one module per command group."""
