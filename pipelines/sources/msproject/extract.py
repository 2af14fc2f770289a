"""Extract plan files: each changed plan lands whole, as one `msproject_plans` row (the file's
properties, tasks with their baselines, resources, assignments and time-phased baseline cost, as
`connectors.msproject.read_plan` gives them); a plan whose file is gone lands a tombstone.

A plan whose file has the SHA-256 the warehouse holds is not read again. A plan landed whole
replaces what the warehouse held of it, so a task deleted from a plan is gone from the next load,
while a plan whose file disappears keeps its tasks, marked deleted with the reason.
"""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.msproject import PlanFileError
from connectors.msproject.files import PlanFile, PlanFiles
from pipelines.extract.common import ExtractError, ExtractResult
from pipelines.landing import LandingWriter
from pipelines.progress import progress
from pipelines.sources.msproject.config import MsProjectSource
from pipelines.sources.msproject.state import MsProjectState


def extract_msproject(
    source: MsProjectSource, client: PlanFiles, state: MsProjectState, writer: LandingWriter
) -> ExtractResult:
    result = ExtractResult(writer.source_id)
    try:
        plans = client.plans()
        present = [p for p in plans if p.present]
        for plan in present:
            _land_plan(client, plan, state, writer)
    finally:
        client.close()
    gone = {p.name: f"plan file {p.location} no longer exists" for p in plans if not p.present}
    listed = {p.name for p in present}
    for name in sorted(state.plan_hashes.keys() - listed):
        gone.setdefault(name, f"plan file {name} is no longer in {', '.join(source.paths)}")
    detected = datetime.now(UTC).isoformat()
    writer.write(
        "msproject_plan_tombstones",
        (
            {"file_name": name, "reason": reason, "detected_at": detected}
            for name, reason in sorted(gone.items())
            if name in state.plan_hashes
        ),
        key=lambda r: r["file_name"],
        container=lambda r: r["file_name"],
    )
    result.counts = dict(writer.counts)
    return result


def _land_plan(client: PlanFiles, plan: PlanFile, state: MsProjectState, writer: LandingWriter) -> None:
    local = client.fetch(plan)
    sha256 = client.sha256(local)
    if not state.reread and state.plan_hashes.get(plan.name) == sha256:
        progress.info("%s plan %s: unchanged since last sync", writer.source_id, plan.name)
        return
    try:
        read = client.read(local, sha256)
    except PlanFileError as exc:
        # The source's batch is not landed: its plans stay as last synced, and the run says which file.
        raise ExtractError(f"{writer.source_id}: {exc.detail} ({plan.location})") from None
    payload = {"location": plan.location, **read.as_dict()}
    writer.write("msproject_plans", [payload], key=lambda _r: plan.name, container=plan.name)
    progress.info(
        "%s plan %s: %d tasks, %d resources, %d assignments",
        writer.source_id,
        plan.name,
        len(read.tasks),
        len(read.resources),
        len(read.assignments),
    )
