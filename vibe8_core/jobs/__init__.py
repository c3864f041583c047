"""Jobs: submissions into the queue, and the database-backed runner that works it off."""
