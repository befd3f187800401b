"""The district center: a Django web application and its MQTT ingest workers, which follow
every station terminal of a district through the contract in docs/mqtt.md (docs/center.md)."""
