"""Worship use cases: the rota members see and answer, and the staff's services, roles and assignments."""
