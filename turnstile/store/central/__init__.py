"""The central PostgreSQL store: schema, roster writes, the change feed and the kiosk replicas."""
