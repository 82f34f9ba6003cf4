"""The store: the SQLite database, people, templates, groups, events and the matcher."""
