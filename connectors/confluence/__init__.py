"""Confluence Cloud connector (REST API v2)."""

from connectors.confluence.client import ConfluenceClient

__all__ = ["ConfluenceClient"]
