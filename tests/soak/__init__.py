"""Soak: many concurrent requests through emulated modems while faults are injected at random."""
