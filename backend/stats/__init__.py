"""Statistics: response, resolution, satisfaction and on-time rates (接诉即办)."""
