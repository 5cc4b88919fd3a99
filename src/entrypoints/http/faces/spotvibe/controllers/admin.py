"""/api/admin/bulk-action/: one action on many objects, for platform admins. Each context that has bulk actions
adds its `BULK_ACTIONS` (action_type -> handler) to ACTIONS below; the use case behind each checks the right."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from application.identity.services import Principal
from domain.identity.model import Realm
from domain.shared.errors import Forbidden, InvalidInput
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.spotvibe import event_schemas as wire
from entrypoints.http.faces.spotvibe.controllers import events
from entrypoints.http.openapi import may_raise

ACTIONS: dict[str, events.BulkAction] = {**events.BULK_ACTIONS}


class AdminController(Controller):
    path = "/api/admin"
    tags = ("admin",)

    @post("/bulk-action/", status_code=HTTP_200_OK, dependencies={"principal": principal_dependency(Realm.SPOTVIBE)},
          opt=may_raise(InvalidInput, Forbidden))
    async def bulk_action(self, request: Request[Any, Any, Any], data: JSONBody[wire.BulkActionBody],
                          principal: NamedDependency[Principal]) -> wire.BulkActionDone:
        action = ACTIONS.get(data.action_type)
        if action is None:
            known = ", ".join(sorted(ACTIONS))
            raise InvalidInput.on_field("action_type", f"Action inconnue : {data.action_type!r} (attendu : {known})")
        count = await action(request.state.dishka_container, principal.actor, list(data.object_ids), data.reason)
        return wire.BulkActionDone(message="Action en masse exécutée avec succès.", processed_count=count)
