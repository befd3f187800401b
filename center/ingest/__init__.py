"""From the broker into the database: events kept once each by (terminal, seq), presence,
heartbeats and alarms applied idempotently, completeness per terminal, rejects kept with
their reason; and the worker that acknowledges to the broker only what is committed."""
