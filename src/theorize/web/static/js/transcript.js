// The transcript: select words (mouse or keys), code them through a type-ahead picker or in vivo,
// see codings as margin stripes, read a coding's code, coder and memos, write memos while reading.
// Offsets leave the page as (row bounds in code points, offset in UTF-16 units within the row);
// the server turns them into code points.
import { api, toast } from "./api.js";

const rowsBox = document.getElementById("rows");
const sourceId = rowsBox.dataset.source;
const version = rowsBox.dataset.version;
const unit = rowsBox.dataset.unit;
let codings = JSON.parse(document.getElementById("codings-data").textContent);
let codes = JSON.parse(document.getElementById("codes-data").textContent);
const hiddenCoders = new Set(
  [...document.querySelectorAll('input[name="coder"]')].filter((b) => !b.checked).map((b) => b.value));
const RECENT_KEY = "theorize.recent-codes";
let current = null; // the row the keyboard is on
let shown = null; // the coding whose detail is shown

const rows = () => [...rowsBox.querySelectorAll(".row")];
const rowByNumber = (n) => document.getElementById(`u${n}`);
const wordsOf = (row) => row.querySelector(".words");
const textNode = (row) => {
  const words = wordsOf(row);
  if (!words.firstChild) words.append(document.createTextNode(""));
  return words.firstChild;
};

// -- moving and selecting with the keyboard -------------------------------------------------------
function goTo(row, select = false) {
  if (!row) return;
  current?.classList.remove("current");
  current = row;
  row.classList.add("current");
  row.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest" });
  if (select) caretAt(row, 0);
}

function caretAt(row, offset) {
  const sel = getSelection();
  sel.removeAllRanges();
  const range = document.createRange();
  range.setStart(textNode(row), Math.min(offset, textNode(row).length));
  range.collapse(true);
  sel.addRange(range);
}

function selectionInCurrent() {
  const sel = getSelection();
  return sel.rangeCount && current && current.contains(sel.anchorNode);
}

function selectRow(row) {
  const sel = getSelection();
  const range = document.createRange();
  range.selectNodeContents(wordsOf(row));
  sel.removeAllRanges();
  sel.addRange(range);
}

function step(direction, byTurn) {
  const all = rows();
  let i = current ? all.indexOf(current) : -1;
  if (byTurn) {
    const turns = [...rowsBox.querySelectorAll(".turn")];
    const t = current ? turns.indexOf(current.closest(".turn")) : -1;
    const next = turns[Math.max(0, Math.min(turns.length - 1, t + direction))];
    goTo(next?.querySelector(".row"), true);
    return;
  }
  i = Math.max(0, Math.min(all.length - 1, i + direction));
  goTo(all[i], true);
}

function wordMove(kind, direction) {
  if (!current) goTo(rows()[0]);
  if (!selectionInCurrent()) caretAt(current, 0);
  getSelection().modify(kind, direction, "word");
}

// -- the selection as the server wants it ----------------------------------------------------------
function endpoint(node, offset, atEnd) {
  const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
  let row = element?.closest(".row");
  if (row && node.nodeType === Node.TEXT_NODE && element.classList.contains("words")) {
    return { row, offset };
  }
  if (!row) {
    const turn = element?.closest(".turn");
    row = turn ? turn.querySelector(".row") : null;
  }
  if (!row) return null;
  // on a speaker label, number or margin: take the row's words from their start (or to their end)
  return { row, offset: atEnd ? textNode(row).length : 0 };
}

export function selectedSpan() {
  const sel = getSelection();
  if (!sel.rangeCount || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!rowsBox.contains(range.commonAncestorContainer)) return null;
  const a = endpoint(range.startContainer, range.startOffset, false);
  const b = endpoint(range.endContainer, range.endOffset, true);
  if (!a || !b) return null;
  return {
    version, first_start: a.row.dataset.s, first_end: a.row.dataset.e, first_offset: a.offset,
    last_start: b.row.dataset.s, last_end: b.row.dataset.e, last_offset: b.offset,
  };
}

function needSelection() {
  const span = selectedSpan();
  if (!span) toast("Select some words first (mouse, or s / w / ] on a row).", true);
  return span;
}

// -- the margin -----------------------------------------------------------------------------------
function drawMargins() {
  for (const margin of rowsBox.querySelectorAll(".margin")) margin.replaceChildren();
  for (const c of codings) {
    if (c.row_first === undefined) continue;
    for (let n = c.row_first; n <= c.row_last; n++) {
      const row = rowByNumber(n);
      if (!row) continue;
      const stripe = document.createElement("b");
      stripe.className = `s l${c.lane}${c.origin === "machine" && c.status === "pending" ? " pending" : ""}`;
      stripe.dataset.c = c.id;
      stripe.dataset.coder = c.coder;
      stripe.style.background = c.colour;
      stripe.hidden = hiddenCoders.has(c.coder);
      row.querySelector(".margin").append(stripe);
    }
  }
}

// UTF-16 units of the first `points` code points of a row's words (the browser counts in units).
function unitsAt(row, points) {
  let units = 0;
  let k = 0;
  for (const ch of textNode(row).data) {
    if (k >= points) break;
    units += ch.length;
    k += 1;
  }
  return units;
}

// Draw one new coding at once, without asking the server for the whole layout again: its rows by
// their code point bounds, the first lane free in all of them; then it joins the page's codings
// (for its detail and highlight). Returns false where only the server can place it exactly (a row
// with a line break in it: the browser shows a CRLF as one character), and the margin is redrawn.
let spans = null;
function drawOne(c) {
  spans = spans || rows().map((r) => [r, Number(r.dataset.s), Number(r.dataset.e)]);
  const hit = spans.filter(([, s, e]) => s < Math.max(c.end, c.start + 1) && e > c.start);
  const used = new Set();
  for (const [row] of hit) for (const b of row.querySelectorAll(".s")) used.add(b.className.match(/\bl(\d+)/)?.[1]);
  let lane = 0;
  while (lane < 11 && used.has(String(lane))) lane += 1;
  for (const [row] of hit) {
    const stripe = document.createElement("b");
    stripe.className = `s l${lane}`;
    stripe.dataset.c = c.id;
    stripe.dataset.coder = c.coder;
    stripe.style.background = c.colour;
    stripe.hidden = hiddenCoders.has(c.coder);
    row.querySelector(".margin").append(stripe);
  }
  const placed = { review: null, origin: "person", memos: [], ...c, lane };
  if (hit.length) {
    const [first, firstStart] = hit[0];
    const [last, lastStart, lastEnd] = hit[hit.length - 1];
    if (hit.some(([row]) => textNode(row).data.includes("\n"))) return false;
    Object.assign(placed, {
      row_first: Number(first.dataset.n), off_first: unitsAt(first, Math.max(c.start, firstStart) - firstStart),
      row_last: Number(last.dataset.n), off_last: unitsAt(last, Math.min(c.end, lastEnd) - lastStart),
    });
  }
  codings = [...codings.filter((x) => x.id !== c.id), placed];
  return true;
}

export async function refresh() {
  const hide = [...hiddenCoders].map((c) => `&hide=${encodeURIComponent(c)}`).join("");
  const data = await api("GET", `/api/sources/${sourceId}/codings?unit=${unit}${hide}`);
  codings = data.codings;
  drawMargins();
}

// The coding's words, one range per row (so that row numbers between them stay unmarked).
function rangesOf(c) {
  const out = [];
  for (let n = c.row_first; n <= c.row_last; n++) {
    const row = rowByNumber(n);
    if (!row) continue;
    const node = textNode(row);
    const range = document.createRange();
    range.setStart(node, n === c.row_first ? Math.min(c.off_first, node.length) : 0);
    range.setEnd(node, n === c.row_last ? Math.min(c.off_last, node.length) : node.length);
    out.push(range);
  }
  return out;
}

function highlight(c) {
  if (!window.CSS?.highlights) return;
  CSS.highlights.delete("coding");
  if (c && c.row_first !== undefined) CSS.highlights.set("coding", new Highlight(...rangesOf(c)));
}

function showDetail(c, pin = false) {
  const box = document.getElementById("detail");
  if (!c) { box.hidden = true; highlight(null); return; }
  shown = c;
  highlight(c);
  box.hidden = false;
  box.replaceChildren();
  const h = document.createElement("h2");
  const link = document.createElement("a");
  link.href = `/codes/${c.code_id}`;
  link.textContent = c.code;
  h.append(link);
  const meta = document.createElement("p");
  meta.className = "quiet";
  meta.textContent = `${c.stage} · coded by ${c.coder}${c.status !== "accepted" ? ` · ${c.status}` : ""}${c.review ? ` · ${c.review}` : ""}`;
  box.append(h, meta);
  const memos = document.createElement("ul");
  for (const m of c.memos || []) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `/memos/${m.id}`;
    a.textContent = m.title;
    li.append(a);
    memos.append(li);
  }
  if (c.memos?.length) box.append(memos);
  const actions = document.createElement("p");
  for (const [label, fn] of [["memo", () => openMemo(c)], ["compare", () => openCompare(c.code_id)],
                             ["remove", () => removeCoding(c)]]) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", fn);
    actions.append(b, " ");
  }
  box.append(actions);
  if (pin) box.dataset.pinned = c.id;
}

async function removeCoding(c) {
  try {
    await api("DELETE", `/api/codings/${c.id}`);
    showDetail(null);
    for (const stripe of rowsBox.querySelectorAll(`.s[data-c="${c.id}"]`)) stripe.remove();
    codings = codings.filter((x) => x.id !== c.id);
    toast(`Removed the coding of ${c.code}.`);
  } catch (e) { toast(e.message, true); }
}

// -- coding ---------------------------------------------------------------------------------------
function recent() {
  try { return JSON.parse(localStorage.getItem(RECENT_KEY) || "[]"); } catch { return []; }
}

function remember(codeId) {
  const list = [codeId, ...recent().filter((x) => x !== codeId)].slice(0, 9);
  localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  drawRecent();
}

function drawRecent() {
  const box = document.getElementById("recent");
  box.replaceChildren();
  for (const [i, id] of recent().entries()) {
    const code = codes.find((c) => c.id === id);
    if (!code) continue;
    const li = document.createElement("li");
    li.textContent = `${i + 1} ${code.name}`;
    box.append(li);
  }
}

async function codeWith(body, label) {
  const span = needSelection();
  if (!span) return;
  try {
    const result = await api("POST", `/api/sources/${sourceId}/codings`, { ...span, ...body });
    const placed = drawOne(result);
    if (body.new_code) codes.push({ id: result.code_id, name: body.new_code, path: body.new_code, stage: body.stage });
    remember(result.code_id);
    getSelection().removeAllRanges();
    if (!placed) await refresh();
    toast(`Coded with ${label}.`);
    current?.focus({ preventScroll: true });
  } catch (e) { toast(e.message, true); }
}

async function inVivo() {
  const span = needSelection();
  if (!span) return;
  try {
    const result = await api("POST", `/api/sources/${sourceId}/in-vivo`, span);
    const placed = drawOne(result);
    codes.push({ id: result.code_id, name: result.code, path: result.code, stage: "initial" });
    remember(result.code_id);
    getSelection().removeAllRanges();
    if (!placed) await refresh();
    toast(`In-vivo code ${result.code}.`);
    current?.focus({ preventScroll: true });
  } catch (e) { toast(e.message, true); }
}

// -- the picker -----------------------------------------------------------------------------------
const picker = document.getElementById("picker");
const input = document.getElementById("picker-input");
const list = document.getElementById("picker-list");
let choices = [];
let active = 0;
let pending = null;

function drawChoices() {
  const words = input.value.trim().toLowerCase();
  const hits = codes.filter((c) => !words || c.path.toLowerCase().includes(words)).slice(0, 12);
  choices = hits.map((c) => ({ kind: "code", code: c }));
  if (words && !codes.some((c) => c.name.toLowerCase() === words)) {
    choices.push({ kind: "new", name: input.value.trim() });
  }
  active = Math.min(active, Math.max(0, choices.length - 1));
  list.replaceChildren();
  choices.forEach((choice, i) => {
    const li = document.createElement("li");
    li.role = "option";
    li.id = `choice-${i}`;
    li.setAttribute("aria-selected", String(i === active));
    li.textContent = choice.kind === "code" ? `${choice.code.path} (${choice.code.stage})`
      : `New code “${choice.name}” at stage ${document.getElementById("picker-stage").value}`;
    li.addEventListener("mousedown", (e) => { e.preventDefault(); active = i; choose(); });
    list.append(li);
  });
  input.setAttribute("aria-activedescendant", choices.length ? `choice-${active}` : "");
}

function openPicker() {
  pending = needSelection();
  if (!pending) return;
  input.value = "";
  active = 0;
  drawChoices();
  picker.showModal();
  input.focus();
}

async function choose() {
  const choice = choices[active];
  if (!choice) return;
  picker.close();
  restoreSelection();
  if (choice.kind === "code") await codeWith({ code_id: choice.code.id }, choice.code.name);
  else await codeWith({ new_code: choice.name, stage: document.getElementById("picker-stage").value }, choice.name);
}

let savedRange = null;
function keepSelection() {
  const sel = getSelection();
  savedRange = sel.rangeCount ? sel.getRangeAt(0).cloneRange() : null;
}
function restoreSelection() {
  if (!savedRange) return;
  const sel = getSelection();
  sel.removeAllRanges();
  sel.addRange(savedRange);
}

input.addEventListener("input", () => { active = 0; drawChoices(); });
document.getElementById("picker-stage").addEventListener("change", drawChoices);
input.addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown") { active = Math.min(choices.length - 1, active + 1); drawChoices(); e.preventDefault(); }
  else if (e.key === "ArrowUp") { active = Math.max(0, active - 1); drawChoices(); e.preventDefault(); }
  else if (e.key === "Enter") { e.preventDefault(); choose(); }
});
picker.addEventListener("close", () => { current?.focus({ preventScroll: true }); });

// -- memos and compare in the side panel ---------------------------------------------------------------
const memoForm = document.getElementById("memo-form");
let memoTarget = null;

function openMemo(coding) {
  const span = coding ? null : selectedSpan();
  const row = current;
  memoTarget = { coding: coding?.id };
  const on = memoForm.querySelector(".memo-on");
  let quote = "";
  if (coding) {
    on.textContent = `On the coding ${coding.code} (${coding.coder})`;
  } else if (span) {
    quote = getSelection().toString();
    on.textContent = `On the words “${quote.slice(0, 80)}”`;
  } else if (row) {
    const turn = row.closest(".turn");
    quote = [...turn.querySelectorAll(".words")].map((w) => w.textContent).join(" ");
    on.textContent = `On turn ${turn.dataset.turn}`;
    memoTarget.turn = turn.dataset.turn;
  } else {
    on.textContent = "On this transcript";
  }
  memoForm.elements.title.value = memoTarget.turn ? `Turn ${memoTarget.turn}` : (coding ? coding.code : "");
  memoForm.elements.body.value = quote ? `> ${quote.replace(/\s+/g, " ").trim()}\n\n` : "";
  memoForm.hidden = false;
  memoForm.elements.title.focus();
}

memoForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = { title: memoForm.elements.title.value, type: memoForm.elements.type.value,
                 body: memoForm.elements.body.value, sources: [Number(sourceId)] };
  if (memoTarget?.coding) body.codings = [memoTarget.coding];
  try {
    const result = await api("POST", "/api/memos", body);
    memoForm.hidden = true;
    await refresh();
    toast(`Memo ${result.id} saved.`);
    current?.focus({ preventScroll: true });
  } catch (err) { toast(err.message, true); }
});
memoForm.querySelector('[data-action="close-memo"]').addEventListener("click", () => { memoForm.hidden = true; });

function openCompare(codeId) {
  if (!codeId) { toast("Choose a coding first (click a stripe).", true); return; }
  document.getElementById("compare-box").hidden = false;
  document.getElementById("compare-frame").src = `/compare?code=${codeId}&embed=1`;
}

// -- keys -----------------------------------------------------------------------------------------------
async function undo() {
  try {
    const result = await api("POST", "/api/undo");
    await refresh();
    toast(result.undone);
  } catch (e) { toast(e.message, true); }
}

document.addEventListener("keydown", (e) => {
  const t = e.target;
  if (t.closest && t.closest("input, textarea, select, dialog, [contenteditable]")) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const keys = {
    j: () => step(1, false), k: () => step(-1, false), J: () => step(1, true), K: () => step(-1, true),
    w: () => wordMove("move", "forward"), b: () => wordMove("move", "backward"),
    "]": () => wordMove("extend", "forward"), "[": () => wordMove("extend", "backward"),
    s: () => { if (!current) goTo(rows()[0]); selectRow(current); },
    c: () => { keepSelection(); openPicker(); },
    v: inVivo, m: () => openMemo(null), u: undo,
    o: () => openCompare(shown?.code_id || recent()[0]),
    "?": () => document.getElementById("help").showModal(),
    Escape: () => { showDetail(null); getSelection().removeAllRanges(); },
  };
  if (/^[1-9]$/.test(e.key)) {
    const id = recent()[Number(e.key) - 1];
    const code = codes.find((c) => c.id === id);
    if (code) { e.preventDefault(); codeWith({ code_id: code.id }, code.name); }
    return;
  }
  if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
});

rowsBox.addEventListener("mouseover", (e) => {
  const stripe = e.target.closest(".s");
  if (stripe && !document.getElementById("detail").dataset.pinned) {
    showDetail(codings.find((c) => String(c.id) === stripe.dataset.c));
  }
});
rowsBox.addEventListener("click", (e) => {
  const stripe = e.target.closest(".s");
  if (stripe) showDetail(codings.find((c) => String(c.id) === stripe.dataset.c), true);
  const row = e.target.closest(".row");
  if (row && row !== current) { current?.classList.remove("current"); current = row; row.classList.add("current"); }
});
document.querySelector('[data-action="help"]')?.addEventListener("click", () => document.getElementById("help").showModal());
for (const box of document.querySelectorAll('input[name="coder"]')) {
  box.addEventListener("change", () => {
    if (box.checked) hiddenCoders.delete(box.value); else hiddenCoders.add(box.value);
    for (const s of rowsBox.querySelectorAll(".s")) s.hidden = hiddenCoders.has(s.dataset.coder);
  });
}

drawRecent(); // the server drew the margin; it is redrawn here after each change
const jump = location.hash.match(/^#c(\d+)$/);
if (jump) {
  const c = codings.find((x) => String(x.id) === jump[1]);
  if (c) { goTo(rowByNumber(c.row_first)); showDetail(c, true); }
}
