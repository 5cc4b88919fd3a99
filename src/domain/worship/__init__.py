"""Worship: the church's services, the roles people serve in, and the rota of assignments."""
