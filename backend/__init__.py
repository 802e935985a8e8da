"""Bianmin 便民: a service desk for townships and villages."""
