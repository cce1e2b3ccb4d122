// Machine help beside reading: passages like the selected words (transcript), passages like a
// code's passages (compare: "more like these"). Every text is set as text, never as markup.
import { api, toast } from "./js/api.js";

const page = document.body.dataset.page;

function item(p) {
  const li = document.createElement("li");
  li.className = "similar";
  const head = document.createElement("div");
  head.className = "who";
  const score = document.createElement("span");
  score.className = "score";
  score.textContent = p.score.toFixed(2);
  const link = document.createElement("a");
  link.href = `/sources/${p.source_id}`;
  if (page === "compare" && document.body.classList.contains("embed")) link.target = "_top";
  link.textContent = p.source;
  head.append(score, " ", link);
  if (p.participant) head.append(` · ${p.participant}`);
  if (p.turn !== null && p.turn !== undefined) head.append(` · turn ${p.turn}`);
  const codes = document.createElement("div");
  codes.className = "codes quiet";
  codes.textContent = p.codes ? `coded: ${p.codes}` : "not coded";
  const words = document.createElement("p");
  words.className = "words";
  words.dir = "auto";
  words.textContent = p.text;
  li.append(head, words, codes);
  return li;
}

function show(list, status, passages) {
  list.replaceChildren(...passages.map(item));
  status.textContent = passages.length ? `${passages.length} passages, most alike first (score: cosine).`
                                       : "No passage matches those filters.";
}

function filtersOf(form) {
  const q = new URLSearchParams();
  if (form?.elements.other_participants?.checked) q.set("other_participants", "1");
  if (form?.elements.uncoded?.checked) q.set("uncoded", "1");
  q.set("k", form?.elements.k?.value || "10");
  return q;
}

async function find(url, list, status) {
  status.textContent = "Looking for passages like these…";
  list.replaceChildren();
  try {
    show(list, status, (await api("GET", url)).passages);
  } catch (error) {
    status.textContent = error.message; // e.g. machine help is not installed: one sentence
  }
}

if (page === "transcript") {
  const { selectedSpan, refresh } = await import("./js/transcript.js");
  const box = document.getElementById("similar-box");
  const form = document.getElementById("similar-form");
  const list = document.getElementById("similar-list");
  const status = document.getElementById("similar-status");
  const sourceId = document.getElementById("rows").dataset.source;
  let last = null; // the selection survives a click on the panel
  document.addEventListener("selectionchange", () => { last = selectedSpan() || last; });
  async function similar() {
    const span = selectedSpan() || last;
    if (!span) { toast("Select some words first, then ask for similar passages.", true); return; }
    box.hidden = false;
    const q = filtersOf(form);
    for (const [key, value] of Object.entries(span)) q.set(key, value);
    await find(`/api/sources/${sourceId}/similar?${q}`, list, status);
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); similar(); });
  const version = document.getElementById("rows").dataset.version;
  const phrases = document.getElementById("in-vivo-list");
  const said = document.getElementById("in-vivo-status");
  // a pending suggestion's detail offers the decision: accept or reject, here in the transcript
  document.getElementById("rows").addEventListener("click", async (e) => {
    const stripe = e.target.closest(".s.pending");
    if (!stripe) return;
    const detail = document.getElementById("detail");
    const id = Number(stripe.dataset.c);
    const actions = document.createElement("p");
    actions.className = "decide";
    actions.append("The machine's suggestion: ");
    for (const decision of ["accept", "reject"]) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = decision;
      b.addEventListener("click", async () => {
        try {
          await api("POST", "/api/suggestions/decide", { coding: [id], decision });
          await refresh();
          detail.hidden = true;
          toast(decision === "accept" ? "Suggestion accepted." : "Suggestion rejected.");
        } catch (error) { toast(error.message, true); }
      });
      actions.append(b, " ");
    }
    detail.querySelector(".decide")?.remove();
    detail.append(actions);
  });
  document.getElementById("in-vivo-find").addEventListener("click", async () => {
    said.textContent = "Looking for phrases that stand out…";
    try {
      const { candidates } = await api("GET", `/api/sources/${sourceId}/in-vivo-candidates`);
      phrases.replaceChildren(...candidates.map((c) => {
        const li = document.createElement("li");
        li.className = "similar";
        const words = document.createElement("q");
        words.textContent = c.phrase;
        const why = document.createElement("div");
        why.className = "quiet";
        why.textContent = `${c.count}× · ${c.reasons}`;
        const code = document.createElement("button");
        code.type = "button";
        code.textContent = "code in vivo";
        code.addEventListener("click", async () => {
          try {
            await api("POST", `/api/sources/${sourceId}/in-vivo`, { start: c.start, end: c.end, version });
            await refresh();
            toast(`Coded in vivo: “${c.phrase}”`);
          } catch (error) { toast(error.message, true); }
        });
        li.append(words, " ", code, why);
        return li;
      }));
      said.textContent = candidates.length ? `${candidates.length} phrases, most distinctive first.`
                                           : "No phrase stands out in this transcript.";
    } catch (error) { said.textContent = error.message; }
  });
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t.closest && t.closest("input, textarea, select, dialog, [contenteditable]")) return;
    if (e.key === "l" && !(e.ctrlKey || e.metaKey || e.altKey)) { e.preventDefault(); similar(); }
  });
}

if (page === "compare") {
  // the panel's styles load with its first use: the compare view paints without waiting for them
  const style = () => {
    if (document.querySelector('link[href="/static/assist.css"]')) return;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "/static/assist.css";
    document.head.append(link);
  };
  document.addEventListener("click", async (e) => {
    const button = e.target.closest("[data-more-like]");
    if (!button) return;
    style();
    const column = button.closest(".compare-col");
    const list = column.querySelector(".more-like");
    const status = column.querySelector(".more-like-status");
    const form = column.querySelector(".more-like-form");
    await find(`/api/codes/${button.dataset.moreLike}/similar?${filtersOf(form)}`, list, status);
  });
}
