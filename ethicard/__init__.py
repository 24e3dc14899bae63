"""ethicard: disclosure cards for medical image synthesis (MISyn), after Jin et al., arXiv:2508.09293.

The public API: load a checklist and a card, assess the card, render the report.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "EthicardError",
    "Problem",
    "Report",
    "__version__",
    "assess",
    "load_card",
    "load_checklist",
    "render",
]

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assessment import Report, assess
    from .cards import load_card
    from .checklist import load_checklist
    from .errors import EthicardError, Problem
    from .rendering import render

_WHERE = {
    "EthicardError": "errors",
    "Problem": "errors",
    "Report": "assessment",
    "assess": "assessment",
    "load_card": "cards",
    "load_checklist": "checklist",
    "render": "rendering",
}


def __getattr__(name: str) -> Any:
    """Import on first use, so that ``ethicard --help`` starts without pydantic or jinja2."""
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(name)
