// Compare: widen the words around one passage without leaving the page.
import { api, toast } from "./api.js";

document.addEventListener("click", async (e) => {
  const button = e.target.closest("[data-widen]");
  if (!button) return;
  const passage = button.closest(".passage");
  const chars = Number(button.dataset.chars || 400);
  try {
    const data = await api("GET", `/api/codings/${button.dataset.widen}/context?chars=${chars}`);
    passage.querySelector(".before").textContent = data.before;
    passage.querySelector(".after").textContent = data.after;
    button.dataset.chars = String(chars * 2);
  } catch (error) { toast(error.message, true); }
});
