"""The coordinator's pages under ``/admin``, behind the password: who has reported, the
latest findings of every unit, and the batch results, report and summary to download."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from ..checks.report import SUMMARY_NAME, write_summary
from ..checks.run import ValidationRun
from ..definitions.model import Plan
from ..fileio import write_via_temp
from ..ledger.links import LinkStore
from ..ledger.records import state_label
from ..project import Project
from ..rendering.build import report_names
from .auth import verify_password
from .state import Intake
from .views import FindingRow, when

if TYPE_CHECKING:
    from .app import Pages

SESSION_COOKIE = "rk_admin"
LOGIN_PATH = "/admin/login"
MAX_FAILURES, FAILURE_WINDOW = 5, 600.0  # wrong passwords per client before a pause, seconds


class LoginThrottle:
    """Counts wrong passwords per client address; after too many, logins pause."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < FAILURE_WINDOW]
            self._failures[client] = recent
            return len(recent) >= MAX_FAILURES

    def failed(self, client: str) -> None:
        with self._lock:
            self._failures.setdefault(client, []).append(time.monotonic())

    def clear(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


def routes(pages: Pages) -> list[Route]:
    intake = pages.intake
    throttle = LoginThrottle()

    def signed_in(request: Request) -> bool:
        return intake.signer.session_ok(request.cookies.get(SESSION_COOKIE), intake.password_hash())

    def guarded(view: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            if not await run_in_threadpool(signed_in, request):
                return RedirectResponse(LOGIN_PATH, status_code=303)
            return await view(request)
        return endpoint

    async def login_page(request: Request) -> Response:
        return pages.render(request, "login.html", {"plan": intake.plan(), "problem": ""})

    async def login(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=4)
        if not pages.form_ok(request, form):
            return pages.error(request, 403)
        client = request.client.host if request.client else ""
        if throttle.blocked(client):
            return pages.render(request, "login.html", {"plan": intake.plan(),
                                "problem": "密码错误次数过多，请 10 分钟后再试。"}, 429)
        stored = await run_in_threadpool(intake.password_hash)
        password = form.get("password")
        ok = isinstance(password, str) and stored is not None and \
            await run_in_threadpool(verify_password, password, stored)
        if not ok or stored is None:
            throttle.failed(client)
            return pages.render(request, "login.html", {"plan": intake.plan(), "problem": "密码不正确。"}, 401)
        throttle.clear(client)
        response = RedirectResponse("/admin", status_code=303)
        response.set_cookie(SESSION_COOKIE, intake.signer.session(stored), httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/admin")
        return response

    async def logout(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=4)
        if not pages.form_ok(request, form):
            return pages.error(request, 403)
        response = RedirectResponse(LOGIN_PATH, status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/admin")
        return response

    async def dashboard(request: Request) -> Response:
        context = await run_in_threadpool(dashboard_context, intake, intake.plan())
        return pages.render(request, "dashboard.html", context)

    async def findings(request: Request) -> Response:
        context = await run_in_threadpool(findings_context, intake, intake.plan())
        return pages.render(request, "findings.html", context)

    async def download(request: Request) -> Response:
        what = request.path_params["what"]
        plan = intake.plan()
        if what == "validation":
            folder = Path(tempfile.mkdtemp())
            path = await run_in_threadpool(validation_workbook, intake, plan, folder / SUMMARY_NAME)
            return FileResponse(path, filename=path.name,
                                background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))
        built = built_outputs(intake.project, plan).get(what)
        if built is None or not built.is_file():
            raise HTTPException(404)
        return FileResponse(built, filename=built.name)

    return [
        Route(LOGIN_PATH, login_page, methods=["GET"]),
        Route(LOGIN_PATH, login, methods=["POST"]),
        Route("/admin/logout", logout, methods=["POST"]),
        Route("/admin", guarded(dashboard), methods=["GET"]),
        Route("/admin/findings", guarded(findings), methods=["GET"]),
        Route("/admin/download/{what}", guarded(download), methods=["GET"]),
    ]


def built_outputs(project: Project, plan: Plan) -> dict[str, Path]:
    """The report and summary of the last ``reportkit build``, by download name."""
    report, summary = report_names(plan)
    return {"report": project.outputs / report, "summary": project.outputs / summary}


def dashboard_context(intake: Intake, plan: Plan) -> dict[str, Any]:
    with intake.ledger() as ledger:
        status = ledger.status(plan)
        linked = LinkStore(ledger.conn, plan.info.id).active()
    rows = [{"unit": u, "first": when(u.first_received), "last": when(u.last_received),
             "linked": u.unit in linked} for u in [*status.units, *status.others]]
    built = {k: p.name for k, p in built_outputs(intake.project, plan).items() if p.is_file()}
    return {"plan": plan, "status": status, "rows": rows, "built": built,
            "missing": [u.name for u in status.missing]}


def findings_context(intake: Intake, plan: Plan) -> dict[str, Any]:
    """The findings of each unit's newest return, units with errors first."""
    with intake.ledger() as ledger:
        latest = ledger.latest(plan)
    units: list[dict[str, Any]] = []
    for r in latest:
        shown = [f for f in r.findings if f.severity.value != "info"]
        units.append({"name": plan.unit_name(r.unit or ""), "state": r.state, "state_label": state_label(r.state),
                      "received": when(r.received_at),
                      "findings": [(f.severity.label, "已说明" if f.explained else "", FindingRow.of(f))
                                   for f in shown]})
    order = {"has-errors": 0, "has-warnings": 1}
    units.sort(key=lambda u: order.get(u["state"], 2))
    return {"plan": plan, "units": units}


def validation_workbook(intake: Intake, plan: Plan, path: Path) -> Path:
    """审核结果.xlsx of each unit's newest return, as ``reportkit validate`` writes it."""
    with intake.ledger() as ledger:
        latest = ledger.latest(plan)
    run = ValidationRun(plan.info.id, returns=latest, units={u.code: u.name for u in plan.reporting_units()})
    return write_via_temp(path, lambda tmp: write_summary(run, tmp))
