"""Hostile input at every entry point: the line and URC parsers, the request API, the file services."""
