"""Webhook notifications: a body made from a template, sent through the modem's HTTP stack.

A webhook (a config subentry) is a URL, a method and a body template in which `message` and
`title` are the notification's; the default template makes the JSON object
`{"title": ..., "message": ...}`, each value escaped with `to_json`. With it, or a template of
their own, the same `notify.send_message` reaches ntfy, Gotify, a Telegram bot or a Discord
webhook while the home's internet is down:

- ntfy: POST `https://ntfy.sh/`, `{"topic": "my-topic", "title": {{ title | to_json }},
  "message": {{ message | to_json }}}`
- Gotify: POST `https://gotify.example/message?token=...`, the default template
- Telegram: POST `https://api.telegram.org/bot<token>/sendMessage`,
  `{"chat_id": 123456, "text": {{ message | to_json }}}`
- Discord: POST the webhook URL, `{"content": {{ message | to_json }}}`

The request is an ordinary request of the modem: it queues behind others, is counted by the
request sensors, and fails with the same translated errors as `modem_http.post`.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import TemplateError
from homeassistant.helpers.template import MAX_TEMPLATE_OUTPUT, Template

from .atmodem import SHORTEST_URL_LIMIT, HttpResponse, RequestRejected
from .atmodem.validation import check_url
from .const import (
    CONF_BODY_TEMPLATE,
    CONF_CONTENT_TYPE,
    CONF_METHOD,
    CONF_URL,
    DEFAULT_BODY_TEMPLATE,
)
from .models import ModemHttpConfigEntry
from .services.errors import modem_failure, validation_error
from .services.fields import request_timeout
from .services.outcome import perform

MAX_URL: Final = SHORTEST_URL_LIMIT
"""The shortest URL limit of the families, for a modem not loaded; a loaded one checks its own."""
RESPONSE_LIMIT: Final = 64 * 1024
"""What a webhook's answer may be: services answer a few hundred bytes of JSON, or nothing."""
SAMPLE: Final = {"message": 'The "power" is out\nat home', "title": "Home \N{HOUSE BUILDING}"}
"""What the form renders a template with, to see that it makes valid JSON of any text."""


@dataclass(frozen=True, slots=True)
class Webhook:
    """One webhook subentry's settings."""

    url: str
    method: str
    body_template: str
    content_type: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Webhook:
        """The settings stored in a subentry."""
        return cls(
            url=str(data[CONF_URL]),
            method=str(data[CONF_METHOD]),
            body_template=str(data.get(CONF_BODY_TEMPLATE, DEFAULT_BODY_TEMPLATE)),
            content_type=str(data[CONF_CONTENT_TYPE]),
        )


class WebhookProblem(Exception):
    """A webhook's settings cannot make a request; `reason` is the form error's key."""

    def __init__(self, field: str, reason: str) -> None:
        """The form field at fault and the error key."""
        super().__init__(reason)
        self.field = field
        self.reason = reason


def render_body(hass: HomeAssistant, webhook: Webhook, message: str, title: str | None) -> str:
    """The body for one notification; WebhookProblem when the template or its JSON fails."""
    template = Template(webhook.body_template, hass)
    try:
        body = template.async_render({"message": message, "title": title or ""}, parse_result=False)
    except TemplateError as err:
        raise WebhookProblem(CONF_BODY_TEMPLATE, "invalid_template") from err
    if webhook.content_type == "application/json":
        try:
            json.loads(body)
        except ValueError as err:
            raise WebhookProblem(CONF_BODY_TEMPLATE, "body_not_json") from err
    return str(body)


def check_webhook(hass: HomeAssistant, webhook: Webhook, *, max_url: int = MAX_URL) -> None:
    """What the form checks before saving: a URL the modem can send, a template that works."""
    try:
        check_url(webhook.url, max_length=max_url)
    except RequestRejected as err:
        raise WebhookProblem(CONF_URL, "invalid_url") from err
    # The form's template selector refuses bad syntax; rendering finds the rest.
    render_body(hass, webhook, SAMPLE["message"], SAMPLE["title"])


async def async_send_webhook(
    hass: HomeAssistant,
    entry: ModemHttpConfigEntry,
    webhook: Webhook,
    message: str,
    title: str | None,
) -> HttpResponse:
    """Send one notification; a translated error when it cannot be made or is refused."""
    modem = entry.runtime_data.modem
    # Home Assistant's templates refuse output past MAX_TEMPLATE_OUTPUT; a message that size
    # is too large to send, not a broken template, so it is refused as such before rendering.
    limit = min(modem.max_body, MAX_TEMPLATE_OUTPUT)
    if (size := len(message) + len(title or "")) > limit:
        raise validation_error("body_too_large", size=size, max=limit)
    try:
        body = render_body(hass, webhook, message, title).encode()
    except WebhookProblem as err:
        raise validation_error(f"webhook_{err.reason}") from err
    except UnicodeEncodeError as err:
        raise validation_error("webhook_invalid_text") from err
    if len(body) > modem.max_body:
        raise validation_error("body_too_large", size=len(body), max=modem.max_body)
    timeout = request_timeout(entry, {})
    response = await perform(
        entry,
        webhook.method,
        len(body),
        timeout,
        lambda: modem.http_request(
            webhook.method,
            webhook.url,
            body=body,
            content_type=webhook.content_type,
            timeout=timeout,
            max_response_size=RESPONSE_LIMIT,
        ),
    )
    if response.status >= 400:
        raise modem_failure("webhook_refused", status=response.status)
    return response


__all__ = [
    "Webhook",
    "WebhookProblem",
    "async_send_webhook",
    "check_webhook",
    "render_body",
]
