"""What HACS and a new user see of the repository: README images, the licence, the CI checks."""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[2]
MANIFEST = json.loads((ROOT / "custom_components" / "modem_http" / "manifest.json").read_text())
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)|<img[^>]*\ssrc=\"([^\"]+)\"")


def raw_base() -> str:
    """Where GitHub serves the files of the repository the manifest documents, on main."""
    repository = MANIFEST["documentation"].removeprefix("https://github.com/").strip("/")
    return f"https://raw.githubusercontent.com/{repository}/main/"


def test_readme_images_are_absolute_links_to_files_of_this_repository() -> None:
    """HACS shows the README without resolving relative paths, so every image is absolute."""
    readme = (ROOT / "README.md").read_text()
    images = [markdown or html for markdown, html in IMAGE.findall(readme)]

    assert images, "the README shows the device page and the config flow"
    for url in images:
        assert url.startswith(raw_base()), url
        assert (ROOT / url.removeprefix(raw_base())).is_file(), url


def test_the_licence_is_mit_and_the_readme_names_it() -> None:
    """HACS refuses repositories without a licence GitHub recognises."""
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")
    assert "MIT licence" in (ROOT / "README.md").read_text()


def test_hassfest_and_hacs_validation_run_on_push_and_pull_request() -> None:
    """The two checks every HACS integration runs, as their actions document them."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "validate.yaml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    steps = {
        step["uses"].split("@")[0]: step.get("with", {})
        for job in workflow["jobs"].values()
        for step in job["steps"]
    }

    assert {"push", "pull_request"} <= set(triggers)
    assert "home-assistant/actions/hassfest" in steps
    assert steps["hacs/action"] == {"category": "integration"}
