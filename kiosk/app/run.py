"""`kiosk run`: the terminal, from configuration to the first frame on screen."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from devices.progress import ProgressBeat
from kiosk.app.logsetup import configure_logging
from kiosk.app.systemd_notify import SystemdNotifier
from kiosk.app.terminal import build_terminal
from kiosk.app.virtual_display import VirtualDisplay, VirtualDisplayError
from kiosk.app.watchdog import UI_ALLOWED_STALL_S, WatchdogSupervisor
from kiosk.config import KioskConfig, load_config, load_config_or_report
from kiosk.i18n import MissingCatalog, translator
from kiosk.services.keys import TerminalKeyError
from kiosk.services.locker.layout import LayoutError
from kiosk.store import StoreError, open_store
from kiosk.ui.fonts import FontError, find_cjk_fonts
from kiosk.ui.kivy_env import display_available
from kiosk.ui.theme import SCREEN_SIZES

log = logging.getLogger("kiosk")

NO_DISPLAY = (
    "kiosk: no display (DISPLAY is not set, or no X server answers on it). On a machine "
    "without a screen run "
    "`make run HEADLESS=1` (or `kiosk run --virtual-display`) to use a virtual display."
)


def load_for_screen(config_path: Path, overlays: Sequence[Path],
                    virtual_display: bool) -> KioskConfig | None:
    """The configuration of a program that needs a screen, with logging set up; None
    (having said why) when the file is bad or there is no screen to draw on."""
    config = load_config_or_report(config_path, overlays)
    if config is None:
        return None
    configure_logging(config.logging)
    if not virtual_display and not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return None
    return config


def open_virtual_display(config: KioskConfig, cleanup: ExitStack) -> None:
    """Starts a private Xvfb sized for the configured orientation and draws there."""
    display = VirtualDisplay(*SCREEN_SIZES[config.display.orientation])
    os.environ["DISPLAY"] = display.start()
    cleanup.callback(display.stop)
    log.info("running on virtual display %s", display.name)


def run_terminal(config_path: Path, overlays: Sequence[Path], virtual_display: bool) -> int:
    # Read (and taken out of the environment) before anything is started: see SystemdNotifier.
    notifier = SystemdNotifier.from_environment()
    config = load_for_screen(config_path, overlays, virtual_display)
    if config is None:
        return 2
    var_dir = Path(config.store.path).parent
    with ExitStack() as cleanup:
        try:
            if virtual_display:
                open_virtual_display(config, cleanup)
            fonts = find_cjk_fonts(config.display.font, var_dir / "cache" / "fonts")
            translator(config.display.language)
            store = open_store(config.store.path)
        except (FontError, MissingCatalog, StoreError, VirtualDisplayError) as error:
            print(f"kiosk: {error}", file=sys.stderr)
            return 2
        cleanup.callback(store.close)

        if config.simulation.start:
            from kiosk.simulation.host import SimulatorHost

            host = SimulatorHost(config)
            cleanup.callback(host.stop)
            overlay = host.start()
            for problem in host.problems:
                print(f"kiosk: {problem}", file=sys.stderr)
            config = load_config(config_path, [*overlays, overlay])

        try:
            terminal = build_terminal(config, store)
        except (TerminalKeyError, LayoutError) as error:
            print(f"kiosk: {error}", file=sys.stderr)
            return 2
        cleanup.callback(terminal.stop)
        terminal.start()
        admin = terminal.admin_server()
        admin.start()
        cleanup.callback(admin.stop)
        # The systemd watchdog (kiosk/app/watchdog.py); stopping it says STOPPING=1 first thing.
        ui_progress = ProgressBeat("ui", UI_ALLOWED_STALL_S)
        watchdog = WatchdogSupervisor(notifier, [ui_progress, *terminal.progress_beats()])
        watchdog.start()
        cleanup.callback(watchdog.stop)
        log.info("terminal %s at %s starting", config.station.terminal_id, config.station.name)

        from kiosk.ui.launch import run_app

        run_app(terminal.ui_services(), fonts, var_dir / "kivy", ui_progress)
        log.info("terminal stopped")
    return 0
