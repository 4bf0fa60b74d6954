// A plan job seen from the page: POST /api/v2/plans, then GET it twice a
// second, reporting `progress` and each new `bestPlan` until it is final;
// DELETE cancels (the job keeps its best plan).

const POLL_MS = 500;
const FINAL = new Set(["done", "failed", "cancelled"]);

export class PlanJob {
  constructor(api, body, { onProgress, onFinished, onError }) {
    this.api = api;
    this.body = body;
    this.onProgress = onProgress;
    this.onFinished = onFinished;
    this.onError = onError;
    this.id = null;
    this.stopped = false;
    this.lastBest = null;
  }

  async start() {
    this.id = await this.api.startPlan(this.body);
    this.poll();
    return this.id;
  }

  async poll() {
    while (!this.stopped) {
      let job;
      try {
        job = await this.api.job(this.id);
      } catch (error) {
        this.stopped = true;
        this.onError(error);
        return;
      }
      if (FINAL.has(job.status)) {
        this.stopped = true;
        this.onFinished(job);
        return;
      }
      const best = job.bestPlan && JSON.stringify(job.bestPlan.summary || {});
      const fresh = best && best !== this.lastBest;
      if (fresh) this.lastBest = best;
      this.onProgress(job, fresh ? job.bestPlan : null);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async cancel() {
    if (this.id) await this.api.cancel(this.id);
  }
}
