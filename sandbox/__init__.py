"""pmhub sandbox: a generated portfolio served over HTTP through the real Jira, Trello and Confluence APIs.

from sandbox import SandboxServer, generate
portfolio = generate(seed=7, size="small")          # or jira_issues=100_000, story_point_fields="both", ...
with SandboxServer(portfolio) as server:             # or jql_time_zone=..., index_lag_minutes=...
    config = portfolio.pmhub_config(server.url)   # plus portfolio.sandbox_env() for the secrets
    server.touch(0.01, seed=1)                     # change the site between two syncs
    truth = server.ground_truth()                  # what a correct sync must now hold
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.generator import generate
    from sandbox.jira_mutations import Changed
    from sandbox.portfolio import Portfolio
    from sandbox.server import SandboxServer
    from sandbox.truth import GroundTruth, ProjectTruth, SprintTruth

# Imported on first use (PEP 562): `pmhub sync` reads the CLI's `sandbox serve` options, and should
# not load the server and the OpenAPI documents' validator for that.
_HOMES = {
    "generate": "sandbox.generator",
    "Changed": "sandbox.jira_mutations",
    "Portfolio": "sandbox.portfolio",
    "SandboxServer": "sandbox.server",
    "GroundTruth": "sandbox.truth",
    "ProjectTruth": "sandbox.truth",
    "SprintTruth": "sandbox.truth",
}
__all__ = ["Changed", "GroundTruth", "Portfolio", "ProjectTruth", "SandboxServer", "SprintTruth", "generate"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'sandbox' has no attribute {name!r}")
