from __future__ import annotations

from litestar import Litestar

from entrypoints.contexts.assembly import routes
from entrypoints.http.faces.common import build_face
from entrypoints.http.faces.mairie.errors import POLICY, MairieError, render


def create_face(prefix: str) -> Litestar:
    return build_face(
        title="E-CMS Mairie API", prefix=prefix, handlers=routes("mairie"), render=render, envelope=MairieError,
        policy=POLICY,
        description="Tableau de bord de la mairie. Erreurs : {\"error\": {\"code\", \"message\", \"details\"}}.",
    )
