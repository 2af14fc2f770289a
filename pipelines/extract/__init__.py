"""Extracts: call a connector, stream what it yields into a landing batch, return new cursors.

They never open DuckDB: the cursors they start from come from the cursor file the loader writes
after each commit.
"""
