"""Imported for its side effect by the integration; the families load eagerly now."""
