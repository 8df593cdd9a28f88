"""Which regulations a projection can use. The one place that knows where regulation texts
live: the fund's stored versions (approved and drafts) when the regulations app keeps them,
then the shipped prototypes; an uploaded or pasted YAML is added by the form."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kongtun.funds.models import Fund
from kongtun.regulations.engine import PROTOTYPES, load_prototype
from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR


@dataclass(frozen=True)
class RegulationSource:
    key: str  # "version:<id>" or "prototype:<code>"
    label: str
    content: str
    kind: str  # approved | draft | prototype


def regulation_sources(fund: Fund) -> list[RegulationSource]:
    """The fund's regulation versions (newest first), then the prototypes."""
    out: list[RegulationSource] = []
    try:
        from kongtun.regulations.models import RegulationVersion, VersionStatus
    except ImportError:  # versions not stored: prototypes only
        RegulationVersion = None
    if RegulationVersion is not None:
        for v in RegulationVersion.objects.filter(fund=fund).order_by("-number"):
            draft = v.status == VersionStatus.DRAFT
            label = _("Version %(number)s: %(title)s") % {"number": v.number, "title": v.title}
            if draft:
                label += " (" + _("draft") + ")"
            out.append(
                RegulationSource(
                    f"version:{v.pk}", label, v.content, "draft" if draft else "approved"
                )
            )
    for code in PROTOTYPES:
        reg = load_prototype(code)
        text = (PROTOTYPE_DIR / f"{code}.yaml").read_text(encoding="utf-8")
        title = reg.title_th or reg.title_en or code
        out.append(
            RegulationSource(
                f"prototype:{code}", _("Prototype: %(title)s") % {"title": title}, text, "prototype"
            )
        )
    return out


def source_by_key(fund: Fund, key: str) -> RegulationSource | None:
    return next((s for s in regulation_sources(fund) if s.key == key), None)
