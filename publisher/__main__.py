"""``python -m publisher``."""

from publisher.cli import run

run()
