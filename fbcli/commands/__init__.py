"""One module per command; each turns options into calls and results into output.

Every module here has ``register(app)``; the entry point finds them itself.
"""
