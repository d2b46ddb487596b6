"""Tells a chat robot or any intranet HTTP endpoint that a bulletin is ready: one HTTP POST of JSON.

The body is the text-message format that both 企业微信 and 政务钉钉 group robots accept
({"msgtype": "text", "text": {"content": ...}}), plus a "bulletin" object with the period, 文号
and file links for endpoints of one's own. The links are a base URL + the file's path when the job is given one (a shared folder served on
the intranet), else the file paths.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import quote, urlsplit

TIMEOUT_SECONDS = 10


class WebhookError(RuntimeError):
    pass


def links(relative: dict[str, str], base_url: str) -> dict[str, str]:
    """ext -> base_url/relative path, percent-encoded (file names are Chinese)."""
    return {ext: base_url.rstrip("/") + "/" + quote(path) for ext, path in relative.items()}


def payload(bulletin, entry, links: dict[str, str]) -> dict:
    """The JSON body: robot text message plus a "bulletin" object; `links`: ext -> link or path."""
    lines = [f"{bulletin.issuer}：{bulletin.title}（{bulletin.doc_no}）已生成。",
             f"统计期：{bulletin.period.span_text}；{bulletin.scope_text}"]
    if bulletin.is_empty:
        lines.append("注意：本期无案件数据。")
    lines += [f"{ {'docx': 'Word', 'pdf': 'PDF', 'xlsx': 'Excel 附表'}.get(ext, ext)}：{link}" for ext, link in links.items()]
    return {"msgtype": "text", "text": {"content": "\n".join(lines)},
            "bulletin": {"title": bulletin.title, "doc_no": bulletin.doc_no, "kind": bulletin.period.kind,
                         "period": bulletin.period.label, "start": bulletin.period.start.isoformat(),
                         "end_exclusive": bulletin.period.end.isoformat(), "scope": bulletin.scope_text,
                         "is_empty": bulletin.is_empty, "files": links, "sha256": entry.sha256}}


def post(url: str, body: dict) -> int:
    """POSTs `body`; returns the HTTP status; raises WebhookError (Chinese) on anything but 2xx."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise WebhookError(f"Webhook 地址必须以 http:// 或 https:// 开头：{url}")
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked
            status = response.status
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"Webhook 返回错误 HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise WebhookError(f"Webhook 无法送达：{getattr(exc, 'reason', exc)}") from None
    if not 200 <= status < 300:
        raise WebhookError(f"Webhook 返回 HTTP {status}")
    return status
