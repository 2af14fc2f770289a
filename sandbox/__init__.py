"""pmhub sandbox: a generated portfolio served over HTTP through the real Jira, Trello and Confluence APIs.

from sandbox import SandboxServer, generate
portfolio = generate(seed=7, size="small")          # or jira_issues=100_000, story_point_fields="both", ...
with SandboxServer(portfolio) as server:             # or jql_time_zone=..., index_lag_minutes=...
    config = portfolio.pmhub_config(server.url)   # plus portfolio.sandbox_env() for the secrets
    server.touch(0.01, seed=1)                     # change the site between two syncs
    truth = server.ground_truth()                  # what a correct sync must now hold
"""

from sandbox.generator import generate
from sandbox.jira_mutations import Changed
from sandbox.portfolio import Portfolio
from sandbox.server import SandboxServer
from sandbox.truth import GroundTruth, ProjectTruth, SprintTruth

__all__ = ["Changed", "GroundTruth", "Portfolio", "ProjectTruth", "SandboxServer", "SprintTruth", "generate"]
