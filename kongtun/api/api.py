"""The JSON HTTP API (django-ninja), under the same access rules as the pages.

OpenAPI document: /api/v1/openapi.json; interactive docs: /api/v1/docs (served locally).
Authentication: ``Authorization: Bearer <token>`` (tokens from ``manage.py api_token_create`` or
the page ``accounts/tokens/``; no CSRF token needed) or the browser session (writes need the
CSRF token, as forms do).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from kongtun.aar.api import router as aar_router
from kongtun.api.access import IDEMPOTENCY_KEY
from kongtun.api.access import api_access as _access
from kongtun.api.books import router as books_router
from kongtun.api.claims import router as claims_router
from kongtun.api.models import api_token_user
from kongtun.api.paging import Pages, Rows
from kongtun.core.concurrency import api_once, as_pk
from kongtun.funds.access import Cap, FundAccess, funds_for_user
from kongtun.members.models import AccessKind, Member, MemberStatusChange
from kongtun.members.selectors import member_search
from kongtun.members.services import (
    BeneficiaryInput,
    MemberInput,
    member_create,
    member_set_status,
    member_update,
    personal_data_access_log,
)
from kongtun.network.api import router as network_router


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``. Needs no CSRF check: a browser never adds this
    header by itself to a request another site makes it send."""

    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The logged-in browser session; its writes are CSRF-checked (the cookie is sent by the
    browser whoever made the page). Without a logged-in session it answers nothing, so the
    caller gets 401 rather than a CSRF error."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)  # raises 403 "CSRF check Failed" on a bad write


class TextSafeParser(Parser):
    """JSON and query strings without NUL characters: a text with one can be stored by no
    database here (PostgreSQL refuses it outright), so the request is refused (ninja answers a
    body the parser refuses with 400, a query string with 422), never a 500."""

    def parse_body(self, request: HttpRequest) -> dict:
        data = super().parse_body(request)
        _refuse_nul(data, ("body",))
        return data

    def parse_querydict(self, data, list_fields, request):  # type: ignore[no-untyped-def]
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result, ("query",))
        return result


def _refuse_nul(value: object, loc: tuple) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise NinjaValidationError(
                [
                    {
                        "loc": list(loc),
                        "msg": gettext("Text may not contain NUL characters."),
                        "type": "value_error",
                    }
                ]
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, loc)
            _refuse_nul(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _refuse_nul(item, (*loc, i))


api = NinjaAPI(
    parser=TextSafeParser(),
    title="Kongtun API",
    version="1",
    description="Community welfare funds: funds, members, claims and the books (read-only). "
    "Every call is limited to the funds where the caller holds a role.",
    # The token first: a request that carries a valid token is the token's, CSRF-free; only
    # requests authenticated by the session cookie are CSRF-checked.
    auth=[BearerToken(), BrowserSession()],
    urls_namespace="api",
)


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> object:
    errors = (
        {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"__all__": [str(m) for m in exc.messages]}
    )
    return api.create_response(
        request, {"detail": "validation_error", "errors": errors}, status=400
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> object:
    """Every 400 has the documented shape (``FieldErrors``), also ninja's own (a body that is
    not JSON): ``errors`` then holds the message under ``__all__``."""
    body: dict = {"detail": exc.message}
    if exc.status_code == 400:
        body["errors"] = {"__all__": [exc.message]}
    return api.create_response(request, body, status=exc.status_code)


class AreaOut(Schema):
    code: str
    name_th: str
    name_en: str


class FundOut(Schema):
    id: int
    name_th: str
    name_en: str
    short_code: str
    province: AreaOut
    district: AreaOut
    subdistrict: AreaOut
    founded_on: dt.date
    conceptual_bases: list[str]
    fiscal_year_start_month: int
    roles: list[str]

    @staticmethod
    def build(fund: object, roles: set[str]) -> dict:
        sub = fund.subdistrict
        area = lambda a: {"code": a.code, "name_th": a.name_th, "name_en": a.name_en}  # noqa: E731
        return {
            "id": fund.pk,
            "name_th": fund.name_th,
            "name_en": fund.name_en,
            "short_code": fund.short_code,
            "province": area(sub.parent.parent),
            "district": area(sub.parent),
            "subdistrict": area(sub),
            "founded_on": fund.founded_on,
            "conceptual_bases": fund.conceptual_bases,
            "fiscal_year_start_month": fund.fiscal_year_start_month,
            "roles": sorted(roles),
        }


class BeneficiaryIO(Schema):
    name: str
    relationship: str = ""
    share_percent: Decimal


class MemberOut(Schema):
    id: int
    number: str
    title: str
    first_name: str
    last_name: str
    national_id_masked: str
    #: None for roles that do not see people's details (network coordinators).
    birth_date: dt.date | None
    sex: str
    village_number: int
    occupation: str
    join_date: dt.date
    status: str

    @staticmethod
    def build(m: Member, *, persons: bool = True) -> dict:
        return {
            "id": m.pk,
            "number": m.number,
            "title": m.title,
            "first_name": m.first_name,
            "last_name": m.last_name,
            "national_id_masked": m.national_id_masked,
            "birth_date": m.birth_date if persons else None,
            "sex": m.sex,
            "village_number": m.village.number,
            "occupation": m.occupation.code,
            "join_date": m.join_date,
            "status": m.status,
        }


class MemberDetailOut(MemberOut):
    national_id: str | None = None
    address: str
    phone: str
    beneficiaries: list[BeneficiaryIO]
    status_history: list[dict]


class MemberPage(Schema):
    count: int
    page: int
    pages: int
    results: list[MemberOut]


class MemberIn(Schema):
    number: str = ""
    title: str = ""
    first_name: str
    last_name: str
    national_id: str
    birth_date: dt.date
    sex: str
    village_number: int
    occupation: str
    join_date: dt.date
    address: str = ""
    phone: str = ""
    beneficiaries: list[BeneficiaryIO] = []


class StatusIn(Schema):
    status: str
    effective_date: dt.date
    reason: str


@api.get("/funds", response=list[FundOut], tags=["funds"])
@paginate(Pages)
def list_funds(request: HttpRequest) -> Rows:
    """The caller's funds, a page at a time (``page``, ``page_size`` up to 500)."""
    from kongtun.funds.access import active_roles

    roles: dict[int, set[str]] = {}
    for fund_id, role in active_roles(request.auth).values_list("fund_id", "role"):
        roles.setdefault(fund_id, set()).add(role)
    funds = (
        funds_for_user(request.auth)
        .select_related("subdistrict__parent__parent")
        .order_by("name_th", "pk")
    )
    return Rows(funds, lambda f: FundOut.build(f, roles.get(f.pk, set())))


@api.get("/funds/{fund_id}", response=FundOut, tags=["funds"])
def get_fund(request: HttpRequest, fund_id: int) -> dict:
    access = _access(request, fund_id, Cap.VIEW_FUND)
    return FundOut.build(access.fund, access.roles)


@api.get("/funds/{fund_id}/members", response=MemberPage, tags=["members"])
def list_members(
    request: HttpRequest,
    fund_id: int,
    q: str = "",
    village_number: int | None = None,
    status: str = "",
    page: int = 1,
    page_size: int = 50,
) -> dict:
    access = _access(request, fund_id, Cap.VIEW_MEMBERS)
    village_id = None
    if village_number is not None:
        village = access.fund.villages.filter(number=village_number).first()
        village_id = village.pk if village else -1
    qs = member_search(fund=access.fund, q=q, village_id=village_id, status=status)
    paginator = Paginator(qs, max(1, min(page_size, 500)))
    p = paginator.get_page(page)
    p.object_list = list(p.object_list)
    persons = access.can(Cap.VIEW_PERSONS)
    if persons:  # birth dates: one look for the page's members
        personal_data_access_log(
            access=access,
            members=p.object_list,
            kinds=[AccessKind.CONTACTS],
            path=request.get_full_path(),
        )
    return {
        "count": paginator.count,
        "page": p.number,
        "pages": paginator.num_pages,
        "results": [MemberOut.build(m, persons=persons) for m in p.object_list],
    }


def _member(access: FundAccess, member_id: int) -> Member:
    if access.only_member and access.member_id != member_id:
        raise Http404
    member = (
        Member.objects.select_related("village", "occupation")
        .filter(pk=member_id, fund=access.fund)
        .first()
    )
    if member is None:
        raise Http404
    return member


def _detail(
    request: HttpRequest,
    access: FundAccess,
    member: Member,
    reveal: bool,
    *,
    log: bool = True,
    reason: str = "",
) -> dict:
    """The member's record as the caller may see it; what it shows of personal data is written
    to the access log (``log=False`` only where the caller just sent those details)."""
    persons = access.can(Cap.VIEW_PERSONS) or access.member_id == member.pk
    data = MemberOut.build(member, persons=persons)
    show_id = reveal and (access.can(Cap.VIEW_PERSONAL) or access.member_id == member.pk)
    kinds = [AccessKind.CONTACTS, AccessKind.BENEFICIARIES] if persons else []
    if show_id:
        kinds.append(AccessKind.NATIONAL_ID)
    if kinds and (log or show_id):
        personal_data_access_log(
            access=access,
            members=[member],
            kinds=kinds,
            reason=reason,
            path=request.get_full_path(),
        )
    data.update(
        national_id=member.national_id if show_id else None,
        address=member.address if persons else "",
        phone=member.phone if persons else "",
        beneficiaries=[
            {"name": b.name, "relationship": b.relationship, "share_percent": b.share_percent}
            for b in member.beneficiaries.filter(replaced_at__isnull=True)
        ]
        if persons
        else [],
        status_history=[
            {"status": c.status, "effective_date": c.effective_date, "reason": c.reason}
            for c in member.status_changes.order_by("effective_date", "id")
        ],
    )
    return data


@api.get("/funds/{fund_id}/members/{member_id}", response=MemberDetailOut, tags=["members"])
def get_member(
    request: HttpRequest, fund_id: int, member_id: int, reveal: bool = False, reason: str = ""
) -> dict:
    """``reveal=true`` returns the full national ID to roles allowed to see it; every call is
    written to the personal-data access log, with ``reason`` (why the full ID is needed)."""
    access = _access(request, fund_id, Cap.VIEW_FUND)
    if not (access.can(Cap.VIEW_MEMBERS) or access.member_id == member_id):
        raise Http404
    return _detail(request, access, _member(access, member_id), reveal, reason=reason[:300])


def _input(access: FundAccess, payload: MemberIn) -> MemberInput:
    village = access.fund.villages.filter(number=payload.village_number).first()
    occupation = access.fund.occupation_groups.filter(code=payload.occupation).first()
    return MemberInput(
        number=payload.number,
        title=payload.title,
        first_name=payload.first_name,
        last_name=payload.last_name,
        national_id=payload.national_id,
        birth_date=payload.birth_date,
        sex=payload.sex,
        village_id=village.pk if village else -1,
        occupation_id=occupation.pk if occupation else -1,
        join_date=payload.join_date,
        address=payload.address,
        phone=payload.phone,
        beneficiaries=[
            BeneficiaryInput(b.name, b.relationship, b.share_percent) for b in payload.beneficiaries
        ],
    )


@api.post(
    "/funds/{fund_id}/members",
    response={201: MemberDetailOut, 400: FieldErrors},
    tags=["members"],
)
def create_member(
    request: HttpRequest,
    fund_id: int,
    payload: MemberIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> Status:
    """Register a member. Send an ``Idempotency-Key`` header (any unique text up to 100
    characters) to make a retry safe: the same key returns the member the first call made."""
    access = _access(request, fund_id, Cap.EDIT_MEMBERS)
    member, _replayed = api_once(
        request,
        fund_id=access.fund.pk,
        scope="api.members.create",
        action=lambda: member_create(
            fund=access.fund, data=_input(access, payload), actor=request.auth
        ),
        **as_pk(Member),
    )
    member = Member.objects.select_related("village", "occupation").get(pk=member.pk)
    return Status(201, _detail(request, access, member, reveal=False, log=False))


@api.put(
    "/funds/{fund_id}/members/{member_id}",
    response={200: MemberDetailOut, 400: FieldErrors},
    tags=["members"],
)
def update_member(request: HttpRequest, fund_id: int, member_id: int, payload: MemberIn) -> dict:
    access = _access(request, fund_id, Cap.EDIT_MEMBERS)
    if not access.can(Cap.VIEW_PERSONAL):
        raise HttpError(403, "forbidden")
    member = _member(access, member_id)
    member_update(member=member, data=_input(access, payload), actor=request.auth)
    member = Member.objects.select_related("village", "occupation").get(pk=member.pk)
    return _detail(request, access, member, reveal=False, log=False)


@api.post(
    "/funds/{fund_id}/members/{member_id}/status",
    response={201: MemberDetailOut, 400: FieldErrors},
    tags=["members"],
)
def change_status(
    request: HttpRequest,
    fund_id: int,
    member_id: int,
    payload: StatusIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> Status:
    """Record a dated status change; an ``Idempotency-Key`` header makes a retry safe."""
    access = _access(request, fund_id, Cap.EDIT_MEMBERS)
    member = _member(access, member_id)
    api_once(
        request,
        fund_id=access.fund.pk,
        scope="api.members.status",
        action=lambda: member_set_status(
            member=member,
            status=payload.status,
            effective_date=payload.effective_date,
            reason=payload.reason,
            actor=request.auth,
        ),
        **as_pk(MemberStatusChange),
    )
    member = Member.objects.select_related("village", "occupation").get(pk=member.pk)
    return Status(201, _detail(request, access, member, reveal=False))


api.add_router("", books_router)  # the books, read-only (kongtun/api/books.py)
api.add_router("", claims_router)  # claims: read, file, decide; approvals read-only
api.add_router("", aar_router)  # lessons-learned studies, read-only (kongtun/aar/api.py)
api.add_router("", network_router)  # report packages pushed by funds (kongtun/network/api.py)
