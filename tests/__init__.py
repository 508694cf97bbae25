"""Tests for modem_http."""
