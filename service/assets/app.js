// The dispatcher's page: signs in with an API key (kept in sessionStorage),
// loads a day's visits and drivers, and wires the map, the timeline, the
// panels and the plan actions together. `#key=...&date=...` in the address
// fills the form and loads the day (what `ordo serve --demo` prints).

import { Api } from "./api.js";
import { Day, localNow, localToday } from "./day.js";
import { RouteMap } from "./map.js";
import { Timeline } from "./timeline.js";
import { drawChanges, drawDrivers, drawSummary, drawUnassigned } from "./panels.js";
import { PlanJob } from "./jobs.js";

const $ = (id) => document.getElementById(id);
const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content || "";

const page = {
  api: null,
  day: null,
  job: null,
  // The progress bar's fraction.
  fraction: 0,
  // What the last finished job showed: its result, for Apply.
  finished: null,
  // Milliseconds of each full redraw (the test and the report read them).
  timings: [],
  // A fixed moment (seconds from midnight) for "Re-route now" instead of
  // the clock: a demo or a test re-routes at a chosen time of day.
  fixedNow: null,
};
window.ordoPage = page;

const map = new RouteMap($("map"), { tiles: meta("ordo-tiles"), attribution: meta("ordo-attribution") }, select);
const timeline = new Timeline($("timeline"), $("tip"), select);

function status(text, kind = "info") {
  $("status").textContent = text;
  $("status").dataset.kind = kind;
}

// A visit picked anywhere (map, timeline, panel) is highlighted everywhere.
function select(visitId) {
  map.highlight(visitId);
  timeline.highlight(visitId);
  document.body.dataset.selected = visitId;
}

function redraw() {
  const started = performance.now();
  const day = page.day;
  map.draw(day);
  // The "now" line belongs to today only: on another day the current time
  // of day is no moment of that day's plan.
  const now = day.date === localToday() ? localNow() : null;
  timeline.draw(day, now);
  drawSummary($("summary"), day);
  drawUnassigned($("unassigned"), $("unassigned-count"), day);
  drawChanges($("changes-panel"), $("changes"), $("changes-count"), day);
  drawDrivers($("drivers"), $("drivers-count"), day);
  // Measured to the next frame, so layout and paint are included.
  requestAnimationFrame(() => {
    const ms = performance.now() - started;
    page.timings.push({ stops: countStops(day), ms });
    document.body.dataset.lastDrawMs = ms.toFixed(0);
  });
}

function countStops(day) {
  return day.routes().reduce((n, r) => n + r.route.stops.length, 0);
}

function setBusy(running) {
  $("plan").disabled = running || !page.day;
  $("reroute").disabled = running || !page.day;
  $("cancel").disabled = !running;
  $("apply").disabled = running || !page.finished;
}

function setProgress(fraction, text) {
  page.fraction = fraction;
  const percent = Math.round(100 * Math.max(0, Math.min(1, fraction)));
  $("progress").setAttribute("aria-valuenow", String(percent));
  $("progress-fill").style.width = `${percent}%`;
  $("progress-text").textContent = text ?? `${percent}%`;
}

async function loadDay(event) {
  if (event) event.preventDefault();
  const key = $("key").value.trim();
  const date = $("date").value;
  if (!key || !date) return;
  sessionStorage.setItem("ordo.key", key);
  page.api = new Api(key);
  page.finished = null;
  status(`Loading ${date}…`);
  try {
    const [visits, drivers] = await Promise.all([page.api.visits(date), page.api.drivers()]);
    page.day = new Day(date, visits, drivers);
    redraw();
    status(`${visits.length} visits and ${drivers.length} drivers on ${date}.`);
    document.body.dataset.loaded = date;
    setBusy(false);
    await loadLocations(page.day);
  } catch (error) {
    status(`Cannot load the day: ${error.message}`, "error");
  }
}

// Performer locations, a few at a time (each is one request against the
// key's rate limit), then one redraw.
async function loadLocations(day) {
  const queue = [...day.drivers];
  const worker = async () => {
    while (queue.length) {
      const driver = queue.shift();
      try {
        day.setLocation(driver.id, await page.api.location(driver.id));
      } catch (error) {
        console.warn(`location of ${driver.id}: ${error.message}`);
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  if (page.day === day && day.locations.size) redraw();
}

async function startJob(mode) {
  const day = page.day;
  const budget = Number($("budget").value) || 5;
  const body = { date: day.date, timeLimitSeconds: budget };
  if (mode === "reroute") {
    body.mode = "reroute";
    body.now = page.fixedNow ?? localNow();
  }
  page.finished = null;
  document.body.dataset.jobStatus = "queued";
  setBusy(true);
  setProgress(0, "queued");
  page.job = new PlanJob(page.api, body, {
    onProgress: (job, best) => {
      document.body.dataset.jobStatus = job.status;
      const p = job.progress || {};
      setProgress(p.fraction || 0, `${Math.round(100 * (p.fraction || 0))}% · served ${p.served ?? "–"} · unassigned ${p.unassigned ?? "–"}`);
      if (best) {
        day.setPlan(best);
        redraw();
      }
    },
    onFinished: (job) => finished(day, job, mode),
    onError: (error) => {
      setBusy(false);
      status(`Plan job: ${error.message}`, "error");
    },
  });
  try {
    const id = await page.job.start();
    document.body.dataset.jobId = id;
    status(mode === "reroute" ? `Re-routing from ${new Date().toLocaleTimeString()}…` : "Planning…");
  } catch (error) {
    setBusy(false);
    setProgress(0, "not started");
    status(`Cannot start: ${error.message}`, "error");
  }
}

function finished(day, job, mode) {
  document.body.dataset.jobStatus = job.status;
  const plan = (job.result && job.result.plan) || job.bestPlan;
  if (job.status === "failed" || !plan) {
    setProgress(0, job.status);
    page.finished = null;
    setBusy(false);
    status(`Plan job ${job.status}: ${job.error || "no plan"}`, "error");
    return;
  }
  day.setPlan(plan);
  // Only a done job's plan can be applied; a cancelled one's best plan is
  // shown, not published.
  page.finished = job.status === "done" ? { job, plan, mode } : null;
  redraw();
  const s = plan.summary || {};
  const verdict = job.result && job.result.feasible === false ? " · CHECKER FOUND VIOLATIONS" : "";
  if (job.status === "done") setProgress(1, `100% · served ${s.served} · unassigned ${(plan.unassigned || []).length}`);
  // A cancelled search stops where it was (its final record says 1.0:
  // the job is over, not the budget used).
  else setProgress(page.fraction || 0, `${job.status} · best plan kept`);
  const changes = mode === "reroute" ? ` · ${(plan.changes || []).length} changes` : "";
  const verb = job.status !== "done" ? "Cancelled, best plan shown" : mode === "reroute" ? "Re-routed" : "Planned";
  const next = job.status === "done" ? "Apply to publish." : "Not applied: plan again to publish.";
  status(`${verb}: ${s.served} served, ${(plan.unassigned || []).length} unassigned, ${s.driversUsed} drivers${changes}${verdict}. ${next}`, verdict ? "error" : "info");
  setBusy(false);
}

// Apply publishes the shown plan: the server applies the done job's plan
// (POST /plans/{id}/apply) with the job's conflict rule, all or nothing; a
// visit changed since the job read the day refuses it (409, listed here).
async function apply() {
  const day = page.day;
  const done = page.finished;
  if (!done) return;
  $("apply").disabled = true;
  try {
    const answer = await page.api.applyPlan(done.job.id);
    const count = answer.meta.appliedVisits;
    status(answer.meta.alreadyApplied ? "Already applied: nothing changed." : `Applied: ${count} visits updated.`);
    document.body.dataset.applied = String(count);
    const visits = await page.api.visits(day.date);
    const kept = day.plan;
    page.day = new Day(day.date, visits, day.drivers);
    page.day.locations = day.locations;
    page.day.setPlan(kept);
    page.finished = null;
    redraw();
  } catch (error) {
    if (error.conflicts.length) {
      const named = error.conflicts.slice(0, 5).map((c) => day.visitLabel(day.visit(c.visitId), c.id ?? c.visitId));
      const more = error.conflicts.length > named.length ? ` and ${error.conflicts.length - named.length} more` : "";
      status(`Not applied: changed since the plan read the day: ${named.join(", ")}${more}. Plan again.`, "error");
      document.body.dataset.applyConflicts = error.conflicts.map((c) => c.visitId).join(" ");
      page.finished = null;
    } else {
      status(`Cannot apply: ${error.message}`, "error");
    }
  } finally {
    setBusy(false);
  }
}

function init() {
  const params = new URLSearchParams(location.hash.slice(1));
  $("key").value = params.get("key") || sessionStorage.getItem("ordo.key") || "";
  $("date").value = params.get("date") || localToday();
  if (params.get("key")) history.replaceState(null, "", location.pathname);
  $("signin").addEventListener("submit", loadDay);
  $("plan").addEventListener("click", () => startJob("plan"));
  $("reroute").addEventListener("click", () => startJob("reroute"));
  $("cancel").addEventListener("click", async () => {
    try {
      await page.job.cancel();
      status("Cancelling…");
    } catch (error) {
      status(`Cannot cancel: ${error.message}`, "error");
    }
  });
  $("apply").addEventListener("click", apply);
  for (const id of ["unassigned", "changes"]) {
    $(id).addEventListener("click", (event) => {
      const button = event.target.closest("button[data-visit]");
      if (button) select(button.dataset.visit, "panel");
    });
  }
  if ($("key").value && params.get("date")) loadDay();
}

init();
