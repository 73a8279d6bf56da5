"""HTML report: one self-contained page for people (docs/reports.md).

Summary cards, breach-report triggers, a risk distribution chart (inline SVG), breakdowns by
type and by folder, a sortable and filterable file table, and per-file details with masked
snippets and locations. Japanese labels with English beside them.

Safety: nothing is loaded from anywhere. CSS and JavaScript are inline, and a Content
Security Policy allows only those two blocks (by hash) and nothing else: no network, no
other script. Every text from a scanned file (names, snippets) is escaped; the data the
table is built from sits in a JSON block whose ``<`` are escaped, and the script writes it
with ``textContent`` only.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import io
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from html import escape
from typing import Any, BinaryIO

from piiscan import __version__
from piiscan.labels import RISK_LABELS
from piiscan.models import Category, FileResult, ScanResult, TypeRegistry
from piiscan.report import revision_facts, run_timezone, type_counts
from piiscan.report.json import finding_order, summary_dict
from piiscan.report.record import overdue, record_items, retention_days
from piiscan.score import (
    TRIGGERS,
    active_counts,
    flag_label,
    folder_of,
    folder_stats,
    tally,
    trigger_label,
)

DETAILS_PER_FILE = 200
DETAILS_FILES = 500  # riskiest files with a details section; the table lists all
FOLDERS_SHOWN = 50
LEVEL_ORDER = ("critical", "high", "medium", "low", "none")
LEVEL_COLOR = {"critical": "#b00020", "high": "#e8590c", "medium": "#f2b705", "low": "#4c8bf5",
               "none": "#9aa0a6"}
_RANK = {lvl: i for i, lvl in enumerate(reversed(LEVEL_ORDER))}

CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;
--critical:#b00020;--high:#e8590c;--medium:#f2b705;--low:#4c8bf5;--none:#9aa0a6}
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans CJK JP","IPAexGothic","IPAPGothic","Hiragino Sans",
"Yu Gothic UI","Meiryo",system-ui,sans-serif;color:var(--fg);background:var(--bg);
font-size:14px;line-height:1.5}
header,main,footer{max-width:1240px;margin:0 auto;padding:0 20px}
header{padding-top:20px}
h1{font-size:24px;margin:0 0 4px}
h1 small{font-size:14px;color:var(--muted);font-weight:normal;margin-left:8px}
h2{font-size:18px;margin:28px 0 10px;border-left:4px solid #1f3864;padding-left:8px}
h2 small,th small{color:var(--muted);font-weight:normal}
.meta{color:var(--muted);margin:0}
.banner{padding:10px 14px;border-radius:6px;margin:14px 0;font-weight:bold}
.banner.warn{background:#fff4e5;border:1px solid #e8590c;color:#8a3500}
.banner.danger{background:#fdecea;border:1px solid #b00020;color:#7a0016}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;
margin-top:18px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .label{color:var(--muted);font-size:12px}
.card .value{font-size:26px;font-weight:bold}
.card.alert .value{color:var(--critical)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:16px}
.panel{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.panel h3{margin:0 0 8px;font-size:15px}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-size:13px;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.path{word-break:break-all}
#file-table td.path{min-width:260px}
#file-table th{cursor:pointer;user-select:none}
#file-table th[aria-sort=ascending]::after{content:" ▲"}
#file-table th[aria-sort=descending]::after{content:" ▼"}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;
white-space:nowrap}
.badge.lv-critical{background:var(--critical)}.badge.lv-high{background:var(--high)}
.badge.lv-medium{background:var(--medium);color:#3d2e00}.badge.lv-low{background:var(--low)}
.badge.lv-none{background:var(--none)}
.trigger{color:var(--critical);font-weight:bold}
.controls{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin-bottom:8px}
.controls input[type=search]{width:320px;padding:5px 8px;border:1px solid var(--line);
border-radius:6px}
.controls select{padding:4px 6px}
#filter-count{color:var(--muted)}
details.file{background:var(--card);border:1px solid var(--line);border-radius:8px;
margin:8px 0;padding:8px 12px}
details.file summary{cursor:pointer;font-weight:bold;word-break:break-all}
details.file ul{margin:6px 0 10px;padding-left:20px}
.snippet{font-family:"IPAGothic",monospace;word-break:break-all}
.muted{color:var(--muted)}
code{font-family:"IPAGothic",monospace;background:#eef1f4;padding:0 3px;border-radius:3px}
footer{color:var(--muted);padding:24px 20px 40px;font-size:12px}
details.record{margin:8px 0 0}details.record summary{cursor:pointer;color:var(--muted)}
details.record table{width:auto;margin-top:6px}details.record th{white-space:normal}
svg text{font-family:inherit}
@media print{.controls{display:none}details.file{break-inside:avoid}}
"""

JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("piiscan-data").textContent);
  var files = data.files;
  var rank = {critical: 4, high: 3, medium: 2, low: 1, none: 0};
  var table = document.getElementById("file-table");
  var tbody = table.querySelector("tbody");
  var heads = Array.prototype.slice.call(table.querySelectorAll("th[data-key]"));
  var search = document.getElementById("filter-text");
  var level = document.getElementById("filter-level");
  var onlyTriggers = document.getElementById("filter-triggers");
  var count = document.getElementById("filter-count");
  var sortKey = "score";
  var sortDir = -1;

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }

  function value(f, key) {
    return key === "level" ? rank[f.level] : f[key];
  }

  function render() {
    var q = search.value.trim().toLowerCase();
    var min = level.value;
    var rows = files.filter(function (f) {
      if (min && rank[f.level] < rank[min]) { return false; }
      if (onlyTriggers.checked && f.triggers.length === 0) { return false; }
      return !q || f.search.indexOf(q) >= 0;
    });
    rows.sort(function (a, b) {
      var x = value(a, sortKey), y = value(b, sortKey);
      if (x < y) { return -sortDir; }
      if (x > y) { return sortDir; }
      return a.path < b.path ? -1 : (a.path > b.path ? 1 : 0);
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (f) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-path", f.path);
      var badge = document.createElement("span");
      badge.className = "badge lv-" + f.level;
      badge.textContent = f.levelLabel;
      cell(tr, "").appendChild(badge);
      cell(tr, String(f.score), "num");
      var td = cell(tr, "", "path");
      if (f.anchor) {
        var link = document.createElement("a");
        link.setAttribute("href", "#" + f.anchor);
        link.textContent = f.path;
        td.appendChild(link);
      } else {
        td.textContent = f.path;
      }
      cell(tr, f.types);
      cell(tr, String(f.findings), "num");
      cell(tr, String(f.people), "num");
      cell(tr, f.triggers.join(" / "), f.triggers.length ? "trigger" : "");
      cell(tr, f.flags.join(" / "));
      cell(tr, f.owner);
      cell(tr, f.modified);
      frag.appendChild(tr);
    });
    tbody.textContent = "";
    tbody.appendChild(frag);
    count.textContent = files.length + " 件中 " + rows.length + " 件を表示 (showing " +
      rows.length + " of " + files.length + ")";
    heads.forEach(function (th) {
      var on = th.getAttribute("data-key") === sortKey;
      th.setAttribute("aria-sort", on ? (sortDir < 0 ? "descending" : "ascending") : "none");
    });
  }

  heads.forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      if (key === sortKey) { sortDir = -sortDir; } else {
        sortKey = key;
        sortDir = th.classList.contains("num") || key === "level" ? -1 : 1;
      }
      render();
    });
  });
  [search, level, onlyTriggers].forEach(function (el) {
    el.addEventListener("input", render);
    el.addEventListener("change", render);
  });
  render();
  document.body.setAttribute("data-ready", "1");
})();
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _json_for_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _when(ts: float, tz: timezone) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M") if ts else ""


def _types(fr: FileResult, types: TypeRegistry) -> str:
    return "、".join(type_counts(fr, types, short=True))


def _badge(level: str) -> str:
    return f'<span class="badge lv-{_e(level)}">{_e(RISK_LABELS.get(level, level))}</span>'


def _ranked(result: ScanResult) -> list[FileResult]:
    return sorted(result.files, key=lambda fr: (-fr.risk_score, fr.file.display))


def _listed(result: ScanResult) -> list[FileResult]:
    return [fr for fr in _ranked(result) if fr.risk_level != "none" or fr.skips]


def _table_data(result: ScanResult, anchors: dict[int, str]) -> dict[str, Any]:
    tz = run_timezone(result)
    rows = []
    for fr in _listed(result):
        triggers = [TRIGGERS[t].short if t in TRIGGERS else t for t in fr.triggers]
        flags = [flag_label(f).split(" (")[0] for f in fr.flags]
        types = _types(fr, result.types) or ("一部読めず (partly unreadable)" if fr.skips else "")
        active = active_counts(fr).total
        row = {
            "path": fr.file.display, "folder": folder_of(fr.file.display),
            "level": fr.risk_level, "levelLabel": RISK_LABELS.get(fr.risk_level, fr.risk_level),
            "score": fr.risk_score, "types": types, "findings": active,
            "people": fr.people_estimate, "triggers": triggers, "flags": flags,
            "owner": fr.owner or "", "modified": _when(fr.file.mtime, tz),
            "anchor": anchors.get(id(fr), ""),
        }
        row["search"] = " ".join([fr.file.display, types, *triggers, *flags,
                                  fr.owner or ""]).lower()
        rows.append(row)
    return {"files": rows}


def _cards(result: ScanResult, s: dict[str, Any]) -> str:
    levels = s["risk_levels"]
    reportable = [t for t in s["triggers"] if TRIGGERS[t].mandatory]
    cards = [
        ("スキャンしたファイル", "files scanned", s["files_scanned"], False),
        ("個人情報を含むファイル", "files with personal data", s["files_with_findings"], False),
        ("重大・高リスク", "critical or high", levels["critical"] + levels["high"],
         levels["critical"] + levels["high"] > 0),
        ("検出数", "findings", s["findings"], False),
        ("推定人数", "people (estimate)", s["people"]["estimate"], False),
        ("報告対象の事態", "reportable triggers", len(reportable), bool(reportable)),
        ("報告対象のファイル", "files with a reportable trigger", s["reportable_files"],
         s["reportable_files"] > 0),
        ("読めなかったファイル", "unreadable", s["unreadable"], s["unreadable"] > 0),
        ("抑止した検出", "suppressed", sum(s["suppressed"].values()), False),
    ]
    out = ['<section class="cards" aria-label="概要 summary">']
    for ja, en, value, alert in cards:
        cls = "card alert" if alert else "card"
        out.append(f'<div class="{cls}"><div class="label">{_e(ja)} <span>({_e(en)})</span>'
                   f'</div><div class="value">{_e(f"{value:,}")}</div></div>')
    out.append("</section>")
    return "\n".join(out)


def _triggers(s: dict[str, Any]) -> str:
    out = ['<h2 id="triggers">漏えい等報告の対象 <small>breach-report triggers '
           '(個人情報保護法施行規則7条・番号法)</small></h2>']
    if not s["triggers"]:
        out.append('<p>該当なし。ファイルが漏えいしても、この結果からは報告義務の対象となる事態は'
                   '見つかりませんでした（不正アクセス等による漏えいは別途7条3号により報告対象）。'
                   '<br><span class="muted">None of the triggers apply to what was found '
                   '(a leak caused by an attack is reportable under art. 7 no. 3 '
                   'regardless).</span></p>')
        return "\n".join(out)
    reportable = [t for t in s["triggers"] if TRIGGERS[t].mandatory]
    to_check = [t for t in s["triggers"] if not TRIGGERS[t].mandatory]
    if reportable:
        out.append(_trigger_table(reportable, s["trigger_files"], "reportable"))
    else:
        out.append('<p>報告義務の対象となる事態はありません (no reportable trigger).</p>')
    if to_check:
        out.append('<h3>要確認 <small>to check: reportable only in some circumstances</small>'
                   "</h3>")
        out.append(_trigger_table(to_check, s["trigger_files"], "to-check"))
    people = s["people"]
    out.append(f'<p class="muted">推定人数 (people, estimate): {people["estimate"]:,}'
               f' — 上限 (upper bound, same person counted once per file): '
               f'{people["upper_bound"]:,} — 個人番号の本人 (with a My Number): '
               f'{people["my_number"]:,}</p>')
    return "\n".join(out)


def _trigger_table(triggers: list[str], trigger_files: dict[str, int], kind: str) -> str:
    out = [f'<table class="triggers {kind}"><thead><tr><th>事態 <small>trigger</small></th>'
           '<th>根拠 <small>basis</small></th><th class="num">ファイル数 <small>files with it'
           '</small></th></tr></thead><tbody>']
    for t in triggers:
        trig = TRIGGERS[t]
        files = trigger_files.get(t, 0)
        scope = f"{files:,}" if files else "スキャン全体 (whole scan)"
        out.append(f'<tr><td class="trigger">{_e(trig.ja)}<br><span class="muted">'
                   f'{_e(trig.en)}</span></td><td>{_e(trig.basis)}</td>'
                   f'<td class="num">{_e(scope)}</td></tr>')
    out.append("</tbody></table>")
    return "\n".join(out)


def _risk_chart(levels: dict[str, int]) -> str:
    width, bar_h, gap, label_w = 520, 26, 10, 120
    total = max(levels.values(), default=0) or 1
    height = len(LEVEL_ORDER) * (bar_h + gap) + gap
    parts = [f'<svg role="img" aria-label="リスク分布 risk distribution" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">']
    for i, level in enumerate(LEVEL_ORDER):
        y = gap + i * (bar_h + gap)
        count = levels.get(level, 0)
        w = round((width - label_w - 60) * count / total)
        parts.append(f'<text x="0" y="{y + 18}" font-size="13" fill="#1f2328">'
                     f'{_e(RISK_LABELS[level])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" '
                     f'rx="3" fill="{LEVEL_COLOR[level]}"/>')
        parts.append(f'<text x="{label_w + max(w, 1) + 6}" y="{y + 18}" font-size="13" '
                     f'fill="#1f2328">{count:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _bar(value: int, top: int, color: str = "#1f3864") -> str:
    w = round(120 * value / top) if top else 0
    return (f'<svg width="124" height="12" aria-hidden="true"><rect x="0" y="1" '
            f'width="{max(w, 1)}" height="10" rx="2" fill="{color}"/></svg>')


def _by_type(s: dict[str, Any], types: TypeRegistry) -> str:
    rows = sorted(s["by_type"].items(), key=lambda kv: (-kv[1], kv[0]))
    top = max((n for _, n in rows), default=0)
    out = ['<table><thead><tr><th>種類 <small>type</small></th><th class="num">件数 '
           '<small>findings</small></th><th></th></tr></thead><tbody>']
    for t, n in rows:
        out.append(f"<tr><td>{_e(types.label(t))}</td><td class=\"num\">{n:,}</td>"
                   f"<td>{_bar(n, top)}</td></tr>")
    if not rows:
        out.append('<tr><td colspan="3">なし (none)</td></tr>')
    out.append("</tbody></table>")
    cats = s["by_category"]
    if cats:
        out.append('<p class="muted">区分 (categories): ' + " · ".join(
            f"{_e(Category(c).label)} {n:,}" for c, n in sorted(
                cats.items(), key=lambda kv: -list(Category).index(Category(kv[0])))) + "</p>")
    return "\n".join(out)


def _by_folder(result: ScanResult) -> str:
    stats = folder_stats(result)
    out = ['<table><thead><tr><th>フォルダ <small>folder</small></th><th class="num">ファイル'
           ' <small>files</small></th><th class="num">該当 <small>with data</small></th>'
           '<th class="num">件数 <small>findings</small></th><th class="num">推定人数 '
           '<small>people (estimate)</small></th><th>最大リスク <small>max risk</small></th>'
           '</tr></thead><tbody>']
    for st in stats[:FOLDERS_SHOWN]:
        out.append(f'<tr><td class="path">{_e(st.folder)}</td><td class="num">{st.files:,}</td>'
                   f'<td class="num">{len(st.flagged):,}</td><td class="num">{st.findings:,}'
                   f'</td><td class="num">{st.people.estimate:,}</td>'
                   f"<td>{_badge(st.flagged[0].risk_level)}</td></tr>")
    if not stats:
        out.append('<tr><td colspan="6">なし (none)</td></tr>')
    out.append("</tbody></table>")
    if len(stats) > FOLDERS_SHOWN:
        out.append(f'<p class="muted">ほか {len(stats) - FOLDERS_SHOWN:,} フォルダ '
                   f'(and {len(stats) - FOLDERS_SHOWN:,} more folders)</p>')
    return "\n".join(out)


def _file_table() -> str:
    cols = [("level", "リスク", "risk", ""), ("score", "点数", "score", "num"),
            ("path", "ファイル", "file", ""), ("types", "種類と件数", "types", ""),
            ("findings", "件数", "findings", "num"), ("people", "推定人数", "people", "num"),
            ("triggers", "報告対象", "triggers", ""), ("flags", "公開範囲・保存", "exposure", ""),
            ("owner", "所有者", "owner", ""), ("modified", "更新日時", "modified", "")]
    head = "".join(f'<th data-key="{k}" class="{c}" aria-sort="none">{ja} <small>{en}</small>'
                   f"</th>" for k, ja, en, c in cols)
    return (
        '<div class="controls"><label>絞り込み (filter) <input type="search" id="filter-text" '
        'placeholder="パス・種類・所有者で検索 (path, type, owner)"></label>'
        '<label>リスク (risk) <select id="filter-level"><option value="">すべて (all)</option>'
        '<option value="critical">重大のみ (critical)</option><option value="high">高以上 '
        '(high+)</option><option value="medium">中以上 (medium+)</option><option value="low">'
        '低以上 (low+)</option></select></label><label><input type="checkbox" '
        'id="filter-triggers"> 報告対象のみ (triggers only)</label>'
        '<span id="filter-count"></span></div>'
        f'<table id="file-table"><thead><tr>{head}</tr></thead><tbody></tbody></table>'
        '<noscript><p>ファイル一覧の表示には JavaScript が必要です。'
        '各ファイルの詳細は下にあります。'
        '(The file table needs JavaScript; the details below do not.)</p></noscript>')


def _details(fr: FileResult, anchor: str, tz: timezone, show: bool,
             types: TypeRegistry) -> str:
    out = [f'<details class="file" id="{anchor}"><summary>{_badge(fr.risk_level)} '
           f'{fr.risk_score} — {_e(fr.file.display)}</summary>']
    facts = [f"推定人数 (people): {fr.people_estimate:,}"]
    if fr.owner:
        facts.append(f"所有者 (owner): {fr.owner}")
    if fr.file.mtime and fr.file.revision is None:
        facts.append(f"更新日時 (modified): {_when(fr.file.mtime, tz)}")
    facts += [f"{label}: {value}" for label, value in revision_facts(fr.file)]
    if fr.encoding:
        facts.append(f"文字コード (encoding): {fr.encoding}")
    out.append('<p class="muted">' + " · ".join(_e(x) for x in facts) + "</p>")
    if fr.triggers:
        out.append('<p class="trigger">' + " / ".join(_e(trigger_label(t)) for t in fr.triggers)
                   + "</p>")
    if fr.flags:
        out.append("<p>" + " / ".join(_e(flag_label(f)) for f in fr.flags) + "</p>")
    if fr.risk_reasons:
        out.append("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in fr.risk_reasons) + "</ul>")
    # The first ones in file order, without sorting them all (one read of the file's
    # findings, which may be on disk: run.spill).
    findings = heapq.nsmallest(DETAILS_PER_FILE, fr.findings, key=finding_order)
    if findings:
        value_head = "<th>値 <small>value</small></th>" if show else ""
        out.append("<table><thead><tr><th>場所 <small>location</small></th><th>種類 <small>"
                   "type</small></th><th>値（マスク済み） <small>masked</small></th><th>信頼度 "
                   f"<small>confidence</small></th><th>文脈 <small>context</small></th>"
                   f"{value_head}</tr></thead><tbody>")
        for f in findings:
            note = ""
            if f.suppressed_by:
                note = f' <span class="muted">(抑止 suppressed: {_e(f.suppressed_by)})</span>'
            elif f.hidden:
                note = ' <span class="muted">(非表示 hidden)</span>'
            value = ""
            if show:
                value = f"<td><code>{_e(f.value)}</code></td>" if f.value else "<td></td>"
            out.append(f'<tr><td class="path">{_e(f.location.render())}</td>'
                       f"<td>{_e(types.label(f.type))}{note}</td>"
                       f"<td><code>{_e(f.masked_value)}</code></td><td>{_e(f.confidence)}</td>"
                       f'<td class="snippet">{_e(f.masked_snippet)}</td>{value}</tr>')
        out.append("</tbody></table>")
        if len(fr.findings) > DETAILS_PER_FILE:
            more = len(fr.findings) - DETAILS_PER_FILE
            out.append(f'<p class="muted">ほか {more:,} 件は JSON・CSV レポートを参照 '
                       f"(and {more:,} more: see the JSON or CSV report)</p>")
    for s in fr.skips:
        out.append(f'<p class="muted">読めなかった部分 (not scanned): {_e(s.path)}: '
                   f"{_e(s.reason)}</p>")
    for note_text in fr.notes:
        out.append(f'<p class="muted">注記 (note): {_e(note_text)}</p>')
    out.append("</details>")
    return "\n".join(out)


def _record(result: ScanResult) -> str:
    """The run record in the header: open, so a printed report carries it."""
    rows = "".join(f"<tr><th>{_e(label)}</th><td>{_e(text)}</td></tr>"
                   for label, text in record_items(result))
    return (f'<details class="record" open><summary>実行記録 <small>run record</small>'
            f"</summary><table><tbody>{rows}</tbody></table></details>")


def _overdue(result: ScanResult, tz: timezone) -> str:
    files = overdue(result)
    days = retention_days(result)
    out = [f'<h2 id="retention">保存期間超過 <small>past the retention period '
           f'({_e(f"{days:,} days" if days is not None else "not set")}): '
           f'{len(files):,}</small></h2>']
    if days is None:
        out.append('<p class="muted">保存期間が設定されていません (no --retention-days given).</p>')
        return "\n".join(out)
    if not files:
        out.append("<p>なし (none).</p>")
        return "\n".join(out)
    out.append("<table><thead><tr><th>ファイル <small>file</small></th><th>最終更新 <small>"
               "last modified</small></th><th class=\"num\">経過日数 <small>days</small></th>"
               "<th>リスク <small>risk</small></th><th>所有者 <small>owner</small></th>"
               "</tr></thead><tbody>")
    for o in files:
        fr = o.file
        out.append(f'<tr><td class="path">{_e(fr.file.display)}</td>'
                   f"<td>{_e(_when(fr.file.mtime, tz))}</td>"
                   f'<td class="num">{o.age_days:,}</td><td>{_badge(fr.risk_level)}</td>'
                   f"<td>{_e(fr.owner or '')}</td></tr>")
    out.append("</tbody></table>")
    out.append('<p class="muted">見直し、不要なら削除してください (review, and delete what is no '
               "longer needed): <code>piiscan quarantine --overdue</code></p>")
    return "\n".join(out)


def _skips(result: ScanResult) -> str:
    skips = sorted(result.all_skips(), key=lambda s: (s.kind.value != "error", s.path))
    out = [f'<h2 id="skips">読めなかった・対象外のファイル <small>not scanned '
           f'({len(skips):,})</small></h2>']
    if not skips:
        out.append("<p>なし。すべてのファイルを読みました (every file was read).</p>")
        return "\n".join(out)
    kinds = {"error": "読めない (error)", "unsupported": "対象外 (unsupported)",
             "excluded": "除外 (excluded)", "partial": "一部のみ (partial)"}
    out.append("<table><thead><tr><th>ファイル <small>path</small></th><th>区分 <small>kind"
               "</small></th><th>理由 <small>reason</small></th></tr></thead><tbody>")
    for s in skips:
        out.append(f'<tr><td class="path">{_e(s.path)}</td>'
                   f"<td>{_e(kinds.get(s.kind.value, s.kind.value))}</td>"
                   f"<td>{_e(s.reason)}</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


_DETAILS = object()  # where the per-file details go, written one file at a time


def _page(result: ScanResult) -> tuple[list[Any], Iterator[str]]:
    """The page's pieces in order (``_DETAILS`` marks where the details go) and the
    details, made one file at a time."""
    s = summary_dict(result)
    tz = run_timezone(result)
    show = tally(result).shows_values
    detailable = [fr for fr in _ranked(result) if fr.findings or fr.skips or fr.notes]
    detailed = detailable[:DETAILS_FILES]
    anchors = {id(fr): f"f-{i}" for i, fr in enumerate(detailed, start=1)}
    data = _json_for_script(_table_data(result, anchors))
    csp = (f"default-src 'none'; style-src {_csp_hash(CSS)}; script-src {_csp_hash(JS)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    banners = []
    if not result.complete:
        banners.append('<div class="banner danger">スキャンは中断されました。この結果は不完全です。'
                       "(The scan was interrupted: this report is incomplete.)</div>")
    if show:
        banners.append('<div class="banner danger">このレポートにはマスクされていない個人情報が'
                       "含まれます。共有・保存に注意してください。(This report contains unmasked "
                       "values: --show-values.)</div>")
    if s["unreadable"]:
        banners.append(f'<div class="banner warn">{s["unreadable"]:,} 件のファイルを読めません'
                       "でした。下の一覧を確認してください。(Some files could not be read; see "
                       "the list below.)</div>")
    when = f"{result.started} – {result.finished}" if result.finished else result.started
    body = [
        "<!DOCTYPE html>",
        '<html lang="ja">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>個人情報スキャン結果 (piiscan report)</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>個人情報スキャン結果<small>piiscan report</small></h1>",
        f'<p class="meta">対象 (roots): {_e(", ".join(result.roots))} · 日時 (scanned): '
        f"{_e(when)} · piiscan {_e(__version__)}</p>",
        *banners,
        _record(result),
        "</header>",
        "<main>",
        _cards(result, s),
        _triggers(s),
        '<h2 id="breakdown">内訳 <small>breakdown</small></h2>',
        '<div class="grid">',
        '<div class="panel"><h3>リスク分布 <small>risk distribution (files)</small></h3>'
        f"{_risk_chart(s['risk_levels'])}</div>",
        f'<div class="panel"><h3>種類別 <small>by type</small></h3>{_by_type(s, result.types)}</div>',
        "</div>",
        '<div class="panel"><h3>フォルダ別 <small>by folder</small></h3>'
        f"{_by_folder(result)}</div>",
        '<h2 id="files">ファイル一覧 <small>files, riskiest first</small></h2>',
        _file_table(),
        _overdue(result, tz),
        '<h2 id="details">ファイルごとの詳細 <small>details per file</small></h2>',
        _DETAILS,
        *([f'<p class="muted">ほか {len(detailable) - len(detailed):,} ファイルの詳細は JSON・CSV '
           f"レポートを参照 (details of {len(detailable) - len(detailed):,} more files: see the "
           "JSON or CSV report)</p>"] if len(detailable) > len(detailed) else []),
        _skips(result),
        "</main>",
        "<footer>",
        "値はマスクされています（--show-values を指定した場合を除く）。このレポート自体が個人情報の"
        "所在を示すため、取り扱いに注意してください。 Values are masked unless --show-values was "
        "given. This report maps where personal data lives: keep it private.",
        "</footer>",
        f'<script type="application/json" id="piiscan-data">{data}</script>',
        f"<script>{JS}</script>",
        "</body>",
        "</html>",
    ]
    return body, (_details(fr, anchors[id(fr)], tz, show, result.types) for fr in detailed)


def write(result: ScanResult, out: BinaryIO) -> None:
    """The page, piece by piece: the table's data holds a row per file, the details are
    capped (``DETAILS_FILES``, ``DETAILS_PER_FILE``) and written one file at a time."""
    body, details = _page(result)
    separator = ""
    for piece in body:
        for text in details if piece is _DETAILS else (piece,):
            out.write((separator + text).encode("utf-8"))
            separator = "\n"
    out.write(b"\n")


def render(result: ScanResult) -> bytes:
    buffer = io.BytesIO()
    write(result, buffer)
    return buffer.getvalue()
