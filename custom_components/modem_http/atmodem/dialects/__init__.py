"""Where the dialect drivers used to be; the families package holds them now."""

from ..families import DIALECTS, NoHttpCommandsError

__all__ = ["DIALECTS", "NoHttpCommandsError"]
