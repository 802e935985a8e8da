"""Photos: uploaded, re-encoded without metadata, stored by content, served to those who may see them."""
