"""The web console (zh-CN, server-rendered): Jinja2 templates, a little vendored htmx, a cookie session
with CSRF tokens. Routes are thin (one service call each); `browse` holds the console's read models."""
