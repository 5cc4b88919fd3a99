"""Who may do what with accounts. Everything else in identity is an account acting on itself (its profile,
password, two-factor, social links), which its own token is enough for."""

from __future__ import annotations

from domain.shared.actor import Permission, grant

ADD_TOWN_STAFF = Permission(
    "identity.town_staff.add", "Inscrire un maire, un administrateur ou un modérateur dans sa propre commune",
    grant(mairie="mayor admin"), "Seul le maire ou un administrateur de cette commune peut créer ce rôle")

PERMISSIONS = (ADD_TOWN_STAFF,)
