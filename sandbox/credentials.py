"""Fake credentials the sandbox accepts.

They are not secrets: the sandbox only listens on 127.0.0.1 and holds generated data. The demo feeds
them to pmhub through environment variables, exactly as a real site's credentials would be fed.
"""

from __future__ import annotations

ATLASSIAN_EMAIL = "pmo@sandbox.pmhub.invalid"
ATLASSIAN_TOKEN = "sandbox-atlassian-token"
TRELLO_KEY = "sandbox0trello0key"
TRELLO_TOKEN = "sandbox-trello-token"
