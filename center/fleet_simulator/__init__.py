"""A fleet of simulated terminals that speaks the terminal-to-center MQTT contract
(docs/mqtt.md), for the center's demos, tests and benchmarks. No terminal code: only
contract/ and paho.

fleet.py is the simulated fleet (deterministic with a seed, no network); station.py,
queue_floor.py and locker_bank.py what a station does over a day; terminal.py a terminal's
MQTT side (outbox, presence, heartbeats, alarms); wire.py a few shared paho connections;
live.py the compressed clock; ``python -m center.fleet_simulator --help`` the command."""
