// The timeline: one row per driver with a route, over the day: the shift
// (its bounds), travel, waiting, service, the break, and a "now" line on
// today's plan. Service blocks are buttons: hover or focus shows the visit,
// its windows, ETA and priority; a click selects it (and the map follows).

import { clock, duration } from "./day.js";
import { escapeHtml } from "./map.js";

export class Timeline {
  constructor(element, tip, onSelect) {
    this.element = element;
    this.tip = tip;
    this.onSelect = onSelect;
    this.blocks = new Map();
    this.selected = null;
    element.addEventListener("click", (event) => {
      const block = event.target.closest(".tl-service");
      if (block) this.onSelect(block.dataset.visit, "timeline");
    });
    element.addEventListener("mouseover", (event) => this.showTip(event.target.closest(".tl-service")));
    element.addEventListener("focusin", (event) => this.showTip(event.target.closest(".tl-service")));
    element.addEventListener("mouseout", () => this.hideTip());
    element.addEventListener("focusout", () => this.hideTip());
  }

  draw(day, now) {
    this.day = day;
    this.blocks.clear();
    const routes = day.routes();
    if (!routes.length) {
      this.element.innerHTML = `<p class="empty">No plan yet: "Plan the day" draws one row per driver.</p>`;
      return;
    }
    const [from, to] = span(day, routes);
    const at = (seconds) => `${(100 * (seconds - from)) / (to - from)}%`;
    const width = (a, b) => `${(100 * Math.max(0, b - a)) / (to - from)}%`;
    const html = [`<div class="tl-axis" aria-hidden="true"><span class="tl-label"></span><div class="tl-track">`];
    for (let h = Math.ceil(from / 3600); h * 3600 <= to; h++) {
      html.push(`<span class="tl-hour" style="left:${at(h * 3600)}">${String(h % 24).padStart(2, "0")}:00</span>`);
    }
    html.push(`</div></div>`);
    for (const { route, style, driver } of routes) {
      html.push(this.row(day, route, style, driver, at, width));
    }
    if (now != null && now > from && now < to) {
      html.push(`<div class="tl-now-wrap" aria-hidden="true"><span class="tl-label"></span><div class="tl-track"><div class="tl-now" style="left:${at(now)}" title="now ${clock(now)}"><span>now ${clock(now)}</span></div></div></div>`);
    }
    this.element.innerHTML = html.join("");
    for (const block of this.element.querySelectorAll(".tl-service")) this.blocks.set(block.dataset.visit, block);
  }

  row(day, route, style, driver, at, width) {
    const parts = [];
    const shift = driver && driver.shift;
    if (shift) parts.push(`<div class="tl-shift" style="left:${at(shift.earliest)};width:${width(shift.earliest, shift.latest)}" title="shift ${clock(shift.earliest)}–${clock(shift.latest)}"></div>`);
    const brk = route.break;
    let free = route.start;
    const block = (kind, a, b, extra = "") => (b > a ? `<div class="tl-${kind}" style="left:${at(a)};width:${width(a, b)}${extra}"></div>` : "");
    const breakAfter = (order) => brk && brk.afterServiceOrder === order && brk.end > brk.start;
    if (breakAfter(0)) {
      parts.push(block("break", brk.start, brk.end));
      free = Math.max(free, brk.end);
    }
    for (const stop of route.stops) {
      parts.push(block("travel", free, stop.arrival, `;background:${style.color}`));
      parts.push(block("wait", stop.arrival, stop.serviceStart));
      const visit = day.visit(stop.visitId);
      const changed = day.changes.has(String(stop.visitId)) ? " changed" : "";
      const label = `${day.visitLabel(visit, stop.visitId)}, stop ${stop.serviceOrder}, ETA ${clock(stop.serviceStart)}`;
      parts.push(`<button type="button" class="tl-service${changed}" data-visit="${escapeHtml(stop.visitId)}" data-route="${escapeHtml(route.driverId)}" data-order="${stop.serviceOrder}" style="left:${at(stop.serviceStart)};width:${width(stop.serviceStart, stop.departure)};background:${style.color}" aria-label="${escapeHtml(label)}"></button>`);
      free = stop.departure;
      if (breakAfter(stop.serviceOrder)) {
        parts.push(block("break", brk.start, brk.end));
        free = Math.max(free, brk.end);
      }
    }
    if (route.end > free) parts.push(block("travel", free, route.end, `;background:${style.color}`));
    const name = escapeHtml((driver && driver.name) || route.driverId);
    const summary = `${route.stops.length} stops, ${duration(route.travelTime)} travel`;
    return `<div class="tl-row" data-driver="${escapeHtml(route.driverId)}">` +
      `<span class="tl-label" title="${name}: ${summary}"><i style="background:${style.color}"></i>${name}<small>${summary}</small></span>` +
      `<div class="tl-track">${parts.join("")}</div></div>`;
  }

  showTip(block) {
    if (!block || !this.day) return;
    const day = this.day;
    const route = day.routes().find((r) => String(r.route.driverId) === block.dataset.route);
    const stop = route && route.route.stops.find((s) => String(s.serviceOrder) === block.dataset.order);
    if (!stop) return;
    const visit = day.visit(stop.visitId);
    const change = day.changes.get(String(stop.visitId));
    this.tip.innerHTML = `<b>${escapeHtml(day.visitLabel(visit, stop.visitId))}</b><br>` +
      `stop ${stop.serviceOrder} of ${escapeHtml((route.driver && route.driver.name) || route.route.driverId)}<br>` +
      `window ${day.windows(visit)}<br>ETA ${clock(stop.serviceStart)} (arrives ${clock(stop.arrival)}, leaves ${clock(stop.departure)})<br>` +
      `priority ${escapeHtml(visit && visit.priority != null ? visit.priority : "–")}` +
      (change ? `<br><b>changed</b>: ${escapeHtml(describeChange(change))}` : "");
    const box = block.getBoundingClientRect();
    this.tip.hidden = false;
    const left = Math.min(window.innerWidth - this.tip.offsetWidth - 8, Math.max(8, box.left));
    const top = box.top - this.tip.offsetHeight - 6 > 0 ? box.top - this.tip.offsetHeight - 6 : box.bottom + 6;
    this.tip.style.left = `${left + window.scrollX}px`;
    this.tip.style.top = `${top + window.scrollY}px`;
  }

  hideTip() {
    this.tip.hidden = true;
  }

  highlight(visitId) {
    if (this.selected) this.selected.classList.remove("selected");
    this.selected = this.blocks.get(String(visitId)) || null;
    if (this.selected) {
      this.selected.classList.add("selected");
      this.selected.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }
}

// From the earliest shift start (or route start) to the latest end, on
// whole hours.
function span(day, routes) {
  let from = Infinity;
  let to = -Infinity;
  for (const { route, driver } of routes) {
    const shift = (driver && driver.shift) || {};
    from = Math.min(from, route.start, shift.earliest ?? Infinity);
    to = Math.max(to, route.end, shift.latest ?? -Infinity);
  }
  return [Math.floor(from / 3600) * 3600, Math.ceil(to / 3600) * 3600 || from + 3600];
}

export function describeChange(change) {
  const parts = [];
  if (change.oldDriverId !== change.newDriverId) parts.push(`driver ${change.oldDriverId ?? "none"} → ${change.newDriverId ?? "none"}`);
  if (change.oldServiceOrder !== change.newServiceOrder) parts.push(`stop ${change.oldServiceOrder ?? "–"} → ${change.newServiceOrder ?? "–"}`);
  if (change.oldEta != null || change.newEta != null) parts.push(`ETA ${clock(change.oldEta)} → ${clock(change.newEta)}`);
  return `${parts.join(", ")} (${(change.kinds || []).join(", ")})`;
}
