"""The `realistic` generation profile: Jira issues shaped and sized like a real Cloud site's.

`generate(..., profile="realistic")` (`pmhub sandbox serve --profile realistic`) keeps the demo
site's projects, people, scrum simulation and ground truth, and changes what a real site differs in:
issues over a year and more, every Cloud field, rich descriptions, long-tailed changelogs and
worklogs, epics, and boards of every kind. The demo profile is unchanged, byte for byte.

Measured in the captures under ../shared/data/jira (PROVENANCE.tsv there), then chosen:

- Fields per issue (`*all`): 67-74 (32-34 custom) in jirametrics/spec/**/SP-*.json (12 issues of a
  Cloud site), 59-60 (25-26 custom) in oizhaolei-grid2print/search_issues.DERIVED.json (Cloud, 50),
  251-258 (213-219 custom) in xenopol-jira-timeline/issues.DERIVED.json (a Server site, 27).
  bitovi-jira-timeline-report/bitovi-training-fields.json lists 191 fields: 44 system, 147 custom
  (63 global, 84 scoped to team-managed projects; kinds: formula 21, select 15, checkboxes 14,
  text 12, ...). Chosen: the 44 system fields, 86 global custom fields and 11 scoped to BOR, so a
  served issue carries ~125 fields (~136 in BOR) (sandbox.realistic_catalog).
- Null custom fields: 84.3% in SP-*.json, 83.6% in grid2print, 93.5% on the Server site. Chosen
  value shares give 89% null.
- Descriptions: none set in SP-*.json; 44/50 in grid2print, ADF of 176 bytes (one line); 14/27 in
  xenopol, 652 characters on average, 1,622 at most. Chosen: 80% of issues have one (all epics), ADF
  of 0.8 KB median, 1.7 KB mean, with paragraphs, headings, lists, code, panels, tables and mentions;
  one bug in nine carries a pasted log (2-12 KB), one issue in 200 several (10-40 KB), one in 600
  four to seven (25-80 KB); 30% (60% with logs) were edited 1-3 times, each edit a history with the
  old and new text in full, as Jira writes them (sandbox.realistic_text, realistic_content).
- Histories per issue: 1-11, mean 4.3 in SP-*.json; 0-4 in tempo-timereports-demo/TimeData.DERIVED.json;
  1-2 in apache-sling-committer-cli changelogs. Items per history 1.12 (SP), 2.17 (tempo). Fields
  they touch: status, resolution, Rank, Flagged, Sprint, Story Points, Link, priority (SP);
  timespent, timeestimate, assignee (tempo); Fix Version, summary (sling). The captures are far too
  small to show a tail, so the tail is the product owner's: 2% of issues with 150+ histories, 0.05%
  (at least one per 10,000) over 1,000. Chosen (sandbox.realistic_history): the simulated histories
  plus body edits (description, custom fields, components, links, attachments, re-ranking, priority,
  labels, summary, flagging), 6% of issues with 21-140, 2% with 150-850, one in 2,000 with
  1,000-4,000 (re-ranking and automation rules writing "Deployment status" / "Sync status"). At
  10,000 issues: mean 15, median 8, 1.04 items per history; status, Sprint, points and assignee
  still come only from the scrum simulation (sandbox.jira_sim), so the truth is untouched.
- Worklogs per issue: 3 (tempo WorklogData.DERIVED.json), 3 (jira-ruby issue/10002/worklog.json),
  0 on all 27 xenopol issues. Assumed tail: most issues 0-5, one in ~200 over 100, on long-running
  work (sandbox.realistic_gen). At 10,000 issues: 62% none, 27% 1-5, 2% over 20, 0.45% over 100.
- Boards: go-jira testing/mock-data/all_boards.json has 3 scrum and 3 kanban boards, 5 of them
  without a `location`; sprints.json 3 closed, 1 active, 2 future. Chosen: APL scrum; BOR a
  team-managed project (`simplified`, "next-gen") with a `simple` board running sprints; DRC two
  kanban boards while its sprints run on "Release train", a scrum board no project lists; NOISE kanban.
- Payload: SP-*.json issues are 12 KB on average (19.9 KB at most) with 1-11 histories and 1 KB
  user objects. Target (product owner): about 18 KB per issue from POST /issue/bulkfetch with
  `*all,-worklog,-comment` and the changelog expanded, about 200 KB for the largest at 10,000
  issues. Measured at 10,000 issues (seed 7): 18.4 KiB mean, 16.3 KiB median, 206 KiB max.
- Update activity: the captures hold no activity log. Assumed, as the product owner gives it: a
  10,000-issue site updates 1-3% of its issues a day (some 50 people each touching a handful), most
  issues were last touched long ago. Chosen: creation spread over 13-18 months, edits mostly in an
  issue's first days, automation on a few issues, edited worklogs edited within days. Measured at
  10,000 issues: 0.9% updated in the last 12 h, 1.8% in 24 h (the demo: 7.7% in 12 h).
"""

from __future__ import annotations

from typing import Any, Literal

Profile = Literal["demo", "realistic"]
PROFILES: tuple[str, ...] = ("demo", "realistic")

# Project id -> days before the anchor its kickoff falls in: over a year of history.
KICKOFF_DAYS = {"apollo": (420, 470), "borealis": (390, 440), "cygnus": (300, 340), "draco": (480, 540)}
NOISE_DAYS = 560
RELEASE_TRAIN = "Release train"
# Jira project key -> JiraSpec fields that differ from the demo site's layout (sandbox.gen_jira.JiraSpec).
LAYOUT: dict[str, dict[str, Any]] = {
    # Borealis is a team-managed project: its board is a `simple` board, running sprints.
    "BOR": {"board_type": "simple", "style": "next-gen"},
    # Draco's own boards are kanban boards; its sprints run on a board whose filter names no project.
    "DRC": {"board_type": "kanban", "extra_boards": (("DRC support", "kanban"),), "sprint_board": RELEASE_TRAIN},
}
