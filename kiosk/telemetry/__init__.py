"""The link to the district center over MQTT (the only package that imports paho)."""
