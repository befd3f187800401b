"""The terminal's voice (语音播报): each screen's prompt spoken to the resident.

Many residents read little or see poorly, so every step of pickup, drop-off, tickets and
the door screen is also said aloud. The UI calls ``prompt()`` as each screen appears: the
new prompt replaces whatever is still being said. 重听 calls ``repeat()``. Staff can mute
the terminal (a counter where residents are served face to face, a quiet hour); the mute
lasts until they unmute or the terminal restarts.

Nothing here waits for speech: the speaker's worker runs the program.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable

from devices.health import DeviceHealth
from devices.voice.port import Speaker

# Enough for a test to follow a whole task; bounded, since prompts may name a ticket or a
# door and the terminal runs for months.
HISTORY_LENGTH = 100

SpeechListener = Callable[[str], None]
MuteListener = Callable[[bool], None]


class ResidentVoice:
    """What the terminal says to the resident. Without a speaker (``voice.enabled =
    false``) it says nothing and ``available`` is false; the UI can call it all the same."""

    def __init__(self, speaker: Speaker | None = None) -> None:
        self._speaker = speaker
        self._lock = threading.Lock()
        self._muted = False
        self._last_prompt = ""
        self._history: collections.deque[str] = collections.deque(maxlen=HISTORY_LENGTH)
        self._speech_listeners: list[SpeechListener] = []
        self._mute_listeners: list[MuteListener] = []

    @property
    def available(self) -> bool:
        """A voice is configured (whether or not its program is installed: see health)."""
        return self._speaker is not None

    @property
    def health(self) -> DeviceHealth | None:
        return self._speaker.health.current if self._speaker is not None else None

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def can_repeat(self) -> bool:
        """Whether 重听 would say anything now."""
        return self.available and not self._muted and bool(self._last_prompt)

    @property
    def last_prompt(self) -> str:
        return self._last_prompt

    @property
    def history(self) -> tuple[str, ...]:
        """The texts handed to the text-to-speech program, oldest first (the last
        HISTORY_LENGTH). A text replaced before its program started is still listed."""
        with self._lock:
            return tuple(self._history)

    def on_speech(self, listener: SpeechListener) -> None:
        """Called with each text as it is handed to the speaker, on the caller's thread."""
        with self._lock:
            self._speech_listeners.append(listener)

    def on_mute_changed(self, listener: MuteListener) -> None:
        """Called with the new state after each mute() or unmute() that changed it."""
        with self._lock:
            self._mute_listeners.append(listener)

    def prompt(self, text: str) -> None:
        """This screen's prompt: said now, cutting off anything still being said, unless
        muted; remembered for 重听 either way. A blank text only silences."""
        text = text.strip()
        if not text:
            self.silence()
            return
        with self._lock:
            self._last_prompt = text
        self._say(text)

    def repeat(self) -> None:
        """重听: the last prompt again, from its beginning."""
        if self._last_prompt:
            self._say(self._last_prompt)

    def silence(self) -> None:
        """Stops what is being said, e.g. when the resident leaves the screen."""
        if self._speaker is not None:
            self._speaker.silence()

    def reset(self) -> None:
        """End of a resident's session: silence, and forget the last prompt so the next
        resident's 重听 cannot repeat what was said to this one."""
        with self._lock:
            self._last_prompt = ""
        self.silence()

    def mute(self) -> None:
        """Staff: no more speech until unmute(); what is being said stops at once."""
        self._set_muted(True)

    def unmute(self) -> None:
        """Staff: speech resumes with the next prompt (nothing is said at once)."""
        self._set_muted(False)

    def _set_muted(self, muted: bool) -> None:
        with self._lock:
            changed = muted != self._muted
            self._muted = muted
            if muted and self._speaker is not None:
                # Under the lock, so a prompt handed over meanwhile cannot outlive the mute.
                self._speaker.silence()
            listeners = list(self._mute_listeners) if changed else []
        for listener in listeners:
            listener(muted)

    def _say(self, text: str) -> None:
        if self._speaker is None:
            return
        with self._lock:
            if self._muted:
                return
            self._history.append(text)
            # say() only hands the text to the worker, so holding the lock costs nothing,
            # and a mute() cannot slip in between the check and the hand-over.
            self._speaker.say(text)
            listeners = list(self._speech_listeners)
        for listener in listeners:
            listener(text)
