"""`kiosk call-display`: the waiting area's call display and voice, on the same machine
as the terminal or on a PC beside the TV."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from kiosk.api.window_client import WindowApiClient
from kiosk.app.run import load_for_screen, open_virtual_display
from kiosk.app.virtual_display import VirtualDisplayError
from kiosk.cli.window import TOKEN_VARIABLE
from kiosk.ui.fonts import FontError, find_cjk_fonts

log = logging.getLogger(__name__)


def run_call_display(config_path: Path, overlays: Sequence[Path], url: str | None,
                     virtual_display: bool) -> int:
    config = load_for_screen(config_path, overlays, virtual_display)
    if config is None:
        return 2
    url = url or f"http://{config.queue.api_host}:{config.queue.api_port}"
    client = WindowApiClient(url, os.environ.get(TOKEN_VARIABLE, ""))
    announcer = None
    if config.queue.announce_command:
        from devices.voice.command_announcer import CommandAnnouncer

        announcer = CommandAnnouncer(config.queue.announce_command)
    var_dir = Path(config.store.path).parent
    with ExitStack() as cleanup:
        try:
            if virtual_display:
                open_virtual_display(config, cleanup)
            fonts = find_cjk_fonts(config.display.font, var_dir / "cache" / "fonts")
        except (FontError, VirtualDisplayError) as error:
            print(f"kiosk: {error}", file=sys.stderr)
            return 2
        log.info("call display following %s", url)
        from kiosk.call_display.launch import run_call_display_app

        run_call_display_app(config, fonts, var_dir / "kivy-call-display", client, announcer)
    return 0
