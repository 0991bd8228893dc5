"""Benchmarks of whole fbcli processes over generated stores (``make bench``)."""
