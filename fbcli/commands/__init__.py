"""One module per command; each turns options into calls and results into output.

Every module here has ``register(app)``; the entry point finds them itself.

These modules do without ``from __future__ import annotations``: typer reads
each option from its annotation, and annotations kept as text would be
compiled again, twice, every time a command starts (a few milliseconds for
``give``'s thirty options). A type imported only for the checker is quoted.
"""
