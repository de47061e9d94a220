"""Access policy for the scheduling app's URLs (merged into tests/access_policy.py)."""

from tests.access_policy_base import by_role, everyone  # noqa: F401

POLICY: dict[str, dict[str, str]] = {}


def sample_kwargs(personas: dict) -> dict[str, dict[str, str]]:
    """URL kwargs for scheduling URLs, naming objects that belong to personas["client"]."""
    return {}
