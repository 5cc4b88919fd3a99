from __future__ import annotations

from litestar import Litestar

from entrypoints.contexts.assembly import routes
from entrypoints.http.faces.common import build_face
from entrypoints.http.faces.eebc.errors import POLICY, EebcError, render


def create_face(prefix: str) -> Litestar:
    return build_face(
        title="EEBC API", prefix=prefix, handlers=routes("eebc"), render=render, envelope=EebcError,
        policy=POLICY,
        description="Application des membres de l'église. Erreurs : {\"success\": false, \"error\": {...}}.",
    )
