"""Shared fixtures: every test may load custom integrations from custom_components/."""

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant's loader see custom_components/modem_http in every test."""
