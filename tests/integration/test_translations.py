"""The English translation file, strings.json and the code agree.

Custom integrations ship translations/en.json; strings.json is the source edited by hand and copied
by scripts/translations. Every key the code refers to must exist, or users see raw keys.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from custom_components.modem_http import binary_sensor, progress_sensor, sensor
from custom_components.modem_http.const import DIALECT_OPTIONS, ISSUE_MODEM_UNREACHABLE
from custom_components.modem_http.fallback import FallbackProblem
from custom_components.modem_http.options import OPTION_KEYS
from custom_components.modem_http.sim_issues import SimProblem

PACKAGE = Path(__file__).parents[2] / "custom_components" / "modem_http"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PACKAGE / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def strings() -> dict[str, Any]:
    return load("strings.json")


def test_english_translation_equals_strings_json(strings: dict[str, Any]) -> None:
    """scripts/translations was run after the last edit of strings.json."""
    assert load("translations/en.json") == strings


def test_no_key_references(strings: dict[str, Any]) -> None:
    """Custom integrations do not resolve [%key:...%] references; they would show verbatim."""
    assert "[%key:" not in json.dumps(strings)


def test_every_entity_has_a_name_and_an_icon(strings: dict[str, Any]) -> None:
    """Each entity has a translated name; those without a device class icon have their own."""
    icons = load("icons.json")["entity"]
    platforms: dict[str, list[Any]] = {
        "sensor": [*sensor.SENSORS, *sensor.TOTALS, progress_sensor.DESCRIPTION],
        "binary_sensor": list(binary_sensor.BINARY_SENSORS),
    }
    for platform, descriptions in platforms.items():
        keys = {d.translation_key for d in descriptions}
        assert keys == set(strings["entity"][platform]), platform
        assert set(icons[platform]) <= keys, platform
        for description in descriptions:
            assert strings["entity"][platform][description.translation_key]["name"]
            if description.device_class in (None, "data_size", "duration", "enum"):
                assert description.translation_key in icons[platform], description.key


def test_every_enum_state_is_translated(strings: dict[str, Any]) -> None:
    """Each ENUM sensor's options (SIM, registration, network type, last error) has a label."""
    enums = [d for d in sensor.SENSORS if d.device_class == "enum"]
    assert {d.key for d in enums} >= {"sim_state", "network_registration", "network_type"}
    for description in enums:
        states = strings["entity"]["sensor"][description.translation_key]["state"]
        assert set(states) == set(description.options or ()), description.key


def test_the_fallback_sensor_says_ready_and_why_not(strings: dict[str, Any]) -> None:
    """On/off read as Ready/Not ready; every problem the attribute can hold has a label."""
    fallback = strings["entity"]["binary_sensor"]["fallback_ready"]
    assert set(fallback["state"]) == {"on", "off"}
    problems = fallback["state_attributes"]["problem"]["state"]
    assert set(problems) == {problem.value for problem in FallbackProblem}


def test_sim_issues_and_steps(strings: dict[str, Any]) -> None:
    """Each SIM problem has an issue; the SIM steps have their fields and errors.

    The placeholders are those sim_issues.py and the flow fill in.
    """
    for problem in SimProblem:
        issue = strings["issues"][problem.value]
        used = set(re.findall(r"{(\w+)}", issue["title"] + issue["description"]))
        assert used <= {"title", "pin_tries", "puk_tries"}, problem
        assert "title" in used
    steps = strings["config"]["step"]
    assert set(steps["sim_pin"]["data"]) == {"pin"}
    assert set(steps["sim_puk"]["data"]) == {"puk", "new_pin"}
    for step in ("sim_pin", "sim_puk", "reauth_confirm"):
        used = set(
            re.findall(r"{(\w+)}", steps[step].get("title", "") + steps[step]["description"])
        )
        assert used <= {"title", "tries"}, step
    for error in ("invalid_pin", "invalid_puk", "wrong_pin", "wrong_puk"):
        assert strings["config"]["error"][error]
    assert strings["config"]["abort"]["reauth_successful"]


def test_config_flow_texts(strings: dict[str, Any]) -> None:
    """Every error and abort reason the flow can produce has a message."""
    config = strings["config"]
    for reason in ("cannot_connect", "no_modem", "no_http_commands"):
        assert config["error"][reason]
    for reason in (
        "already_configured",
        "already_in_progress",
        "reconfigure_successful",
        "wrong_device",
        "not_supported",
        "usb_port_unknown",
        "at_port_missing",
    ):
        assert config["abort"][reason]
    for step in ("user", "reconfigure"):
        fields = config["step"][step]
        assert set(fields["data"]) == {"device", "baudrate", "dialect"}
        assert set(fields["data_description"]) == set(fields["data"])
    assert set(strings["selector"]["dialect"]["options"]) == set(DIALECT_OPTIONS)
    options = strings["options"]["step"]["init"]
    # The data connection and TLS fields come from options.py.
    assert set(options["data"]) == {"timeout", "delete_received_sms", *OPTION_KEYS}
    assert set(options["data_description"]) == set(options["data"])


def test_placeholders_match(strings: dict[str, Any]) -> None:
    """The issue and setup messages use exactly the placeholders the code fills in."""
    issue = strings["issues"][ISSUE_MODEM_UNREACHABLE]
    used = set(re.findall(r"{(\w+)}", issue["title"] + issue["description"]))
    assert used == {"title", "device", "minutes"}
    exceptions = strings["exceptions"]
    expected = {
        "setup_cannot_open_port": {"device", "error"},
        "setup_modem_not_answering": {"device", "error"},
        "setup_no_http_commands": {"device"},
        "setup_wrong_modem": {"device"},
        "modem_not_responding": {"error"},
    }
    for key, placeholders in expected.items():
        assert set(re.findall(r"{(\w+)}", exceptions[key]["message"])) == placeholders, key
