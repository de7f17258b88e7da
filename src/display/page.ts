/**
 * The wallboard page, embedded in the exe: no CDN, no web font, nothing
 * fetched from anywhere but the tool itself. The script builds the page
 * with textContent only, so that a client or queue name is always text,
 * never markup; the server's Content-Security-Policy forbids inline script.
 */

export const WALLBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>connect-metrics wallboard</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header>
  <h1>Contact centre queues</h1>
  <p id="fetched">waiting for the first cycle</p>
  <p id="stale" hidden></p>
</header>
<section id="push"></section>
<main id="clients"></main>
<noscript>The wallboard needs JavaScript; /rows.json has the same figures.</noscript>
</body>
</html>
`;

export const WALLBOARD_CSS = `
:root { --bg: #101418; --tile: #1c232b; --text: #e8edf2; --muted: #8a96a3; --amber: #f0a020; --red: #e5484d; --ok: #30a46c; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem 1.5rem; background: var(--bg); color: var(--text);
  font: 16px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
#fetched { color: var(--muted); margin: 0; }
#stale { background: var(--red); color: #fff; font-weight: 700; padding: .2rem .8rem; border-radius: .3rem; margin: 0; }
#push { color: var(--muted); margin: .25rem 0 1rem; }
#push.failed { color: var(--red); }
.client { margin-bottom: 1.5rem; }
.client h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
.client .error { color: var(--red); margin: 0 0 .5rem; white-space: pre-wrap; }
.client .since { color: var(--muted); font-size: .9rem; font-weight: 400; margin-left: .75rem; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .75rem; }
.tile { background: var(--tile); border-left: .4rem solid var(--ok); border-radius: .4rem; padding: .6rem .8rem; }
.tile.amber { border-left-color: var(--amber); }
.tile.red { border-left-color: var(--red); }
.tile .queue { font-weight: 700; font-size: 1.05rem; margin-bottom: .35rem; overflow-wrap: anywhere; }
.tile .main { display: flex; gap: 1.25rem; }
.tile .main div { display: flex; flex-direction: column; }
.tile .big { font-size: 2rem; font-weight: 700; line-height: 1.1; }
.tile .label { color: var(--muted); font-size: .8rem; }
.tile .small { color: var(--muted); font-size: .9rem; margin-top: .35rem; }
.tile .small b { color: var(--text); font-weight: 600; }
.amber-text { color: var(--amber); }
.red-text { color: var(--red); }
body.stale .tile, body.stale .client h2 { opacity: .45; filter: grayscale(1); }
`;

export const WALLBOARD_JS = `"use strict";
let board = null;
let offset = 0;
let connected = false;

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString("en-GB", { hour12: false });
}

function wait(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
  return Math.floor(s / 3600) + " h " + String(Math.floor((s % 3600) / 60)).padStart(2, "0") + " min";
}

function figure(measure, label, value, text, level) {
  const box = el("div");
  const big = el("span", "big" + (level && level !== "ok" ? " " + level + "-text" : ""), text);
  big.dataset.measure = measure;
  big.dataset.value = String(value);
  if (level) big.dataset.level = level;
  box.append(big, el("span", "label", label));
  return box;
}

function small(parts) {
  const p = el("div", "small");
  parts.forEach(function (part, i) {
    if (i > 0) p.append(" · ");
    const b = el("b", "", part[2]);
    b.dataset.measure = part[0];
    b.dataset.value = String(part[2]);
    if (part[3]) b.dataset.level = part[3];
    if (part[3] && part[3] !== "ok") b.className = part[3] + "-text";
    p.append(part[1] + " ", b);
  });
  return p;
}

function tile(client, t) {
  const worst = ["red", "amber"].find(function (l) { return Object.values(t.levels).includes(l); });
  const box = el("article", "tile" + (worst ? " " + worst : ""));
  box.dataset.client = client.label;
  box.dataset.queue = t.queue;
  box.append(el("div", "queue", t.queue));
  const main = el("div", "main");
  main.append(
    figure("contactsInQueue", "in queue", t.contactsInQueue, t.contactsInQueue, t.levels.contactsInQueue),
    figure("oldestWaitSeconds", "oldest wait", t.oldestWaitSeconds, wait(t.oldestWaitSeconds), t.levels.oldestWaitSeconds),
  );
  box.append(
    main,
    small([["agentsAvailable", "available", t.agentsAvailable], ["agentsOnContact", "on contact", t.agentsOnContact],
      ["agentsAfterContactWork", "in ACW", t.agentsAfterContactWork]]),
    small([["handled", "handled today", t.handled], ["abandoned", "abandoned", t.abandoned, t.levels.abandoned]]),
  );
  return box;
}

function render() {
  if (!board) return;
  const fetched = document.getElementById("fetched");
  fetched.textContent = board.cycle
    ? "fetched " + clock(board.cycle.endedAt) + (board.everyMs ? " · every " + board.everyMs / 1000 + " s" : "") +
      (board.cycle.nextAt ? " · next " + clock(board.cycle.nextAt) : "")
    : "waiting for the first cycle";
  const push = document.getElementById("push");
  push.className = board.push.error ? "failed" : "";
  push.textContent = board.push.destination === undefined
    ? "Not pushed: no dashboard is being updated by this run (no --push)."
    : (board.push.error ? "Push FAILED: " + board.push.error
      : "Pushed " + (board.push.sentRows || 0).toLocaleString("en-GB") + " rows to " + board.push.destination) +
      (board.push.waitingRows !== undefined ? " · " + board.push.waitingRows.toLocaleString("en-GB") + " rows waiting" : "");
  const main = document.getElementById("clients");
  const sections = board.clients.map(function (c) {
    const section = el("section", "client");
    section.dataset.client = c.label;
    const h2 = el("h2", "", c.label);
    if (c.fetchedAt) h2.append(el("span", "since", "as of " + clock(c.fetchedAt)));
    section.append(h2);
    if (c.error) section.append(el("p", "error", "FAILED: " + c.error));
    const tiles = el("div", "tiles");
    c.tiles.forEach(function (t) { tiles.append(tile(c, t)); });
    section.append(tiles);
    return section;
  });
  main.replaceChildren.apply(main, sections);
  checkStale();
}

function checkStale() {
  if (!board || !board.cycle) return;
  const age = Date.now() + offset - board.cycle.endedAt;
  const limit = board.everyMs ? Math.max(2 * board.everyMs, board.everyMs + 30000) : 120000;
  const stale = age > limit;
  document.body.classList.toggle("stale", stale);
  const banner = document.getElementById("stale");
  banner.hidden = !stale;
  if (stale) {
    banner.textContent = "STALE: no new figures for " + wait(age / 1000) +
      (connected ? "" : " (the tool is not answering)");
  }
}

function take(text) {
  board = JSON.parse(text);
  offset = board.now - Date.now();
  render();
}

fetch("/board.json").then(function (r) { return r.text(); }).then(take).catch(function () {});
const source = new EventSource("/events");
source.onopen = function () { connected = true; };
source.onerror = function () { connected = false; checkStale(); };
source.onmessage = function (event) { connected = true; take(event.data); };
setInterval(checkStale, 1000);
`;
