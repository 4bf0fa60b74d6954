// The page's only way to the server: the public API (/api/v2/...), with the
// key as a Bearer token. Waits out a 429 (Retry-After) instead of failing.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class ApiError extends Error {
  constructor(status, message, errors) {
    super(message);
    this.status = status;
    this.errors = errors || [];
  }
}

export class Api {
  constructor(key) {
    this.key = key;
  }

  async request(method, path, body) {
    for (let attempt = 0; ; attempt++) {
      const headers = { Authorization: `Bearer ${this.key}`, Accept: "application/json" };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (response.status === 429 && attempt < 6) {
        const seconds = Number(response.headers.get("Retry-After")) || 1;
        await sleep(seconds * 1000);
        continue;
      }
      const text = await response.text();
      const json = text ? JSON.parse(text) : null;
      if (!response.ok) {
        const meta = (json && json.meta) || {};
        const detail = (meta.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ");
        throw new ApiError(response.status, `${meta.error || response.statusText}${detail ? ` (${detail})` : ""}`, meta.errors);
      }
      return json;
    }
  }

  // Every page of a list (100 per page, `meta.nextStart`).
  async listAll(path) {
    const records = [];
    let start = 0;
    const join = path.includes("?") ? "&" : "?";
    for (;;) {
      const page = await this.request("GET", `${path}${join}pagination=${start}`);
      records.push(...(page.data || []));
      const next = page.meta && page.meta.nextStart;
      if (!page.meta || !page.meta.remainingRecords || next == null || next <= start) return records;
      start = next;
    }
  }

  visits(date) {
    return this.listAll(`/api/v2/visits?date=${encodeURIComponent(date)}`);
  }

  drivers() {
    return this.listAll("/api/v2/drivers");
  }

  async location(driverId) {
    const answer = await this.request("GET", `/api/v2/drivers/${encodeURIComponent(driverId)}/location`);
    return answer.data;
  }

  async startPlan(body) {
    const answer = await this.request("POST", "/api/v2/plans", body);
    return answer.data.id;
  }

  async job(id) {
    return (await this.request("GET", `/api/v2/plans/${encodeURIComponent(id)}`)).data;
  }

  async cancel(id) {
    return (await this.request("DELETE", `/api/v2/plans/${encodeURIComponent(id)}`)).data;
  }

  async saveVisits(records) {
    return this.request("POST", "/api/v2/visits", records);
  }
}
