"""The admin panel's Qt screens: login, people, enrolment, import, events, settings."""
