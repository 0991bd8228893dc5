"""The store on a database: SQLite or PostgreSQL, through one SQL layer."""
