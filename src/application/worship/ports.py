"""What the worship use cases need from persistence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.worship.model import Assignment, AssignmentStatus, Role, Service


@dataclass(frozen=True)
class ServiceFilter:
    site_id: int | None = None
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    member_id: int | None = None  # only services where this member has an assignment
    newest_first: bool = False


class WorshipRepository(Protocol):
    async def add_service(self, service: Service) -> Service: ...

    async def save_service(self, service: Service) -> None: ...

    async def delete_service(self, service_id: int) -> None:
        """Removes the service and its assignments."""
        ...

    async def service(self, service_id: int) -> Service | None: ...

    async def services(self, where: ServiceFilter, *, limit: int, offset: int) -> tuple[int, list[Service]]:
        """The count of matching services and one page of them, by start (newest first when asked)."""
        ...

    async def services_between(self, starts_from: datetime, starts_before: datetime) -> list[Service]: ...

    async def assignments_of(self, service_ids: Sequence[int]) -> list[Assignment]: ...

    async def assignment(self, assignment_id: int) -> Assignment | None: ...

    async def add_assignment(self, assignment: Assignment) -> Assignment: ...

    async def save_assignment(self, assignment: Assignment) -> None: ...

    async def delete_assignment(self, assignment_id: int) -> None: ...

    async def answer(self, assignment_id: int, expected: AssignmentStatus, status: AssignmentStatus,
                     reason: str, at: datetime) -> bool:
        """Sets the answer if the assignment is still `expected` (one conditional UPDATE); False otherwise."""
        ...

    async def take_declined(self, assignment_id: int, replacement_id: int) -> bool:
        """Marks a declined, not yet replaced assignment `remplace` by `replacement_id`, in one conditional
        UPDATE: of concurrent takers exactly one gets True."""
        ...

    async def assignments_of_member(self, member_id: int, starts_from: datetime,
                                    starts_before: datetime) -> list[tuple[Assignment, Service]]:
        """The member's live assignments (not declined or replaced) of services starting in the window."""
        ...

    async def mark_reminded(self, assignment_id: int, at: datetime) -> bool:
        """Records the reminder once (conditional UPDATE); False when it was already sent."""
        ...

    async def add_role(self, role: Role) -> Role:
        """Raises Conflict when the code exists."""
        ...

    async def role(self, role_id: int) -> Role | None: ...

    async def roles(self) -> list[Role]: ...

    async def roles_by_id(self, role_ids: Sequence[int]) -> dict[int, Role]: ...

    async def role_members(self, role_id: int) -> list[int]: ...

    async def add_role_member(self, role_id: int, member_id: int) -> None:
        """Idempotent."""
        ...

    async def remove_role_member(self, role_id: int, member_id: int) -> None: ...

    async def feed_generation(self, member_id: int) -> int | None:
        """The generation of the member's ICS feed token, None before the first."""
        ...

    async def set_feed(self, member_id: int, generation: int, digest: str) -> None:
        """The member's ICS feed: its generation and the digest of its token (replaces the previous one)."""
        ...

    async def member_of_feed(self, digest: str) -> int | None: ...
