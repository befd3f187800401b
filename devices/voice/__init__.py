"""Voice announcements for the call display."""
