"""A reporting unit's pages, reached only through its private link ``/u/{token}``.

Everything here is scoped to the unit the token resolves to: its own form, its own
submissions, its own annotated copies. A bad, tampered or revoked token gets the same 404
as a page that does not exist.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..checks.feedback import feedback_name, write_feedback
from ..definitions.model import Plan
from ..forms.run import earlier_values
from ..forms.writer import form_filename, write_form
from ..ledger import plan_period
from ..ledger.codec import load_return
from .security import TooLarge, limited
from .state import Intake
from .submit import UploadResult, discard, staging_dir, submit_upload
from .views import group_findings, history_rows, verdict_view, when

if TYPE_CHECKING:
    from .app import Pages

LOG = logging.getLogger("reportkit.web")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COPY_CHUNK = 1 << 20


def routes(pages: Pages) -> list[Route]:
    intake = pages.intake

    def unit_of(request: Request) -> tuple[Plan, str]:
        unit = intake.unit_for(request.path_params["token"])
        if unit is None:
            raise HTTPException(404)
        return intake.plan(), unit

    def page(request: Request, upload: UploadResult | None = None, problem: str = "", status: int = 200
             ) -> Response:
        plan, unit = unit_of(request)
        return pages.render(request, "unit.html", unit_context(intake, plan, unit, upload, problem), status)

    async def show(request: Request) -> Response:
        return await run_in_threadpool(page, request)

    async def upload(request: Request) -> Response:
        plan, unit = await run_in_threadpool(unit_of, request)
        folder = await run_in_threadpool(staging_dir, intake.project)
        try:
            try:
                staged, form = await receive_file(limited(request, intake.max_upload + 64 * 1024), folder,
                                                  intake.max_upload)
            except TooLarge:
                return await run_in_threadpool(page, request, None, f"文件超过 {size_label(intake.max_upload)} 的上限，未受理。"
                                               "填报表一般不超过 1 MB，请检查是否上传错了文件。", 413)
            if not pages.form_ok(request, form):
                return pages.error(request, 403)
            if staged is None:
                return await run_in_threadpool(page, request, None, "请先选择要上传的填报表文件。", 400)
            result = await run_in_threadpool(submit_upload, intake.project, plan, unit, staged)
        finally:
            await run_in_threadpool(discard, folder)
        log_upload(plan, unit, result)
        return await run_in_threadpool(page, request, result)

    async def form(request: Request) -> Response:
        plan, unit = await run_in_threadpool(unit_of, request)
        folder = Path(tempfile.mkdtemp())
        path = folder / form_filename(plan, unit)
        prefilled = await run_in_threadpool(earlier_values, intake.project, plan, [unit])
        await run_in_threadpool(lambda: write_form(plan, unit, path, prefilled=prefilled.get(unit)))
        return _download(path, folder)

    async def feedback(request: Request) -> Response:
        plan, unit = await run_in_threadpool(unit_of, request)
        folder = Path(tempfile.mkdtemp())
        path = await run_in_threadpool(annotated_copy, intake, plan, unit, request.path_params["sha"], folder)
        if path is None:
            shutil.rmtree(folder, ignore_errors=True)
            raise HTTPException(404)
        return _download(path, folder)

    return [
        Route("/u/{token}", show, methods=["GET"]),
        Route("/u/{token}", upload, methods=["POST"]),
        Route("/u/{token}/form", form, methods=["GET"]),
        Route("/u/{token}/feedback/{sha}", feedback, methods=["GET"]),
    ]


def log_upload(plan: Plan, unit: str, result: UploadResult) -> None:
    """One line per upload on the server's console, by unit name (never by link)."""
    view = verdict_view(result, plan.unit_name(unit))
    LOG.info("%s 上传填报表：%s", plan.unit_name(unit), view.title)


def size_label(size: int) -> str:
    mb = size / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 1 else f"{size / 1024:.0f} KB"


def _download(path: Path, folder: Path) -> FileResponse:
    return FileResponse(path, media_type=XLSX, filename=path.name,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


async def receive_file(request: Request, folder: Path, limit: int) -> tuple[Path | None, Any]:
    """Parse the upload form; the file goes to ``folder/upload`` (the browser's file name is
    never used). :class:`TooLarge` as soon as the body or the file passes ``limit``."""
    form = await request.form(max_files=1, max_fields=4)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None, form
    target = folder / "upload"
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(COPY_CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge
            out.write(chunk)
    await upload.close()
    return target, form


def unit_context(intake: Intake, plan: Plan, unit: str, upload: UploadResult | None, problem: str
                 ) -> dict[str, Any]:
    with intake.ledger() as ledger:
        status = next(u for u in ledger.status(plan).units if u.unit == unit)
        records = [r for r in ledger.history(unit) if r.unit == unit]
    name = plan.unit_name(unit)
    return {
        "plan": plan, "unit": unit, "unit_name": name, "status": status, "period": plan_period(plan),
        "deadline": plan.info.deadline.isoformat() if plan.info.deadline else "",
        "first_received": when(status.first_received),
        "history": history_rows(records), "problem": problem,
        "verdict": verdict_view(upload, name) if upload else None,
        "groups": group_findings(upload.findings) if upload else [],
    }


def annotated_copy(intake: Intake, plan: Plan, unit: str, sha: str, folder: Path) -> Path | None:
    """The annotated copy of one of ``unit``'s own submissions, or None when ``sha`` is not one."""
    with intake.ledger() as ledger:
        row = ledger.conn.execute("SELECT * FROM submissions WHERE sha256 = ? AND unit = ? AND plan_id = ?",
                                  (sha, unit, plan.info.id)).fetchone()
        original = ledger.original_path(sha) if row is not None else None
        if row is None or original is None:
            return None
        data = load_return(ledger.conn, row)
    # The copy is annotated from a file named as the unit's upload was, not by its hash.
    named = folder / "original" / row["file_name"]
    named.parent.mkdir()
    shutil.copyfile(original, named)
    data.path = str(named)
    return write_feedback(data, folder, feedback_name(data))
