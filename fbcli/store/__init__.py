"""The one storage interface commands use, and the way to open a store."""

from fbcli.store.base import SCHEMA_VERSION, Store, open_store

__all__ = ["SCHEMA_VERSION", "Store", "open_store"]
