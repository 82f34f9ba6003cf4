"""The admin panel's core (no Qt): accounts, audit, enrolment, import, people, settings."""
