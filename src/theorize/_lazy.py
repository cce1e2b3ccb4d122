"""Heavy libraries imported on first use, so that opening a project and most commands start fast.

``pd`` below is the pandas module the first time one of its attributes is read; until then
nothing is imported. Modules write::

    if TYPE_CHECKING:
        import pandas as pd
    else:
        from theorize._lazy import pandas as pd

Examples:
    >>> from theorize._lazy import LazyModule
    >>> json = LazyModule("json")
    >>> json.dumps([1])
    '[1]'
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """A stand-in for a module that imports it when an attribute is first read."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return self._module

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._load(), attribute)

    def __repr__(self) -> str:
        state = "loaded" if self._module is not None else "not loaded yet"
        return f"<lazy module {self._name!r}, {state}>"


pandas = LazyModule("pandas")
numpy = LazyModule("numpy")
