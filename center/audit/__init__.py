"""Who did what in the center, and when: every action a person takes is one entry."""
