"""上门服务 and 全程代办: grid workers' capacity, bookings, and the document ledger."""
