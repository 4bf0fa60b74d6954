// The day as the page holds it: the visits and drivers read from the API,
// the plan shown (a plan result: routes, unassigned, changes), and what
// they derive (colours, lookups, times).

// Paul Tol's "muted" scheme plus two of his dark tones: distinguishable
// under the common colour-vision deficiencies. Beyond them colours repeat
// with a dash pattern, so two routes never look the same.
export const PALETTE = [
  "#332288", "#117733", "#CC6677", "#88CCEE", "#DDCC77",
  "#AA4499", "#44AA99", "#999933", "#882255", "#6699CC", "#555555",
];
const DASHES = [null, "8 5", "2 5", "12 4 2 4"];

export function routeStyle(index) {
  return {
    color: PALETTE[index % PALETTE.length],
    dashArray: DASHES[Math.floor(index / PALETTE.length) % DASHES.length],
  };
}

// Seconds from midnight as HH:MM (past midnight rolls over).
export function clock(seconds) {
  if (seconds == null || !Number.isFinite(Number(seconds))) return "–";
  const total = Math.round(Number(seconds) / 60);
  const h = Math.floor(total / 60) % 24;
  const m = total % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

export function duration(seconds) {
  const minutes = Math.round(seconds / 60);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

// The current local time in seconds from midnight, and today's date.
export function localNow() {
  const d = new Date();
  return d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds();
}

export function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function point(value) {
  if (!value) return null;
  if (typeof value === "string") {
    const parts = value.replace(/[()]/g, "").split(",").map(Number);
    return parts.length === 2 && parts.every(Number.isFinite) ? [parts[0], parts[1]] : null;
  }
  const lat = Number(value.lat ?? value.x);
  const lng = Number(value.lng ?? value.lon ?? value.y);
  return Number.isFinite(lat) && Number.isFinite(lng) ? [lat, lng] : null;
}

export class Day {
  constructor(date, visits, drivers) {
    this.date = date;
    this.visits = visits;
    this.drivers = drivers;
    this.visitByKey = new Map();
    for (const v of visits) {
      if (v._id != null) this.visitByKey.set(String(v._id), v);
      if (v.id != null && !this.visitByKey.has(String(v.id))) this.visitByKey.set(String(v.id), v);
    }
    this.driverById = new Map(drivers.map((d) => [String(d.id), d]));
    this.locations = new Map();
    this.plan = null;
    this.changes = new Map();
  }

  visit(key) {
    return this.visitByKey.get(String(key));
  }

  visitPoint(visit) {
    if (!visit) return null;
    const lat = Number(visit.lat);
    const lng = Number(visit.lng);
    return Number.isFinite(lat) && Number.isFinite(lng) && visit.lat !== "" ? [lat, lng] : null;
  }

  driverStart(driver) {
    return driver ? point(driver.start) : null;
  }

  driverEnd(driver) {
    return driver ? point(driver.end) : null;
  }

  setLocation(driverId, location) {
    const p = location && (point(location.location) || point(location));
    if (p) this.locations.set(String(driverId), p);
  }

  // Shows `plan` (a plan result); a re-route's `changes` are kept by visit.
  setPlan(plan) {
    this.plan = plan;
    this.changes = new Map(((plan && plan.changes) || []).map((c) => [String(c.visitId), c]));
  }

  // Routes with their colour index, in the order the plan lists them.
  routes() {
    return ((this.plan && this.plan.routes) || []).map((route, index) => ({
      route,
      index,
      style: routeStyle(index),
      driver: this.driverById.get(String(route.driverId)),
    }));
  }

  visitLabel(visit, fallback) {
    if (!visit) return String(fallback);
    return visit.customer ? `${visit.customer} (${visit.id})` : String(visit.id ?? fallback);
  }

  windows(visit) {
    const list = (visit && visit.time_windows) || [];
    return list.length ? list.map((w) => `${clock(w.earliest)}–${clock(w.latest)}`).join(", ") : "any time";
  }
}
