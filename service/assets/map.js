// The map: one line per route in its colour (road geometry when the route
// carries a GeoJSON LineString, straight legs otherwise), stops numbered by
// serviceOrder, each driver's start and current position, unassigned
// visits as distinct markers. Without tiles (offline or `--tiles none`)
// everything draws on the plain background.

import { clock } from "./day.js";

// Above this many stops, numbered labels give way to dots (numbers stay in
// the tooltips): thousands of labelled DOM markers make panning stutter.
const NUMBERED_STOPS_MAX = 400;

export class RouteMap {
  constructor(element, { tiles, attribution }, onSelect) {
    this.map = L.map(element, { zoomSnap: 0.25, keyboard: true });
    this.map.setView([57.15, -2.1], 9);
    if (tiles) {
      L.tileLayer(tiles, { attribution, maxZoom: 19, crossOrigin: true }).addTo(this.map);
    }
    this.layer = L.layerGroup().addTo(this.map);
    // Dots of large days go to one canvas: thousands of SVG nodes make the
    // first draw and every pan slow. Route lines stay SVG (one per route).
    this.dots = L.canvas({ padding: 0.3 });
    this.markers = new Map();
    this.onSelect = onSelect;
    this.selected = null;
  }

  draw(day) {
    this.layer.clearLayers();
    this.markers.clear();
    const bounds = [];
    const served = new Set();
    const routes = day.routes();
    const numbered = routes.reduce((n, r) => n + r.route.stops.length, 0) <= NUMBERED_STOPS_MAX;
    for (const { route, style, driver } of routes) {
      const line = this.routeLine(day, route, driver);
      bounds.push(...line);
      L.polyline(line, { ...style, weight: 3, opacity: 0.85, className: "route-line" }).addTo(this.layer);
      for (const stop of route.stops) {
        served.add(String(stop.visitId));
        const at = day.visitPoint(day.visit(stop.visitId));
        if (at) this.addStop(day, stop, route, style.color, at, numbered);
      }
    }
    for (const item of (day.plan && day.plan.unassigned) || []) {
      served.add(String(item.visitId));
      const at = day.visitPoint(day.visit(item.visitId));
      if (!at) continue;
      bounds.push(at);
      const marker = L.marker(at, {
        icon: L.divIcon({ className: "unassigned-marker", html: "<span></span>", iconSize: [18, 18] }),
        title: `unassigned: ${day.visitLabel(day.visit(item.visitId), item.visitId)}`,
      }).bindTooltip(`<b>Unassigned</b> ${escapeHtml(day.visitLabel(day.visit(item.visitId), item.visitId))}<br>${escapeHtml(item.reason)}: ${escapeHtml(item.detail || "")}`);
      this.track(marker, item.visitId);
    }
    // Before a plan: the day's visits as plain dots.
    for (const visit of day.visits) {
      const key = String(visit._id ?? visit.id);
      if (served.has(key)) continue;
      const at = day.visitPoint(visit);
      if (!at) continue;
      bounds.push(at);
      const dot = L.circleMarker(at, { renderer: day.visits.length > NUMBERED_STOPS_MAX ? this.dots : undefined, radius: 4, color: "#555", weight: 1, fillColor: "#bbb", fillOpacity: 0.9, className: "visit-dot" })
        .bindTooltip(`${escapeHtml(day.visitLabel(visit))}<br>window ${day.windows(visit)}`);
      this.track(dot, key);
    }
    this.drawDrivers(day, routes, bounds);
    if (bounds.length) this.map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
  }

  routeLine(day, route, driver) {
    const geometry = route.geometry || (route.options && route.options.geometry);
    if (geometry && geometry.type === "LineString" && Array.isArray(geometry.coordinates)) {
      return geometry.coordinates.map(([lng, lat]) => [lat, lng]);
    }
    const points = [day.driverStart(driver)];
    for (const stop of route.stops) points.push(day.visitPoint(day.visit(stop.visitId)));
    points.push(day.driverEnd(driver));
    return points.filter(Boolean);
  }

  addStop(day, stop, route, color, at, numbered) {
    const visit = day.visit(stop.visitId);
    const change = day.changes.get(String(stop.visitId));
    const changed = change ? " changed" : "";
    const tip = `<b>#${stop.serviceOrder}</b> ${escapeHtml(day.visitLabel(visit, stop.visitId))}<br>` +
      `driver ${escapeHtml(route.driverId)} · ETA ${clock(stop.serviceStart)} · window ${day.windows(visit)}` +
      (visit && visit.priority != null ? ` · priority ${escapeHtml(visit.priority)}` : "") +
      (change ? `<br><b>changed:</b> ${escapeHtml(change.kinds.join(", "))}` : "");
    let marker;
    if (numbered) {
      marker = L.marker(at, {
        icon: L.divIcon({
          className: `stop-marker${changed}`,
          html: `<span style="background:${color}">${stop.serviceOrder}</span>`,
          iconSize: [22, 22],
        }),
        title: `stop ${stop.serviceOrder} of ${route.driverId}`,
        keyboard: true,
      });
    } else {
      marker = L.circleMarker(at, { renderer: this.dots, radius: change ? 6 : 4, color: change ? "#000" : color, weight: change ? 3 : 1, fillColor: color, fillOpacity: 0.9, className: `stop-dot${changed}` });
    }
    this.track(marker.bindTooltip(tip), stop.visitId);
  }

  drawDrivers(day, routes, bounds) {
    const colour = new Map(routes.map((r) => [String(r.route.driverId), r.style.color]));
    for (const driver of day.drivers) {
      const color = colour.get(String(driver.id)) || "#777";
      const start = day.driverStart(driver);
      const name = escapeHtml(driver.name || driver.id);
      if (start) {
        bounds.push(start);
        L.marker(start, {
          icon: L.divIcon({ className: "driver-start", html: `<span style="border-color:${color}">⌂</span>`, iconSize: [20, 20] }),
          title: `start of ${driver.name || driver.id}`,
          keyboard: false,
        }).bindTooltip(`Start of ${name}`).addTo(this.layer);
      }
      const now = day.locations.get(String(driver.id));
      if (now) {
        L.marker(now, {
          icon: L.divIcon({ className: "driver-current", html: `<span style="background:${color}">▲</span>`, iconSize: [20, 20] }),
          title: `${driver.name || driver.id} now`,
          keyboard: false,
        }).bindTooltip(`${name}: latest position`).addTo(this.layer);
      }
    }
  }

  track(marker, visitId) {
    const key = String(visitId);
    marker.on("click", () => this.onSelect(key, "map"));
    marker.addTo(this.layer);
    this.markers.set(key, marker);
  }

  highlight(visitId) {
    const previous = this.selected && this.markers.get(this.selected);
    if (previous) setSelected(previous, false);
    this.selected = String(visitId);
    const marker = this.markers.get(this.selected);
    if (!marker) return;
    setSelected(marker, true);
    marker.openTooltip();
    if (!this.map.getBounds().contains(marker.getLatLng())) this.map.panTo(marker.getLatLng());
  }
}

function setSelected(marker, on) {
  const element = marker.getElement ? marker.getElement() : marker._path;
  if (element) element.classList.toggle("selected", on);
  if (marker.setRadius) marker.setRadius(on ? 9 : 4);
}

export function escapeHtml(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
