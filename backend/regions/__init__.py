"""County → township → village → grid, with stable hierarchical codes."""
