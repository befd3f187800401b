"""A stand-in text-to-speech program for tests and machines without a sound card.

The terminal runs it exactly as it would run espeak-ng, as the configured voice command:

    python -m devices.voice.simulator --record FILE --volume {volume} -- {text}

It appends one JSON line to FILE as it starts speaking (the text, the volume it was given,
its pid), then "speaks" for a time proportional to the text's length, so a test can cut it
off, and appends a second line if it was allowed to finish. ``read_record`` reads the file
back as one ``SpokenText`` per text.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Mandarin prompts are read at about four to five characters a second.
DEFAULT_SECONDS_PER_CHARACTER = 0.2


@dataclass(frozen=True)
class SpokenText:
    text: str
    volume: str
    pid: int
    started_at: float  # time.time() when the program started speaking
    finished: bool  # false: still speaking, or cut off


def simulator_command(record: Path | str, *,
                      seconds_per_character: float = DEFAULT_SECONDS_PER_CHARACTER,
                      ) -> tuple[str, ...]:
    """The voice command that runs this simulator, recording to ``record``."""
    return (sys.executable, "-m", "devices.voice.simulator", "--record", str(record),
            "--seconds-per-character", str(seconds_per_character), "--volume", "{volume}",
            "--", "{text}")


def read_record(record: Path | str) -> list[SpokenText]:
    """Every text the simulator started speaking, oldest first."""
    path = Path(record)
    if not path.exists():
        return []
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    finished = {entry["pid"] for entry in entries if entry["event"] == "finished"}
    return [SpokenText(text=entry["text"], volume=entry["volume"], pid=entry["pid"],
                       started_at=entry["at"], finished=entry["pid"] in finished)
            for entry in entries if entry["event"] == "speaking"]


def _append(record: Path, entry: dict[str, object]) -> None:
    # One write per line on an O_APPEND descriptor: the lines of a program being cut off
    # and of the one replacing it never interleave.
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    record.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(record, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devices.voice.simulator",
                                     description="a text-to-speech program that records "
                                                 "what it is asked to say")
    parser.add_argument("--record", type=Path, required=True,
                        help="file to append one JSON line per text to")
    parser.add_argument("--volume", default="", help="the volume the terminal asked for")
    parser.add_argument("--seconds-per-character", type=float,
                        default=DEFAULT_SECONDS_PER_CHARACTER,
                        help="how long each character takes to say")
    parser.add_argument("--fail-with", default="",
                        help="write this to stderr and exit with status 1 instead of speaking")
    parser.add_argument("text")
    options = parser.parse_args(argv)
    if options.fail_with:
        print(options.fail_with, file=sys.stderr)
        return 1
    _append(options.record, {"event": "speaking", "text": options.text,
                             "volume": options.volume, "pid": os.getpid(), "at": time.time()})
    time.sleep(len(options.text) * options.seconds_per_character)
    _append(options.record, {"event": "finished", "pid": os.getpid(), "at": time.time()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
