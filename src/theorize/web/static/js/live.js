// Live updates on a team server: what others do appears without a reload (server-sent events).
// The transcript redraws its margin stripes; other pages say who did what.
import { api, toast } from "./api.js";

const signIn = document.body.dataset.page === "login"; // nobody to ask about yet
const session = signIn ? null : await api("GET", "/api/session").catch(() => null);
if (session && session.team) {
  const page = document.body.dataset.page;
  const transcript = page === "transcript" ? await import("./transcript.js") : null;
  let pending = null;
  // From where the trail ended when this page was drawn: nothing done in between is missed.
  const trail = document.body.dataset.trail;
  const source = new EventSource(trail ? `/events?after=${encodeURIComponent(trail)}` : "/events");
  source.addEventListener("open", () => { document.body.dataset.live = "1"; });
  source.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    document.body.dataset.lastEvent = String(event.id); // tests wait for this
    if (event.actor === session.person) return; // one's own actions are drawn already
    if (transcript && (event.kind === "codings" || event.kind === "codebook" || event.kind === "all")) {
      clearTimeout(pending); // several events at once: one redraw
      pending = setTimeout(() => transcript.refresh().catch(() => {}), 50);
    }
    toast(`${event.actor}: ${event.summary}`);
  });
}
