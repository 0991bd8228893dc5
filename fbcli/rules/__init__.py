"""Pure domain rules: plain values in, decisions out.

Nothing in this package imports Typer, rich, questionary or TinyDB.
"""
