"""pmhub sandbox: a generated portfolio served over HTTP through the real Jira, Trello and Confluence APIs.

from sandbox import SandboxServer, generate
portfolio = generate(seed=7, size="small")
with SandboxServer(portfolio) as server:
    config = portfolio.pmhub_config(server.url)   # plus portfolio.sandbox_env() for the secrets
"""

from sandbox.generator import generate
from sandbox.portfolio import Portfolio
from sandbox.server import SandboxServer
from sandbox.truth import GroundTruth, ProjectTruth, SprintTruth

__all__ = ["GroundTruth", "Portfolio", "ProjectTruth", "SandboxServer", "SprintTruth", "generate"]
