"""quality_scale.yaml has the form hassfest checks in Home Assistant core.

Every rule of the Integration Quality Scale appears once, with a status of done, todo or exempt,
and a rule that is not done says why. Whether each claim is true is for the tests named in the
comments; this only keeps the file complete and well-formed.
"""

from pathlib import Path
from typing import Any

from homeassistant.util.yaml import load_yaml_dict

QUALITY_SCALE = Path(__file__).parents[2] / "custom_components/modem_http/quality_scale.yaml"

RULES = {
    # Home Assistant core, script/hassfest/quality_scale.py (ALL_RULES), by tier.
    "bronze": {
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow",
        "config-flow-test-coverage",
        "dependency-transparency",
        "docs-actions",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "docs-triggers",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    },
    "silver": {
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    },
    "gold": {
        "devices",
        "diagnostics",
        "discovery",
        "discovery-update-info",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    },
    "platinum": {"async-dependency", "inject-websession", "strict-typing"},
}

NO_EXEMPTION = {
    # Rules whose text on the developer documentation allows no exemption for an integration
    # like this one (it polls a device, has entities, a config flow and actions).
    "appropriate-polling",
    "config-flow-test-coverage",
    "entity-disabled-by-default",
    "test-coverage",
    "docs-known-limitations",
    "docs-data-update",
}


def load_rules() -> dict[str, Any]:
    rules: dict[str, Any] = load_yaml_dict(QUALITY_SCALE)["rules"]
    return rules


def status_of(rule: Any) -> tuple[str, str | None]:
    if isinstance(rule, str):
        return rule, None
    return rule["status"], rule.get("comment")


def test_every_rule_is_there_once() -> None:
    rules = load_rules()
    assert set(rules) == set().union(*RULES.values())


def test_every_status_is_known_and_every_deviation_explained() -> None:
    for name, rule in load_rules().items():
        status, comment = status_of(rule)
        assert status in ("done", "todo", "exempt"), name
        if status != "done":
            assert comment, f"{name} is {status} without a reason"


def test_rules_without_exemptions_are_not_exempt() -> None:
    rules = load_rules()
    assert {name for name in NO_EXEMPTION if status_of(rules[name])[0] == "exempt"} == set()
