"""Hostile input at every entry point: line and URC parsers, the request API, file services."""
