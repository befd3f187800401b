"""How long from an ID card laid on the reader to CardRead, beside the wire time it needs.

The simulator paces its side of the pseudo-terminal at 115200 baud, so the 1295-byte reply
to "read text and photo" (30 01) takes its real 112 ms on the wire. The floor is that reply's
wire time, computed (1295 x 10 bits / 115200) and measured on the simulator's side in this
very run; the goal is CardRead within 2x of it. Cards are laid down at random moments of the
adapter's poll cycle, as people do, so the figure includes waiting for the next find card.
The simulated SAM answers at once: a real one spends a fraction of a second more reading the
card over the air, which is the card's time, not ours.
"""

from __future__ import annotations

import queue
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from devices.health import DeviceState
from devices.idcard.line import wire_time
from devices.idcard.port import CardLeft, CardRead
from devices.idcard.protocol import READ_REPLY_LENGTH
from devices.idcard.sam_reader import SamIdCardReader
from devices.idcard.simulator import IdCardReaderSimulator

BAUD = 115200
PLACEMENTS = 20
GOAL = 2.0


def main() -> int:
    floor = wire_time(READ_REPLY_LENGTH, BAUD)
    with tempfile.TemporaryDirectory() as directory:
        simulator = IdCardReaderSimulator(Path(directory) / "idcard", pace_baud=BAUD)
        simulator.start()
        reader = SamIdCardReader(simulator.path, BAUD)
        events: queue.Queue[tuple[float, object]] = queue.Queue()
        reader.on_card(lambda event: events.put((time.monotonic(), event)))
        reader.start()
        try:
            _wait_ready(reader)
            latencies, measured = [], []
            for _ in range(PLACEMENTS):
                time.sleep(random.uniform(0, reader.poll_interval_s))
                simulator.clear_replies()
                placed = time.monotonic()
                simulator.place("zhang_san")
                delivered, event = events.get(timeout=5)
                if not isinstance(event, CardRead):
                    raise RuntimeError(f"expected CardRead, got {event!r}")
                latencies.append(delivered - placed)
                read = [r for r in simulator.replies if r.command == "read"]
                measured.append(read[-1].end - read[-1].start)
                _, left = events.get(timeout=5)   # the SAM will not find it again
                if not isinstance(left, CardLeft):
                    raise RuntimeError(f"expected CardLeft, got {left!r}")
                simulator.remove()
        finally:
            reader.stop()
            simulator.stop()
    median = statistics.median(latencies)
    wire = statistics.median(measured)
    verdict = "within" if median <= GOAL * floor else "OVER"
    print(f"idcard read: card placed to CardRead, {PLACEMENTS} placements at {BAUD} baud, "
          f"polling every {reader.poll_interval_s * 1000:.0f} ms")
    print(f"  latency   median {median * 1000:6.1f} ms   min {min(latencies) * 1000:6.1f} ms   "
          f"max {max(latencies) * 1000:6.1f} ms")
    print(f"  wire floor of the {READ_REPLY_LENGTH}-byte reply: computed {floor * 1000:.1f} ms, "
          f"measured {wire * 1000:.1f} ms")
    print(f"  ratio {median / floor:4.2f} (median; {verdict} the {GOAL}x goal), "
          f"worst {max(latencies) / floor:4.2f}")
    return 0


def _wait_ready(reader: SamIdCardReader) -> None:
    deadline = time.monotonic() + 10
    while reader.health.current.state is not DeviceState.READY or reader.sam_id is None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the simulated reader is not ready: {reader.health.current}")
        time.sleep(0.01)


if __name__ == "__main__":
    sys.exit(main())
