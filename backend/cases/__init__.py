"""Cases: one intake, dispatch, working-day deadlines, supervision (登记督办销号)."""
