"""The pieces bench/center_ingest.py measures with: the stream, the broker and its sessions,
the databases, the workers."""
