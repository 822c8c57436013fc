"""Names and helpers every template may use."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..services.permissions import Permission, Role, allowed

ROLE_NAMES = {
    Role.COORDINATOR: _l("Coordinator"),
    Role.REPRESENTATIVE: _l("Representative"),
    Role.OBSERVER: _l("Observer"),
}
ACTION_NAMES = {
    "auth.sign_in": _l("signed in"),
    "auth.sign_out": _l("signed out"),
    "account.created": _l("account created"),
    "account.imported": _l("account imported"),
    "account.activated": _l("account activated"),
    "account.deactivated": _l("account deactivated"),
    "account.password_reset": _l("password reset"),
    "account.password_changed": _l("password changed"),
    "demo.seeded": _l("demo data added"),
    "taxonomy.published": _l("version published"),
    "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
}


def init_app(app: Flask) -> None:
    @app.context_processor
    def helpers() -> dict[str, Any]:
        return {
            "current_locale": lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
            "can": lambda permission: allowed(current_user, Permission(permission)),
            "role_name": lambda role: ROLE_NAMES[Role(role)],
            "action_name": lambda action: ACTION_NAMES.get(action, action),
        }
