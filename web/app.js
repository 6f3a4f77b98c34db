/* app.js - the newsidx search page.  Plain JavaScript, no library and
 * no build step; it talks to the daemon's JSON API (doc/http.md).
 *
 * Everything an article brings (titles, names, snippets, bodies) reaches
 * the page as text nodes: nothing is ever parsed as HTML.  Snippets come
 * HTML-escaped with <em> markers; they are split on the markers and
 * unescaped into text, and the markers become <mark> elements.
 *
 * The state lives in the URL (?q=&speaker=&location=&since=&until=
 * &sort=&page=&view=&article=), so a search can be bookmarked, shared,
 * and walked back with the browser's history. */
"use strict";

const PAGE = 10;
const KEYS = ["q", "speaker", "location", "since", "until", "sort", "page", "view", "article"];

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

const $ = (id) => document.getElementById(id);

/* An element with properties (textContent, className, hidden, on*) and
 * children (nodes or strings, added as text). */
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else if (k in e && k !== "href") e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/* Text of an HTML-escaped string (the snippets' escaping: &amp; &lt;
 * &gt; &quot; &#39; and numeric references). */
function unescapeHtml(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/g, (m, e) => {
    switch (e) {
      case "amp": return "&";
      case "lt": return "<";
      case "gt": return ">";
      case "quot": return "\"";
      case "apos": case "#39": return "'";
      default: {
        const n = e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return n > 0 && n < 0x110000 ? String.fromCodePoint(n) : "\uFFFD";
      }
    }
  });
}

/* A snippet as nodes: text, with the marked words in <mark>. */
function snippetNodes(snippet) {
  const out = [];
  const parts = String(snippet || "").split(/(<em>|<\/em>)/);
  let marked = false;
  for (const p of parts) {
    if (p === "<em>") { marked = true; continue; }
    if (p === "</em>") { marked = false; continue; }
    if (!p) continue;
    const text = unescapeHtml(p);
    out.push(marked ? el("mark", {}, text) : document.createTextNode(text));
  }
  return out;
}

/* ------------------------------------------------------------------ */
/* State and the URL                                                   */
/* ------------------------------------------------------------------ */

function readState() {
  const u = new URLSearchParams(location.search);
  const s = {};
  for (const k of KEYS) s[k] = u.get(k) || "";
  s.page = Math.max(1, parseInt(s.page, 10) || 1);
  if (!["articles", "quotes", "map"].includes(s.view)) s.view = "articles";
  if (s.sort !== "date") s.sort = "";
  return s;
}

function urlOf(s) {
  const u = new URLSearchParams();
  for (const k of KEYS) {
    const v = s[k];
    if (v === "" || v === undefined || v === null) continue;
    if (k === "page" && Number(v) === 1) continue;
    if (k === "view" && v === "articles") continue;
    u.set(k, v);
  }
  const q = u.toString();
  return q ? "?" + q : location.pathname;
}

let state = readState();

/* Moves to a new state: a history entry, and the page drawn anew. */
function go(changes, opts) {
  const next = Object.assign({}, state, changes);
  if (!("page" in changes) && !("article" in changes) && !("view" in changes)) next.page = 1;
  const url = urlOf(next);
  if (opts && opts.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  const searchChanged = KEYS.some((k) => k !== "article" && k !== "view" && next[k] !== state[k]);
  state = next;
  render(searchChanged);
}

window.addEventListener("popstate", () => {
  state = readState();
  render(true);
});

/* ------------------------------------------------------------------ */
/* The API                                                             */
/* ------------------------------------------------------------------ */

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(path, params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== "" && v !== undefined && v !== null && v !== false) u.set(k, v === true ? "1" : v);
  const url = "/api/" + path + (u.toString() ? "?" + u : "");
  let r;
  try {
    r = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (e) {
    throw new ApiError(0, "unavailable", "the daemon does not answer (" + e.message + ")");
  }
  let body = null;
  try {
    body = await r.json();
  } catch (e) {
    throw new ApiError(r.status, "internal", "the answer is not JSON (HTTP " + r.status + ")");
  }
  if (!r.ok) {
    const e = body && body.error ? body.error : { code: "internal", message: "HTTP " + r.status };
    throw new ApiError(r.status, e.code, e.message);
  }
  return body;
}

function searchParams(extra) {
  return Object.assign({
    q: state.q, speaker: state.speaker, location: state.location,
    since: state.since, until: state.until, sort: state.sort,
  }, extra || {});
}

function hasSearch() {
  return !!(state.q.trim() || state.speaker || state.location || state.since || state.until);
}

/* ------------------------------------------------------------------ */
/* Drawing                                                             */
/* ------------------------------------------------------------------ */

let lastResults = null;
let renderSerial = 0;

async function render(searchChanged) {
  const serial = ++renderSerial;
  const input = $("q");
  if (document.activeElement !== input || searchChanged) input.value = state.q;
  $("sort").value = state.sort || "relevance";
  drawTabs();
  drawFilters();
  document.body.classList.toggle("searching", hasSearch());
  $("help").hidden = hasSearch();
  if (hasSearch() && (searchChanged || !lastResults)) {
    setStatus($("status"), "Searching\u2026", "busy");
    try {
      const r = await api("search", searchParams({
        facets: true, histogram: true, limit: PAGE, offset: (state.page - 1) * PAGE,
      }));
      if (serial !== renderSerial) return;
      lastResults = r;
    } catch (e) {
      if (serial !== renderSerial) return;
      lastResults = null;
      showError(e);
    }
  } else if (!hasSearch()) {
    lastResults = null;
  }
  if (serial !== renderSerial) return;
  drawResults(lastResults);
  drawFacets(lastResults);
  drawTimeline(lastResults);
  if (state.view === "quotes") drawQuotes(serial);
  if (state.view === "map") drawMap(lastResults);
  drawArticle(serial);
}

function setStatus(node, text, cls) {
  clear(node).className = cls || "";
  if (text) node.append(text);
}

function showError(e) {
  clear($("hits"));
  clear($("pager"));
  setStatus($("status"), "", "error");
  $("status").append(el("strong", {}, e.status ? "Error " + e.status + " (" + e.code + "): " : "Error: "),
    e.message);
}

function drawTabs() {
  for (const b of document.querySelectorAll("#views [role=tab]")) {
    const on = b.dataset.view === state.view;
    b.setAttribute("aria-selected", on ? "true" : "false");
    b.tabIndex = on ? 0 : -1;
  }
  $("panel-articles").hidden = state.view !== "articles";
  $("panel-quotes").hidden = state.view !== "quotes";
  $("panel-map").hidden = state.view !== "map";
}

function drawFilters() {
  const box = clear($("filters"));
  const items = [
    ["speaker", "speaker", state.speaker],
    ["location", "place", state.location],
    ["since", "from", state.since],
    ["until", "until", state.until],
  ].filter((f) => f[2]);
  for (const [key, label, value] of items) {
    box.append(el("button", {
      className: "chip filter", type: "button",
      title: "Remove this filter",
      "aria-label": "Remove filter " + label + " " + value,
      onclick: () => go({ [key]: "" }),
    }, el("span", { className: "chip-kind" }, label), " ", value, el("span", { className: "x", "aria-hidden": "true" }, " \u00d7")));
  }
  box.hidden = items.length === 0;
}

function chip(kind, name) {
  const key = kind === "speaker" ? "speaker" : "location";
  return el("button", {
    className: "chip " + kind, type: "button",
    title: (kind === "speaker" ? "Articles quoting " : "Articles about ") + name,
    onclick: () => go({ [key]: name }),
  }, name);
}

function articleLink(id, text) {
  const href = urlOf(Object.assign({}, state, { article: id }));
  return el("a", {
    href, className: "article-link",
    onclick: (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      go({ article: id });
    },
  }, text);
}

function dateText(h) {
  return [h.date, h.dateline].filter(Boolean).join(" \u00b7 ");
}

function drawResults(r) {
  const list = clear($("hits"));
  clear($("pager"));
  $("sortbar").hidden = !r;
  if (!r) {
    if (!hasSearch()) setStatus($("status"), "");
    return;
  }
  const first = (state.page - 1) * PAGE + 1;
  const status = $("status");
  if (!r.hits.length) {
    setStatus(status, state.page > 1 ? "No more articles." : "No article matches.");
  } else {
    setStatus(status, first + "\u2013" + (first + r.hits.length - 1) + " of " +
      (r.total_exact === false ? "about " : "") + r.total.toLocaleString("en") +
      (r.total === 1 ? " article" : " articles"));
  }
  if (r.corrected) {
    status.append(" \u00b7 Did you mean ", el("a", {
      href: urlOf(Object.assign({}, state, { q: r.corrected, page: 1 })),
      onclick: (ev) => { ev.preventDefault(); go({ q: r.corrected }); },
    }, r.corrected), "?");
  }
  if (r.relaxed) {
    const all = r.total_strict || 0;
    status.append(el("div", { className: "note relaxed" },
      (all === 0 ? "No article has" : all === 1 ? "1 article has" : all.toLocaleString("en") +
        " articles have") + " every word: articles with some of them follow, marked \u201cpartial\u201d."));
  }
  if (r.truncated) status.append(el("div", { className: "note" },
    "A limit cut this answer short: counts and facets cover part of the matches."));
  for (const n of r.notes || []) status.append(el("div", { className: "note" }, n));
  for (const h of r.hits) list.append(hitItem(h));
  drawPager(r);
}

function hitItem(h) {
  const li = el("li", { className: "hit" });
  li.append(el("h3", {}, articleLink(h.id, h.title || h.id)));
  const meta = el("div", { className: "meta" }, dateText(h));
  if (h.partial) meta.append(el("span", { className: "partial" }, " partial"));
  if (h.versions > 1) {
    const more = el("button", {
      className: "versions", type: "button", "aria-expanded": "false",
      onclick: () => toggleVersions(h, li, more),
    }, "(+" + (h.versions - 1) + (h.versions === 2 ? " version)" : " versions)"));
    meta.append(" ", more);
  }
  li.append(meta);
  li.append(el("p", { className: "snippet" }, ...snippetNodes(h.snippet)));
  const chips = el("div", { className: "chips" });
  for (const s of h.speakers || []) chips.append(chip("speaker", s));
  for (const l of (h.locations || []).slice(0, 8)) chips.append(chip("location", l));
  if (chips.firstChild) li.append(chips);
  return li;
}

/* A title without the marks of a version ("UPDATE 2-", "(RPT)",
 * "CORRECTED-"), to find the versions of a story among all the hits. */
function storyTitle(t) {
  let s = String(t || "").trim(), before;
  do {
    before = s;
    s = s.replace(/^(UPDATE\s*\d*\s*-|\(RPT\)|RPT-|CORRECTED-|REFILE-|WRAPUP\s*\d*\s*-)\s*/i, "");
  } while (s !== before);
  return s.toLowerCase().replace(/\s+/g, " ");
}

/* The other versions of a story: the same search without collapsing,
 * keeping the hits with the story's title. */
async function toggleVersions(h, li, button) {
  const open = li.querySelector(".version-list");
  if (open) {
    open.remove();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  button.setAttribute("aria-expanded", "true");
  const box = el("ul", { className: "version-list" }, el("li", {}, "Loading\u2026"));
  li.append(box);
  try {
    const r = await api("search", searchParams({ all_versions: true, limit: 50 }));
    clear(box);
    const title = storyTitle(h.title);
    for (const v of r.hits.filter((x) => x.id !== h.id && storyTitle(x.title) === title))
      box.append(el("li", {}, articleLink(v.id, v.title || v.id), " ", el("span", { className: "meta" }, dateText(v))));
    if (!box.firstChild) box.append(el("li", {}, "The other versions have other titles: search with all versions to see them."));
  } catch (e) {
    clear(box).append(el("li", { className: "error" }, e.message));
  }
}

function drawPager(r) {
  const nav = $("pager");
  const pages = Math.max(1, Math.ceil(r.total / PAGE));
  if (pages <= 1 && state.page === 1) return;
  const link = (p, text, label) => el("a", {
    href: urlOf(Object.assign({}, state, { page: p })), "aria-label": label,
    onclick: (ev) => { ev.preventDefault(); go({ page: p }); window.scrollTo(0, 0); },
  }, text);
  if (state.page > 1) nav.append(link(state.page - 1, "\u2190 Previous", "Previous page"));
  nav.append(el("span", { className: "page-no" }, "page " + state.page + " of " + (r.more ? "about " : "") + pages));
  if (r.more || state.page < pages) nav.append(link(state.page + 1, "Next \u2192", "Next page"));
}

/* ---- facets ---- */

function drawFacets(r) {
  const box = clear($("facets"));
  if (!r || !r.facets) { box.hidden = true; return; }
  box.hidden = false;
  const groups = [["speakers", "Who is quoted", "speaker"], ["locations", "Where", "location"],
    ["subjects", "Subjects", null]];
  for (const [key, title, filter] of groups) {
    const items = r.facets[key];
    if (!items || !items.length) continue;
    const max = Math.max(...items.map((i) => i[1]));
    const ul = el("ul", { className: "facet-list" });
    for (const [name, count] of items.slice(0, 12)) {
      const bar = el("span", { className: "facet-bar" });
      bar.style.width = Math.max(4, Math.round(100 * count / max)) + "%";
      const label = [el("span", { className: "facet-name" }, name), el("span", { className: "facet-count" }, count), bar];
      if (filter) {
        ul.append(el("li", {}, el("button", {
          type: "button", className: "facet " + filter,
          "aria-label": name + ", " + count + " articles",
          onclick: () => go({ [filter]: name }),
        }, ...label)));
      } else {
        const q = "subject:\"" + name.replace(/"/g, "") + "\"";
        ul.append(el("li", {}, el("button", {
          type: "button", className: "facet subject",
          onclick: () => go({ q: (state.q ? state.q + " " : "") + q }),
        }, ...label)));
      }
    }
    box.append(el("section", { className: "facet-group" }, el("h2", {}, title), ul));
  }
}

/* ---- the timeline ---- */

function addDays(iso, n) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/* The last day of the bucket starting at iso. */
function bucketEnd(iso, unit) {
  if (unit === "day") return iso;
  if (unit === "week") return addDays(iso, 6);
  const d = new Date(iso + "T00:00:00Z");
  if (unit === "month") d.setUTCMonth(d.getUTCMonth() + 1);
  else d.setUTCFullYear(d.getUTCFullYear() + 1);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

function bucketLabel(iso, unit) {
  if (unit === "year") return iso.slice(0, 4);
  if (unit === "month") return iso.slice(0, 7);
  return iso;
}

function drawTimeline(r) {
  const section = $("timeline");
  const box = clear($("timeline-chart"));
  const h = r && r.histogram;
  if (!h || !h.buckets.length) { section.hidden = true; return; }
  section.hidden = false;
  $("timeline-unit").textContent = "by " + h.unit + (h.undated ? " \u00b7 " + h.undated + " undated" : "");
  const n = h.buckets.length;
  const W = 1000, H = 100, top = 8, bottom = 0;
  const max = Math.max(1, ...h.buckets.map((b) => b[1]));
  const bw = W / n;
  const chart = svg("svg", {
    viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none", role: "img",
    "aria-label": "Matching articles by " + h.unit + ", " + h.buckets[0][0] + " to " +
      bucketEnd(h.buckets[n - 1][0], h.unit),
    class: "timeline-svg",
  });
  const sel = svg("rect", { class: "selection", x: 0, y: 0, width: 0, height: H - bottom, visibility: "hidden" });
  chart.append(sel);
  /* A few buckets make thin bars in the middle, not slabs. */
  const barW = Math.max(0.5, Math.min(bw * 0.8, 40));
  h.buckets.forEach(([start, count], i) => {
    const bh = count ? Math.max(2, (H - top - bottom) * count / max) : 0;
    const rect = svg("rect", {
      class: "bar" + (count ? "" : " empty"), x: (i * bw + (bw - barW) / 2).toFixed(2),
      y: (H - bottom - bh).toFixed(2), width: barW.toFixed(2), height: bh.toFixed(2),
    });
    const title = svg("title");
    title.textContent = bucketLabel(start, h.unit) + ": " + count + (count === 1 ? " article" : " articles");
    rect.append(title);
    chart.append(rect);
  });
  box.append(chart);
  /* The axis in HTML: text in an SVG stretched to the width would be
   * stretched too. */
  const axis = el("div", { className: "axis" }, el("span", {}, bucketLabel(h.buckets[0][0], h.unit)));
  if (n > 2) axis.append(el("span", {}, bucketLabel(h.buckets[Math.floor((n - 1) / 2)][0], h.unit)));
  if (n > 1) axis.append(el("span", {}, bucketLabel(h.buckets[n - 1][0], h.unit)));
  box.append(axis);
  /* Dragging selects buckets; letting go sets since and until. */
  let from = null;
  const indexAt = (ev) => {
    const rect = chart.getBoundingClientRect();
    const x = Math.min(Math.max(ev.clientX - rect.left, 0), rect.width - 0.01);
    return Math.floor(x / rect.width * n);
  };
  const show = (a, b) => {
    const lo = Math.min(a, b), hi = Math.max(a, b);
    sel.setAttribute("x", (lo * bw).toFixed(2));
    sel.setAttribute("width", ((hi - lo + 1) * bw).toFixed(2));
    sel.setAttribute("visibility", "visible");
  };
  chart.addEventListener("pointerdown", (ev) => {
    from = indexAt(ev);
    chart.setPointerCapture(ev.pointerId);
    show(from, from);
    ev.preventDefault();
  });
  chart.addEventListener("pointermove", (ev) => { if (from !== null) show(from, indexAt(ev)); });
  chart.addEventListener("pointerup", (ev) => {
    if (from === null) return;
    const to = indexAt(ev);
    const lo = Math.min(from, to), hi = Math.max(from, to);
    from = null;
    go({ since: h.buckets[lo][0], until: bucketEnd(h.buckets[hi][0], h.unit) });
  });
  chart.addEventListener("pointercancel", () => { from = null; sel.setAttribute("visibility", "hidden"); });
  /* The keyboard's way: the first and last bucket as fields. */
  const form = el("form", { className: "dates" });
  const since = el("input", { type: "date", id: "since", value: state.since, "aria-label": "From" });
  const until = el("input", { type: "date", id: "until", value: state.until, "aria-label": "Until" });
  form.append(el("label", { htmlFor: "since" }, "from "), since, el("label", { htmlFor: "until" }, " until "), until,
    el("button", { type: "submit" }, "Set dates"));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); go({ since: since.value, until: until.value }); });
  box.append(form);
}

/* ---- quotes ---- */

async function drawQuotes(serial) {
  const list = clear($("quotes"));
  const status = $("quotes-status");
  if (!hasSearch()) { setStatus(status, "Search for something to see who said what about it."); return; }
  setStatus(status, "Looking for quotations\u2026", "busy");
  try {
    const r = await api("quotes", searchParams({ limit: 20, offset: (state.page - 1) * 20 }));
    if (serial !== renderSerial) return;
    setStatus(status, r.total + (r.total === 1 ? " quotation" : " quotations"));
    for (const q of r.quotes) {
      list.append(el("li", { className: "quote" },
        el("blockquote", {}, ...snippetNodes(q.text)),
        el("div", { className: "who" }, chip("speaker", q.speaker), " ", dateText(q), " \u00b7 ",
          articleLink(q.id, q.title || q.id))));
    }
  } catch (e) {
    if (serial !== renderSerial) return;
    setStatus(status, "", e.status === 501 ? "unavailable" : "error");
    status.append(el("strong", {}, e.status === 501 ? "Quotations are not available. " : "Error: "), e.message);
  }
}

/* ---- the map ---- */

/* Equirectangular: the outline (world.svg) is drawn on the same frame. */
const MAP_W = 360, MAP_H = 180;
function project(lat, lon) {
  return [lon + 180, 90 - lat];
}

function drawMap(r) {
  const box = clear($("map-box"));
  const list = clear($("map-list"));
  const status = $("map-status");
  if (!r || !r.facets) { setStatus(status, hasSearch() ? "" : "Search for something to see where it happens."); return; }
  const places = r.places || {};
  const items = r.facets.locations || [];
  const on = items.filter(([name]) => places[name]);
  const off = items.filter(([name]) => !places[name]);
  setStatus(status, on.length + (on.length === 1 ? " place" : " places") + " of the " + r.total +
    " matching articles on the map" + (off.length ? "; " + off.length + " without coordinates" : ""));
  const map = svg("svg", { viewBox: "0 0 " + MAP_W + " " + MAP_H, class: "map-svg", role: "img",
    "aria-label": "Places of the matching articles" });
  map.append(svg("image", { href: "/static/world.svg", x: 0, y: 0, width: MAP_W, height: MAP_H }));
  const max = Math.max(1, ...on.map((i) => i[1]));
  for (const [name, count] of on.slice().sort((a, b) => b[1] - a[1])) {
    const [x, y] = project(places[name][0], places[name][1]);
    const dot = svg("circle", { class: "dot", cx: x.toFixed(2), cy: y.toFixed(2),
      r: (1.2 + 5 * Math.sqrt(count / max)).toFixed(2), tabindex: "0", role: "button",
      "aria-label": name + ", " + count + " articles" });
    const t = svg("title");
    t.textContent = name + ": " + count;
    dot.append(t);
    dot.addEventListener("click", () => go({ location: name, view: "articles" }));
    dot.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") go({ location: name, view: "articles" }); });
    map.append(dot);
  }
  box.append(map);
  for (const [name, count] of items)
    list.append(el("li", {}, chip("location", name), " " + count + (places[name] ? "" : " (not on the map)")));
}

/* ---- the article ---- */

/* Words of the query to mark in a body: its plain words and the values
 * of its fields, without operators, wildcards' stars or quotes. */
function queryWords() {
  const words = [];
  const text = (state.q || "").replace(/\b(AND|OR|NOT|XOR|NEAR|ADJ)\b/g, " ");
  for (let w of text.split(/[\s"()]+/)) {
    w = w.replace(/^[-+]/, "").replace(/^[a-z]+:/i, "").replace(/\*$/, "");
    if (w.includes("..")) continue;
    if (w.length >= 2) words.push(w.toLowerCase());
  }
  for (const f of [state.speaker, state.location])
    for (const w of (f || "").split(/\s+/)) if (w.length >= 2) words.push(w.toLowerCase());
  return words;
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/* Text with the query's words (and words they begin) marked. */
function highlighted(text, words) {
  if (!words.length) return [document.createTextNode(text)];
  const re = new RegExp("(^|[^\\p{L}\\p{N}])((?:" + words.map(escapeRegExp).join("|") + ")[\\p{L}\\p{N}]*)", "giu");
  const out = [];
  let last = 0, m;
  while ((m = re.exec(text))) {
    const start = m.index + m[1].length;
    if (start > last) out.push(document.createTextNode(text.slice(last, start)));
    out.push(el("mark", {}, m[2]));
    last = start + m[2].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

/* The body in paragraphs, its quotations (offsets in characters) marked
 * with their speakers, the query's words highlighted. */
function bodyNodes(body, quotes, words) {
  const chars = Array.from(body || "");
  const spans = (quotes || []).filter((q) => Number.isInteger(q.start) && Number.isInteger(q.end) &&
    q.start >= 0 && q.end <= chars.length && q.start < q.end).sort((a, b) => a.start - b.start);
  const paras = [];
  let para = el("p");
  const addText = (s) => {
    const pieces = s.split(/\n\s*\n/);
    pieces.forEach((piece, i) => {
      if (i > 0) { paras.push(para); para = el("p"); }
      if (piece) para.append(...highlighted(piece, words));
    });
  };
  let pos = 0;
  for (const q of spans) {
    if (q.start < pos) continue;   /* overlapping: the first wins */
    addText(chars.slice(pos, q.start).join(""));
    const mark = el("q", { className: "quoted", title: "Said by " + q.speaker },
      ...highlighted(chars.slice(q.start, q.end).join(""), words));
    /* The quotations of the speaker the search is filtered on stand out. */
    const chosen = state.speaker && String(q.speaker).toLowerCase().includes(state.speaker.toLowerCase());
    para.append(el("span", { className: "quote-mark" + (chosen ? " chosen" : "") + (q.indirect ? " indirect" : "") },
      el("span", { className: "speaker-tag" }, q.speaker), mark));
    pos = q.end;
  }
  addText(chars.slice(pos).join(""));
  paras.push(para);
  return paras.filter((p) => p.firstChild);
}

let articleFor = null;

async function drawArticle(serial) {
  const reader = $("reader");
  const box = $("article");
  if (!state.article) {
    if (!reader.hidden) {
      reader.hidden = true;
      document.body.classList.remove("reading");
      articleFor = null;
    }
    return;
  }
  if (articleFor === state.article && !reader.hidden) return;
  articleFor = state.article;
  reader.hidden = false;
  document.body.classList.add("reading");
  clear(box).append(el("p", { className: "busy" }, "Loading the article\u2026"));
  box.focus();
  let a;
  try {
    a = await api("article/" + encodeURIComponent(state.article));
  } catch (e) {
    if (serial !== renderSerial) return;
    clear(box).append(closeButton(), el("p", { className: "error" }, e.message));
    return;
  }
  if (serial !== renderSerial) return;
  const words = queryWords();
  clear(box);
  box.append(closeButton());
  box.append(el("h2", { id: "article-title" }, ...highlighted(a.title || a.id, words)));
  const meta = el("div", { className: "meta" }, dateText(a));
  if (a.byline) meta.append(" \u00b7 ", a.byline);
  if (a.url && /^https?:\/\//i.test(a.url)) meta.append(" \u00b7 ", el("a", { href: a.url, rel: "noopener noreferrer" }, "source"));
  box.append(meta);
  const chips = el("div", { className: "chips" });
  for (const s of a.speakers || []) chips.append(chip("speaker", s));
  for (const l of a.locations || []) chips.append(chip("location", l));
  box.append(chips);
  if (a.quotes && a.quotes.length) box.append(el("p", { className: "note" }, a.quotes.length +
    (a.quotes.length === 1 ? " quotation is" : " quotations are") + " marked with who said it."));
  box.append(el("div", { className: "body" }, ...bodyNodes(a.body, a.quotes, words)));
  const first = box.querySelector(".quote-mark.chosen");
  if (first) first.scrollIntoView({ block: "center" });
  const sim = el("section", { className: "similar" }, el("h3", {}, "Similar articles"));
  const simList = el("ol", {}, el("li", {}, "Looking\u2026"));
  sim.append(simList);
  box.append(sim);
  try {
    const r = await api("similar/" + encodeURIComponent(a.id), { limit: 5 });
    clear(simList);
    for (const h of r.hits) simList.append(el("li", {}, articleLink(h.id, h.title || h.id), " ", el("span", { className: "meta" }, dateText(h))));
    if (!r.hits.length) simList.append(el("li", {}, "None."));
  } catch (e) {
    clear(simList).append(el("li", { className: "error" }, e.message));
  }
}

function closeButton() {
  return el("button", { className: "close", type: "button", "aria-label": "Close the article",
    onclick: () => go({ article: "" }) }, "\u00d7");
}

/* ------------------------------------------------------------------ */
/* Wiring                                                              */
/* ------------------------------------------------------------------ */

function start() {
  $("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    go({ q: $("q").value.trim(), article: "" });
  });
  $("sort").addEventListener("change", () => go({ sort: $("sort").value === "date" ? "date" : "" }));
  const tabs = Array.from(document.querySelectorAll("#views [role=tab]"));
  for (const b of tabs) {
    b.addEventListener("click", () => go({ view: b.dataset.view, page: 1 }));
    b.addEventListener("keydown", (ev) => {
      const i = tabs.indexOf(b);
      if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
        const next = tabs[(i + (ev.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
        next.focus();
        go({ view: next.dataset.view, page: 1 });
      }
    });
  }
  $("reader").addEventListener("click", (ev) => { if (ev.target === $("reader")) go({ article: "" }); });
  document.addEventListener("keydown", (ev) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    if (ev.key === "Escape" && state.article) { ev.preventDefault(); go({ article: "" }); }
    else if (ev.key === "/" && !typing) { ev.preventDefault(); $("q").focus(); $("q").select(); }
  });
  render(true);
}

start();
