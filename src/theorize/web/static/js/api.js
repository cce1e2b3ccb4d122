// Talking to the workbench: every write carries the page's CSRF token; errors come back as one sentence.
export const csrf = () => document.querySelector('meta[name="csrf"]')?.content || "";

export class ApiError extends Error {}

export async function api(method, url, body) {
  const headers = { "Accept": "application/json", "X-CSRF-Token": csrf() };
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(data.error || `The workbench answered ${response.status}.`);
  return data;
}

export function toast(sentence, isError = false) {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = sentence;
  box.classList.toggle("error", isError);
  box.classList.add("show");
  clearTimeout(box._timer);
  box._timer = setTimeout(() => box.classList.remove("show"), isError ? 8000 : 3000);
}

// The fields of a form as an object; repeated names become lists.
export function fields(form) {
  const out = {};
  for (const [key, value] of new FormData(form).entries()) {
    if (key === "csrf") continue;
    if (key in out) out[key] = [].concat(out[key], value);
    else out[key] = value;
  }
  for (const select of form.querySelectorAll("select[multiple]")) {
    out[select.name] = [...select.selectedOptions].map((o) => o.value);
  }
  return out;
}
