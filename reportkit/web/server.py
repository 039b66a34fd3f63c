"""Starting the intake: the coordinator's password at first start, then uvicorn."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ..definitions.check import require_clean_plan
from ..ledger import Ledger
from ..project import Project
from .auth import Settings


@dataclass(frozen=True)
class Prepared:
    plan_name: str
    first_password: str | None  # shown once, when no password was set before


def prepare(project: Project) -> Prepared:
    """Check the plan and open the ledger (making the password and key on first start)."""
    plan, _warnings = require_clean_plan(project.plan_path, "不能启动填报系统")
    with Ledger.for_project(project) as ledger:
        settings = Settings(ledger.conn)
        settings.signing_key()
        password = settings.first_password()
    return Prepared(plan.info.name, password)


def set_password(project: Project, password: str) -> None:
    with Ledger.for_project(project) as ledger:
        Settings(ledger.conn).set_password(password)


def run(project: Project, host: str, port: int, *, max_upload: int,
        announce: Callable[[str], None] | None = None) -> None:
    import uvicorn

    from .app import create_app

    app = create_app(project, max_upload=max_upload)
    if announce:
        announce(f"http://{host}:{port}")
    # No access log: a unit's link is its credential and would be written there in full.
    # Uploads are logged by unit name instead (reportkit.web).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, proxy_headers=False,
                server_header=False)
