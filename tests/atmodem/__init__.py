"""Tests: atmodem."""
