"""Hypothesis settings profiles for tests/properties, chosen with HYPOTHESIS_PROFILE.

"ci" (the default) keeps the whole directory to well under a minute on a two-core machine
and tries the same inputs on every run;
"fuzz" is for `make fuzz`: as many inputs as the time budget allows (see conftest.py, which
stops each test when its share of FUZZ_SECONDS is spent).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

REPOSITORY = Path(__file__).resolve().parents[2]
# Failing inputs are kept here and replayed first on the next run (.gitignored).
DATABASE = DirectoryBasedExampleDatabase(str(REPOSITORY / ".hypothesis" / "examples"))

CI_EXAMPLES = 60
FUZZ_EXAMPLES = 100_000

settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    deadline=None,          # a loaded CI machine must not turn slowness into failures
    print_blob=True,        # a failure prints the @reproduce_failure blob to paste
    # The same inputs on every run: `make test` judges a change, not the luck of a seed.
    # Searching is `make fuzz`'s job; what it finds comes back here as an @example.
    derandomize=True,
    database=None,
)
settings.register_profile(
    "fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    print_blob=True,
    database=DATABASE,
    # Long runs meet the occasional slow input (a big frame, a long TOML file): that is
    # what fuzzing is for, not a reason to stop.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def scaled(fraction: float) -> settings:
    """Settings for a test whose inputs cost more than most (a database write, an HTTP
    round trip): ``fraction`` of the profile's examples, at least 10."""
    return settings(max_examples=max(10, int(settings.default.max_examples * fraction)))
