"""Shared plumbing: database, locales, errors, auth. Imports no domain."""
