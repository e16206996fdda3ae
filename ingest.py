"""Validate `knowledge/` and bring the index up to date: `python ingest.py`."""

import sys

from bot.cli import ingest_command

if __name__ == "__main__":
    sys.exit(ingest_command(sys.argv[1:]))
