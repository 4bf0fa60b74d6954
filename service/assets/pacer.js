// Keeps the page under its key's rate limit instead of running into it.
// Every answer's X-RateLimit-Remaining and X-RateLimit-Reset (seconds until
// the window restarts) say how many requests are left and until when; when
// none are left, the next request waits for the restart. A 429 is then
// rare (another client on the same key), and the browser, which logs every
// 429 as a console error, stays quiet on large days.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Pacer {
  constructor() {
    // Unknown until the first answer.
    this.left = Infinity;
    this.resetAt = 0;
    this.inFlight = 0;
    // How often a request waited (shown in the page's state for tests).
    this.waits = 0;
  }

  // Resolves when a request may go out; call `after` with its answer.
  async before() {
    let waited = false;
    for (;;) {
      const now = Date.now();
      if (this.resetAt && now >= this.resetAt) {
        this.left = Infinity;
        this.resetAt = 0;
      }
      // Requests in flight are not in the last answer's count yet.
      if (this.left - this.inFlight > 0) {
        this.inFlight++;
        if (waited) this.waits++;
        return;
      }
      waited = true;
      await sleep(Math.max(50, this.resetAt - now));
    }
  }

  // A request that got no answer (network error).
  failed() {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  after(response) {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const left = Number(response.headers.get("X-RateLimit-Remaining"));
    const reset = Number(response.headers.get("X-RateLimit-Reset"));
    if (!response.headers.has("X-RateLimit-Remaining") || !Number.isFinite(left) || !Number.isFinite(reset)) return;
    const now = Date.now();
    // Answers can arrive out of order: within a known window the lowest
    // count is the latest.
    this.left = now < this.resetAt ? Math.min(this.left, left) : left;
    this.resetAt = Math.max(this.resetAt, now + reset * 1000);
  }
}
