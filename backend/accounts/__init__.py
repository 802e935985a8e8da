"""Users, roles, sign-in by one-time code, and the audit trail."""
