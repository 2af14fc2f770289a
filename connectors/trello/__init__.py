"""Trello connector (REST API v1)."""

from connectors.trello.client import TrelloClient
from connectors.trello.ids import trello_id_time

__all__ = ["TrelloClient", "trello_id_time"]
