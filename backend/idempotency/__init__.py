"""Replaying retried creates: the same Idempotency-Key gives the same answer, once."""
