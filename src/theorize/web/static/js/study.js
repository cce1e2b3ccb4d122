// The Study page: import files by choosing or dropping them, one request per file, with progress
// and each refused file's sentence.
import { csrf } from "./api.js";

const form = document.getElementById("upload");
const bar = document.getElementById("upload-progress");
const results = document.getElementById("upload-results");

function send(file, participant, what) {
  return new Promise((resolve) => {
    const body = new FormData();
    body.append("file", file);
    if (participant) body.append("participant", participant);
    body.append("what", what);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/sources");
    xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total); };
    xhr.onload = () => {
      let data = {};
      try { data = JSON.parse(xhr.responseText); } catch { data = {}; }
      resolve(data.results ? data.results : [{ file: file.name, imported: false, error: data.error || "The upload failed." }]);
    };
    xhr.onerror = () => resolve([{ file: file.name, imported: false, error: "The workbench could not be reached." }]);
    xhr.send(body);
  });
}

async function importFiles(files) {
  const participant = form.elements.participant.value.trim();
  const what = form.elements.what.value;
  results.replaceChildren();
  bar.hidden = false;
  let imported = 0;
  for (const [i, file] of [...files].entries()) {
    bar.value = 0;
    const li = document.createElement("li");
    li.textContent = `${file.name}: importing (${i + 1} of ${files.length})…`;
    results.append(li);
    for (const r of await send(file, participant, what)) {
      li.classList.toggle("error", !r.imported);
      li.textContent = r.imported ? `${r.file}: imported (${r.said}).` : `${r.file}: ${r.error}`;
      if (r.imported) imported += 1;
    }
  }
  bar.hidden = true;
  if (imported) {
    const again = document.createElement("li");
    const link = document.createElement("a");
    link.href = "/";
    link.textContent = "Show the new sources";
    again.append(link);
    results.append(again);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const files = form.elements.file.files;
  if (files.length) importFiles(files);
});
form.addEventListener("dragover", (event) => { event.preventDefault(); form.classList.add("over"); });
form.addEventListener("dragleave", () => form.classList.remove("over"));
form.addEventListener("drop", (event) => {
  event.preventDefault();
  form.classList.remove("over");
  if (event.dataTransfer.files.length) importFiles(event.dataTransfer.files);
});
