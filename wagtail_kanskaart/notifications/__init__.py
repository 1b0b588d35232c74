"""Messages to residents and staff: stored in an outbox, sent after commit."""
