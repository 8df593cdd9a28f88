"""Fund-B objects for tests/test_scoping.py: a regulation version, a claim and its evidence."""

from __future__ import annotations

from kongtun.claims.services import evidence_seen_on_paper
from tests.claims.helpers import approved, file_claim, hospital


def claims_samples(world) -> dict[str, int]:
    version = approved(world.fund_b)
    # filed whatever its decision (other samples record this member's payments)
    claim = file_claim(world.fund_b, hospital(world.members_b[1]))
    evidence = evidence_seen_on_paper(claim=claim, requirement="hospital_certificate", actor=None)
    return {
        "version_id": version.pk,
        "benefit_index": 0,
        "clause_index": 0,
        "claim_id": claim.pk,
        "evidence_id": evidence.pk,
    }
