// The side panels: the day's summary, the unassigned visits grouped by
// reason (with counts), a re-route's changes, and the drivers. Every item
// naming a visit is a button that selects it on the map and the timeline.

import { clock, duration } from "./day.js";
import { escapeHtml } from "./map.js";
import { describeChange } from "./timeline.js";

export function drawSummary(element, day) {
  const plan = day.plan;
  const s = (plan && plan.summary) || {};
  const rows = [
    ["Day", day.date],
    ["Visits", day.visits.length],
    ["Drivers", day.drivers.length],
  ];
  if (plan) {
    rows.push(["Served", s.served], ["Unassigned", (plan.unassigned || []).length], ["Drivers used", s.driversUsed]);
    rows.push(["Travel", duration(s.travelTime || 0)], ["Distance", `${((s.distance || 0) / 1000).toFixed(1)} km`]);
  }
  element.innerHTML = `<dl>${rows.map(([k, v]) => `<div><dt>${k}</dt><dd>${escapeHtml(v ?? "–")}</dd></div>`).join("")}</dl>`;
}

export function drawUnassigned(element, countElement, day) {
  const items = (day.plan && day.plan.unassigned) || [];
  countElement.textContent = day.plan ? `(${items.length})` : "";
  if (!day.plan) {
    element.innerHTML = `<p class="empty">Plan the day to see what cannot be served and why.</p>`;
    return;
  }
  if (!items.length) {
    element.innerHTML = `<p class="empty">Every visit is served.</p>`;
    return;
  }
  const groups = new Map();
  for (const item of items) {
    if (!groups.has(item.reason)) groups.set(item.reason, []);
    groups.get(item.reason).push(item);
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  element.innerHTML = sorted.map(([reason, list]) =>
    `<details class="reason-group" open data-reason="${escapeHtml(reason)}"><summary>${escapeHtml(reason)} <span class="count">${list.length}</span></summary><ul>` +
    list.map((item) => `<li class="unassigned-item"><button type="button" data-visit="${escapeHtml(item.visitId)}">${escapeHtml(day.visitLabel(day.visit(item.visitId), item.visitId))}</button><span class="detail">${escapeHtml(item.detail || "")}</span></li>`).join("") +
    `</ul></details>`).join("");
}

export function drawChanges(panel, list, countElement, day) {
  const changes = (day.plan && day.plan.changes) || [];
  const isReroute = day.plan && day.plan.summary && day.plan.summary.changes;
  panel.hidden = !isReroute;
  if (!isReroute) return;
  countElement.textContent = `(${changes.length})`;
  list.innerHTML = changes.length
    ? changes.map((c) => `<li class="change-item"><button type="button" data-visit="${escapeHtml(c.visitId)}">${escapeHtml(day.visitLabel(day.visit(c.visitId), c.visitId))}</button> <span>${escapeHtml(describeChange(c))}</span></li>`).join("")
    : `<li class="empty">No visit changes.</li>`;
}

export function drawDrivers(element, countElement, day) {
  const used = new Map(day.routes().map((r) => [String(r.route.driverId), r]));
  countElement.textContent = `(${day.drivers.length})`;
  element.innerHTML = day.drivers.map((driver) => {
    const r = used.get(String(driver.id));
    const shift = driver.shift ? `${clock(driver.shift.earliest)}–${clock(driver.shift.latest)}` : "";
    const colour = r ? `<i style="background:${r.style.color}"></i>` : `<i class="unused"></i>`;
    const detail = r ? `${r.route.stops.length} stops, ${duration(r.route.travelTime)} travel` : day.plan ? "no route" : "";
    return `<li class="driver-item">${colour}<b>${escapeHtml(driver.name || driver.id)}</b> <span>${escapeHtml(driver.vehicleId || "")} ${shift}</span> <small>${escapeHtml(detail)}</small></li>`;
  }).join("");
}
