"""Adding an SMS recipient or a webhook to a modem: config subentries, each a notify entity.

"Add recipient" asks for a name and a number in international format (E.164: `+`, country
code, number, no spaces), which is the only form the modem sends to whatever network the SIM is
on. "Add webhook" asks for a name, URL, method, content type and body template; the URL must be
one the modem's HTTP stack can send and the template must make a body (valid JSON for the JSON
content type, whatever the message holds) before anything is saved.
"""

from typing import Any, Final

import probatio as vol
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.const import CONF_NAME
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TemplateSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .atmodem import RequestRejected
from .atmodem.sms import InvalidNumber, validate_e164
from .atmodem.validation import check_text
from .const import (
    CONF_BODY_TEMPLATE,
    CONF_CONTENT_TYPE,
    CONF_METHOD,
    CONF_NUMBER,
    CONF_URL,
    DEFAULT_BODY_TEMPLATE,
    MAX_WEBHOOK_BODY_TEMPLATE,
    WEBHOOK_CONTENT_TYPES,
    WEBHOOK_METHODS,
)
from .models import ModemHttpConfigEntry
from .webhooks import MAX_URL, Webhook, WebhookProblem, check_webhook

MAX_NAME: Final = 64

RECIPIENT_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_NAME): TextSelector(),
        vol.Required(CONF_NUMBER): TextSelector(TextSelectorConfig(type=TextSelectorType.TEL)),
    }
)


def _name(user_input: dict[str, Any]) -> str | None:
    """The name as typed, trimmed; None when empty or too long."""
    name = str(user_input.get(CONF_NAME, "")).strip()
    return name if 0 < len(name) <= MAX_NAME else None


class RecipientSubentryFlow(ConfigSubentryFlow):
    """Add recipient: a name and a phone number."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """One form; the number must be E.164 and not one this modem already texts."""
        errors: dict[str, str] = {}
        if user_input is not None:
            number = str(user_input.get(CONF_NUMBER, "")).strip()
            name = _name(user_input)
            if name is None:
                errors[CONF_NAME] = "invalid_name"
            try:
                validate_e164(number)
            except InvalidNumber:
                errors[CONF_NUMBER] = "invalid_number"
            if not errors:
                entry = self._get_entry()
                if any(sub.unique_id == number for sub in entry.subentries.values()):
                    return self.async_abort(reason="already_configured")
                return self.async_create_entry(
                    title=name, data={CONF_NUMBER: number}, unique_id=number
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(RECIPIENT_SCHEMA, user_input or {}),
            errors=errors,
        )


WEBHOOK_SCHEMA: Final = vol.Schema(
    {
        vol.Required(CONF_NAME): TextSelector(),
        vol.Required(CONF_URL): TextSelector(TextSelectorConfig(type=TextSelectorType.URL)),
        vol.Required(CONF_METHOD, default=WEBHOOK_METHODS[0]): SelectSelector(
            SelectSelectorConfig(options=WEBHOOK_METHODS, mode=SelectSelectorMode.DROPDOWN)
        ),
        vol.Required(CONF_CONTENT_TYPE, default=WEBHOOK_CONTENT_TYPES[0]): SelectSelector(
            SelectSelectorConfig(
                options=WEBHOOK_CONTENT_TYPES, mode=SelectSelectorMode.DROPDOWN, custom_value=True
            )
        ),
        vol.Required(CONF_BODY_TEMPLATE, default=DEFAULT_BODY_TEMPLATE): TemplateSelector(),
    }
)


class WebhookSubentryFlow(ConfigSubentryFlow):
    """Add webhook: where, how, and the body a notification becomes."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """One form, checked against the modem's own limits when it is loaded."""
        errors: dict[str, str] = {}
        if user_input is not None:
            name = _name(user_input)
            if name is None:
                errors[CONF_NAME] = "invalid_name"
            webhook = Webhook(
                url=str(user_input.get(CONF_URL, "")).strip(),
                method=str(user_input[CONF_METHOD]),
                body_template=str(user_input.get(CONF_BODY_TEMPLATE, "")),
                content_type=str(user_input[CONF_CONTENT_TYPE]).strip(),
            )
            errors.update(self._problems(webhook))
            if not errors:
                return self.async_create_entry(
                    title=name,
                    data={
                        CONF_URL: webhook.url,
                        CONF_METHOD: webhook.method,
                        CONF_CONTENT_TYPE: webhook.content_type,
                        CONF_BODY_TEMPLATE: webhook.body_template,
                    },
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(WEBHOOK_SCHEMA, user_input or {}),
            errors=errors,
        )

    def _problems(self, webhook: Webhook) -> dict[str, str]:
        entry: ModemHttpConfigEntry = self._get_entry()
        max_url = MAX_URL
        if entry.state is ConfigEntryState.LOADED:
            modem = entry.runtime_data.modem
            max_url = modem.family.limits.max_url
            if webhook.method not in modem.methods:
                return {CONF_METHOD: "method_not_supported"}
        try:
            check_text("content_type", webhook.content_type, max_length=128, allow_empty=False)
        except RequestRejected:
            return {CONF_CONTENT_TYPE: "invalid_content_type"}
        if len(webhook.body_template) > MAX_WEBHOOK_BODY_TEMPLATE:
            return {CONF_BODY_TEMPLATE: "template_too_long"}
        try:
            check_webhook(self.hass, webhook, max_url=max_url)
        except WebhookProblem as problem:
            return {problem.field: problem.reason}
        return {}
