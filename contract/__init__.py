"""The MQTT contract's shared halves (docs/mqtt.md): the topic tree, the signed command
envelope and the sealed pickup code. The terminal and the district center both import
them from here, so the two sides can never drift apart."""
