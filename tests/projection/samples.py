"""A fund-B projection run for the route walk in tests/test_scoping.py."""

from __future__ import annotations

from kongtun.projection.models import ProjectionRun, RunStatus


def projection_samples(world) -> dict[str, int]:
    run = ProjectionRun.objects.create(
        fund=world.fund_b,
        parameters={"assumptions": {}, "regulations": []},
        seed=1,
        scenarios=10,
        years=5,
        status=RunStatus.DONE,
        summary={},
    )
    return {"run_id": run.pk}
