"""fbcli: feedback after every session, from the terminal."""

__version__ = "0.1.0"
