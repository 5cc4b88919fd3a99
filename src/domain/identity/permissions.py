"""Who may do what with accounts. Everything else in identity is the account acting on itself."""

from __future__ import annotations

from domain.shared.actor import EVERYONE, Permission, grant

MANAGE_OWN_ACCOUNT = Permission(
    "identity.own_account", "Son profil, son mot de passe, sa double authentification, ses comptes sociaux",
    grant(spotvibe=EVERYONE, mairie=EVERYONE, eebc=EVERYONE))
ADD_TOWN_STAFF = Permission(
    "identity.town_staff.add", "Inscrire un maire, un administrateur ou un modérateur dans sa propre commune",
    grant(mairie="mayor admin"), "Seul le maire ou un administrateur de cette commune peut créer ce rôle")

PERMISSIONS = (MANAGE_OWN_ACCOUNT, ADD_TOWN_STAFF)
