"""The terminal process: the composition root that builds it from configuration, `kiosk run`,
its logs, the systemd watchdog and notifications, the virtual display and the printer set-
up."""
