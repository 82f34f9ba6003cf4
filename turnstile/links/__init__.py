"""Events to other systems: each decision from the outbox to MQTT and webhook receivers."""
