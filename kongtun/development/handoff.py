"""The seam between the development process and the regulations app (built separately).

The draft is the regulation engine's YAML. Two things are asked of the regulations side, and
both degrade to "not available yet" when it is not there:

* ``regulation_validate(text)``: the engine's loader (``kongtun.regulations.engine``), a pure
  module, checks the draft; its errors are shown against the draft's field.
* ``regulation_handoff(process=…, effective_from=…, actor=…)``: when the community founds its
  fund, the draft becomes the fund's first regulation version, approved by the founding
  meeting and in force from the founding date. The regulations app takes it through
  ``kongtun.regulations.services.regulation_adopt_first_version(*, fund, text, effective_from,
  actor, source, resolution)`` when it provides one, else through its ``version_import`` and
  ``version_approve`` services. When it cannot (not installed, no such service, tables not
  there, the draft refused) the result says why, nothing of it is written, the draft stays on
  the process, and the page offers to hand it over later.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

log = logging.getLogger("kongtun.development")

HANDOFF_MODULE = "kongtun.regulations.services"
HANDOFF_FUNCTION = "regulation_adopt_first_version"


@dataclass(frozen=True)
class HandoffResult:
    accepted: bool
    message: Any  # lazy translated text
    version: Any = None


def _engine() -> Any | None:
    try:
        return importlib.import_module("kongtun.regulations.engine")
    except ImportError:
        return None


def engine_available() -> bool:
    return _engine() is not None


def prototype_choices() -> list[tuple[str, str]]:
    """(code, title) of the prototype regulations a draft can start from."""
    engine = _engine()
    if engine is None:
        return []
    english = (get_language() or "th").startswith("en")
    out = []
    for code in getattr(engine, "PROTOTYPES", ()):
        try:
            reg = engine.load_prototype(code)
        except Exception:  # a broken prototype must not break the page
            continue
        title = getattr(reg, "title_en", "") if english else getattr(reg, "title_th", "")
        out.append((code, title or code))
    return out


def prototype_text(code: str) -> str | None:
    engine = _engine()
    if engine is None or code not in getattr(engine, "PROTOTYPES", ()):
        return None
    path = engine.prototypes.PROTOTYPE_DIR / f"{code}.yaml"
    return path.read_text(encoding="utf-8") if path.exists() else None


def regulation_validate(text: str) -> list[str]:
    """The engine's objections to a draft, in the user's language; [] when it loads (or when
    the engine is not installed, which the draft page says)."""
    engine = _engine()
    if engine is None:
        return []
    try:
        engine.load_regulation(text)
    except engine.RegulationFormatError as exc:
        lang = get_language() or "th"
        try:
            from kongtun.regulations.engine.render import render_error

            return [render_error(e, lang) for e in exc.errors[:20]]
        except ImportError:
            return [str(e) for e in exc.errors[:20]]
    return []


def _adopter() -> Any | None:
    """The regulations app's way to make a text the fund's first approved version: its own
    ``regulation_adopt_first_version`` when it has one, else its draft-and-approve services."""
    try:
        module = importlib.import_module(HANDOFF_MODULE)
    except ImportError:
        return None
    adopt = getattr(module, HANDOFF_FUNCTION, None)
    if adopt is not None:
        return adopt
    version_import = getattr(module, "version_import", None)
    version_approve = getattr(module, "version_approve", None)
    if version_import is None or version_approve is None:
        return None

    def adopt_by_import_and_approve(
        *, fund: Any, text: str, effective_from: dt.date, actor: Any, source: str, resolution: str
    ) -> Any:
        version = version_import(fund=fund, content=text, actor=actor)
        return version_approve(
            version=version,
            resolution=resolution,
            resolution_date=effective_from,
            effective_date=effective_from,
            actor=actor,
        )

    return adopt_by_import_and_approve


def _versions(fund: Any) -> Any | None:
    """The fund's regulation versions, or None when the regulations app is not there."""
    if not apps.is_installed("kongtun.regulations"):
        return None
    try:
        version_model = apps.get_model("regulations", "RegulationVersion")
    except LookupError:
        return None
    return version_model.objects.filter(fund=fund)


def fund_has_regulation(fund: Any) -> bool:
    """Whether the regulations app already holds an approved version for this fund (then the
    draft is not its first version and stays with the process as the community's record)."""
    versions = _versions(fund)
    if versions is None:
        return False
    try:
        with transaction.atomic():
            return versions.exclude(status="draft").exists()
    except DatabaseError:  # not migrated yet
        return False


def working_draft(fund: Any) -> Any | None:
    """The regulation the community is drafting, edited with the regulation forms (issue 13:
    no raw text box): the fund's newest draft version while it has no approved one."""
    versions = _versions(fund)
    if versions is None or fund_has_regulation(fund):
        return None
    try:
        with transaction.atomic():
            return versions.filter(status="draft").order_by("-number").first()
    except DatabaseError:
        return None


def draft_sync(process: Any) -> Any | None:
    """Keep the process's record of the draft equal to the draft version being edited with
    the forms (the founding page and the handoff read the record); returns that version."""
    draft = working_draft(process.fund)
    if (
        draft is not None
        and not process.regulation_handed_over_at
        and draft.content != process.regulation_draft
    ):
        from django.utils import timezone

        process.regulation_draft = draft.content
        process.regulation_draft_updated_at = timezone.now()
        process.save(update_fields=["regulation_draft", "regulation_draft_updated_at"])
    return draft


def _approve_draft(draft: Any, effective_from: dt.date, actor: Any, resolution: str) -> Any:
    """The draft edited with the regulation forms becomes version 1, approved as founded."""
    from django.utils import timezone

    from kongtun.regulations.services import version_approve

    today = timezone.localdate()
    return version_approve(
        version=draft,
        resolution=resolution,
        resolution_date=min(effective_from, today),
        effective_date=effective_from,
        actor=actor,
        today=today,
    )


def regulation_handoff(*, process: Any, effective_from: dt.date, actor: Any) -> HandoffResult:
    """Make the process's draft the fund's first regulation version, approved by the founding
    meeting. Runs in a savepoint: if the regulations side refuses or fails, nothing of it is
    written and the founding itself stands."""
    draft_sync(process)
    if not process.regulation_draft.strip():
        return HandoffResult(False, _("No regulation was drafted during the process."))
    if process.regulation_handed_over_at:
        return HandoffResult(True, _("The draft is already the fund's first regulation."))
    if not apps.is_installed("kongtun.regulations"):
        return HandoffResult(
            False,
            _(
                "The regulations module is not available yet; the draft stays here and can be "
                "handed over when it is."
            ),
        )
    if fund_has_regulation(process.fund):
        return HandoffResult(
            False,
            _(
                "The fund already has a regulation in the regulations module; this draft stays "
                "with the process as the community's record."
            ),
        )
    adopt = _adopter()
    if adopt is None:
        return HandoffResult(
            False,
            _(
                "The regulations module cannot take a first version yet; the draft stays here "
                "and can be handed over when it can."
            ),
        )
    resolution = process.founding_note or str(_("the meeting that founded the fund"))
    draft = working_draft(process.fund)
    try:
        with transaction.atomic():
            if draft is not None and draft.content == process.regulation_draft:
                version = _approve_draft(draft, effective_from, actor, resolution)
            else:
                version = adopt(
                    fund=process.fund,
                    text=process.regulation_draft,
                    effective_from=effective_from,
                    actor=actor,
                    source=f"development-process:{process.pk}",
                    resolution=resolution,
                )
    except ValidationError as exc:
        return HandoffResult(
            False,
            _("The regulations module did not take the draft: %(reason)s")
            % {"reason": " ".join(exc.messages)},
        )
    except Exception:  # the regulations app is being built; its failure must not undo a founding
        log.warning("regulation handoff failed", exc_info=True)
        return HandoffResult(
            False,
            _(
                "The regulations module cannot take a first version yet; the draft stays here "
                "and can be handed over when it can."
            ),
        )
    return HandoffResult(True, _("The draft became the fund's first regulation."), version)
