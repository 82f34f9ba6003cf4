"""Kiosk icons and stylesheets, installed as the `turnstile.assets` package's data."""
