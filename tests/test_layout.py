"""The Telegram layer's layout (issue 11): each role module imports only the core and the shared
modules; `app.py` alone wires the roles (delegates, staff, organisers) together."""

import ast
from pathlib import Path

TELEGRAM = Path(__file__).resolve().parent.parent / "bot" / "telegram"
ROLES = {"delegates", "staff", "organisers"}


def telegram_imports(path: Path) -> set[str]:
    """The `bot.telegram` modules `path` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot.telegram."):
            found.add(node.module.removeprefix("bot.telegram."))
        elif isinstance(node, ast.ImportFrom) and node.level:  # relative: `from .staff import …`
            found.add(node.module or "")
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith("bot.telegram.")]
            found |= {name.removeprefix("bot.telegram.") for name in names}
    return found


def test_only_app_imports_the_role_modules():
    crossing = {
        path.stem: telegram_imports(path) & ROLES
        for path in sorted(TELEGRAM.glob("*.py"))
        if path.stem != "app"
    }
    assert not any(crossing.values()), crossing
    assert telegram_imports(TELEGRAM / "app.py") >= ROLES
