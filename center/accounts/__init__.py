"""Who may use the center: roles (district administrator, station manager, viewer), the
stations a manager looks after, and sign-in throttling."""
