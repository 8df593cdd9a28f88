"""Reads of the development process, always inside one fund."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet, Sum

from kongtun.development.models import (
    Activity,
    ActivityStatus,
    DevelopmentProcess,
    EvidenceFile,
    ParticipantGroup,
    Participation,
    Stage,
    StageStatus,
)
from kongtun.funds.models import Fund


def process_for_fund(*, fund: Fund) -> DevelopmentProcess | None:
    return DevelopmentProcess.objects.filter(fund=fund).select_related("fund").first()


def stages_with_activities(*, process: DevelopmentProcess) -> list[Stage]:
    activities = Activity.objects.prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("occupation")),
    ).annotate(evidence_count=Count("evidence"))
    return list(
        process.stages.prefetch_related(Prefetch("activities", queryset=activities)).order_by(
            "position", "id"
        )
    )


def stage_in_fund(*, fund: Fund, stage_id: int) -> Stage | None:
    return (
        Stage.objects.select_related("process__fund")
        .filter(pk=stage_id, process__fund=fund)
        .first()
    )


def activity_in_fund(*, fund: Fund, activity_id: int) -> Activity | None:
    return (
        Activity.objects.select_related("stage__process__fund")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("occupation"))
        )
        .filter(pk=activity_id, stage__process__fund=fund)
        .first()
    )


def evidence_in_fund(*, fund: Fund, evidence_id: int) -> EvidenceFile | None:
    return (
        EvidenceFile.objects.select_related("activity__stage__process")
        .filter(pk=evidence_id, activity__stage__process__fund=fund)
        .first()
    )


def activities_of(*, process: DevelopmentProcess) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(stage__process=process)
        .select_related("stage")
        .prefetch_related("participations__occupation")
        .annotate(evidence_count=Count("evidence"))
        .order_by("held_on", "id")
    )


@dataclass
class ProcessSummary:
    stages_total: int = 0
    stages_done: int = 0
    activities_held: int = 0
    activities_planned: int = 0
    participants: int = 0
    by_group: list[tuple[str, str, int]] = field(default_factory=list)
    by_occupation: list[tuple[str, int]] = field(default_factory=list)
    evidence_files: int = 0


def process_summary(*, process: DevelopmentProcess) -> ProcessSummary:
    """Counts for the overview: stages done, activities, people by group and occupation
    (people are counted per activity: one person at three meetings counts three times)."""
    s = ProcessSummary()
    stage_status = Counter(
        process.stages.exclude(status=StageStatus.SKIPPED).values_list("status", flat=True)
    )
    s.stages_total = sum(stage_status.values())
    s.stages_done = stage_status.get(StageStatus.DONE, 0)
    acts = Counter(Activity.objects.filter(stage__process=process).values_list("status", flat=True))
    s.activities_held = acts.get(ActivityStatus.DONE, 0)
    s.activities_planned = acts.get(ActivityStatus.PLANNED, 0)
    held = Participation.objects.filter(
        activity__stage__process=process, activity__status=ActivityStatus.DONE
    )
    labels = dict(ParticipantGroup.choices)
    by_group = dict(held.values_list("group").annotate(n=Sum("count")).order_by())
    s.by_group = [
        (g, str(labels[g]), by_group[g]) for g in ParticipantGroup.values if g in by_group
    ]
    s.participants = sum(by_group.values())
    occ = defaultdict(int)
    for p in held.filter(occupation__isnull=False).select_related("occupation"):
        occ[str(p.occupation)] += p.count
    s.by_occupation = sorted(occ.items(), key=lambda kv: -kv[1])
    s.evidence_files = EvidenceFile.objects.filter(activity__stage__process=process).count()
    return s


def stage_span(stage: Stage) -> tuple[dt.date | None, dt.date | None]:
    """When a stage ran: its own dates, else the dates of its activities (not cancelled)."""
    dates = [
        d
        for a in stage.activities.all()
        if a.status != ActivityStatus.CANCELLED
        for d in (a.held_on, a.ends_on or a.held_on)
    ]
    start = stage.started_on or (min(dates) if dates else None)
    end = stage.completed_on or (max(dates) if dates else None)
    if start and end and end < start:
        end = start
    return start, end
