"""Which HTTP dialect handlers a modem gets, loaded only when asked for.

The dialect modules (`modem_emulator.simcom`, `modem_emulator.httpcfg`) are written separately; the
core and the basic commands must work before, and without, them. So each entry of `DIALECTS` imports
its module when called, and `install_dialect` turns a missing module into `DialectUnavailable`.

Each dialect also implies the identity profile of the modules that speak it: SIMCom SIM7600 speaks
AT+HTTPINIT; Quectel EC2x speaks AT+QHTTPCFG; the unprefixed AT+HTTPCFG family (found on other
firmware) is served with the Quectel profile too. SIM800/SIM900 speak their own AT+HTTPINIT variant
over an AT+SAPBR bearer ("sim800"); SIM7070/SIM7080 speak AT+SH* over AT+CNACT ("sim7080").
"""

import importlib
from collections.abc import Callable
from typing import Any, Final

from modem_emulator.core import EmulatedModem

# dialect -> (module, install keyword arguments, identity profile)
_SOURCES: Final[dict[str, tuple[str, dict[str, str], str]]] = {
    "simcom": ("modem_emulator.simcom", {}, "simcom"),
    "httpcfg": ("modem_emulator.httpcfg", {"prefix": ""}, "quectel"),
    "quectel": ("modem_emulator.httpcfg", {"prefix": "Q"}, "quectel"),
    "sim800": ("modem_emulator.sim800", {}, "sim800"),
    "sim7080": ("modem_emulator.sim7080", {}, "sim7080"),
}

DIALECT_PROFILES: Final[dict[str, str]] = {name: source[2] for name, source in _SOURCES.items()}


class DialectUnavailable(RuntimeError):
    """The dialect's handler module is not there (yet); the modem still answers basic commands."""


def _installer(dialect: str) -> Callable[[EmulatedModem], None]:
    module_name, kwargs, _profile = _SOURCES[dialect]

    def install(modem: EmulatedModem) -> None:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            if err.name != module_name:
                raise
            raise DialectUnavailable(
                f"dialect {dialect!r} needs {module_name}, which does not exist yet"
            ) from err
        install_fn: Callable[..., Any] | None = getattr(module, "install", None)
        if install_fn is None:
            raise DialectUnavailable(f"{module_name} has no install(modem) function")
        install_fn(modem, **kwargs)

    install.__doc__ = f"Register the {dialect} HTTP commands ({module_name}.install)."
    return install


DIALECTS: Final[dict[str, Callable[[EmulatedModem], None]]] = {
    name: _installer(name) for name in _SOURCES
}


def install_dialect(modem: EmulatedModem, name: str) -> None:
    """Register dialect `name` on `modem`; `DialectUnavailable` if its module is missing."""
    try:
        installer = DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown dialect {name!r}; known: {sorted(DIALECTS)}") from None
    installer(modem)


def create_modem(dialect: str, *, strict: bool = True, **kwargs: Any) -> EmulatedModem:
    """A modem with the dialect's identity profile and handlers.

    With `strict=False` a missing dialect module leaves a modem with basic commands only (the CLI
    uses this and prints a warning); `modem.dialect_error` then tells why.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; known: {sorted(DIALECTS)}")
    kwargs.setdefault("identity", _SOURCES[dialect][2])
    modem = EmulatedModem(**kwargs)
    modem.dialect = dialect
    try:
        install_dialect(modem, dialect)
    except DialectUnavailable as err:
        if strict:
            raise
        modem.dialect_error = str(err)
    return modem
