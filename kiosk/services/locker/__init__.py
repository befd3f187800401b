"""The 24-hour document locker: staff deposit results, residents collect them at any hour."""
