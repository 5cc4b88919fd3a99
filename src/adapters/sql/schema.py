"""What every context's tables share: one MetaData (naming convention), enum columns, the mapper registry.

Each context declares its tables in `adapters/sql/<context>/tables.py` on this metadata and maps its
entities in `adapters/sql/<context>/mapping.py`; the list of contexts (entrypoints/contexts) loads them.
"""

from __future__ import annotations

from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import registry

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def str_enum(enum: type, name: str) -> Enum:
    return Enum(enum, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)

mapper_registry = registry(metadata=metadata)
