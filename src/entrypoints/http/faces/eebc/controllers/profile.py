"""/api/v1/profile/: the caller's own profile.

`member` is the spec's member block (directory entry and site) of the member this account is, read in one query
(`CommunityQueries.member_of_user`); `null` for an account that is no member's.

PUT takes JSON or multipart/form-data with the same fields (`email`, `phone`, `first_name`, `last_name`, all
optional: a missing field is left as it is, an empty `phone` in JSON clears it) plus an optional `photo`
file (JPEG, PNG, GIF or WebP, 5 MB at most). Phones are read in the French Guiana plan (`0694 12 34 56` or
`+594694123456`) and stored in E.164. Any invalid field is a 400 with `details` and nothing is changed.
"""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, get, put
from litestar.di import NamedDependency

from application.community.queries import CommunityQueries
from application.identity.services import Principal, ProfileChanges, UpdateProfile
from domain.identity.model import Realm
from domain.shared.errors import Conflict
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.eebc import schemas
from entrypoints.http.openapi import may_raise, reads_body
from entrypoints.http.uploads import convert, read_body_and_files

REALM = Realm.EEBC


class ProfileController(Controller):
    path = "/api/v1/profile"
    tags = ("profile",)

    @get("/", dependencies={"principal": principal_dependency(REALM)})
    async def show(self, principal: NamedDependency[Principal],
                   community: FromDishka[CommunityQueries]) -> schemas.ProfileOk:
        assert principal.user.id is not None
        return schemas.profile(principal.user, await community.member_of_user(principal.user.id))

    @put("/", dependencies={"principal": principal_dependency(REALM)},
         opt=reads_body(schemas.ProfileBody, files=("photo",)) | may_raise(Conflict))
    async def update(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        use_case: FromDishka[UpdateProfile],
        community: FromDishka[CommunityQueries],
    ) -> schemas.ProfileOk:
        fields, files = await read_body_and_files(request, file_fields=("photo",))
        body = convert(fields, schemas.ProfileBody)
        assert principal.user.id is not None
        user = await use_case(
            principal.user.id,
            ProfileChanges(
                email=body.email,
                phone=body.phone,
                first_name=body.first_name,
                last_name=body.last_name,
                photo=files.get("photo"),
            ),
        )
        return schemas.profile(user, await community.member_of_user(principal.user.id))
