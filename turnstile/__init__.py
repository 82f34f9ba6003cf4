"""Turnstile: offline face-recognition access control for turnstiles and doors."""

__version__ = "0.1.0"
