"""Extract Trello boards: lists (archived too), cards (archived too), actions, members.

Trello has no server-side filter for changed cards, but a board's `dateLastActivity` moves on any
change: a board whose activity stamp equals the committed one is skipped whole. Actions are read
with `since` = the last committed action's time minus an overlap and deduplicated by id on load.
"""

from __future__ import annotations

from datetime import timedelta

from connectors.trello import TrelloClient, trello_id_time
from models.config import TrelloSource
from pipelines.extract.common import ExtractResult, SourceState, require_visible
from pipelines.landing import LandingWriter
from pipelines.progress import progress

ACTION_OVERLAP = timedelta(hours=1)


def extract_trello(
    source: TrelloSource, client: TrelloClient, state: SourceState, writer: LandingWriter
) -> ExtractResult:
    result = ExtractResult(writer.source_id)
    cursors = state.cursors
    boards = list(client.iter_boards(source.boards))
    require_visible(writer.source_id, "board", source.boards, (b["id"] for b in boards))
    writer.write("trello_boards", boards)
    for board in boards:
        board_id = str(board["id"])
        activity_key = f"board_activity:{board_id}"
        activity = str(board.get("dateLastActivity") or "")
        if activity and cursors.get(activity_key) == activity:
            progress.info("%s board %s: unchanged since last sync", writer.source_id, board.get("name"))
            continue
        writer.write("trello_lists", client.lists(board_id), container=board_id)
        writer.write("trello_members", client.members(board_id), container=board_id)
        writer.write("trello_custom_fields", client.custom_fields(board_id), container=board_id)
        cards = writer.write("trello_cards", client.iter_cards(board_id), container=board_id)
        action_key = f"newest_action:{board_id}"
        since = None
        if action_key in cursors:
            since = (trello_id_time(cursors[action_key]) - ACTION_OVERLAP).isoformat().replace("+00:00", "Z")
        actions = list(client.iter_actions(board_id, since=since))
        writer.write("trello_actions", actions, container=board_id)
        # Object ids start with their creation time in fixed-width hex, so they sort by time.
        newest = max([cursors.get(action_key, ""), *(str(a["id"]).lower() for a in actions)])
        if newest:
            result.cursors[action_key] = newest
        if activity:
            result.cursors[activity_key] = activity
        progress.info("%s board %s: %d cards, %d actions", writer.source_id, board.get("name"), cards, len(actions))
    result.counts = dict(writer.counts)
    return result
