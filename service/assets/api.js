// The page's only way to the server: the public API (/api/v2/...), with the
// key as a Bearer token. Paces itself to the key's rate limit (`Pacer`),
// and still waits out a 429 (Retry-After) instead of failing. Answers are
// parsed keeping every id exact (see `parseExact`).

import { Pacer } from "./pacer.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A JSON string, or an integer literal of 16 digits or more standing alone
// (not part of a decimal or an exponent).
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\w.+-])-?\d{16,}(?![\w.])/g;

// JSON.parse, except that an integer beyond Number.MAX_SAFE_INTEGER (an id
// such as 9007199254740993, which a double would round to ...992) becomes
// the string of its digits: shown, compared and put in URLs exactly. The
// page never sends such a record back as a number: Apply names the plan
// job, and the server writes the visits it already holds.
export function parseExact(text) {
  const exact = text.replace(STRING_OR_LONG_INTEGER, (token) =>
    token.startsWith('"') || Number.isSafeInteger(Number(token)) ? token : `"${token}"`);
  return JSON.parse(exact);
}

export class ApiError extends Error {
  constructor(status, message, meta) {
    super(message);
    this.status = status;
    this.errors = (meta && meta.errors) || [];
    // A 409's visits in the way: [{visitId, id, reason}].
    this.conflicts = (meta && meta.conflicts) || [];
  }
}

export class Api {
  constructor(key) {
    this.key = key;
    this.pacer = new Pacer();
  }

  async request(method, path, body) {
    for (let attempt = 0; ; attempt++) {
      const headers = { Authorization: `Bearer ${this.key}`, Accept: "application/json" };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      await this.pacer.before();
      let response;
      try {
        response = await fetch(path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        this.pacer.failed();
        throw error;
      }
      this.pacer.after(response);
      if (response.status === 429 && attempt < 6) {
        const seconds = Number(response.headers.get("Retry-After")) || 1;
        await sleep(seconds * 1000);
        continue;
      }
      const text = await response.text();
      const json = text ? parseExact(text) : null;
      if (!response.ok) {
        const meta = (json && json.meta) || {};
        const detail = (meta.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ");
        throw new ApiError(response.status, `${meta.error || response.statusText}${detail ? ` (${detail})` : ""}`, meta);
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

  // Publishes a done job's plan (POST /plans/{id}/apply): all or nothing,
  // a 409 lists the visits changed since the job read the day.
  async applyPlan(id) {
    return this.request("POST", `/api/v2/plans/${encodeURIComponent(id)}/apply`);
  }
}
