"""Jira Cloud connector (platform REST v3 + Jira Software agile 1.0)."""

from connectors.jira.client import JiraClient

__all__ = ["JiraClient"]
