"""PC/SC card readers (staff badges, social-security cards) through pyscard."""
