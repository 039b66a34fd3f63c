"""``reportkit serve`` and ``reportkit links``: the web intake for a reporting round."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from ..errors import UsageError
from ._common import console, get_project, json_option, line, print_json, project_option, styled

DEFAULT_BASE = "http://127.0.0.1:8000"


def _plan(project):  # noqa: ANN001, ANN202
    from ..definitions.loader import load_plan

    return load_plan(project.plan_path)


@click.command("links")
@click.option("--base-url", default=DEFAULT_BASE, show_default=True, metavar="地址",
              help="填报系统的访问地址（各单位在浏览器中打开的地址，如 http://192.168.1.20:8000）。")
@click.option("--renew", multiple=True, metavar="单位", help="为该单位（编码或名称）重新发放链接，旧链接立即失效；可多次使用。")
@click.option("--revoke", multiple=True, metavar="单位", help="收回该单位的链接（不再发放新链接）；可多次使用。")
@click.option("--out", "out", metavar="文件", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="链接表 .xlsx 的位置（默认 outputs/links/填报链接-时间.xlsx）。")
@project_option
@json_option
def links_cmd(base_url: str, renew: tuple[str, ...], revoke: tuple[str, ...], out: Path | None,
              project_dir: Path | None, as_json: bool) -> None:
    """为各填报单位发放专用填报链接（网页报送用），并写出可直接分发的链接表 .xlsx。

    每个链接含一个随机口令，台账中只保存其摘要：链接只在发放时显示一次。已发放的链接再次运行时
    不再显示；单位遗失链接时用 --renew 重新发放，旧链接随即失效。

    \b
    示例：
      reportkit links --base-url http://192.168.1.20:8000
      reportkit links --renew echeng
      reportkit links --json
    """
    from ..web.links import hand_out_links

    project = get_project(project_dir)
    if out is not None and out.suffix.lower() != ".xlsx":
        raise UsageError(f"链接表 {out} 的扩展名应为 .xlsx。")
    result = hand_out_links(project, _plan(project), base_url, renew=renew, revoke=revoke, out=out)
    if as_json:
        print_json([row.to_dict() for row in result.rows])
        return
    table = Table(title="各单位专用填报链接")
    for col in ("单位编码", "单位名称", "链接", "发放时间"):
        table.add_column(col, overflow="fold")
    for row in result.rows:
        table.add_row(row.unit, row.name, styled(row.url) if row.url else styled("已发放（不再显示）", "dim"),
                      row.issued_at.replace("T", " "))
    console.print(table)
    if result.revoked:
        console.print(f"已收回 {len(result.revoked)} 个单位的链接：{'、'.join(result.revoked)}。")
    if result.table:
        console.print(f"本次新发放 {len(result.issued)} 个链接，链接表：{result.table}", soft_wrap=True)
        console.print("请把链接分别发给各单位（链接只对本单位有效，请提醒勿转发）。")
    else:
        console.print("没有新发放的链接。单位遗失链接的，请用 --renew 单位 重新发放。")


@click.command("serve")
@click.option("--host", metavar="地址", default="127.0.0.1", show_default=True, help="监听地址（供局域网访问用 0.0.0.0）。")
@click.option("--port", metavar="端口", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口。")
@click.option("--max-upload-mb", metavar="MB", default=20, show_default=True, type=click.IntRange(1, 50),
              help="单个上传文件的大小上限（MB）。")
@click.option("--set-password", "set_pw", is_flag=True, help="设置（或更换）牵头单位登录密码后退出。")
@project_option
def serve_cmd(host: str, port: int, max_upload_mb: int, set_pw: bool, project_dir: Path | None) -> None:
    """启动网页填报系统：各单位通过专用链接下载填报表、上传并立即看到审核意见；
    牵头单位登录后查看报送情况、审核意见，下载审核结果和报告。

    上传的填报表与 reportkit collect 登记的完全一样进入报送台账。系统不需要联网，
    所有页面资源都由本机提供。

    \b
    示例：
      reportkit serve --set-password
      reportkit serve --host 0.0.0.0 --port 8000
    """
    from ..web import server

    project = get_project(project_dir)
    if set_pw:
        password = click.prompt("新密码（至少 8 个字符）", hide_input=True, confirmation_prompt="再输入一次")
        server.set_password(project, password)
        console.print("牵头单位登录密码已设置；已登录的会话随即失效。")
        return
    prepared = server.prepare(project)
    if prepared.first_password:
        console.print(line("牵头单位登录密码（只显示这一次，请记下）：", (prepared.first_password, "bold")))
        console.print("如需更换，请停止服务后运行 reportkit serve --set-password。")

    def announce(url: str) -> None:
        console.print(f"{prepared.plan_name} 填报系统已启动：{url}/admin 为牵头单位页面；"
                      "各单位用 reportkit links 发放的专用链接访问。按 Ctrl+C 停止。")

    server.run(project, host, port, max_upload=max_upload_mb * 1024 * 1024, announce=announce)


COMMANDS = [links_cmd, serve_cmd]
