"""The fuzzer's settings: a small fixed run in the normal suite, a long one with `make fuzz`.

HYPOTHESIS_PROFILE picks the profile: "ci" (the default) derandomizes, so a failure found by CI
reproduces on every machine at the same commit; "fuzz" runs many more examples from a random seed
(Hypothesis prints the seed and the falsifying example when it finds something).
"""
import os

from hypothesis import HealthCheck, settings

from tests.test_access import world  # noqa: F401  the access matrix's world: every role with something to post

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
          HealthCheck.filter_too_much]

settings.register_profile("ci", max_examples=int(os.environ.get("FUZZ_EXAMPLES", 3)), derandomize=True,
                          deadline=None, database=None, suppress_health_check=_QUIET, print_blob=True)
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), deadline=None,
                          database=None, suppress_health_check=_QUIET, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
