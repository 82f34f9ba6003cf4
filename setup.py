"""Package list: every turnstile* package plus turnstile.assets, the top-level assets/ folder."""

from setuptools import find_packages, setup

# pyproject.toml holds all other metadata; only this list needs code, because find cannot
# see a package whose folder (assets/) is outside turnstile/ (mapped via package-dir there).
setup(packages=[*find_packages(include=["turnstile", "turnstile.*"]), "turnstile.assets"])
