"""Notifications: one row is both the in-app inbox entry and the delivery outbox."""
