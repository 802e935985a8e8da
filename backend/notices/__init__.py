"""Public notices (政务公开栏) for a township or a village."""
