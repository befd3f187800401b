"""The terminals of a district: stations, presence by the contract's birth/death rules,
the latest heartbeat, and the pages administrators watch them on."""
