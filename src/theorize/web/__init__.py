"""The coding workbench: read, code, compare and write memos in the browser.

``create_app(settings)`` builds the app over one project; ``theorize serve`` runs it.
"""

from theorize.web.app import WorkbenchSettings, create_app

__all__ = ["create_app", "WorkbenchSettings"]
