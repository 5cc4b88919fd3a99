from __future__ import annotations

from litestar import Litestar

from entrypoints.contexts.assembly import routes
from entrypoints.http.faces.common import build_face
from entrypoints.http.faces.spotvibe.errors import POLICY, SpotVibeError, render


def create_face(prefix: str) -> Litestar:
    return build_face(
        title="SpotVibe API", prefix=prefix,
        handlers=routes("spotvibe"),
        render=render, envelope=SpotVibeError,
        policy=POLICY,
        description="Événements, billets, abonnements et paiements. Erreurs : {\"error\": \"message\"}.",
    )
