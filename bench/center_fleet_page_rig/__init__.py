"""The fleet page benchmark's parts: the district it builds and how a request is timed."""
