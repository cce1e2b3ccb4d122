// Every page: forms marked data-api are sent as JSON (their sentence shown on failure), then the
// page's own module is loaded.
import { api, fields, toast } from "./api.js";

for (const form of document.querySelectorAll("form[data-api]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const result = await api("POST", form.getAttribute("action"), fields(form));
      if (form.dataset.next) location.href = form.dataset.next.replace("{id}", result.id);
      else if (form.hasAttribute("data-reload")) location.reload();
      else toast("Saved.");
    } catch (error) {
      toast(error.message, true);
    }
  });
}

const modules = { transcript: "./transcript.js", study: "./study.js", codebook: "./codebook.js",
                  memo: "./memo.js", compare: "./compare.js", analyses: "./analyses.js" };
const page = document.body.dataset.page;
if (modules[page]) await import(modules[page]);
import("./live.js"); // a team server's live updates (nothing on a local workbench)
document.body.dataset.ready = "1"; // the page's scripts are wired (tests wait for this)
