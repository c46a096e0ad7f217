"""`shuan serve`: the REST API (FastAPI under uvicorn), bound to this machine by default."""

from __future__ import annotations

import click

from shuan.cli import output
from shuan.messages import msg

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（默认只监听本机）")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="监听端口")
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="信任其 X-Forwarded-For 的反向代理地址（逗号分隔）")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True)
def command(host: str, port: int, forwarded_allow_ips: str, log_level: str) -> None:
    """启动 REST 服务（/api/v1，接口文档 /docs）。"""
    import uvicorn

    from shuan.platform import open_platform
    from shuan.web.app import create_app

    platform = open_platform()  # a bad root key or store fails here, in one line, before serving
    try:
        app = create_app(platform)
        if host not in LOCAL_HOSTS:
            output.info(msg("serve.public_bind", host=host))
        output.info(msg("serve.listening", host=host, port=port))
        uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=True,
                    forwarded_allow_ips=forwarded_allow_ips)
    finally:
        platform.close()
