"""Demonstration data for `make run`: may import every package; nothing imports it."""
from flask import Flask

from demo.commands import demo_cli


def register(app: Flask) -> None:
    app.cli.add_command(demo_cli)
