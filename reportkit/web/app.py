"""The intake's ASGI application: Starlette routes, Jinja2 pages, local static files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..project import Project
from . import coordinator_pages, unit_pages
from .security import CSRF_FIELD, SecurityHeaders, csrf_nonce, same_origin, set_csrf_cookie
from .state import MAX_UPLOAD_BYTES, Intake

STATIC = Path(__file__).parent / "static"
ERRORS = {
    400: ("请求无法处理", "提交的内容不完整或格式不对，请返回上一页重试。"),
    403: ("请求被拒绝", "页面已过期或请求来源不符。请返回上一页，刷新后重试。"),
    404: ("页面不存在", "链接无效或已失效。如果这是您收到的专用填报链接，请联系评估工作牵头单位重新发放。"),
    405: ("请求方式不对", "请从页面上的按钮操作。"),
    413: ("文件过大", "上传的文件超过大小上限。"),
    500: ("服务器内部错误", "处理请求时出错，请稍后重试；如反复出现，请联系评估工作牵头单位。"),
}


def _env() -> Environment:
    env = Environment(loader=PackageLoader("reportkit.web", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    return env


class Pages:
    """Renders the pages, with the anti-forgery token every form needs."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        self.templates = Jinja2Templates(env=_env())

    def render(self, request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        nonce, new = csrf_nonce(request)
        ctx = {"csrf_field": CSRF_FIELD, "csrf": self.intake.signer.csrf_field(nonce), "plan": self.intake.plan(),
               **context}
        response = self.templates.TemplateResponse(request, name, ctx, status_code=status)
        if new:
            set_csrf_cookie(response, nonce, secure=request.url.scheme == "https")
        return response

    def error(self, request: Request, status: int, detail: str = "") -> Response:
        title, text = ERRORS.get(status, ERRORS[500])
        return self.render(request, "error.html", {"title": title, "text": detail or text}, status)

    def form_ok(self, request: Request, form: Any) -> bool:
        """The posted form carries this browser's anti-forgery token and came from this site."""
        token = form.get(CSRF_FIELD)
        return (same_origin(request) and isinstance(token, str)
                and self.intake.signer.csrf_ok(request.cookies.get("rk_csrf"), token))


def create_app(project: Project, *, max_upload: int = MAX_UPLOAD_BYTES) -> Starlette:
    """The intake for ``project``; ``max_upload`` bytes per uploaded file."""
    intake = Intake(project, max_upload)
    pages = Pages(intake)
    intake.signer  # noqa: B018 - make the signing key at start, not inside the first request

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return pages.error(request, status)

    routes = [
        Route("/", lambda request: pages.render(request, "home.html", {"plan": intake.plan()})),
        *unit_pages.routes(pages),
        *coordinator_pages.routes(pages),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={HTTPException: http_error, Exception: http_error})
    app.state.intake = intake
    return app
