"""Fund B's pending upload, for the route walk in tests/test_scoping.py."""

from __future__ import annotations

from kongtun.imports.uploads import upload_store


def imports_samples(world) -> dict[str, str]:
    """A real upload of fund B (by fund B's chair): fund A must get 403/404 for it."""
    upload = upload_store(
        fund_id=world.fund_b.pk,
        user_id=world.chair_b.pk,
        kind="contributions",
        filename="b.csv",
        chunks=["เลขที่สมาชิก,วันที่ชำระ,จำนวนเงิน\n00001,1/3/2567,30\n".encode()],
    )
    return {"upload_id": upload.token}
