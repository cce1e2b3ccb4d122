// The codebook tree: drag a code onto another to nest it there, or onto a stage heading to put it at the top.
import { api, toast } from "./api.js";

let dragged = null;
const tree = document.getElementById("tree");

tree.addEventListener("dragstart", (e) => {
  const node = e.target.closest("[data-code]");
  if (!node) return;
  dragged = node.dataset.code;
  e.dataTransfer.setData("text/plain", dragged);
  e.dataTransfer.effectAllowed = "move";
  e.stopPropagation();
});

function target(e) {
  return e.target.closest("[data-code]") || e.target.closest("[data-drop-top]");
}

tree.addEventListener("dragover", (e) => {
  const t = target(e);
  if (!t || !dragged) return;
  e.preventDefault();
  for (const x of tree.querySelectorAll(".over")) x.classList.remove("over");
  t.classList.add("over");
});
tree.addEventListener("dragleave", (e) => target(e)?.classList.remove("over"));
tree.addEventListener("drop", async (e) => {
  const t = target(e);
  if (!t || !dragged) return;
  e.preventDefault();
  e.stopPropagation();
  t.classList.remove("over");
  const parent = t.dataset.code || "";
  if (parent === dragged) return;
  try {
    await api("POST", `/api/codes/${dragged}/move`, { parent });
    location.reload();
  } catch (error) {
    toast(error.message, true);
  } finally {
    dragged = null;
  }
});
