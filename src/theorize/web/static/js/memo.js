// The memo editor: Markdown on the left, its preview on the right; an existing memo saves itself
// a moment after you stop typing.
import { api, fields, toast } from "./api.js";

const form = document.getElementById("memo-editor");
const preview = document.getElementById("preview");
const status = document.getElementById("autosave");
const memoId = form.dataset.memo;
let timer = null;

async function showPreview() {
  try {
    const { html } = await api("POST", "/api/markdown", { body: form.elements.body.value });
    // The server renders Markdown with raw HTML turned off, so its output holds no markup of the memo's own.
    const doc = new DOMParser().parseFromString(html, "text/html");
    preview.replaceChildren(...doc.body.childNodes);
  } catch (e) { toast(e.message, true); }
}

async function save() {
  try {
    if (memoId) {
      await api("POST", `/api/memos/${memoId}`, fields(form));
      status.textContent = `Saved at ${new Date().toLocaleTimeString()}.`;
    } else {
      const result = await api("POST", "/api/memos", fields(form));
      location.href = `/memos/${result.id}`;
    }
  } catch (e) { status.textContent = e.message; toast(e.message, true); }
}

form.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => { showPreview(); if (memoId) save(); }, 700);
  if (memoId) status.textContent = "Editing…";
});
form.addEventListener("submit", (e) => { e.preventDefault(); save(); });
